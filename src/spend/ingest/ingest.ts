/**
 * Ingest: files → parser workers (parse, NOK conversion, agreement matching, documents and lines
 * as Parquet chunk files) → duplicate check on the main thread → the chunk files kept as the
 * store's segments, duplicates hidden. Results are taken in input
 * order (a bounded window of batches in flight), so the first copy of a duplicated invoice is the
 * one stored whatever the worker timing.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { formatScaled, minorDigits } from '../../core/spend/decimal.ts';
import type { AgreementMatcher } from '../../core/spend/matching.ts';
import { documentKey, type SpendDocument, spendSign } from '../../core/spend/model.ts';
import type { RateTable } from '../../core/spend/rates.ts';
import { whileIngesting } from '../aggregates.ts';
import type { ChunkWriter, DuckSpendStore } from '../store/duckdb-store.ts';
import type { BatchFile, BatchResult, Chunk, DocOutcome } from './batch.ts';
import { ParsePool } from './pool.ts';
import { type PreparedDocument, prepareDocument, RowBuilder } from './rows.ts';
import type { SourceFile } from './sources.ts';

export interface IngestError {
  readonly file: string;
  readonly reason: string;
}

/** The summary printed by `ingest --json`; totals are net amounts ex. VAT per document currency. */
export interface IngestSummary {
  files: number;
  invoices: number;
  creditNotes: number;
  lines: number;
  duplicates: number;
  errors: IngestError[];
  totals: Record<string, number>;
}

export interface IngestDetails {
  readonly summary: IngestSummary;
  /** Exact totals in minor units per currency. */
  readonly totalsMinor: Record<string, number>;
  /** Documents stored without a NOK amount because no rate was found, per currency. */
  readonly missingRates: Record<string, number>;
  readonly bytes: number;
}

export interface IngestProgress {
  readonly files: number;
  readonly bytes: number;
}

export interface IngestOptions {
  /** Parser worker threads (0 = parse inline). */
  readonly workers: number;
  readonly rates: RateTable;
  readonly matcher?: AgreementMatcher | null;
  readonly store?: DuckSpendStore | null;
  readonly onProgress?: (p: IngestProgress) => void;
  /** An already started pool to use (and leave open); by default one is started and closed. */
  readonly pool?: ParsePool;
  /** Documents per write to the store. */
  readonly batchSize?: number;
}

/** Accumulates the summary and writes batches to the store. */
export class IngestSink {
  readonly summary: IngestSummary = {
    files: 0,
    invoices: 0,
    creditNotes: 0,
    lines: 0,
    duplicates: 0,
    errors: [],
    totals: {},
  };
  readonly totalsMinor: Record<string, number> = {};
  readonly missingRates: Record<string, number> = {};
  private docCsv: string[] = [];
  private lineCsv: string[] = [];
  private pendingDocs = 0;
  private writing: Promise<void> = Promise.resolve();
  readonly builder: RowBuilder;

  private constructor(
    private readonly keys: Set<string>,
    private nextDocId: number,
    private readonly store: DuckSpendStore | null,
    rates: RateTable,
    matcher: AgreementMatcher | null,
    private readonly batchSize: number,
  ) {
    this.builder = new RowBuilder(rates, matcher);
  }

  static async create(options: IngestOptions): Promise<IngestSink> {
    const store = options.store ?? null;
    const keys = store ? await store.documentKeys() : new Set<string>();
    const next = store ? await store.nextDocId() : 1;
    return new IngestSink(
      keys,
      next,
      store,
      options.rates,
      options.matcher ?? null,
      options.batchSize ?? 5000,
    );
  }

  error(file: string, reason: string): void {
    this.summary.errors.push({ file, reason });
  }

  /** Adds a parsed document (inline path: rows are built on this thread). */
  async add(doc: SpendDocument, source: 'ehf' | 'ledger', file: string | null): Promise<void> {
    if (this.keys.has(documentKey(doc))) {
      this.summary.duplicates++;
      return;
    }
    await this.addPrepared(prepareDocument(this.builder, doc, source, file));
  }

