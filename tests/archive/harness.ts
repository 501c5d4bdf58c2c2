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
import { FolderArchiveGateway } from '../../src/archive/folder/folder-archive.ts';
import type { Contract, ContractInput } from '../../src/core/index.ts';
import { openSqliteRegister } from '../../src/store/sqlite/register-store.ts';
import { contractInput } from '../support/fixtures.ts';

export interface Harness {
  readonly dataDir: string;
  readonly outbox: string;
  readonly service: DocumentService;
  readonly register: ReturnType<typeof openSqliteRegister>;
  contract(overrides?: Partial<Record<keyof ContractInput, unknown>>): Promise<Contract>;
  stage(content: Buffer, name: string): Promise<StagedFile>;
  close(): Promise<void>;
}

let counter = 0;

/** A real SQLite file in a temp data folder, the folder gateway, and the real register store. */
export async function harness(
  options: Partial<Omit<DocumentServiceOptions, 'db' | 'dataDir' | 'contracts'>> & {
    gateway?: ArchiveGateway;
    dataDir?: string;
  } = {},
): Promise<Harness> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'archive-'));
  const outbox = join(dataDir, 'archive', 'outbox');
  const register = openSqliteRegister(join(dataDir, 'register.db'), () => new Date());
  const service = new DocumentService({
    ...options,
    db: register.db,
    dataDir,
    contracts: register.contracts,
    gateway: options.gateway ?? new FolderArchiveGateway({ outboxDir: outbox }),
  });
  return {
    dataDir,
    outbox,
    service,
    register,
    contract: (overrides = {}) =>
      register.contracts.create(
        contractInput({ referenceNumber: `BK-TEST-${++counter}`, ...overrides }),
        'test',
      ),
    stage: (content, name) => service.stage(Readable.from([content]), name),
    async close() {
      await register.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
