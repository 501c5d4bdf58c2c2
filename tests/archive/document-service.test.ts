import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { FileTooLargeError } from '../../src/archive/documents/document-service.ts';
import { FolderArchiveGateway } from '../../src/archive/folder/folder-archive.ts';
import { publicDocuments } from '../../src/core/archive/index.ts';
import { asViewer, DomainError, PUBLIC, type User } from '../../src/core/index.ts';
import { BACKENDS, type Harness, harness } from './harness.ts';
import { docx, exe, pdf, plainZip, png, xlsx } from './samples.ts';
import { validateArkivmelding } from './xsd.ts';

const eier1: User = {
  id: 'eier1',
  name: 'Eva Eier',
  email: 'e@x.no',
  role: 'contract_owner',
  unitId: null,
};
const eier2: User = {
  id: 'eier2',
  name: 'Egil Annen',
  email: 'f@x.no',
  role: 'contract_owner',
  unitId: null,
};
const leser: User = {
  id: 'leser',
  name: 'Lise Leser',
  email: 'l@x.no',
  role: 'reader',
  unitId: null,
};
const admin: User = {
  id: 'ks',
  name: 'Kari Service',
  email: 'k@x.no',
  role: 'kontraktservice',
  unitId: null,
};

const signed = { title: 'Signert rammeavtale', entryType: 'U', documentType: 'AVTALE' };
const screened = {
  title: 'Prisbilag fra Kontorleverandøren AS',
  entryType: 'I',
  documentType: 'VEDLEGG',
  screening: {
    accessCode: '13',
    legalBasis: 'Offl. § 13 jf. fvl. § 13 første ledd nr. 2',
    screenedWords: ['Kontorleverandøren AS'],
  },
};

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const entries = (h: Harness) =>
  existsSync(h.outbox) ? readdirSync(h.outbox).filter((n) => !n.startsWith('.')) : [];

async function rejects(p: Promise<unknown>, code: string, pattern?: RegExp) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof DomainError, String(e));
    assert.equal(e.code, code);
    if (pattern) assert.match(`${e.message} ${JSON.stringify(e.issues)}`, pattern);
    return true;
  });
}

