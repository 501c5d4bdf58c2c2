/**
 * The work of one parser worker, also run inline (workers = 0): read (for files given by path),
 * parse, convert, match and build rows with their final document numbers — and write them to chunk
 * files: the documents and the lines as two Parquet files that become the store's segments as they
 * are. The main thread gets a small outcome per file (key, type, currency, total, line count) for
 * duplicates and the summary.
 *
 * Document numbers are `docIdBase + seq`, `seq` being the file's position in the input, so no
 * numbering is left for the main thread; gaps (bad files, duplicates) are harmless.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { AgreementMatcher } from '../../core/spend/matching.ts';
import type { SpendDocument } from '../../core/spend/model.ts';
import type { RateTable } from '../../core/spend/rates.ts';
import { parseEhf } from '../ehf/parser.ts';
import { EhfError } from '../ehf/xml-errors.ts';
import { DocumentColumns, LineColumns } from '../store/segment-parquet.ts';
import { RowBuilder } from './rows.ts';

/** Largest file read (the parser refuses larger ones too). */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;
/** A chunk is written once this many documents, or this many lines, are pending. */
export const CHUNK_DOCUMENTS = 4096;
export const CHUNK_LINES = 8192;

export interface BatchFile {
  readonly seq: number;
  readonly name: string;
  /** Read by the worker (folders). */
  readonly path?: string;
  /** Or the bytes themselves (zip entries, uploads). */
  readonly bytes?: Uint8Array;
}

export interface BatchRequest {
  readonly id: number;
  /** One ingest run: pending rows of another run are dropped. */
  readonly runId: string;
  /** Folder for chunk files; null when nothing is stored (only the summary is wanted). */
  readonly dir: string | null;
  readonly docIdBase: number;
  readonly files: readonly BatchFile[];
  /** Write the pending rows to a chunk now (end of input). */
  readonly flush: boolean;
}

export type DocOutcome =
  | { readonly seq: number; readonly bytes: number; readonly error: string }
  | {
      readonly seq: number;
      readonly bytes: number;
      readonly error?: undefined;
      readonly key: string;
      readonly type: SpendDocument['type'];
      readonly currency: string;
      readonly taxExclusiveMinor: number;
      readonly lineCount: number;
      readonly rateMissing: boolean;
    };

/** The Parquet files of a chunk's documents and lines, with the input positions they cover. */
export interface Chunk {
  readonly documentFile: string;
  /** Null when the chunk's documents have no lines. */
  readonly lineFile: string | null;
  readonly minSeq: number;
  readonly maxSeq: number;
  readonly documents: number;
  readonly lines: number;
  /** Size of the two files in bytes. */
  readonly bytes: number;
}

export interface BatchResult {
  readonly id: number;
  readonly docs: DocOutcome[];
  readonly chunk: Chunk | null;
}

export function reasonOf(e: unknown): string {
  return e instanceof EhfError ? e.message : `Uventet feil: ${(e as Error).message}`;
}

/**
 * The worker's read buffer, reused for every file (a file's bytes are only read while it is
 * parsed; the parser keeps strings, not views): a fresh buffer per file was garbage of the size of
 * the whole input.
 */
let readBuf = Buffer.allocUnsafe(1 << 16);

/** Reads a file by path, refusing more than MAX_FILE_BYTES without reading it. */
function readFile(path: string): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size > MAX_FILE_BYTES) {
      throw new EhfError(
        'too_large',
        `Filen er for stor (${size} byte; grensen er ${MAX_FILE_BYTES} byte).`,
      );
    }
    if (readBuf.length < size) readBuf = Buffer.allocUnsafe(Math.max(size, readBuf.length * 2));
    const buf = readBuf;
    let off = 0;
    while (off < size) {
      const n = readSync(fd, buf, off, size - off, off);
      if (n === 0) break;
      off += n;
    }
    return buf.subarray(0, off);
  } finally {
    closeSync(fd);
  }
}

export class BatchProcessor {
  private readonly builder: RowBuilder;
  private runId = '';
  private readonly docColumns = new DocumentColumns();
  private readonly lineColumns = new LineColumns();
  private minSeq = Number.POSITIVE_INFINITY;
  private maxSeq = 0;
  private chunkNo = 0;

  constructor(
    rates: RateTable,
    matcher: AgreementMatcher | null,
    /** Distinguishes the chunk files of several processors in one folder. */
    private readonly tag: string,
  ) {
    this.builder = new RowBuilder(rates, matcher);
  }

  run(req: BatchRequest): BatchResult {
    if (req.runId !== this.runId) {
      this.runId = req.runId;
      this.reset();
    }
    const docs: DocOutcome[] = [];
    for (const f of req.files) {
      let bytes = 0;
      try {
        const data = f.bytes ?? readFile(f.path ?? '');
        bytes = data.length;
        const doc = parseEhf(data);
        docs.push(this.add(doc, f, req, bytes));
      } catch (e) {
        const reason =
          e instanceof EhfError || !(e as NodeJS.ErrnoException).code
            ? reasonOf(e)
            : `Kunne ikke lese filen: ${(e as Error).message}`;
        docs.push({ seq: f.seq, bytes, error: reason });
      }
    }
    const chunk =
      req.dir !== null &&
      (req.flush ||
        this.docColumns.length >= CHUNK_DOCUMENTS ||
        this.lineColumns.length >= CHUNK_LINES)
        ? this.writeChunk(req.dir)
        : null;
    return { id: req.id, docs, chunk };
  }

  private add(doc: SpendDocument, f: BatchFile, req: BatchRequest, bytes: number): DocOutcome {
    const docId = req.docIdBase + f.seq;
    const rows = this.builder.build(doc, docId, 'ehf', f.name);
    if (req.dir !== null) {
      this.docColumns.add(docId, rows.doc);
      for (const l of rows.lines) this.lineColumns.add(docId, l);
      if (f.seq < this.minSeq) this.minSeq = f.seq;
      if (f.seq > this.maxSeq) this.maxSeq = f.seq;
    }
    return {
      seq: f.seq,
      bytes,
      key: rows.doc.docKey,
      type: doc.type,
      currency: doc.currency,
      taxExclusiveMinor: doc.taxExclusiveMinor,
      lineCount: doc.lines.length,
      rateMissing: rows.rateMissing,
    };
  }

  /** Writes the pending rows as a chunk: the documents' and the lines' Parquet files. */
  private writeChunk(dir: string): Chunk | null {
    if (this.docColumns.length === 0) return null;
    const n = ++this.chunkNo;
    const documentFile = join(dir, `${this.tag}-${n}-d.parquet`);
    const documentBytes = this.docColumns.write(documentFile);
    let lineFile: string | null = null;
    let lineBytes = 0;
    if (this.lineColumns.length > 0) {
      lineFile = join(dir, `${this.tag}-${n}-l.parquet`);
      lineBytes = this.lineColumns.write(lineFile);
    }
    const chunk: Chunk = {
      documentFile,
      lineFile,
      minSeq: this.minSeq,
      maxSeq: this.maxSeq,
      documents: this.docColumns.length,
      lines: this.lineColumns.length,
      bytes: documentBytes + lineBytes,
    };
    this.reset();
    return chunk;
  }

  private reset(): void {
    this.docColumns.clear();
    this.lineColumns.clear();
    this.minSeq = Number.POSITIVE_INFINITY;
    this.maxSeq = 0;
  }
}
