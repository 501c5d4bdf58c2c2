// STORE=sharepoint with ARCHIVE_DRIVE_ID: the composed document service files into the SharePoint
// document library (local drive server) instead of the folder outbox; without ARCHIVE_DRIVE_ID the
// folder archive stays; bad settings are refused at start.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { archiveGatewayOf, documentsOf } from '../../src/archive/documents/compose.ts';
import { ARCHIVE_COLUMNS } from '../../src/archive/sharepoint/sharepoint-archive.ts';
import { loadConfig } from '../../src/config.ts';
import type { User } from '../../src/core/index.ts';
import { createServices, type Services } from '../../src/services.ts';
import { archiveLibraryFromEnv } from '../../src/store/sharepoint/connect.ts';
import { staticToken } from '../../src/store/sharepoint/tokens.ts';
import type { GraphServer } from '../graph/server.ts';
import { provisionedServer } from '../sharepoint/helpers.ts';
import { contractInput } from '../support/fixtures.ts';
import { type DriveServer, startDriveServer } from './graph-drive-server.ts';
import { pdf } from './samples.ts';
import { validateArkivmelding } from './xsd.ts';

const eier1: User = {
  id: 'eier1',
  name: 'Eva Eier',
  email: 'e@x.no',
  role: 'contract_owner',
  unitId: null,
};

describe('document archive composed in SharePoint mode', () => {
  let graph: GraphServer;
  let drive: DriveServer;
  const dirs: string[] = [];
  const all: Services[] = [];

  async function instance(extra: Record<string, string>): Promise<Services> {
    const dataDir = mkdtempSync(join(tmpdir(), 'ko-archive-sp-'));
    dirs.push(dataDir);
    const env = {
      STORE: 'sharepoint',
      SHAREPOINT_SITE_ID: graph.siteId,
      GRAPH_BASE_URL: graph.baseUrl,
      GRAPH_TOKEN: 'test-token',
      ...extra,
    };
    const config = loadConfig({
      DATA_DIR: dataDir,
      DEMO_DATA: 'off',
      LOG_LEVEL: 'silent',
      AUTH_MODE: 'dev',
      ...env,
    });
    const s = await createServices(config, { env: { ...process.env, ...env } });
    all.push(s);
    return s;
  }

  before(async () => {
    graph = await provisionedServer();
    drive = await startDriveServer({ columns: Object.values(ARCHIVE_COLUMNS) });
  });
  after(async () => {
    for (const s of all) await s.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    await drive.close();
    await graph.close();
  });

  test('ARCHIVE_DRIVE_ID set: documents are filed in the library, nothing in the folder outbox', async () => {
    const s = await instance({
      ARCHIVE_DRIVE_ID: 'drive-1',
      ARCHIVE_ROOT_FOLDER: '/Arkiv/Kontrakter/',
      ARCHIVE_GRAPH_BASE_URL: `${drive.url}/v1.0`,
    });
    assert.equal(archiveGatewayOf(s).kind, 'sharepoint');
    const c = await s.store.contracts.create(
      contractInput({ referenceNumber: 'SP-ARK-1' }),
      'test',
    );
    const documents = documentsOf(s);
    const doc = await documents.create(eier1, {
      contractId: c.id,
      metadata: { title: 'Signert avtale <b>&</b>', entryType: 'I', documentType: 'AVTALE' },
      files: [await documents.stage(Readable.from([pdf('Signert')]), 'Signert avtale.pdf')],
    });
    assert.equal(doc.status, 'filed', doc.failureReason ?? '');
    const xml = drive
      .itemAt(`Arkiv/Kontrakter/${doc.id}/arkivmelding.xml`)
      ?.content.toString('utf8');
    assert.ok(xml, 'arkivmelding.xml in the library');
    assert.deepEqual(await validateArkivmelding(xml), []);
    assert.ok(drive.itemAt(`Arkiv/Kontrakter/${doc.id}/01-signert-avtale.pdf`));
    assert.ok(
      drive.log.every((l) => l.auth),
      'every library request carried the app token',
    );
    assert.equal(existsSync(join(s.config.dataDir, 'archive', 'outbox', doc.id)), false);
  });

  test('without ARCHIVE_DRIVE_ID the folder archive is used', async () => {
    const s = await instance({});
    assert.equal(archiveGatewayOf(s).kind, 'folder');
  });

  test('bad library settings are refused', () => {
    const settings = { tokens: staticToken('t'), baseUrl: 'https://graph.microsoft.com/v1.0' };
    assert.equal(archiveLibraryFromEnv({}, settings), null);
    assert.throws(() => archiveLibraryFromEnv({ ARCHIVE_DRIVE_ID: '../x/y' }, settings), /ugyldig/);
    for (const root of ['a/../b', 'a/\u0001b', 'a//b', 'a:b'])
      assert.throws(
        () =>
          archiveLibraryFromEnv({ ARCHIVE_DRIVE_ID: 'b!x', ARCHIVE_ROOT_FOLDER: root }, settings),
        /ugyldig/,
        root,
      );
    assert.equal(
      archiveLibraryFromEnv({ ARCHIVE_DRIVE_ID: 'b!x' }, settings)?.graphBaseUrl,
      'https://graph.microsoft.com',
    );
  });
});
