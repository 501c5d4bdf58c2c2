import type {
  ArchiveDocument,
  ContractDocumentType,
  DocumentFile,
  DocumentStatus,
  EntryType,
} from '../../core/archive/index.ts';
import type { Db } from '../../store/sqlite/db.ts';

/** A document file with where it is kept (relative to the data folder). */
export interface StoredFile extends DocumentFile {
  readonly storedPath: string;
}

export interface StoredDocument extends ArchiveDocument {
  readonly files: readonly StoredFile[];
  readonly idempotencyKey: string | null;
}

interface DocumentRow {
  id: string;
  contract_id: string;
  task_id: string | null;
  idempotency_key: string | null;
  title: string;
  public_title: string;
  entry_type: string;
  document_type: string;
  document_status: string;
  document_date: string | null;
  description: string | null;
  access_code: string | null;
  legal_basis: string | null;
  screened_words: string;
  correspondent_name: string | null;
  correspondent_orgnr: string | null;
  status: string;
  archive_reference: string | null;
  fagsystem: string;
  case_key: string;
  entry_key: string;
  failure_reason: string | null;
  attempts: number;
  created_at: string;
  created_by: string;
  created_by_name: string;
  filed_at: string | null;
  updated_at: string;
}

interface FileRow {
  document_id: string;
  n: number;
  file_name: string;
  package_name: string;
  stored_path: string;
  media_type: string;
  extension: string;
  size: number;
  sha256: string;
  variant: string;
  format_details: string | null;
}

/** Documents in the embedded SQLite database (migration 003). All writes are transactions. */
export class SqliteDocumentStore {
  constructor(private readonly db: Db) {}

  insert(doc: StoredDocument): void {
    const insertDoc = this.db.prepare(`
      INSERT INTO documents (id, contract_id, task_id, idempotency_key, title, public_title,
        entry_type, document_type, document_status, document_date, description, access_code,
        legal_basis, screened_words, correspondent_name, correspondent_orgnr, status,
        archive_reference, fagsystem, case_key, entry_key, failure_reason, attempts, created_at,
        created_by, created_by_name, filed_at, updated_at)
      VALUES (@id, @contract_id, @task_id, @idempotency_key, @title, @public_title, @entry_type,
        @document_type, @document_status, @document_date, @description, @access_code,
        @legal_basis, @screened_words, @correspondent_name, @correspondent_orgnr, @status,
        @archive_reference, @fagsystem, @case_key, @entry_key, @failure_reason, @attempts,
        @created_at, @created_by, @created_by_name, @filed_at, @updated_at)`);
    const insertFile = this.db.prepare(`
      INSERT INTO document_files (document_id, n, file_name, package_name, stored_path,
        media_type, extension, size, sha256, variant, format_details)
      VALUES (@document_id, @n, @file_name, @package_name, @stored_path, @media_type,
        @extension, @size, @sha256, @variant, @format_details)`);
    this.db.transaction(() => {
      insertDoc.run(toRow(doc));
      for (const f of doc.files) {
        insertFile.run({
          document_id: doc.id,
          n: f.n,
          file_name: f.fileName,
          package_name: f.packageName,
          stored_path: f.storedPath,
          media_type: f.mediaType,
          extension: f.extension,
          size: f.size,
          sha256: f.sha256,
          variant: f.variant,
          format_details: f.formatDetails,
        });
      }
    })();
  }

  get(id: string): StoredDocument | null {
    const row = this.db.prepare('SELECT * FROM documents WHERE id = ?').get(id) as
      | DocumentRow
      | undefined;
    return row ? this.hydrate([row])[0]! : null;
  }

  byIdempotencyKey(contractId: string, key: string): StoredDocument | null {
    const row = this.db
      .prepare('SELECT * FROM documents WHERE contract_id = ? AND idempotency_key = ?')
      .get(contractId, key) as DocumentRow | undefined;
    return row ? this.hydrate([row])[0]! : null;
  }

  listByContract(contractId: string): StoredDocument[] {
    const rows = this.db
      .prepare('SELECT * FROM documents WHERE contract_id = ? ORDER BY created_at, id')
      .all(contractId) as DocumentRow[];
    return this.hydrate(rows);
  }

  listByTask(taskId: string): StoredDocument[] {
    const rows = this.db
      .prepare('SELECT * FROM documents WHERE task_id = ? ORDER BY created_at, id')
      .all(taskId) as DocumentRow[];
    return this.hydrate(rows);
  }

