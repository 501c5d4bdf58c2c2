import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ArchivePackage } from '../../src/archive/archive-gateway.port.ts';
import {
  ARCHIVE_COLUMNS,
  SharePointArchiveGateway,
} from '../../src/archive/sharepoint/sharepoint-archive.ts';
import { FRAGMENT_UNIT } from '../../src/archive/sharepoint/upload-session.ts';
import { archiveKeys } from '../../src/core/archive/index.ts';
import { asViewer, type User } from '../../src/core/index.ts';
import { type DriveServer, startDriveServer } from './graph-drive-server.ts';
import { harness } from './harness.ts';
import { pdf } from './samples.ts';
import { validateArkivmelding } from './xsd.ts';

const eier1: User = {
  id: 'eier1',
  name: 'Eva Eier',
  email: 'e@x.no',
  role: 'contract_owner',
  unitId: null,
};
const ROOT = 'Arkiv/Kontraktsoppfølging';

let drive: DriveServer;
let dir: string;
const sleeps: number[] = [];

function gateway(
  overrides: Partial<ConstructorParameters<typeof SharePointArchiveGateway>[0]> = {},
) {
  return new SharePointArchiveGateway({
    graphBaseUrl: drive.url,
    getToken: async () => 'test-token',
    driveId: 'drive-1',
    rootFolder: ROOT,
    simpleUploadMaxBytes: 256 * 1024,
    fragmentBytes: FRAGMENT_UNIT,
    retry: {
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    },
    ...overrides,
  });
}

function pkg(name: string, files: { name: string; content: Buffer }[]): ArchivePackage {
  const keys = archiveKeys('kontraktsoppfolging', 'c-1', name);
  return {
    keys,
    folderName: name,
    arkivmelding: '<?xml version="1.0" encoding="UTF-8"?>\n<arkivmelding/>\n',
    files: files.map((f) => {
      const path = join(dir, `${name}-${f.name}`);
      writeFileSync(path, f.content);
      return {
        packageName: f.name,
        path,
        size: f.content.length,
        sha256: createHash('sha256').update(f.content).digest('hex'),
        mediaType: 'application/pdf',
      };
    }),
    metadata: {
      publicTitle: 'Signert avtale',
      entryType: 'U',
      documentType: 'AVTALE',
      accessCode: null,
      legalBasis: null,
      contractReference: 'BK-1',
      caseNumber: '2024/12',
      correspondentName: 'Leverandør AS',
      correspondentOrgnr: '123456785',
    },
  };
}