for (const backend of BACKENDS)
  describe(`DocumentService with the folder archive (records and kept files: ${backend})`, () => {
    let h: Harness;
    before(async () => {
      h = await harness({ maxFileBytes: 256 * 1024, backend });
    });
    after(() => h.close());

    test('a signed agreement is kept and filed as a valid arkivmelding package', async () => {
      const c = await h.contract();
      const content = pdf('Signert avtale');
      const doc = await h.service.create(eier1, {
        contractId: c.id,
        metadata: signed,
        files: [await h.stage(content, 'Signert avtale.pdf')],
      });
      assert.equal(doc.status, 'filed');
      assert.equal(doc.archiveReference, `archive/outbox/${doc.id}`);
      assert.deepEqual(doc.correspondent, { name: 'Kontorleverandøren AS', orgnr: '123456785' });
      const dir = join(h.outbox, doc.id);
      assert.deepEqual(readdirSync(dir).sort(), ['01-signert-avtale.pdf', 'arkivmelding.xml']);
      assert.equal(sha(readFileSync(join(dir, '01-signert-avtale.pdf'))), sha(content));
      const xml = readFileSync(join(dir, 'arkivmelding.xml'), 'utf8');
      assert.deepEqual(await validateArkivmelding(xml), []);
      assert.ok(xml.includes(`<n5mdk:noekkel>dokument:${doc.id}</n5mdk:noekkel>`));
      assert.ok(xml.includes(`<n5mdk:noekkel>kontrakt:${c.id}</n5mdk:noekkel>`));

      // The kept copy: downloaded whole, from the data folder or the library.
      const download = await h.service.content(asViewer(eier1), doc.id, 1);
      const chunks: Buffer[] = [];
      for await (const chunk of download.stream) chunks.push(chunk as Buffer);
      assert.equal(sha(Buffer.concat(chunks)), sha(content));
      if (h.drive) {
        const kept = h.drive.itemAt(
          `Arkiv/Kontraktsoppfølging/Opplastinger/${doc.id}/01-signert-avtale.pdf`,
        );
        assert.equal(kept && sha(kept.content), sha(content), 'the kept copy is in the library');
        assert.ok(
          !existsSync(join(h.dataDir, 'uploads', 'cache', doc.id)),
          'local copy dropped once filed',
        );
        assert.ok(!existsSync(join(h.dataDir, 'uploads', 'documents')), 'nothing kept locally');
        const dl = h.drive.log.filter((l) => l.path.startsWith('/download/'));
        assert.ok(dl.length > 0 && dl.every((l) => !l.auth), 'download URL without the token');
        // A record pointing elsewhere in the library (edited by hand) downloads nothing.
        const file = (await h.records.get(doc.id))?.files[0];
        assert.ok(file);
        for (const storedPath of [
          'Arkiv/Annet/hemmelig.pdf',
          `Arkiv/Kontraktsoppfølging/Opplastinger/${doc.id}/../../x.pdf`,
          `Arkiv/Kontraktsoppfølging/Opplastinger/${doc.id}/a/b.pdf`,
        ])
          await rejects(h.files.open({ ...file, storedPath }), 'not_found');
      } else {
        assert.ok(
          existsSync(join(h.dataDir, 'uploads', 'documents', doc.id, '01-signert-avtale.pdf')),
        );
      }
    });

    test('several files: PDF/A, Word, Excel and an image in one entry', async () => {
      const c = await h.contract();
      const doc = await h.service.create(eier1, {
        contractId: c.id,
        metadata: { title: 'Statusmøte mars', entryType: 'N', documentType: 'PROTOKOLL' },
        files: [
          await h.stage(pdf('Referat', { pdfa: true }), 'Referat.pdf'),
          await h.stage(docx(), 'Notat.docx'),
          await h.stage(xlsx(), 'Tall.xlsx'),
          await h.stage(png(), 'Bilde.jpeg'),
        ],
      });
      assert.equal(doc.status, 'filed');
      assert.deepEqual(
        doc.files.map((f) => [f.fileName, f.mediaType, f.variant]),
        [
          ['Referat.pdf', 'application/pdf', 'A'],
          [
            'Notat.docx',
            'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
            'P',
          ],
          ['Tall.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'P'],
          ['Bilde.jpeg.png', 'image/png', 'P'],
        ],
      );
      const xml = readFileSync(join(h.outbox, doc.id, 'arkivmelding.xml'), 'utf8');
      assert.deepEqual(await validateArkivmelding(xml), []);
      assert.ok(xml.includes('<formatDetaljer>PDF/A-2b</formatDetaljer>'));
      assert.equal(readdirSync(join(h.outbox, doc.id)).length, 5);
    });

    test('a screened document: masked for readers and the public, full for the owner', async () => {
      const c = await h.contract({ published: true });
      const doc = await h.service.create(eier1, {
        contractId: c.id,
        metadata: screened,
        files: [await h.stage(pdf('Priser'), 'Prisbilag Kontorleverandøren.pdf')],
      });
      assert.equal(doc.title, screened.title);
      const xml = readFileSync(join(h.outbox, doc.id, 'arkivmelding.xml'), 'utf8');
      assert.deepEqual(await validateArkivmelding(xml), []);
      assert.ok(xml.includes('<offentligTittel>Prisbilag fra *****</offentligTittel>'));

      const asReader = await h.service.get(asViewer(leser), doc.id);
      assert.equal(asReader.title, 'Prisbilag fra *****');
      assert.equal(asReader.files[0]?.fileName, null);
      assert.equal(asReader.canDownload, false);
      assert.equal(asReader.screenedWords, null);
      assert.deepEqual(asReader.screening, {
        accessCode: '13',
        legalBasis: screened.screening.legalBasis,
      });
      await rejects(h.service.content(asViewer(leser), doc.id, 1), 'forbidden');
      await rejects(h.service.content(asViewer(eier2), doc.id, 1), 'forbidden');
      const owned = await h.service.content(asViewer(eier1), doc.id, 1);
      owned.stream.destroy();
      assert.equal(owned.fileName, 'Prisbilag Kontorleverandøren.pdf');
      assert.equal((await h.service.get(asViewer(admin), doc.id)).title, screened.title);

      // The public never sees the screened document at all.
      await rejects(h.service.get(PUBLIC, doc.id), 'not_found');
      const open = await h.service.create(eier1, {
        contractId: c.id,
        metadata: signed,
        files: [await h.stage(pdf(), 'a.pdf')],
      });
      const publicList = await h.service.list(PUBLIC, c.id);
      assert.deepEqual(
        publicList.map((d) => d.id),
        [open.id],
      );
      const all = JSON.stringify(publicList);
      assert.ok(!all.includes('Prisbilag'));
      assert.ok(!all.includes(eier1.name));
    });

    test('public output leaves out every document of an unpublished contract', async () => {
      const c = await h.contract({ published: false });
      await h.service.create(eier1, {
        contractId: c.id,
        metadata: signed,
        files: [await h.stage(pdf(), 'a.pdf')],
      });
      assert.deepEqual(await h.service.list(PUBLIC, c.id), []);
      assert.equal((await h.service.list(asViewer(leser), c.id)).length, 1);
      assert.deepEqual(publicDocuments(c, []), []);
    });

    test('../../etc/passwd as a file name: only the last segment is kept, nothing escapes', async () => {
      const c = await h.contract();
      const doc = await h.service.create(eier1, {
        contractId: c.id,
        metadata: signed,
        files: [await h.stage(pdf(), '../../etc/passwd')],
      });
      assert.equal(doc.files[0]?.fileName, 'passwd.pdf');
      assert.deepEqual(readdirSync(join(h.outbox, doc.id)).sort(), [
        '01-passwd.pdf',
        'arkivmelding.xml',
      ]);
      assert.ok(!existsSync(join(h.dataDir, 'etc')));
      assert.ok(!existsSync(join(h.dataDir, '..', 'etc', 'passwd.pdf')));
      // …and a text file behind the same name is refused by its content.
      await rejects(
        h.service.create(eier1, {
          contractId: c.id,
          metadata: signed,
          files: [
            await h.stage(Buffer.from('root:x:0:0:root:/root:/bin/bash\n'), '..\\..\\etc\\passwd'),
          ],
        }),
        'validation',
        /Ukjent filtype/,
      );
    });

    test('a renamed executable, a plain zip and a zero-byte file are refused', async () => {
      const c = await h.contract();
      const before = entries(h).length;
      for (const [content, name, pattern] of [
        [exe(), 'kontrakt.pdf', /Kjørbare filer/],
        [plainZip(), 'vedlegg.docx', /Komprimerte arkivfiler/],
        [Buffer.alloc(0), 'tom.pdf', /tom \(0 byte\)/],
      ] as const) {
        await rejects(
          h.service.create(eier1, {
            contractId: c.id,
            metadata: signed,
            files: [await h.stage(content, name)],
          }),
          'validation',
          pattern,
        );
      }
      assert.equal(entries(h).length, before);
      assert.equal((await h.service.list(asViewer(eier1), c.id)).length, 0);
      assert.deepEqual(readdirSync(join(h.dataDir, 'uploads', 'staging')), []);
    });

    test('a file over the limit is stopped while streaming and leaves nothing behind', async () => {
      const big = Buffer.alloc(300 * 1024, 1);
      await assert.rejects(
        h.service.stage(
          Readable.from([big.subarray(0, 100_000), big.subarray(100_000)]),
          'stor.pdf',
        ),
        FileTooLargeError,
      );
      assert.deepEqual(readdirSync(join(h.dataDir, 'uploads', 'staging')), []);
    });

    test('titles with XML special characters and script are kept as text and escaped', async () => {
      const c = await h.contract();
      const title = `Avtale <script>alert('x')</script> & "P&G" ]]> <!ENTITY x SYSTEM "file:///etc/passwd">`;
      const doc = await h.service.create(eier1, {
        contractId: c.id,
        metadata: { ...signed, title },
        files: [await h.stage(pdf(), 'a.pdf')],
      });
      assert.equal(doc.title, title);
      const xml = readFileSync(join(h.outbox, doc.id, 'arkivmelding.xml'), 'utf8');
      assert.deepEqual(await validateArkivmelding(xml), []);
      assert.ok(!xml.includes('<script>'));
      assert.ok(!xml.includes('<!ENTITY'));
      assert.ok(xml.includes('&lt;script&gt;alert(\'x\')&lt;/script&gt; &amp; "P&amp;G" ]]&gt;'));
      await rejects(
        h.service.create(eier1, {
          contractId: c.id,
          metadata: { ...signed, title: 'Bell \u0007 and \u202Eoverride' },
          files: [await h.stage(pdf(), 'a.pdf')],
        }),
        'validation',
        /kontrolltegn/,
      );
    });

    test('metadata is validated against the code lists', async () => {
      const c = await h.contract();
      const upload = async (metadata: unknown) =>
        h.service.create(eier1, {
          contractId: c.id,
          metadata,
          files: [await h.stage(pdf(), 'a.pdf')],
        });
      await rejects(upload({ ...signed, entryType: 'S' }), 'validation', /entryType/);
      await rejects(upload({ ...signed, documentType: 'BYGGESAK' }), 'validation', /documentType/);
      await rejects(
        upload({ ...screened, screening: { ...screened.screening, accessCode: '99' } }),
        'validation',
        /screening.accessCode/,
      );
      await rejects(
        upload({
          ...screened,
          screening: { ...screened.screening, screenedWords: ['finnes ikke'] },
        }),
        'validation',
        /screenedWords/,
      );
      await rejects(
        upload({ ...signed, correspondent: { name: 'X', orgnr: '123456789' } }),
        'validation',
        /orgnr/,
      );
      await rejects(upload({ ...signed, extra: 1 }), 'validation');
    });

    test('only owners, managers and Kontraktservice upload; unknown contracts are 404', async () => {
      const c = await h.contract();
      const files = async () => [await h.stage(pdf(), 'a.pdf')];
      await rejects(
        h.service.create(leser, { contractId: c.id, metadata: signed, files: await files() }),
        'forbidden',
      );
      await rejects(
        h.service.create(eier2, { contractId: c.id, metadata: signed, files: await files() }),
        'forbidden',
      );
      await rejects(
        h.service.create(eier1, { contractId: 'nope', metadata: signed, files: await files() }),
        'not_found',
      );
      const ok = await h.service.create(admin, {
        contractId: c.id,
        metadata: signed,
        files: await files(),
      });
      assert.equal(ok.status, 'filed');
    });

    test('the same Idempotency-Key returns the first document and files one package', async () => {
      const c = await h.contract();
      const key = 'upload-7f1c2a9e';
      const first = await h.service.create(eier1, {
        contractId: c.id,
        metadata: signed,
        files: [await h.stage(pdf(), 'a.pdf')],
        idempotencyKey: key,
      });
      const again = await h.service.create(eier1, {
        contractId: c.id,
        metadata: signed,
        files: [await h.stage(pdf(), 'a.pdf')],
        idempotencyKey: key,
      });
      assert.equal(again.id, first.id);
      assert.equal((await h.service.list(asViewer(eier1), c.id)).length, 1);
    });
  });

for (const backend of BACKENDS)
  describe(`failure, retry and crashes (records and kept files: ${backend})`, () => {
    test('a failed filing records its reason; retry files once and never twice', async () => {
      const dataDir = (await import('node:fs')).mkdtempSync(
        join((await import('node:os')).tmpdir(), 'arch-'),
      );
      const blocker = join(dataDir, 'blocked');
      writeFileSync(blocker, 'not a folder');
      const outbox = join(blocker, 'outbox');
      const h = await harness({
        dataDir,
        backend,
        gateway: new FolderArchiveGateway({ outboxDir: outbox }),
      });
      try {
        const c = await h.contract();
        const doc = await h.service.create(eier1, {
          contractId: c.id,
          metadata: signed,
          files: [await h.stage(pdf(), 'a.pdf')],
        });
        assert.equal(doc.status, 'failed');
        assert.match(doc.failureReason ?? '', /Kunne ikke skrive arkivpakken/);
        assert.equal(doc.attempts, 1);

        rmSync(blocker);
        await rejects(h.service.retry(leser, doc.id), 'forbidden');
        const retried = await h.service.retry(eier1, doc.id);
        assert.equal(retried.status, 'filed');
        assert.equal(retried.failureReason, null);
        assert.equal(retried.attempts, 2);
        const again = await h.service.retry(eier1, doc.id);
        assert.equal(again.status, 'filed');
        assert.equal(again.attempts, 2);
        assert.deepEqual(readdirSync(outbox), [doc.id]);
      } finally {
        await h.close();
        rmSync(dataDir, { recursive: true, force: true });
      }
    });

    test('a crash after the package was written but before the row was updated: no second entry', async () => {
      const h = await harness({ backend });
      try {
        const c = await h.contract();
        const doc = await h.service.create(eier1, {
          contractId: c.id,
          metadata: signed,
          files: [await h.stage(pdf(), 'a.pdf')],
        });
        // Simulate the lost update: the row says pending although the package is in the outbox.
        await h.setPending(doc.id);
        const xmlBefore = readFileSync(join(h.outbox, doc.id, 'arkivmelding.xml'), 'utf8');
        const result = await h.service.recover();
        assert.deepEqual(result, { filed: 1, failed: 0 });
        assert.equal((await h.service.get(asViewer(eier1), doc.id)).status, 'filed');
        assert.deepEqual(entries(h), [doc.id]);
        assert.equal(readFileSync(join(h.outbox, doc.id, 'arkivmelding.xml'), 'utf8'), xmlBefore);
      } finally {
        await h.close();
      }
    });

    test('concurrent retries of one document share one attempt', async () => {
      const h = await harness({ backend });
      try {
        const c = await h.contract();
        const doc = await h.service.create(eier1, {
          contractId: c.id,
          metadata: signed,
          files: [await h.stage(pdf(), 'a.pdf')],
        });
        await h.setPending(doc.id);
        rmSync(join(h.outbox, doc.id), { recursive: true });
        const results = await Promise.all([1, 2, 3, 4].map(() => h.service.retry(eier1, doc.id)));
        assert.ok(results.every((r) => r.status === 'filed'));
        assert.deepEqual(entries(h), [doc.id]);
      } finally {
        await h.close();
      }
    });

    test('recover() removes staged uploads, temporary packages and orphan document folders', async () => {
      const h = await harness({ backend });
      try {
        const staged = await h.stage(pdf(), 'a.pdf');
        const { mkdirSync } = await import('node:fs');
        mkdirSync(join(h.outbox, '.tmp-halfway-abc'), { recursive: true });
        writeFileSync(join(h.outbox, '.tmp-halfway-abc', '01-a.pdf'), 'half');
        // Local: a document folder without a record. Library: a downloaded copy left in the cache.
        const kept = backend === 'sqlite' ? 'documents' : 'cache';
        mkdirSync(join(h.dataDir, 'uploads', kept, 'orphan'), { recursive: true });
        await h.service.recover();
        assert.ok(!existsSync(staged.path));
        assert.deepEqual(readdirSync(h.outbox), []);
        assert.deepEqual(
          existsSync(join(h.dataDir, 'uploads', kept))
            ? readdirSync(join(h.dataDir, 'uploads', kept))
            : [],
          [],
        );
      } finally {
        await h.close();
      }
    });
  });
