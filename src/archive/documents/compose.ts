import { join } from 'node:path';
import type { Services } from '../../services.ts';
import type { ArchiveGateway } from '../archive-gateway.port.ts';
import { FolderArchiveGateway } from '../folder/folder-archive.ts';
import { DocumentService, type DocumentServiceOptions } from './document-service.ts';

const attached = new WeakMap<Services, DocumentService>();

/** The outbox of the embedded default archive inside the data folder. */
export const outboxDir = (dataDir: string): string => join(dataDir, 'archive', 'outbox');

/**
 * Builds the document service on the shared services: the embedded SQLite database, the register's
 * contracts and, unless another gateway is given, the folder archive in `<dataDir>/archive/outbox`.
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
    gateway:
      options.gateway ??
      new FolderArchiveGateway({ outboxDir: outboxDir(services.config.dataDir) }),
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
