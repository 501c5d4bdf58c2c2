import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { seedDemoDocuments } from '../../src/archive/demo/seed-documents.ts';
import {
  contentDisposition,
  DOKUMENTMEDIUM,
  DOKUMENTSTATUS,
  DOKUMENTTYPE,
  JOURNALPOSTTYPE,
  JOURNALSTATUS,
  KORRESPONDANSEPARTTYPE,
  packageFileName,
  publicTitle,
  SAKSSTATUS,
  SKJERMINGDOKUMENT,
  sanitiseFileName,
  TILKNYTTETREGISTRERINGSOM,
  VARIANTFORMAT,
  withDetectedExtension,
} from '../../src/core/archive/index.ts';
import { asViewer, PUBLIC, type User } from '../../src/core/index.ts';
import { harness } from './harness.ts';
import { sharedCodeList, validateArkivmelding } from './xsd.ts';

describe('code lists', () => {
  test('the product copies equal the shipped Fiks Arkiv V1 lists', () => {
    const copies = {
      journalposttype: JOURNALPOSTTYPE,
      dokumenttype: DOKUMENTTYPE,
      dokumentstatus: DOKUMENTSTATUS,
      journalstatus: JOURNALSTATUS,
      saksstatus: SAKSSTATUS,
      tilknyttetregistreringsom: TILKNYTTETREGISTRERINGSOM,
      variantformat: VARIANTFORMAT,
      korrespondanseparttype: KORRESPONDANSEPARTTYPE,
      skjermingdokument: SKJERMINGDOKUMENT,
      dokumentmedium: DOKUMENTMEDIUM,
    };
    for (const [name, copy] of Object.entries(copies)) {
      const shipped = sharedCodeList(name).map((c) => ({
        kode: c.kodeverdi,
        beskrivelse: c.kodebeskrivelse,
      }));
      assert.deepEqual([...copy], shipped, name);
    }
  });
});

describe('file names and titles', () => {
  test('sanitising removes paths, control characters and reserved names', () => {
    assert.equal(sanitiseFileName('../../etc/passwd'), 'passwd');
    assert.equal(sanitiseFileName('..\\..\\Windows\\system32\\cmd.exe'), 'cmd.exe');
    assert.equal(sanitiseFileName('..'), 'dokument');
    assert.equal(sanitiseFileName('/'), 'dokument');
    assert.equal(sanitiseFileName('a\u0000b\u001Fc\u202Efdp.exe'), 'abcfdp.exe');
    assert.equal(sanitiseFileName('CON.pdf'), '_CON.pdf');
    assert.equal(sanitiseFileName('  .skjult. '), 'skjult');
    assert.equal(sanitiseFileName('pris<>:"|?*.pdf'), 'pris_______.pdf');
    assert.equal(sanitiseFileName(`${'x'.repeat(500)}.pdf`).length, 180);
    assert.ok(sanitiseFileName(`${'x'.repeat(500)}.pdf`).endsWith('.pdf'));
    assert.equal(sanitiseFileName('Møtereferat Æøå.docx'), 'Møtereferat Æøå.docx');
  });

  test('package names are ASCII and numbered; extensions follow the detected type', () => {
    assert.equal(
      packageFileName(1, 'Møtereferat – Ærlig «svar».pdf', 'pdf'),
      '01-motereferat-aerlig-svar.pdf',
    );
    assert.equal(packageFileName(12, '../../', 'png'), '12-dokument.png');
    assert.equal(withDetectedExtension('bilde.jpeg', 'jpg'), 'bilde.jpeg');
    assert.equal(withDetectedExtension('kontrakt.pdf', 'docx'), 'kontrakt.pdf.docx');
    assert.equal(withDetectedExtension('uten', 'pdf'), 'uten.pdf');
  });

  test('public title masks screened words case-insensitively; Content-Disposition is safe', () => {
    assert.equal(
      publicTitle('Prisbilag fra ACME AS og acme as', { screenedWords: ['ACME AS'] }),
      'Prisbilag fra ***** og *****',
    );
    assert.equal(publicTitle('a.b (c)', { screenedWords: ['.b (c'] }), 'a*****)');
    assert.equal(
      contentDisposition('Avtale "ny"\r\nX-Evil: 1 æ.pdf'),
      `attachment; filename="Avtale _ny___X-Evil: 1 _.pdf"; filename*=UTF-8''Avtale%20%22ny%22%0D%0AX-Evil%3A%201%20%C3%A6.pdf`,
    );
  });
});

describe('seedDemoDocuments', () => {
  test('files signed agreements for several demo contracts, one screened, once', async () => {
    const h = await harness();
    try {
      const admin: User = {
        id: 'ks',
        name: 'Kari Service',
        email: 'k@x.no',
        role: 'kontraktservice',
        unitId: null,
      };
      const contracts = [];
      for (let i = 0; i < 5; i++) contracts.push(await h.contract({ published: true }));
      const docs = await seedDemoDocuments(h.service, contracts, admin);
      assert.equal(docs.length, 4);
      assert.ok(docs.every((d) => d.status === 'filed'));
      assert.equal(docs.filter((d) => d.screening).length, 1);
      const packages = readdirSync(h.outbox);
      assert.equal(packages.length, 4);
      for (const p of packages) {
        const xml = readFileSync(join(h.outbox, p, 'arkivmelding.xml'), 'utf8');
        assert.deepEqual(await validateArkivmelding(xml), []);
      }
      const screened = docs.find((d) => d.screening)!;
      const pub = await h.service.list(PUBLIC, screened.contractId);
      assert.deepEqual(pub, []);
      const reader: User = { ...admin, id: 'r', role: 'reader' };
      assert.match(
        (await h.service.get(asViewer(reader), screened.id)).title,
        /^Signert avtale med \*{5} – /,
      );

      const again = await seedDemoDocuments(h.service, contracts, admin);
      assert.deepEqual(
        again.map((d) => d.id),
        docs.map((d) => d.id),
      );
      assert.equal(readdirSync(h.outbox).length, 4);
    } finally {
      await h.close();
    }
  });
});
