import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import {
  type ArchiveProfile,
  accessCode,
  archiveKeys,
  arkivmeldingFor,
  buildArkivmelding,
  canDownloadDocument,
  DEFAULT_ARCHIVE_PROFILE,
  type DocumentView,
  documentMetadataSchema,
  packageFileName,
  projectDocument,
  publicTitle,
  sanitiseFileName,
  withDetectedExtension,
} from '../../core/archive/index.ts';
import {
  asViewer,
  type Contract,
  canEditContract,
  DomainError,
  type FieldIssue,
  forbidden,
  notFound,
  type User,
  type Viewer,
} from '../../core/index.ts';
import type { ContractStore } from '../../store/register.port.ts';
import { ArchiveError, type ArchiveGateway } from '../archive-gateway.port.ts';
import { detectDocumentType } from './content-type.ts';
import {
  type DocumentRecordStore,
  DuplicateDocumentError,
  type StoredDocument,
  type StoredFile,
} from './document-store.ts';
import { type KeptFileStore, LocalKeptFiles } from './kept-files.ts';

export const DEFAULT_MAX_FILE_BYTES = 50 * 1024 * 1024;
export const DEFAULT_MAX_FILES = 10;

/** How long a filing claim lasts (a large upload to the library may take minutes). */
export const FILING_LEASE_MS = 10 * 60_000;
/** How long a retry waits for another instance's filing of the same document before answering. */
const AWAIT_OTHER_MS = 30_000;

export interface DocumentServiceOptions {
  /** The records: SQLite (`SqliteDocumentStore`) or the SharePoint list. */
  readonly store: DocumentRecordStore;
  /** The kept copies of uploads; default `<dataDir>/uploads/documents/` (`LocalKeptFiles`). */
  readonly files?: KeptFileStore;
  /** The data folder: uploads are staged under `<dataDir>/uploads/staging/`. */
  readonly dataDir: string;
  readonly gateway: ArchiveGateway;
  readonly contracts: Pick<ContractStore, 'get'>;
  readonly profile?: ArchiveProfile;
  /** Per file; default 50 MB. */
  readonly maxFileBytes?: number;
  readonly maxFiles?: number;
  readonly clock?: () => Date;
  readonly log?: (level: 'error' | 'info', message: string, extra?: unknown) => void;
}

/** A file received and kept in the staging folder, not yet part of a document. */
export interface StagedFile {
  readonly path: string;
  readonly originalName: string;
  readonly size: number;
  readonly sha256: string;
}

export class FileTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`Filen er større enn grensen på ${formatBytes(limit)}`);
    this.name = 'FileTooLargeError';
  }
}