describe('SharePoint library archive through Graph (local server following the upload contract)', () => {
  before(async () => {
    drive = await startDriveServer({ columns: Object.values(ARCHIVE_COLUMNS) });
    dir = mkdtempSync(join(tmpdir(), 'sp-archive-'));
  });
  after(async () => {
    await drive.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a large file goes through an upload session; a fragment breaks once and the upload resumes', async () => {
    const content = randomBytes(4 * FRAGMENT_UNIT + 12_345);
    // The second fragment is cut after 100 KiB: the server keeps those bytes, the connection dies.
    const fragmentsBefore = drive.log.filter(
      (l) => l.path.startsWith('/upload/') && l.method === 'PUT',
    ).length;
    drive.breakFragmentOnce(fragmentsBefore + 1, 100 * 1024);
    const receipt = await gateway().file(pkg('large-1', [{ name: '01-stor.pdf', content }]));
    assert.equal(receipt.alreadyFiled, false);
    const stored = drive.itemAt(`${ROOT}/large-1/01-stor.pdf`);
    assert.ok(stored);
    assert.equal(
      createHash('sha256').update(stored.content).digest('hex'),
      createHash('sha256').update(content).digest('hex'),
    );

    const uploads = drive.log.filter((l) => l.path.startsWith('/upload/'));
    assert.ok(
      uploads.every((l) => !l.auth),
      'no bearer token on the upload URL',
    );
    const ranges = uploads.filter((l) => l.method === 'PUT').map((l) => l.range);
    assert.ok(
      uploads.some((l) => l.method === 'GET'),
      'asked the session where to resume',
    );
    // The third PUT starts where the session said: inside the broken fragment, after the bytes
    // the server kept — not at the fragment's start and not at zero.
    const starts = ranges.map((r) => Number(/^bytes (\d+)-/.exec(r ?? '')?.[1]));
    const resumed = starts[2] ?? 0;
    assert.ok(
      resumed > FRAGMENT_UNIT && resumed < 2 * FRAGMENT_UNIT,
      `resumed at ${ranges.join(', ')}`,
    );
    assert.equal(starts[3], resumed + FRAGMENT_UNIT, 'fragments of 320 KiB after the resume');
    assert.equal(
      drive.itemAt(`${ROOT}/large-1/arkivmelding.xml`)?.content.toString(),
      pkg('x', []).arkivmelding,
    );
  });

  test('429 and 503 are retried after Retry-After; metadata lands on the list item fields', async () => {
    sleeps.length = 0;
    drive.throttleOnce('PATCH', /listItem\/fields$/, 429, 7);
    drive.throttleOnce('PUT', /:\/content$/, 503, 2);
    const receipt = await gateway().file(
      pkg('small-1', [{ name: '01-avtale.pdf', content: pdf() }]),
    );
    assert.equal(receipt.alreadyFiled, false);
    assert.deepEqual(sleeps.sort(), [2000, 7000]);
    const item = drive.itemAt(`${ROOT}/small-1/01-avtale.pdf`);
    assert.equal(item?.fields[ARCHIVE_COLUMNS.title], 'Signert avtale');
    assert.equal(item?.fields[ARCHIVE_COLUMNS.entryKey], 'dokument:small-1');
    assert.equal(item?.fields[ARCHIVE_COLUMNS.correspondentOrgnr], '123456785');
  });

  test('filing again is idempotent; an unfinished folder is completed without duplicates', async () => {
    const before = drive.items.size;
    const again = await gateway().file(pkg('small-1', [{ name: '01-avtale.pdf', content: pdf() }]));
    assert.equal(again.alreadyFiled, true);
    assert.equal(drive.items.size, before);

    // A crash after the first file but before arkivmelding.xml: the retry replaces and completes.
    const p = pkg('half-1', [
      { name: '01-a.pdf', content: pdf('a') },
      { name: '02-b.pdf', content: pdf('b') },
    ]);
    drive.throttleOnce('PUT', /02-b\.pdf:\/content$/, 503, 0);
    await assert.rejects(gateway({ retry: { maxRetries: 0, sleep: async () => {} } }).file(p));
    assert.ok(drive.itemAt(`${ROOT}/half-1/01-a.pdf`));
    assert.equal(drive.itemAt(`${ROOT}/half-1/arkivmelding.xml`), undefined);
    const done = await gateway().file(p);
    assert.equal(done.alreadyFiled, false);
    const inFolder = [...drive.items.values()].filter((i) => i.path.startsWith(`${ROOT}/half-1/`));
    assert.deepEqual(inFolder.map((i) => i.path.split('/').pop()).sort(), [
      '01-a.pdf',
      '02-b.pdf',
      'arkivmelding.xml',
    ]);
  });

  test('a wrong token is refused by the server and reported as a filing failure', async () => {
    await assert.rejects(
      gateway({ getToken: async () => 'wrong' }).file(
        pkg('denied-1', [{ name: '01-a.pdf', content: pdf() }]),
      ),
      /SharePoint svarte 401/,
    );
  });

  test('end to end: a screened document filed into the library keeps screened words out of the columns', async () => {
    const h = await harness({ gateway: gateway() });
    try {
      const c = await h.contract();
      const doc = await h.service.create(eier1, {
        contractId: c.id,
        metadata: {
          title: 'Prisbilag: rabatt 37 % på papir',
          entryType: 'I',
          documentType: 'VEDLEGG',
          screening: {
            accessCode: '13',
            legalBasis: 'Offl. § 13 jf. fvl. § 13 første ledd nr. 2',
            screenedWords: ['rabatt 37 %'],
          },
        },
        files: [await h.stage(pdf('Priser'), 'rabatt.pdf')],
      });
      assert.equal(doc.status, 'filed', doc.failureReason ?? '');
      assert.match(
        doc.archiveReference ?? '',
        /^https:\/\/kommune\.sharepoint\.com\/.+arkivmelding\.xml$/,
      );
      const file = drive.itemAt(`${ROOT}/${doc.id}/01-rabatt.pdf`);
      assert.equal(file?.fields[ARCHIVE_COLUMNS.title], 'Prisbilag: ***** på papir');
      assert.equal(file?.fields[ARCHIVE_COLUMNS.accessCode], '13');
      assert.ok(!JSON.stringify(file?.fields).includes('rabatt 37'));
      const xml =
        drive.itemAt(`${ROOT}/${doc.id}/arkivmelding.xml`)?.content.toString('utf8') ?? '';
      assert.deepEqual(await validateArkivmelding(xml), []);
      const view = await h.service.get(asViewer(eier1), doc.id);
      assert.equal(view.status, 'filed');
    } finally {
      await h.close();
    }
  });
});
