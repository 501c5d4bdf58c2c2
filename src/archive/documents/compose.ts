import { join } from 'node:path';
import type { Services } from '../../services.ts';
import type { ArchiveGateway } from '../archive-gateway.port.ts';
import { FolderArchiveGateway } from '../folder/folder-archive.ts';
import { SharePointArchiveGateway } from '../sharepoint/sharepoint-archive.ts';
import { DocumentService, type DocumentServiceOptions } from './document-service.ts';
import { type DocumentRecordStore, SqliteDocumentStore } from './document-store.ts';
import { type KeptFileStore, LibraryKeptFiles, LocalKeptFiles } from './kept-files.ts';

const attached = new WeakMap<Services, DocumentService>();

/** The outbox of the embedded default archive inside the data folder. */
export const outboxDir = (dataDir: string): string => join(dataDir, 'archive', 'outbox');

/**
 * The archive of the shared services: with STORE=sharepoint and ARCHIVE_DRIVE_ID set, the SharePoint
 * document library through Graph (the app's token); otherwise the folder archive in
 * `<dataDir>/archive/outbox`.
 */
export function archiveGatewayOf(services: Services): ArchiveGateway {
  const library = services.sharePoint?.archive;
  if (library) {
    return new SharePointArchiveGateway({
      graphBaseUrl: library.graphBaseUrl,
      getToken: library.getToken,
      driveId: library.driveId,
      rootFolder: library.rootFolder,
    });
  }
  return new FolderArchiveGateway({ outboxDir: outboxDir(services.config.dataDir) });
}

/** The library folder (under the archive root) that holds the kept copies of uploads. */
export const UPLOADS_FOLDER = 'Opplastinger';

/**
 * Where the document records and the kept copies of uploads live: with STORE=sharepoint and
 * ARCHIVE_DRIVE_ID, the *Dokumentposter* list and the archive library's `<root>/Opplastinger/`
 * folder, shared by every instance; otherwise the embedded database and `<dataDir>/uploads/`.
 * (Records on SharePoint with files in one instance's folder would not be shared, so the two go
 * together.)
 */
export function documentStorageOf(services: Services): {
  store: DocumentRecordStore;
  files: KeptFileStore;
} {
  const library = services.sharePoint?.archive;
  if (services.sharePoint && library) {
    return {
      store: services.sharePoint.documents,
      files: new LibraryKeptFiles({
        graphBaseUrl: library.graphBaseUrl,
        getToken: library.getToken,
        driveId: library.driveId,
        folder: `${library.rootFolder}/${UPLOADS_FOLDER}`,
        cacheDir: join(services.config.dataDir, 'uploads', 'cache'),
      }),
    };
  }
  if (!services.sqlite) throw new Error('Dokumentarkivet mangler et lager');
  return {
    store: new SqliteDocumentStore(services.sqlite),
    files: new LocalKeptFiles(services.config.dataDir),
  };
}

/**
 * Builds the document service on the shared services: the records and kept files of
 * `documentStorageOf(services)`, the register's contracts and, unless another gateway is given,
 * `archiveGatewayOf(services)`.
 */
export function createDocumentService(
  services: Services,
  options: Partial<Omit<DocumentServiceOptions, 'dataDir' | 'contracts'>> & {
    gateway?: ArchiveGateway;
  } = {},
): DocumentService {
  const storage =
    options.store && options.files
      ? { store: options.store, files: options.files }
      : documentStorageOf(services);
  return new DocumentService({
    clock: services.clock,
    log: (level, message, extra) => services.log(level, message, extra),
    ...options,
    store: options.store ?? storage.store,
    files: options.files ?? storage.files,
    dataDir: services.config.dataDir,
    contracts: services.store.contracts,
    gateway: options.gateway ?? archiveGatewayOf(services),
  });
}

/** Attaches a configured service (composition root or tests); otherwise the default is built once. */
export function attachDocumentService(services: Services, documents: DocumentService): void {
  attached.set(services, documents);
}

export function documentsOf(services: Services): DocumentService {
  let documents = attached.get(services);
  if (!documents) {
    documents = createDocumentService(services);
    attached.set(services, documents);
  }
  return documents;
}
