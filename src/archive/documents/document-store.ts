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

/** `insert` of a document whose (contract, Idempotency-Key) pair is already stored. */
export class DuplicateDocumentError extends Error {
  constructor(
    readonly contractId: string,
    readonly idempotencyKey: string,
  ) {
    super(`Dokumentet med nøkkelen ${idempotencyKey} finnes allerede`);
    this.name = 'DuplicateDocumentError';
  }
}

/** The answer of `claimFiling`. */
export interface FilingClaim {
  readonly doc: StoredDocument;
  /** True: `holder` files it now. False: it is filed, or another holder's claim is live. */
  readonly claimed: boolean;
  /** When a live claim of another holder runs out (null when none). */
  readonly heldUntil: Date | null;
}

/**
 * The document service's records: metadata, files, filing status and retries. Adapters:
 * `SqliteDocumentStore` (the embedded database, one instance) and `SharePointDocumentRecords`
 * (STORE=sharepoint with an archive library: a list shared by every instance, updates with ETags;
 * src/store/sharepoint/documents.ts).
 */
export interface DocumentRecordStore {
  /** Throws `DuplicateDocumentError` when the contract already has a document with its key. */
  insert(doc: StoredDocument): Promise<void>;
  get(id: string): Promise<StoredDocument | null>;
  byIdempotencyKey(contractId: string, key: string): Promise<StoredDocument | null>;
  /** Oldest first (created time, then id). */
  listByContract(contractId: string): Promise<StoredDocument[]>;
  listByTask(taskId: string): Promise<StoredDocument[]>;
  /** Pending and failed documents, oldest first. */
  listUnfiled(): Promise<StoredDocument[]>;
  allIds(): Promise<Set<string>>;
  /**
   * Takes the filing of an unfiled document for `holder` until `now + leaseMs`, so two instances
   * retrying the same failed filing do not both file it (null: no such document).
   */
  claimFiling(id: string, holder: string, now: Date, leaseMs: number): Promise<FilingClaim | null>;
  /** Filed (attempts + 1); releases the claim. */
  markFiled(id: string, reference: string, at: string, holder: string): Promise<void>;
  /** Failed with its reason (attempts + 1) unless filed meanwhile; releases the claim. */
  markFailed(id: string, reason: string, at: string, holder: string): Promise<void>;
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

/**
 * Documents in the embedded SQLite database (migration 003). All writes are transactions. The
 * database belongs to one instance, so a filing claim is held in memory (one per store object).
 */
export class SqliteDocumentStore implements DocumentRecordStore {
  private readonly claims = new Map<string, { holder: string; until: number }>();

  constructor(private readonly db: Db) {}

  async insert(doc: StoredDocument): Promise<void> {
    try {
      this.insertNow(doc);
    } catch (e) {
      if (doc.idempotencyKey && String(e).includes('UNIQUE')) {
        throw new DuplicateDocumentError(doc.contractId, doc.idempotencyKey);
      }
      throw e;
    }
  }

  private insertNow(doc: StoredDocument): void {
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

  async get(id: string): Promise<StoredDocument | null> {
    return this.getNow(id);
  }

  private getNow(id: string): StoredDocument | null {
    const row = this.db.prepare('SELECT * FROM documents WHERE id = ?').get(id) as
      | DocumentRow
      | undefined;
    return row ? this.hydrate([row])[0]! : null;
  }

  async byIdempotencyKey(contractId: string, key: string): Promise<StoredDocument | null> {
    const row = this.db
      .prepare('SELECT * FROM documents WHERE contract_id = ? AND idempotency_key = ?')
      .get(contractId, key) as DocumentRow | undefined;
    return row ? this.hydrate([row])[0]! : null;
  }

  async listByContract(contractId: string): Promise<StoredDocument[]> {
    const rows = this.db
      .prepare('SELECT * FROM documents WHERE contract_id = ? ORDER BY created_at, id')
      .all(contractId) as DocumentRow[];
    return this.hydrate(rows);
  }

  async listByTask(taskId: string): Promise<StoredDocument[]> {
    const rows = this.db
      .prepare('SELECT * FROM documents WHERE task_id = ? ORDER BY created_at, id')
      .all(taskId) as DocumentRow[];
    return this.hydrate(rows);
  }

  async listUnfiled(): Promise<StoredDocument[]> {
    const rows = this.db
      .prepare(`SELECT * FROM documents WHERE status <> 'filed' ORDER BY created_at, id`)
      .all() as DocumentRow[];
    return this.hydrate(rows);
  }

  async allIds(): Promise<Set<string>> {
    const rows = this.db.prepare('SELECT id FROM documents').all() as { id: string }[];
    return new Set(rows.map((r) => r.id));
  }

  async claimFiling(
    id: string,
    holder: string,
    now: Date,
    leaseMs: number,
  ): Promise<FilingClaim | null> {
    const doc = this.getNow(id);
    if (!doc) return null;
    if (doc.status === 'filed') return { doc, claimed: false, heldUntil: null };
    const held = this.claims.get(id);
    if (held && held.holder !== holder && held.until > now.getTime()) {
      return { doc, claimed: false, heldUntil: new Date(held.until) };
    }
    this.claims.set(id, { holder, until: now.getTime() + leaseMs });
    return { doc, claimed: true, heldUntil: null };
  }

  private release(id: string, holder: string): void {
    if (this.claims.get(id)?.holder === holder) this.claims.delete(id);
  }

  async markFiled(id: string, reference: string, at: string, holder: string): Promise<void> {
    this.release(id, holder);
    this.db
      .prepare(
        `UPDATE documents SET status = 'filed', archive_reference = ?, failure_reason = NULL,
           attempts = attempts + 1, filed_at = ?, updated_at = ? WHERE id = ?`,
      )
      .run(reference, at, at, id);
  }

  async markFailed(id: string, reason: string, at: string, holder: string): Promise<void> {
    this.release(id, holder);
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