  /** Adds a document prepared by a worker: duplicate check, totals, numbering, batching. */
  async addPrepared(p: PreparedDocument): Promise<void> {
    if (this.keys.has(p.key)) {
      this.summary.duplicates++;
      return;
    }
    this.keys.add(p.key);
    if (p.type === 'invoice') this.summary.invoices++;
    else this.summary.creditNotes++;
    this.summary.lines += p.lineCount;
    this.totalsMinor[p.currency] =
      (this.totalsMinor[p.currency] ?? 0) + spendSign(p.type) * p.taxExclusiveMinor;
    if (p.rateMissing) this.missingRates[p.currency] = (this.missingRates[p.currency] ?? 0) + 1;
    if (!this.store) return;
    const id = this.nextDocId++;
    const prefix = `${id},`;
    this.docCsv.push(prefix + p.documentCsv);
    for (const l of p.lineCsv) this.lineCsv.push(prefix + l);
    if (++this.pendingDocs >= this.batchSize) await this.flush();
  }

  /**
   * Starts writing the pending batch; the previous write is awaited first, so at most one write
   * runs while the workers go on parsing the next batch.
   */
  async flush(): Promise<void> {
    if (!this.store || this.pendingDocs === 0) return;
    const docs = this.docCsv.join('');
    const lines = this.lineCsv.join('');
    this.docCsv = [];
    this.lineCsv = [];
    this.pendingDocs = 0;
    await this.writing;
    this.writing = this.store.appendCsv(docs, lines);
    // Marked handled here; the error still surfaces at the next flush or drain.
    this.writing.catch(() => {});
  }

  /** Writes what is pending and waits until every write is done. */
  async drain(): Promise<void> {
    await this.flush();
    await this.writing;
  }

  finish(bytes: number): IngestDetails {
    const totals: Record<string, number> = {};
    for (const c of Object.keys(this.totalsMinor).sort()) {
      totals[c] = Number(formatScaled(this.totalsMinor[c] as number, minorDigits(c)));
    }
    this.summary.totals = totals;
    return {
      summary: this.summary,
      totalsMinor: this.totalsMinor,
      missingRates: this.missingRates,
      bytes,
    };
  }
}

/** Files per batch sent to a worker, and the most bytes a batch carries. */
const BATCH_FILES = 32;
const BATCH_BYTES = 1 << 20;

/**
 * Ingests every file of a source. A bad file is recorded with its reason; the batch goes on.
 *
 * The workers do nearly everything (read, parse, convert, match, build rows with their final
 * document numbers, write chunk files); the main thread walks the source, keeps the duplicate keys
 * and the summary from small per-file outcomes taken in input order, and stores each finished chunk
 * while the workers go on (one write at a time): its two Parquet files become segments. A chunk's
 * duplicates — decided in input order, so the first copy wins whatever the timing — are hidden in
 * the same transaction.
 */
export async function ingestFiles(
  source: AsyncIterable<SourceFile>,
  options: IngestOptions,
): Promise<IngestDetails> {
  const store = options.store ?? null;
  return store
    ? whileIngesting(store, () => ingestInto(source, options))
    : ingestInto(source, options);
}

