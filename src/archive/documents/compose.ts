import { join } from 'node:path';
import type { Services } from '../../services.ts';
import type { ArchiveGateway } from '../archive-gateway.port.ts';
import { FolderArchiveGateway } from '../folder/folder-archive.ts';
import { SharePointArchiveGateway } from '../sharepoint/sharepoint-archive.ts';
import { DocumentService, type DocumentServiceOptions } from './document-service.ts';

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

/**
 * Builds the document service on the shared services: the embedded SQLite database, the register's
 * contracts and, unless another gateway is given, `archiveGatewayOf(services)`.
 */
export function createDocumentService(
  services: Services,
  options: Partial<Omit<DocumentServiceOptions, 'db' | 'dataDir' | 'contracts'>> & {
    gateway?: ArchiveGateway;
  } = {},
): DocumentService {
  if (!services.sqlite) {
    throw new Error('Dokumentarkivet krever den innebygde SQLite-databasen (STORE=sqlite)');
  }
  return new DocumentService({
    clock: services.clock,
    log: (level, message, extra) => services.log(level, message, extra),
    ...options,
    db: services.sqlite,
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
