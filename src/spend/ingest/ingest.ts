/**
 * Ingest: files → parser workers → duplicate check → NOK conversion → agreement matching → store.
 * Results are taken in input order (a bounded window of files in flight), so the first copy of a
 * duplicated invoice is the one stored whatever the worker timing.
 */
import { formatScaled, minorDigits } from '../../core/spend/decimal.ts';
import type { AgreementMatcher } from '../../core/spend/matching.ts';
import { documentKey, type SpendDocument, spendSign } from '../../core/spend/model.ts';
import type { RateTable } from '../../core/spend/rates.ts';
import type { DuckSpendStore } from '../store/duckdb-store.ts';
import { type ParseOutcome, ParsePool } from './pool.ts';
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

/** Ingests every file of a source. A bad file is recorded with its reason; the batch goes on. */
export async function ingestFiles(
  source: AsyncIterable<SourceFile>,
  options: IngestOptions,
): Promise<IngestDetails> {
  const sink = await IngestSink.create(options);
  const pool =
    options.pool ??
    new ParsePool(options.workers, sink.builder, {
      rates: options.rates.points(),
      agreements: options.matcher?.agreements ?? null,
    });
  const window = Math.max(4, options.workers * 16);
  const inFlight: { file: SourceFile; outcome: Promise<ParseOutcome> }[] = [];
  let bytes = 0;

  const settle = async () => {
    const head = inFlight.shift();
    if (!head) return;
    const outcome = await head.outcome;
    sink.summary.files++;
    bytes += head.file.sourceBytes;
    if (outcome.error !== undefined) sink.error(head.file.name, outcome.error);
    else await sink.addPrepared(outcome.prepared);
    options.onProgress?.({ files: sink.summary.files, bytes });
  };

  try {
    for await (const file of source) {
      const outcome: Promise<ParseOutcome> = file.bytes
        ? pool.parse(file.bytes, file.name)
        : Promise.resolve({ error: file.error ?? 'Ukjent feil' });
      inFlight.push({ file, outcome });
      if (inFlight.length >= window) await settle();
    }
    while (inFlight.length > 0) await settle();
    await sink.drain();
  } finally {
    if (!options.pool) await pool.close();
  }
  return sink.finish(bytes);
}

export type { PreparedDocument };