  listUnfiled(): StoredDocument[] {
    const rows = this.db
      .prepare(`SELECT * FROM documents WHERE status <> 'filed' ORDER BY created_at, id`)
      .all() as DocumentRow[];
    return this.hydrate(rows);
  }

  allIds(): Set<string> {
    const rows = this.db.prepare('SELECT id FROM documents').all() as { id: string }[];
    return new Set(rows.map((r) => r.id));
  }

  markFiled(id: string, reference: string, at: string): void {
    this.db
      .prepare(
        `UPDATE documents SET status = 'filed', archive_reference = ?, failure_reason = NULL,
           attempts = attempts + 1, filed_at = ?, updated_at = ? WHERE id = ?`,
      )
      .run(reference, at, at, id);
  }

  markFailed(id: string, reason: string, at: string): void {
    this.db
      .prepare(
        `UPDATE documents SET status = 'failed', failure_reason = ?, attempts = attempts + 1,
           updated_at = ? WHERE id = ? AND status <> 'filed'`,
      )
      .run(reason, at, id);
  }

  private hydrate(rows: DocumentRow[]): StoredDocument[] {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const files = this.db
      .prepare(
        `SELECT * FROM document_files WHERE document_id IN (${ids.map(() => '?').join(',')})
         ORDER BY document_id, n`,
      )
      .all(...ids) as FileRow[];
    const byDoc = new Map<string, StoredFile[]>();
    for (const f of files) {
      const list = byDoc.get(f.document_id) ?? [];
      list.push({
        n: f.n,
        fileName: f.file_name,
        packageName: f.package_name,
        storedPath: f.stored_path,
        mediaType: f.media_type,
        extension: f.extension,
        size: f.size,
        sha256: f.sha256,
        variant: f.variant as 'P' | 'A',
        formatDetails: f.format_details,
      });
      byDoc.set(f.document_id, list);
    }
    return rows.map((r) => fromRow(r, byDoc.get(r.id) ?? []));
  }
}

function toRow(d: StoredDocument): DocumentRow {
  return {
    id: d.id,
    contract_id: d.contractId,
    task_id: d.taskId,
    idempotency_key: d.idempotencyKey,
    title: d.title,
    public_title: d.publicTitle,
    entry_type: d.entryType,
    document_type: d.documentType,
    document_status: d.documentStatus,
    document_date: d.documentDate,
    description: d.description,
    access_code: d.screening?.accessCode ?? null,
    legal_basis: d.screening?.legalBasis ?? null,
    screened_words: JSON.stringify(d.screening?.screenedWords ?? []),
    correspondent_name: d.correspondent?.name ?? null,
    correspondent_orgnr: d.correspondent?.orgnr ?? null,
    status: d.status,
    archive_reference: d.archiveReference,
    fagsystem: d.archiveKeys.fagsystem,
    case_key: d.archiveKeys.caseKey,
    entry_key: d.archiveKeys.entryKey,
    failure_reason: d.failureReason,
    attempts: d.attempts,
    created_at: d.createdAt,
    created_by: d.createdBy,
    created_by_name: d.createdByName,
    filed_at: d.filedAt,
    updated_at: d.updatedAt,
  };
}

function fromRow(r: DocumentRow, files: StoredFile[]): StoredDocument {
  return {
    id: r.id,
    contractId: r.contract_id,
    taskId: r.task_id,
    idempotencyKey: r.idempotency_key,
    title: r.title,
    publicTitle: r.public_title,
    entryType: r.entry_type as EntryType,
    documentType: r.document_type as ContractDocumentType,
    documentStatus: r.document_status as 'B' | 'F',
    documentDate: r.document_date,
    description: r.description,
    screening:
      r.access_code && r.legal_basis
        ? {
            accessCode: r.access_code,
            legalBasis: r.legal_basis,
            screenedWords: JSON.parse(r.screened_words) as string[],
          }
        : null,
    correspondent:
      r.correspondent_name && r.correspondent_orgnr
        ? { name: r.correspondent_name, orgnr: r.correspondent_orgnr }
        : null,
    files,
    status: r.status as DocumentStatus,
    archiveReference: r.archive_reference,
    archiveKeys: { fagsystem: r.fagsystem, caseKey: r.case_key, entryKey: r.entry_key },
    failureReason: r.failure_reason,
    attempts: r.attempts,
    createdAt: r.created_at,
    createdBy: r.created_by,
    createdByName: r.created_by_name,
    filedAt: r.filed_at,
    updatedAt: r.updated_at,
  };
}
