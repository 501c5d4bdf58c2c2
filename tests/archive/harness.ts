import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { ArchiveGateway } from '../../src/archive/archive-gateway.port.ts';
import {
  DocumentService,
  type DocumentServiceOptions,
  type StagedFile,
} from '../../src/archive/documents/document-service.ts';
import {
  type DocumentRecordStore,
  SqliteDocumentStore,
  type StoredDocument,
} from '../../src/archive/documents/document-store.ts';
import {
  type KeptFileStore,
  LibraryKeptFiles,
  LocalKeptFiles,
} from '../../src/archive/documents/kept-files.ts';
import { FolderArchiveGateway } from '../../src/archive/folder/folder-archive.ts';
import { ARCHIVE_COLUMNS } from '../../src/archive/sharepoint/sharepoint-archive.ts';
import type { Contract, ContractInput } from '../../src/core/index.ts';
import { SharePointDocumentRecords } from '../../src/store/sharepoint/documents.ts';
import { findLists } from '../../src/store/sharepoint/provision.ts';
import { fromChunks, SMALL_CHUNKS, toChunks } from '../../src/store/sharepoint/schema.ts';
import { openSqliteRegister } from '../../src/store/sqlite/register-store.ts';
import type { GraphServer } from '../graph/server.ts';
import { graphFor, provisionedServer } from '../sharepoint/helpers.ts';
import { contractInput } from '../support/fixtures.ts';
import { type DriveServer, startDriveServer } from './graph-drive-server.ts';

/**
 * Where the document records and kept files live: `sqlite` (the embedded database and the data
 * folder) or `sharepoint` (the Dokumentposter list on the local Graph server and the library of
 * the local drive server). Filing goes to the folder gateway in both unless another is given.
 */
export type Backend = 'sqlite' | 'sharepoint';
export const BACKENDS: readonly Backend[] = ['sqlite', 'sharepoint'];

export interface Harness {
  readonly backend: Backend;
  readonly dataDir: string;
  readonly outbox: string;
  readonly service: DocumentService;
  readonly records: DocumentRecordStore;
  readonly files: KeptFileStore;
  readonly register: ReturnType<typeof openSqliteRegister>;
  /** The local drive server (sharepoint backend). */
  readonly drive: DriveServer | null;
  contract(overrides?: Partial<Record<keyof ContractInput, unknown>>): Promise<Contract>;
  stage(content: Buffer, name: string): Promise<StagedFile>;
  /** Simulates a lost update: the record says pending, without a reference, as before filing. */
  setPending(id: string): Promise<void>;
  close(): Promise<void>;
}

let counter = 0;

/** The record as stored, rewritten directly in the list (bypassing the adapter). */
async function rewriteOnSharePoint(
  graph: GraphServer,
  id: string,
  change: (d: StoredDocument) => StoredDocument,
) {
  const client = graphFor(graph, 'harness');
  const lists = await findLists(client, graph.siteId);
  const path = `/sites/${encodeURIComponent(graph.siteId)}/lists/${lists.documents}/items`;
  const [item] = await client.all<{ id: string; fields: Record<string, unknown> }>(
    `${path}?$expand=fields&$filter=${encodeURIComponent(`fields/DocumentId eq '${id}'`)}`,
  );
  if (!item) throw new Error(`no record ${id}`);
  const doc = change(
    JSON.parse(fromChunks('Data', item.fields, SMALL_CHUNKS) ?? '') as StoredDocument,
  );
  await client.request('PATCH', `${path}/${item.id}/fields`, {
    FilingState: doc.status,
    ...toChunks('Data', JSON.stringify(doc), SMALL_CHUNKS),
  });
}

/** A real SQLite file in a temp data folder, the folder gateway, and the real register store. */
export async function harness(
  options: Partial<Omit<DocumentServiceOptions, 'store' | 'files' | 'dataDir' | 'contracts'>> & {
    gateway?: ArchiveGateway;
    dataDir?: string;
    backend?: Backend;
  } = {},
): Promise<Harness> {
  const backend = options.backend ?? 'sqlite';
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'archive-'));
  const outbox = join(dataDir, 'archive', 'outbox');
  const register = openSqliteRegister(join(dataDir, 'register.db'), () => new Date());
  let graph: GraphServer | null = null;
  let drive: DriveServer | null = null;
  let records: DocumentRecordStore;
  let files: KeptFileStore;
  if (backend === 'sharepoint') {
    graph = await provisionedServer();
    drive = await startDriveServer({ columns: Object.values(ARCHIVE_COLUMNS) });
    const client = graphFor(graph);
    records = new SharePointDocumentRecords({
      graph: client,
      siteId: graph.siteId,
      lists: await findLists(client, graph.siteId),
    });
    files = new LibraryKeptFiles({
      graphBaseUrl: drive.url,
      getToken: async () => 'test-token',
      driveId: 'drive-1',
      folder: 'Arkiv/Kontraktsoppfølging/Opplastinger',
      cacheDir: join(dataDir, 'uploads', 'cache'),
      // Small limits, so the tests' files also go through upload sessions.
      simpleUploadMaxBytes: 64 * 1024,
      fragmentBytes: 320 * 1024,
      retry: { sleep: async () => {} },
    });
  } else {
    records = new SqliteDocumentStore(register.db);
    files = new LocalKeptFiles(dataDir);
  }
  const service = new DocumentService({
    ...options,
    store: records,
    files,
    dataDir,
    contracts: register.contracts,
    gateway: options.gateway ?? new FolderArchiveGateway({ outboxDir: outbox }),
  });
  return {
    backend,
    dataDir,
    outbox,
    service,
    records,
    files,
    register,
    drive,
    contract: (overrides = {}) =>
      register.contracts.create(
        contractInput({ referenceNumber: `BK-TEST-${++counter}`, ...overrides }),
        'test',
      ),
    stage: (content, name) => service.stage(Readable.from([content]), name),
    async setPending(id) {
      if (graph) {
        await rewriteOnSharePoint(graph, id, (d) => ({
          ...d,
          status: 'pending',
          archiveReference: null,
        }));
      } else {
        register.db
          .prepare(`UPDATE documents SET status = 'pending', archive_reference = NULL WHERE id = ?`)
          .run(id);
      }
    },
    async close() {
      await register.close();
      await drive?.close();
      await graph?.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
