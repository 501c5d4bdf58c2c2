import { randomUUID } from 'node:crypto';
import {
  type ArchiveDocument,
  archiveKeys,
  type DocumentFile,
  publicTitle,
} from '../../src/core/archive/index.ts';
import { type Contract, contractInputSchema, type User } from '../../src/core/index.ts';

export const owner: User = {
  id: 'u-owner',
  name: 'Ola Eier',
  email: 'ola@example.no',
  role: 'contract_owner',
  unitId: 'unit-1',
};
export const reader: User = {
  id: 'u-reader',
  name: 'Rita Leser',
  email: 'rita@example.no',
  role: 'reader',
  unitId: 'unit-2',
};
export const admin: User = {
  id: 'u-admin',
  name: 'Kari Kontraktservice',
  email: 'kari@example.no',
  role: 'kontraktservice',
  unitId: null,
};
export const otherOwner: User = { ...owner, id: 'u-other', name: 'Per Annen' };

export function contract(overrides: Record<string, unknown> = {}): Contract {
  const input = contractInputSchema.parse({
    referenceNumber: 'RA-2024-017',
    caseNumber: '2024/1234',
    title: 'Renholdstjenester',
    kind: 'framework',
    type: 'services',
    procedure: 'open',
    owningUnitId: 'unit-1',
    ownerId: owner.id,
    suppliers: [{ orgnr: '123456785', name: 'Rent & Pent AS' }],
    startDate: '2024-01-01',
    endDate: '2026-12-31',
    published: true,
    ...overrides,
  });
  return {
    ...input,
    id: (overrides.id as string | undefined) ?? randomUUID(),
    options: input.options.map((o, i) => ({ ...o, id: o.id ?? `opt-${i}` })),
    version: 1,
    createdAt: '2024-01-01T00:00:00.000Z',
    updatedAt: '2024-01-01T00:00:00.000Z',
  };
}

export function file(n: number, overrides: Partial<DocumentFile> = {}): DocumentFile {
  return {
    n,
    fileName: n === 1 ? 'Signert avtale.pdf' : `Vedlegg ${n}.pdf`,
    packageName: n === 1 ? '01-signert-avtale.pdf' : `0${n}-vedlegg-${n}.pdf`,
    mediaType: 'application/pdf',
    extension: 'pdf',
    size: 1234 * n,
    sha256: 'a'.repeat(64),
    variant: 'P',
    formatDetails: null,
    ...overrides,
  };
}

export function document(c: Contract, overrides: Partial<ArchiveDocument> = {}): ArchiveDocument {
  const id = overrides.id ?? randomUUID();
  const title = overrides.title ?? 'Signert rammeavtale';
  return {
    id,
    contractId: c.id,
    taskId: null,
    title,
    publicTitle: publicTitle(title, overrides.screening ?? null),
    entryType: 'U',
    documentType: 'AVTALE',
    documentStatus: 'F',
    documentDate: '2024-01-02',
    description: null,
    screening: null,
    correspondent: { name: 'Rent & Pent AS', orgnr: '123456785' },
    files: [file(1)],
    status: 'filed',
    archiveReference: null,
    archiveKeys: archiveKeys('kontraktsoppfolging', c.id, id),
    failureReason: null,
    attempts: 0,
    createdAt: '2024-01-02T09:30:00.000Z',
    createdBy: owner.id,
    createdByName: owner.name,
    filedAt: null,
    updatedAt: '2024-01-02T09:30:00.000Z',
    ...overrides,
  };
}