async function ingestInto(
  source: AsyncIterable<SourceFile>,
  options: IngestOptions,
): Promise<IngestDetails> {
  const store = options.store ?? null;
  const summary: IngestSummary = {
    files: 0,
    invoices: 0,
    creditNotes: 0,
    lines: 0,
    duplicates: 0,
    errors: [],
    totals: {},
  };
  const totalsMinor: Record<string, number> = {};
  const missingRates: Record<string, number> = {};
  // The store's two reads run while the source is walked: the workers need the first free number
  // with the first batch, the stored keys are needed when the first results are taken. (Awaited
  // there; marked handled here so a failure before then is not an unhandled rejection.)
  const firstId = store ? store.nextDocId() : Promise.resolve(1);
  const storedKeys = store ? store.documentKeys() : Promise.resolve(new Set<string>());
  firstId.catch(() => {});
  storedKeys.catch(() => {});
  let docIdBase = -1;
  let keys: Set<string> | null = null;
  const dir = store ? store.stagingDir() : null;
  const runId = randomUUID();
  const pool =
    options.pool ??
    new ParsePool(options.workers, {
      rates: options.rates.points(),
      agreements: options.matcher?.agreements ?? null,
    });
  const window = Math.max(2, options.workers * 3);
  const inFlight: { files: SourceFile[]; result: Promise<BatchResult> }[] = [];
  /** Document numbers of duplicates, hidden when their chunk is stored. */
  const duplicateIds: number[] = [];
  let writing: Promise<void> = Promise.resolve();
  let bytes = 0;

  const writer = store ? await store.chunkWriter() : null;
  const write = (chunk: Chunk) => {
    const dups = duplicateIds.filter(
      (id) => id >= docIdBase + chunk.minSeq && id <= docIdBase + chunk.maxSeq,
    );
    const previous = writing;
    writing = (async () => {
      await previous;
      await (writer as ChunkWriter).append(chunk, dups);
    })();
    // Marked handled here; the error still surfaces at the next write or at the end.
    writing.catch(() => {});
  };

  const settle = async () => {
    const head = inFlight.shift();
    if (!head) return;
    keys ??= await storedKeys;
    const result = await head.result;
    let next = 0;
    for (const file of head.files) {
      const parsed = file.error === undefined && (file.bytes || file.path);
      const o: DocOutcome = parsed
        ? (result.docs[next++] as DocOutcome)
        : { seq: 0, bytes: 0, error: file.error ?? 'Ukjent feil' };
      summary.files++;
      bytes += file.sourceBytes || o.bytes;
      if (o.error !== undefined) {
        summary.errors.push({ file: file.name, reason: o.error });
        continue;
      }
      if (keys.has(o.key)) {
        summary.duplicates++;
        duplicateIds.push(docIdBase + o.seq);
        continue;
      }
      keys.add(o.key);
      if (o.type === 'invoice') summary.invoices++;
      else summary.creditNotes++;
      summary.lines += o.lineCount;
      totalsMinor[o.currency] =
        (totalsMinor[o.currency] ?? 0) + spendSign(o.type) * o.taxExclusiveMinor;
      if (o.rateMissing) missingRates[o.currency] = (missingRates[o.currency] ?? 0) + 1;
    }
    if (result.chunk && store) write(result.chunk);
    options.onProgress?.({ files: summary.files, bytes });
  };

  let seq = 0;
  let batch: SourceFile[] = [];
  let batchBytes = 0;
  const dispatch = async () => {
    const files = batch;
    batch = [];
    batchBytes = 0;
    if (docIdBase < 0) docIdBase = (await firstId) - 1;
    const toParse: BatchFile[] = [];
    for (const f of files) {
      const s = ++seq;
      // A file the source could not deliver (zip guards, unreadable) keeps its own error.
      if (f.error === undefined && (f.bytes || f.path))
        toParse.push({ seq: s, name: f.name, bytes: f.bytes, path: f.path });
    }
    const result =
      toParse.length === 0
        ? Promise.resolve<BatchResult>({ id: 0, docs: [], chunk: null })
        : pool.run({ runId, dir, docIdBase, files: toParse, flush: false });
    inFlight.push({ files, result });
    if (inFlight.length >= window) await settle();
  };

  try {
    for await (const file of source) {
      batch.push(file);
      batchBytes += file.bytes?.length ?? 0;
      if (batch.length >= BATCH_FILES || batchBytes >= BATCH_BYTES) await dispatch();
    }
    if (batch.length > 0) await dispatch();
    while (inFlight.length > 0) await settle();
    // An empty source: the reads still have to have succeeded.
    if (docIdBase < 0) docIdBase = (await firstId) - 1;
    await storedKeys;
    if (store) {
      for (const r of await pool.flushAll({ runId, dir, docIdBase })) if (r.chunk) write(r.chunk);
      await writing;
      await writer?.commit();
    }
  } finally {
    // After a failure, what was not committed is rolled back: a run stores whole chunks only.
    await writer?.rollback().catch(() => {});
    writer?.close();
    if (!options.pool) await pool.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
  const totals: Record<string, number> = {};
  for (const c of Object.keys(totalsMinor).sort()) {
    totals[c] = Number(formatScaled(totalsMinor[c] as number, minorDigits(c)));
  }
  summary.totals = totals;
  return { summary, totalsMinor, missingRates, bytes };
}

export type { PreparedDocument };
