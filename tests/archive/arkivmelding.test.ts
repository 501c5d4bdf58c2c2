import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SaxesParser } from 'saxes';
import {
  arkivmeldingFor,
  buildArkivmelding,
  DEFAULT_ARCHIVE_PROFILE,
  ENTRY_TYPES,
  escapeXmlText,
  hasIllegalXmlChars,
  XmlCharacterError,
} from '../../src/core/archive/index.ts';
import { contract, document, file } from './fixtures.ts';
import { validateArkivmelding } from './xsd.ts';

const profile = DEFAULT_ARCHIVE_PROFILE;

/** Parses the XML with a real parser and returns the text of every element with the given name. */
function texts(xml: string, local: string): string[] {
  const parser = new SaxesParser({ xmlns: true });
  const out: string[] = [];
  let current: string[] | null = null;
  parser.on('opentag', (t) => {
    if (t.local === local) current = [];
  });
  parser.on('text', (t) => current?.push(t));
  parser.on('closetag', (t) => {
    if (t.local === local && current) {
      out.push(current.join(''));
      current = null;
    }
  });
  parser.write(xml).close();
  return out;
}

async function assertValid(xml: string) {
  const errors = await validateArkivmelding(xml);
  assert.deepEqual(errors, [], `arkivmelding does not validate:\n${errors.join('\n')}\n${xml}`);
}