export function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${Math.round(n / 1024 / 1024)} MB` : `${Math.round(n / 1024)} kB`;
}

export interface CreateDocumentRequest {
  readonly contractId: string;
  readonly metadata: unknown;
  readonly files: readonly StagedFile[];
  /** A client-chosen key: the same key for the same contract returns the first document. */
  readonly idempotencyKey?: string | null | undefined;
}

export interface DocumentContent {
  readonly stream: Readable;
  readonly fileName: string;
  readonly mediaType: string;
  readonly size: number;
  readonly sha256: string;
}

const idempotencyKeySchema = z
  .string()
  .trim()
  .min(8, 'må ha minst 8 tegn')
  .max(100)
  .regex(/^[\w.:-]+$/, 'kan bare inneholde bokstaver, tall og . : _ -');

/**
 * Documents of the contract phase: validated uploads kept in the data folder, described with
 * archive metadata, and filed through the `ArchiveGateway`. Filing is idempotent (stable external
 * keys, one package per entry) and a crash at any point leaves nothing half-written: files are in
 * place before the row is committed, packages appear in the outbox in one rename, and `recover()`
 * removes leftovers and files what was left pending.
 */
export class DocumentService {
  readonly maxFileBytes: number;
  readonly maxFiles: number;
  readonly profile: ArchiveProfile;
  private readonly store: DocumentRecordStore;
  readonly files: KeptFileStore;
  private readonly clock: () => Date;
  private readonly inFlight = new Map<string, Promise<StoredDocument>>();
  /** This process's name on filing claims. */
  private readonly holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

  constructor(private readonly options: DocumentServiceOptions) {
    this.store = options.store;
    this.files = options.files ?? new LocalKeptFiles(options.dataDir);
    this.maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    this.maxFiles = options.maxFiles ?? DEFAULT_MAX_FILES;
    this.profile = options.profile ?? DEFAULT_ARCHIVE_PROFILE;
    this.clock = options.clock ?? (() => new Date());
  }

  get gateway(): ArchiveGateway {
    return this.options.gateway;
  }

  private get stagingDir() {
    return join(this.options.dataDir, 'uploads', 'staging');
  }

  /**
   * Receives one file into the staging folder while counting and hashing; stops and removes it
   * as soon as it passes the size limit (the stream is not read to its end).
   */
  async stage(stream: Readable, originalName: string): Promise<StagedFile> {
    await mkdir(this.stagingDir, { recursive: true });
    const path = join(this.stagingDir, randomUUID());
    const hash = createHash('sha256');
    let size = 0;
    const limit = this.maxFileBytes;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (size > limit) {
          done(new FileTooLargeError(limit));
          return;
        }
        hash.update(chunk);
        done(null, chunk);
      },
    });
    // The file is created before anything streams: a write stream opening it by itself could
    // create it after a refused upload had already been cleaned up.
    const file = await open(path, 'wx');
    try {
      await pipeline(stream, meter, file.createWriteStream());
    } catch (e) {
      await file.close().catch(() => {});
      await rm(path, { force: true });
      throw e;
    }
    return { path, originalName, size, sha256: hash.digest('hex') };
  }

  async discard(files: readonly StagedFile[]): Promise<void> {
    await Promise.all(files.map((f) => rm(f.path, { force: true })));
  }

  /** Checked before an upload is read, so a refused user does not get to send the body. */
  async assertMayUpload(user: User, contractId: string): Promise<void> {
    const contract = await this.contractFor(contractId);
    if (!canEditContract(user, contract)) {
      throw forbidden('Bare kontraktseier, kontraktsforvalter og Kontraktservice kan laste opp');
    }
  }

  /** Validates, keeps and files a new document. Staged files are consumed (moved or removed). */
  async create(user: User, request: CreateDocumentRequest): Promise<DocumentView> {
    try {
      const contract = await this.contractFor(request.contractId);
      if (!canEditContract(user, contract)) {
        throw forbidden('Bare kontraktseier, kontraktsforvalter og Kontraktservice kan laste opp');
      }
      const key =
        request.idempotencyKey == null
          ? null
          : parseOr(idempotencyKeySchema, request.idempotencyKey, 'Idempotency-Key');
      if (key) {
        const existing = await this.store.byIdempotencyKey(contract.id, key);
        if (existing) {
          await this.discard(request.files);
          return this.view(asViewer(user), contract, existing);
        }
      }
      const meta = parseOr(documentMetadataSchema, request.metadata);
      if (meta.screening && !accessCode(this.profile, meta.screening.accessCode)) {
        throw new DomainError('validation', 'Ukjent tilgangskode', [
          {
            field: 'screening.accessCode',
            message: `må være en av ${this.profile.accessCodes.map((c) => c.kode).join(', ')}`,
          },
        ]);
      }
      const correspondent =
        meta.correspondent ??
        (meta.entryType === 'I' || meta.entryType === 'U' ? (contract.suppliers[0] ?? null) : null);
      if ((meta.entryType === 'I' || meta.entryType === 'U') && !correspondent) {
        throw new DomainError(
          'validation',
          'Inngående og utgående dokument må ha en avsender/mottaker',
          [{ field: 'correspondent', message: 'mangler (avtalen har ingen leverandør)' }],
        );
      }
      const files = await this.checkFiles(request.files);

      const id = randomUUID();
      const paths = await this.files.keep(
        id,
        files.map((f) => ({
          packageName: f.packageName,
          path: f.staged.path,
          size: f.staged.size,
          sha256: f.staged.sha256,
        })),
      );
      const stored: StoredFile[] = files.map((f, i) => ({
        ...f.file,
        storedPath: paths[i] as string,
      }));
      const now = this.clock().toISOString();
      const doc: StoredDocument = {
        id,
        contractId: contract.id,
        taskId: meta.taskId,
        idempotencyKey: key,
        title: meta.title,
        publicTitle: publicTitle(meta.title, meta.screening),
        entryType: meta.entryType,
        documentType: meta.documentType,
        documentStatus: meta.documentStatus,
        documentDate: meta.documentDate,
        description: meta.description,
        screening: meta.screening,
        correspondent: correspondent
          ? { name: correspondent.name, orgnr: correspondent.orgnr }
          : null,
        files: stored,
        status: 'pending',
        archiveReference: null,
        archiveKeys: archiveKeys(this.profile.fagsystem, contract.id, id),
        failureReason: null,
        attempts: 0,
        createdAt: now,
        createdBy: user.id,
        createdByName: user.name,
        filedAt: null,
        updatedAt: now,
      };
      try {
        await this.store.insert(doc);
      } catch (e) {
        await this.files.discard(id);
        if (key && e instanceof DuplicateDocumentError) {
          const existing = await this.store.byIdempotencyKey(contract.id, key);
          if (existing) return this.view(asViewer(user), contract, existing);
        }
        throw e;
      }
      const filed = await this.fileDocument(id);
      return this.view(asViewer(user), contract, filed);
    } finally {
      await this.discard(request.files);
    }
  }

  /** The documents of a contract as the viewer may see them (screened ones masked or left out). */
  async list(viewer: Viewer, contractId: string): Promise<DocumentView[]> {
    const contract = await this.contractFor(contractId);
    return (await this.store.listByContract(contract.id)).flatMap((d) => {
      const v = projectDocument(viewer, contract, d);
      return v ? [v] : [];
    });
  }

  /** Documents attached as evidence to a follow-up task. */
  async listForTask(viewer: Viewer, taskId: string): Promise<DocumentView[]> {
    const out: DocumentView[] = [];
    for (const d of await this.store.listByTask(taskId)) {
      const contract = await this.options.contracts.get(d.contractId);
      const v = contract ? projectDocument(viewer, contract, d) : null;
      if (v) out.push(v);
    }
    return out;
  }

  async get(viewer: Viewer, id: string): Promise<DocumentView> {
    const { doc, contract } = await this.load(id);
    const v = projectDocument(viewer, contract, doc);
    if (!v) throw notFound('Dokumentet');
    return v;
  }

  /** The content of file `n` (1 = main document) for a viewer who may see it. */
  async content(viewer: Viewer, id: string, n: number): Promise<DocumentContent> {
    const { doc, contract } = await this.load(id);
    if (!projectDocument(viewer, contract, doc)) throw notFound('Dokumentet');
    if (!canDownloadDocument(viewer, contract, doc)) {
      throw forbidden('Dokumentet er skjermet; du har ikke tilgang til innholdet');
    }
    const file = doc.files.find((f) => f.n === n);
    if (!file) throw notFound('Filen');
    return {
      stream: await this.files.open(file),
      fileName: file.fileName,
      mediaType: file.mediaType,
      size: file.size,
      sha256: file.sha256,
    };
  }

  /** Files a failed (or still pending) document again; a filed document is left as it is. */
  async retry(user: User, id: string): Promise<DocumentView> {
    const { doc, contract } = await this.load(id);
    if (!canEditContract(user, contract)) {
      throw forbidden(
        'Bare kontraktseier, kontraktsforvalter og Kontraktservice kan arkivere på nytt',
      );
    }
    const after = doc.status === 'filed' ? doc : await this.fileDocument(doc.id);
    return this.view(asViewer(user), contract, after);
  }

  /**
   * Files every document that is not filed yet (for the scheduler and after a restart). One that
   * another instance is filing right now is left to it (counted neither filed nor failed).
   */
  async fileUnfiled(): Promise<{ filed: number; failed: number }> {
    let filed = 0;
    let failed = 0;
    for (const d of await this.store.listUnfiled()) {
      const after = await this.fileDocument(d.id, { waitForOther: false });
      if (after.status === 'filed') filed++;
      else if (after.attempts > d.attempts) failed++;
    }
    return { filed, failed };
  }

  /**
   * Removes what a crash may have left (staged uploads, kept files without a record or local
   * copies, the gateway's temporary folders), then files the documents that were left pending.
   */
  async recover(): Promise<{ filed: number; failed: number }> {
    await rm(this.stagingDir, { recursive: true, force: true });
    await this.options.gateway.recover();
    await this.files.recover(() => this.store.allIds());
    return this.fileUnfiled();
  }

  /**
   * Files one document through the gateway; concurrent calls for the same id share one attempt.
   * When another instance holds the filing claim, waits for its outcome (≤ 30 s) unless told not to.
   */
  fileDocument(id: string, options: { waitForOther?: boolean } = {}): Promise<StoredDocument> {
    const running = this.inFlight.get(id);
    if (running) return running;
    const attempt = this.fileOnce(id, options.waitForOther ?? true).finally(() =>
      this.inFlight.delete(id),
    );
    this.inFlight.set(id, attempt);
    return attempt;
  }

  private async fileOnce(id: string, waitForOther: boolean): Promise<StoredDocument> {
    // The claim (an ETag write on SharePoint) makes one instance file it when several retry at once.
    const claim = await this.store.claimFiling(id, this.holder, this.clock(), FILING_LEASE_MS);
    if (!claim) throw notFound('Dokumentet');
    if (!claim.claimed) {
      return claim.doc.status === 'filed' || !waitForOther
        ? claim.doc
        : this.awaitOther(claim.doc, claim.heldUntil);
    }
    const doc = claim.doc;
    try {
      const contract = await this.contractFor(doc.contractId);
      const xml = buildArkivmelding(arkivmeldingFor(this.profile, contract, doc));
      const files = [];
      for (const f of doc.files) {
        files.push({
          packageName: f.packageName,
          path: await this.files.localPath(doc.id, f),
          size: f.size,
          sha256: f.sha256,
          mediaType: f.mediaType,
        });
      }
      const receipt = await this.options.gateway.file({
        keys: doc.archiveKeys,
        folderName: doc.id,
        arkivmelding: xml,
        files,
        metadata: {
          publicTitle: doc.publicTitle,
          entryType: doc.entryType,
          documentType: doc.documentType,
          accessCode: doc.screening?.accessCode ?? null,
          legalBasis: doc.screening?.legalBasis ?? null,
          contractReference: contract.referenceNumber,
          caseNumber: contract.caseNumber,
          correspondentName: doc.correspondent?.name ?? null,
          correspondentOrgnr: doc.correspondent?.orgnr ?? null,
        },
      });
      await this.store.markFiled(id, receipt.reference, this.clock().toISOString(), this.holder);
    } catch (e) {
      const reason =
        e instanceof ArchiveError || e instanceof DomainError
          ? e.message
          : `Arkiveringen feilet: ${(e as Error).message}`;
      this.options.log?.('error', `Arkivering av dokument ${id} feilet`, e);
      await this.store.markFailed(id, reason, this.clock().toISOString(), this.holder);
    }
    // Local copies made for this attempt go (a retry, on any instance, fetches the kept copy again).
    await this.files.settled(id).catch(() => undefined);
    return (await this.store.get(id)) as StoredDocument;
  }

  /**
   * Another instance is filing the document: waits (≤ 30 s, and no longer than its claim) until
   * its attempt is recorded, then answers with the record as it is.
   */
  private async awaitOther(
    before: StoredDocument,
    heldUntil: Date | null,
  ): Promise<StoredDocument> {
    // The claim's end is on the service clock; the wait is real time.
    const left = heldUntil ? heldUntil.getTime() - this.clock().getTime() : 0;
    const until = Date.now() + Math.min(AWAIT_OTHER_MS, left);
    let wait = 50;
    let doc = before;
    while (Date.now() < until) {
      await new Promise((r) => setTimeout(r, wait));
      wait = Math.min(wait * 2, 1000);
      doc = (await this.store.get(before.id)) ?? doc;
      if (doc.status === 'filed' || doc.attempts > before.attempts) break;
    }
    return doc;
  }

  private async checkFiles(staged: readonly StagedFile[]) {
    if (staged.length === 0) {
      throw new DomainError('validation', 'Mangler fil', [
        { field: 'file', message: 'last opp minst én fil' },
      ]);
    }
    if (staged.length > this.maxFiles) {
      throw new DomainError('validation', 'For mange filer', [
        { field: 'file', message: `høyst ${this.maxFiles} filer per dokument` },
      ]);
    }
    const issues: FieldIssue[] = [];
    const out: { staged: StagedFile; file: Omit<StoredFile, 'storedPath'>; packageName: string }[] =
      [];
    for (const [i, s] of staged.entries()) {
      const field = `files.${i}`;
      const displayName = sanitiseFileName(s.originalName);
      if (s.size === 0) {
        issues.push({ field, message: `«${displayName}» er tom (0 byte)` });
        continue;
      }
      if (s.size > this.maxFileBytes) {
        issues.push({
          field,
          message: `«${displayName}» er større enn ${formatBytes(this.maxFileBytes)}`,
        });
        continue;
      }
      const detected = await detectDocumentType(s.path);
      if (!detected.ok) {
        issues.push({ field, message: `«${displayName}»: ${detected.reason}` });
        continue;
      }
      const n = i + 1;
      const fileName = withDetectedExtension(displayName, detected.type.extension);
      const packageName = packageFileName(n, fileName, detected.type.extension);
      out.push({
        staged: s,
        packageName,
        file: {
          n,
          fileName,
          packageName,
          mediaType: detected.type.mediaType,
          extension: detected.type.extension,
          size: s.size,
          sha256: s.sha256,
          variant: detected.type.variant,
          formatDetails: detected.type.formatDetails,
        },
      });
    }
    if (issues.length > 0) {
      throw new DomainError(
        'validation',
        `Filen ble avvist: ${issues.map((i) => i.message).join('; ')}`,
        issues,
      );
    }
    return out.map((o) => ({ ...o, file: o.file }));
  }

  private async contractFor(id: string): Promise<Contract> {
    const contract = await this.options.contracts.get(id);
    if (!contract) throw notFound('Avtalen');
    return contract;
  }

  private async load(id: string): Promise<{ doc: StoredDocument; contract: Contract }> {
    const doc = await this.store.get(id);
    if (!doc) throw notFound('Dokumentet');
    const contract = await this.options.contracts.get(doc.contractId);
    if (!contract) throw notFound('Dokumentet');
    return { doc, contract };
  }

  private view(viewer: Viewer, contract: Contract, doc: StoredDocument): DocumentView {
    const v = projectDocument(viewer, contract, doc);
    if (!v) throw notFound('Dokumentet');
    return v;
  }
}

function parseOr<S extends z.ZodType>(schema: S, value: unknown, prefix = ''): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues: FieldIssue[] = parsed.error.issues.map((i) => ({
    field: [prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(body)',
    message: i.message,
  }));
  throw new DomainError(
    'validation',
    `Ugyldige felt: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`,
    issues,
  );
}
