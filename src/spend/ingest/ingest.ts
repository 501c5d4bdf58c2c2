/**
 * Ingest: files → parser workers → duplicate check → NOK conversion → agreement matching → store.
 * Results are taken in input order (a bounded window of files in flight), so the first copy of a
 * duplicated invoice is the one stored whatever the worker timing.
 */
import { formatScaled, minorDigits } from '../../core/spend/decimal.ts';
import type { AgreementMatcher, MatchResult } from '../../core/spend/matching.ts';
import { documentKey, lineCpv, type SpendDocument, spendSign } from '../../core/spend/model.ts';
import { baseQuantity, invoicedUnitPrice } from '../../core/spend/pricing.ts';
import { type RateTable, toNokOre } from '../../core/spend/rates.ts';
import { normaliseUnit } from '../../core/spend/units.ts';
import type { DocumentRow, DuckSpendStore, LineRow } from '../store/duckdb-store.ts';
import { type ParseOutcome, ParsePool } from './pool.ts';
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
  /** Documents per write to the store. */
  readonly batchSize?: number;
}

/** Turns a parsed document into rows (converted, matched) — shared by EHF and ledger ingest. */
export class RowBuilder {
  private readonly matchCache = new Map<string, MatchResult>();

  constructor(
    private readonly rates: RateTable,
    private readonly matcher: AgreementMatcher | null,
  ) {}

  build(
    doc: SpendDocument,
    docId: number,
    source: 'ehf' | 'ledger',
    file: string | null,
  ): { doc: DocumentRow; lines: LineRow[]; rateMissing: boolean } {
    const sign = spendSign(doc.type);
    const rate = this.rates.rateOn(doc.currency, doc.issueDate);
    const nok = (minor: number) =>
      rate ? toNokOre(minor, doc.currency, rate.nokPerUnitMicro) : null;
    const docRow: DocumentRow = {
      docId,
      docKey: documentKey(doc),
      source,
      docType: doc.type,
      number: doc.number,
      supplierKey: doc.supplierKey,
      supplierOrgnr: doc.supplierOrgnr,
      supplierName: doc.supplierName || null,
      issueDate: doc.issueDate,
      currency: doc.currency,
      taxExclusiveMinor: doc.taxExclusiveMinor,
      nokOre: nok(doc.taxExclusiveMinor),
      rateMicro: rate ? rate.nokPerUnitMicro : null,
      rateDate: rate ? rate.date : null,
      buyerReference: doc.buyerReference,
      orderReference: doc.orderReference,
      contractReference: doc.contractReference,
      file,
    };
    const lines: LineRow[] = doc.lines.map((l, i) => {
      const cpv = lineCpv(l);
      const m = this.match(doc, cpv);
      const unit = l.unitCode || 'C62';
      const price =
        l.priceMicro === null ? null : invoicedUnitPrice(l.priceMicro, l.baseQuantityMicro, unit);
      const netNok = nok(l.netMinor);
      return {
        docId,
        lineNo: i + 1,
        docType: doc.type,
        issueDate: doc.issueDate,
        supplierKey: doc.supplierKey,
        supplierOrgnr: doc.supplierOrgnr,
        unit: doc.buyerReference,
        contractReference: doc.contractReference,
        orderReference: doc.orderReference,
        currency: doc.currency,
        netMinor: sign * l.netMinor,
        netNokOre: netNok === null ? null : sign * netNok,
        quantityMicro: sign * l.quantityMicro,
        unitCode: unit,
        baseUnit: normaliseUnit(unit).base,
        qtyBaseMicro: sign * baseQuantity(l.quantityMicro, unit),
        unitPriceMicro: price ? price.micro : null,
        itemName: l.itemName || null,
        sellerItemId: l.sellersItemId,
        gtin: l.gtin,
        cpv,
        accountingCost: l.accountingCost ?? doc.accountingCost,
        agreementId: m?.agreementId ?? null,
        matchReason: m?.reason ?? null,
        unmatchedClass: m?.unmatched ?? null,
        relatedAgreementId: m?.relatedAgreementId ?? null,
      };
    });
    return { doc: docRow, lines, rateMissing: rate === null };
  }

  private match(doc: SpendDocument, cpv: string | null): MatchResult | null {
    if (!this.matcher) return null;
    const key = `${doc.supplierOrgnr}|${doc.issueDate}|${doc.contractReference}|${doc.orderReference}|${cpv}`;
    let m = this.matchCache.get(key);
    if (!m) {
      m = this.matcher.match({
        supplierOrgnr: doc.supplierOrgnr,
        issueDate: doc.issueDate,
        contractReference: doc.contractReference,
        orderReference: doc.orderReference,
        cpv,
      });
      if (this.matchCache.size > 200_000) this.matchCache.clear();
      this.matchCache.set(key, m);
    }
    return m;
  }
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
  private docRows: DocumentRow[] = [];
  private lineRows: LineRow[] = [];
  private readonly builder: RowBuilder;

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
      options.batchSize ?? 2000,
    );
  }

  error(file: string, reason: string): void {
    this.summary.errors.push({ file, reason });
  }

  async add(doc: SpendDocument, source: 'ehf' | 'ledger', file: string | null): Promise<void> {
    const key = documentKey(doc);
    if (this.keys.has(key)) {
      this.summary.duplicates++;
      return;
    }
    this.keys.add(key);
    if (doc.type === 'invoice') this.summary.invoices++;
    else this.summary.creditNotes++;
    this.summary.lines += doc.lines.length;
    this.totalsMinor[doc.currency] =
      (this.totalsMinor[doc.currency] ?? 0) + spendSign(doc.type) * doc.taxExclusiveMinor;
    if (this.store) {
      const rows = this.builder.build(doc, this.nextDocId++, source, file);
      if (rows.rateMissing) {
        this.missingRates[doc.currency] = (this.missingRates[doc.currency] ?? 0) + 1;
      }
      this.docRows.push(rows.doc);
      for (const l of rows.lines) this.lineRows.push(l);
      if (this.docRows.length >= this.batchSize) await this.flush();
    }
  }

  async flush(): Promise<void> {
    if (!this.store || this.docRows.length === 0) return;
    const docs = this.docRows;
    const lines = this.lineRows;
    this.docRows = [];
    this.lineRows = [];
    await this.store.appendDocuments(docs, lines);
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
  const pool = new ParsePool(options.workers);
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
    else await sink.add(outcome.doc, 'ehf', head.file.name);
    options.onProgress?.({ files: sink.summary.files, bytes });
  };

  try {
    for await (const file of source) {
      const outcome: Promise<ParseOutcome> = file.bytes
        ? pool.parse(file.bytes)
        : Promise.resolve({ error: file.error ?? 'Ukjent feil' });
      inFlight.push({ file, outcome });
      if (inFlight.length >= window) await settle();
    }
    while (inFlight.length > 0) await settle();
    await sink.flush();
  } finally {
    await pool.close();
  }
  return sink.finish(bytes);
}