describe('arkivmelding against the official Fiks Arkiv V1 XSD', () => {
  test('case + entry without screening validates', async () => {
    const c = contract();
    const xml = buildArkivmelding(arkivmeldingFor(profile, c, document(c)));
    await assertValid(xml);
    const keys = texts(xml, 'noekkel');
    // The case key on the folder and on the entry's parent reference; the entry's and the file's key.
    assert.equal(keys.filter((k) => k === `kontrakt:${c.id}`).length, 2);
    assert.ok(keys.some((k) => k.startsWith('dokument:') && !k.includes('/')));
    assert.ok(keys.some((k) => k.endsWith('/1')));
    assert.equal(texts(xml, 'mappeID')[0], '2024/1234');
    assert.equal(texts(xml, 'antallFiler')[0], '1');
  });

  test('each registry entry type validates with its code and party', async () => {
    const c = contract();
    for (const entryType of ENTRY_TYPES) {
      const xml = buildArkivmelding(arkivmeldingFor(profile, c, document(c, { entryType })));
      await assertValid(xml);
      const kinds = texts(xml, 'kode');
      assert.ok(kinds.includes(entryType), `journalposttype ${entryType}`);
      const partType = { I: 'EA', U: 'EM', N: 'IA', X: 'IA' }[entryType];
      assert.ok(kinds.includes(partType), `korrespondanseparttype ${partType} for ${entryType}`);
      if (entryType === 'I') assert.equal(texts(xml, 'mottattDato').length, 1);
      if (entryType === 'U') assert.equal(texts(xml, 'sendtDato').length, 1);
    }
  });

  test('screened entry: skjerming on entry and documents, public title masked', async () => {
    const c = contract();
    const doc = document(c, {
      title: 'Prisbilag fra Rent & Pent AS',
      screening: {
        accessCode: '13',
        legalBasis: 'Offl. § 13 jf. fvl. § 13 første ledd nr. 2',
        screenedWords: ['Rent & Pent AS'],
      },
    });
    const xml = buildArkivmelding(arkivmeldingFor(profile, c, doc));
    await assertValid(xml);
    assert.deepEqual(texts(xml, 'skjermingshjemmel'), [
      'Offl. § 13 jf. fvl. § 13 første ledd nr. 2',
      'Offl. § 13 jf. fvl. § 13 første ledd nr. 2',
    ]);
    assert.ok(texts(xml, 'offentligTittel').includes('Prisbilag fra *****'));
  });

  test('several documents: main document and attachments, numbered, with checksums', async () => {
    const c = contract();
    const doc = document(c, {
      files: [
        file(1),
        file(2),
        file(3, {
          fileName: 'Bilde.png',
          packageName: '03-bilde.png',
          mediaType: 'image/png',
          extension: 'png',
        }),
        file(4, { variant: 'A', formatDetails: 'PDF/A-2b' }),
      ],
    });
    const xml = buildArkivmelding(arkivmeldingFor(profile, c, doc));
    await assertValid(xml);
    assert.equal(texts(xml, 'antallFiler')[0], '4');
    assert.equal(texts(xml, 'antallVedlegg')[0], '3');
    assert.deepEqual(texts(xml, 'dokumentnummer'), ['1', '2', '3', '4']);
    assert.deepEqual(texts(xml, 'referanseDokumentfil'), [
      '01-signert-avtale.pdf',
      '02-vedlegg-2.pdf',
      '03-bilde.png',
      '04-vedlegg-4.pdf',
    ]);
    assert.deepEqual(texts(xml, 'formatDetaljer'), ['PDF/A-2b']);
  });

  test('contract with confidential title and suppliers: case screened, parties marked', async () => {
    const c = contract({
      title: 'Hemmelig prosjekt',
      caseNumber: null,
      confidential: {
        title: { legalBasis: 'Offl. § 13 jf. fvl. § 13 første ledd nr. 2' },
        suppliers: { legalBasis: 'Offl. § 23 første ledd' },
      },
    });
    const xml = buildArkivmelding(arkivmeldingFor(profile, c, document(c)));
    await assertValid(xml);
    assert.ok(texts(xml, 'offentligTittel').includes('Avtale RA-2024-017'));
    assert.ok(!texts(xml, 'offentligTittel').some((t) => t.includes('Hemmelig')));
    assert.deepEqual(texts(xml, 'erSkjermet'), ['true', 'true']);
    assert.equal(texts(xml, 'mappeID').length, 0);
  });

  test('classification from the profile validates', async () => {
    const c = contract();
    const xml = buildArkivmelding(
      arkivmeldingFor(
        { ...profile, classification: { systemId: 'K-koder', classId: '055', title: 'Innkjøp' } },
        c,
        document(c),
      ),
    );
    await assertValid(xml);
    assert.deepEqual(texts(xml, 'klasseID'), ['055', '055']);
  });

  test('XML special characters and script in titles are escaped and round-trip exactly', async () => {
    const title = `Avtale <script>alert("x")</script> & 'sitat' ]]> &amp; "Ærlig" ≥ 😀`;
    const c = contract({ title, suppliers: [{ orgnr: '123456785', name: 'A&B <AS>' }] });
    const doc = document(c, {
      title,
      correspondent: { name: 'A&B <AS>', orgnr: '123456785' },
      files: [file(1, { fileName: `fil "<&>'.pdf` })],
    });
    const xml = buildArkivmelding(arkivmeldingFor(profile, c, doc));
    await assertValid(xml);
    assert.ok(!xml.includes('<script>'));
    assert.ok(texts(xml, 'tittel').includes(title));
    assert.deepEqual(texts(xml, 'filnavn'), [`fil "<&>'.pdf`]);
    assert.deepEqual(texts(xml, 'korrespondansepartNavn'), ['A&B <AS>']);
  });

  test('characters XML cannot carry are refused, not silently written', () => {
    assert.equal(hasIllegalXmlChars('ok\ttab\nline'), false);
    assert.equal(hasIllegalXmlChars('bell\u0007'), true);
    assert.equal(hasIllegalXmlChars('lone \uD800 surrogate'), true);
    assert.equal(hasIllegalXmlChars('pair 😀'), false);
    assert.throws(() => escapeXmlText('nul\u0000'), XmlCharacterError);
    const c = contract();
    assert.throws(
      () => buildArkivmelding(arkivmeldingFor(profile, c, document(c, { title: 'x\u0001' }))),
      XmlCharacterError,
    );
  });

  test('the same document always gives the same message (stable keys for retries)', () => {
    const c = contract();
    const doc = document(c);
    const a = buildArkivmelding(arkivmeldingFor(profile, c, doc));
    const b = buildArkivmelding(arkivmeldingFor(profile, c, doc));
    assert.equal(a, b);
    assert.ok(a.includes(`dokument:${doc.id}`));
  });

  test('a broken message fails validation (the check can fail)', async () => {
    const c = contract();
    const xml = buildArkivmelding(arkivmeldingFor(profile, c, document(c)));
    const broken = xml.replace(/<journalposttype>[\s\S]*?<\/journalposttype>/, '');
    assert.notEqual((await validateArkivmelding(broken)).length, 0);
  });
});
