/**
 * The spend-analysis service: one object the CLI, the API and the benchmarks share. It owns the
 * DuckDB store and reads agreements from the register store port (`contracts.all()`).
 */
import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Contract } from '../core/contract.ts';
import { DomainError } from '../core/errors.ts';
import { formatScaled, MICRO } from '../core/spend/decimal.ts';
import { type Agreement, AgreementMatcher } from '../core/spend/matching.ts';
import type { RatePoint, RateTable } from '../core/spend/rates.ts';
import type { ContractStore } from '../store/register.port.ts';
import { ensureAggregates, whileIngesting } from './aggregates.ts';
import {
  loadAgreements,
  loadRates,
  parseRateSeries,
  refreshAllowedPrices,
  rematch,
  savePriceList,
  saveRates,
  shippedIndexSeries,
  syncAgreements,
} from './context.ts';
import {
  type CurrencyCoverage,
  type MissingRates,
  missingRates,
  rateCoverage,
  reconvert,
} from './currency.ts';
import {
  type IngestDetails,
  type IngestProgress,
  IngestSink,
  ingestFiles,
} from './ingest/ingest.ts';
import type { SourceFile } from './ingest/sources.ts';
import { LedgerColumnsError, type LedgerMapping, parseLedgerCsv } from './ledger.ts';
import { parsePriceListCsv, parsePriceListXlsx } from './pricelists.ts';
import type { ExchangeRateSource } from './rates/norges-bank.ts';
import type { IndexSeriesSource } from './rates/ssb-kpi.ts';
import { leakageReport, priceControlReport, turnoverReport } from './reports.ts';
import { DuckSpendStore } from './store/duckdb-store.ts';

/** Segment files an open store keeps before absorbing them (two per chunk of ≈ 8,000 lines). */
const MAX_SEGMENTS = 128;

export interface SpendServiceOptions {
  /** DuckDB file (default `<dataDir>/spend.duckdb`); ':memory:' for tests. */
  readonly file: string;
  readonly contracts: Pick<ContractStore, 'all'>;
  readonly clock?: () => Date;
}

export interface PriceListSummary {
  readonly agreementId: string;
  readonly referenceNumber: string;
  readonly title: string | null;
  /** Rows in the agreement's price list (0: none imported). */
  readonly items: number;
  readonly firstValidFrom: string | null;
  readonly lastValidFrom: string | null;
  readonly currencies: readonly string[];
}

/** What the store holds: for the import screen («what is already loaded?»). */
export interface SpendOverview {
  readonly invoices: number;
  readonly creditNotes: number;
  /** Documents from ledger exports (CSV), of the two counts above. */
  readonly fromLedger: number;
  readonly lines: number;
  readonly suppliers: number;
  /** First and last invoice date (ISO), null when the store is empty. */
  readonly firstDate: string | null;
  readonly lastDate: string | null;
}

export interface PriceListItem {
  readonly itemNumber: string | null;
  readonly gtin: string | null;
  readonly description: string | null;
  readonly unit: string;
  /** Decimal text, at least two decimals ("129.50", "0.125"). */
  readonly price: string;
  readonly currency: string;
  readonly validFrom: string;
}

export class SpendService {
  private agreementsCache: Agreement[] | null = null;
  private contractsById = new Map<string, Contract>();

  private constructor(
    readonly store: DuckSpendStore,
    private readonly contracts: Pick<ContractStore, 'all'>,
    private readonly clock: () => Date,
  ) {}

  static async open(options: SpendServiceOptions): Promise<SpendService> {
    const store = await DuckSpendStore.open(options.file);
    return new SpendService(store, options.contracts, options.clock ?? (() => new Date()));
  }

  static defaultFile(dataDir: string): string {
    mkdirSync(dataDir, { recursive: true });
    return join(dataDir, 'spend.duckdb');
  }

  /** Reloads agreements from the register and writes them to the analytics store. */
  async refreshAgreements(): Promise<Agreement[]> {
    const all: Contract[] = [];
    for await (const c of this.contracts.all()) all.push(c);
    this.contractsById = new Map(all.map((c) => [c.id, c]));
    const agreements = await loadAgreements(
      (async function* () {
        yield* all;
      })(),
    );
    await syncAgreements(this.store, agreements);
    this.agreementsCache = agreements;
    return agreements;
  }

  private async matcher(): Promise<AgreementMatcher> {
    return new AgreementMatcher(this.agreementsCache ?? (await this.refreshAgreements()));
  }

  async rates(): Promise<RateTable> {
    return loadRates(this.store);
  }

  /**
   * Matched net spend in NOK øre per agreement (contract id) over all stored documents — what
   * counts against an agreement's maximum value. Null while no spend data has been ingested.
   */
  async turnoverByAgreement(): Promise<ReadonlyMap<string, number> | null> {
    const [any] = await this.store.rows<{ n: bigint | number }>(
      'SELECT count(*) AS n FROM (SELECT 1 FROM spend_document LIMIT 1)',
    );
    if (Number(any?.n ?? 0) === 0) return null;
    await ensureAggregates(this.store);
    const rows = await this.store.rows<{ a: string; ore: bigint | number }>(
      'SELECT agreement_id AS a, sum(ore)::BIGINT AS ore FROM spend_agg_turnover GROUP BY 1',
    );
    return new Map(rows.map((r) => [r.a, Number(r.ore)]));
  }

  async ingest(
    source: AsyncIterable<SourceFile>,
    options: { workers?: number; onProgress?: (p: IngestProgress) => void } = {},
  ): Promise<IngestDetails> {
    await this.refreshAgreements();
    const details = await ingestFiles(source, {
      workers: options.workers ?? 2,
      rates: await this.rates(),
      matcher: await this.matcher(),
      store: this.store,
      onProgress: options.onProgress,
    });
    // Segments are absorbed once they are many (a large ingest, or a server that stays open);
    // fewer wait until the store next opens or stored rows are changed.
    if ((await this.store.segmentCount()) > MAX_SEGMENTS) await this.store.absorbSegments();
    return details;
  }

  /**
   * Ingests ledger postings (CSV) with a column mapping. A row that cannot be read is an error
   * named `<file>, linje N`; a mapping whose columns are not in the header is a validation error
   * before anything is stored. `onProgress`: rows read (`files`) and bytes taken by the parser.
   */
  async ingestLedger(
    input: Readable,
    mapping: LedgerMapping,
    options: { fileName?: string; onProgress?: (p: IngestProgress) => void } = {},
  ): Promise<IngestDetails> {
    const streamPath = (input as Readable & { path?: unknown }).path;
    const fileName =
      options.fileName ??
      (typeof streamPath === 'string' ? basename(streamPath) : 'regnskapsdata.csv');
    await this.refreshAgreements();
    const sink = await IngestSink.create({
      workers: 0,
      rates: await this.rates(),
      matcher: await this.matcher(),
      store: this.store,
    });
    let bytes = 0;
    const report = () => options.onProgress?.({ files: sink.summary.files, bytes });
    return whileIngesting(this.store, async () => {
      try {
        const rows = parseLedgerCsv(input, mapping, {
          onBytes: (n) => {
            bytes = n;
          },
        });
        for await (const row of rows) {
          sink.summary.files++;
          if (row.error !== undefined) sink.error(`${fileName}, linje ${row.line}`, row.error);
          else await sink.add(row.doc, 'ledger', fileName);
          if ((sink.summary.files & 255) === 0) report();
        }
      } catch (e) {
        if (e instanceof LedgerColumnsError) {
          throw new DomainError(
            'validation',
            e.message,
            e.missing.map((m) => ({
              field: m.field,
              message: `kolonnen «${m.column}» finnes ikke`,
            })),
          );
        }
        sink.error(fileName, `Kunne ikke lese CSV-filen: ${(e as Error).message}`);
      }
      await sink.drain();
      report();
      return sink.finish(bytes);
    });
  }

  /** Imports a price list (CSV or Excel) for the agreement with this id or reference number. */
  async importPriceList(agreement: string, fileName: string, bytes: Buffer): Promise<number> {
    const agreements = await this.refreshAgreements();
    const a = agreements.find((x) => x.id === agreement || x.referenceNumber === agreement);
    if (!a) throw new DomainError('not_found', `Avtalen «${agreement}» finnes ikke`);
    const entries = /\.xlsx$/i.test(fileName)
      ? await parsePriceListXlsx(a.id, bytes)
      : parsePriceListCsv(a.id, bytes.toString('utf8'));
    await savePriceList(this.store, entries);
    await this.refreshPrices();
    return entries.length;
  }

  /** Every agreement with the size and period of its price list (none: `items` 0). */
  async priceLists(): Promise<PriceListSummary[]> {
    await this.refreshAgreements();
    const rows = await this.store.rows<{
      id: string;
      ref: string;
      title: string | null;
      n: bigint;
      f: string | null;
      l: string | null;
      c: string | null;
    }>(
      `SELECT a.agreement_id AS id, a.reference_number AS ref, a.title, count(p.unit) AS n,
              strftime(min(p.valid_from), '%Y-%m-%d') AS f, strftime(max(p.valid_from), '%Y-%m-%d') AS l,
              string_agg(DISTINCT p.currency, ',' ORDER BY p.currency) AS c
         FROM spend_agreement a LEFT JOIN spend_price_list p USING (agreement_id)
        GROUP BY ALL ORDER BY a.reference_number`,
    );
    return rows.map((r) => ({
      agreementId: r.id,
      referenceNumber: r.ref,
      title: r.title,
      items: Number(r.n),
      firstValidFrom: r.f,
      lastValidFrom: r.l,
      currencies: r.c ? r.c.split(',') : [],
    }));
  }

  async overview(): Promise<SpendOverview> {
    const [d] = await this.store.rows<{
      inv: bigint;
      cn: bigint;
      ledger: bigint;
      suppliers: bigint;
      f: string | null;
      l: string | null;
    }>(
      `SELECT count(*) FILTER (WHERE doc_type = 'invoice') AS inv,
              count(*) FILTER (WHERE doc_type = 'creditNote') AS cn,
              count(*) FILTER (WHERE source = 'ledger') AS ledger,
              count(DISTINCT supplier_key) AS suppliers,
              strftime(min(issue_date), '%Y-%m-%d') AS f, strftime(max(issue_date), '%Y-%m-%d') AS l
         FROM spend_document`,
    );
    const [l] = await this.store.rows<{ n: bigint }>('SELECT count(*) AS n FROM spend_line');
    return {
      invoices: Number(d?.inv ?? 0),
      creditNotes: Number(d?.cn ?? 0),
      fromLedger: Number(d?.ledger ?? 0),
      lines: Number(l?.n ?? 0),
      suppliers: Number(d?.suppliers ?? 0),
      firstDate: d?.f ?? null,
      lastDate: d?.l ?? null,
    };
  }

  /** One agreement's price list (by id or reference number), as imported. */
  async priceList(agreement: string): Promise<{
    agreementId: string;
    referenceNumber: string;
    title: string | null;
    items: PriceListItem[];
  }> {
    const a = (await this.priceLists()).find(
      (x) => x.agreementId === agreement || x.referenceNumber === agreement,
    );
    if (!a) throw new DomainError('not_found', `Avtalen «${agreement}» finnes ikke`);
    const rows = await this.store.rows<{
      i: string | null;
      g: string | null;
      d: string | null;
      u: string;
      p: bigint;
      c: string;
      v: string;
    }>(
      `SELECT item_number AS i, gtin AS g, description AS d, unit AS u, price_micro AS p,
              currency AS c, strftime(valid_from, '%Y-%m-%d') AS v
         FROM spend_price_list WHERE agreement_id = $id
        ORDER BY item_number NULLS LAST, gtin, valid_from`,
      { id: a.agreementId },
    );
    return {
      agreementId: a.agreementId,
      referenceNumber: a.referenceNumber,
      title: a.title,
      items: rows.map((r) => ({
        itemNumber: r.i,
        gtin: r.g,
        description: r.d,
        unit: r.u,
        // Prices are kept to the millionth; shown with at least two decimals.
        price: formatScaled(Number(r.p), MICRO).replace(/(\.\d\d\d*?)0+$/, '$1'),
        currency: r.c,
        validFrom: r.v,
      })),
    };
  }

  async refreshPrices(): Promise<number> {
    if (this.contractsById.size === 0) await this.refreshAgreements();
    return refreshAllowedPrices(this.store, this.contractsById, this.clock().getUTCFullYear() + 1);
  }

  /**
   * After contracts or rates changed: agreements, matching of every line, NOK values of documents
   * in other currencies, and allowed prices.
   */
  async refresh(): Promise<{ matchKeys: number; allowedPrices: number; converted: number }> {
    await this.refreshAgreements();
    const matchKeys = await rematch(this.store, await this.matcher());
    const { converted } = await reconvert(this.store, await this.rates());
    const allowedPrices = await this.refreshPrices();
    return { matchKeys, allowedPrices, converted };
  }

  /**
   * Stores rates (replacing those of the same currency, day and source) and converts the stored
   * documents they concern: `converted` documents changed, `missing` still have no rate.
   */
  async addRates(points: readonly RatePoint[]): Promise<{ converted: number; missing: number }> {
    await saveRates(this.store, points);
    return reconvert(this.store, await this.rates());
  }

  async fetchRates(
    source: ExchangeRateSource,
    currencies: string[],
    from: string,
    to: string,
  ): Promise<{ fetched: number; converted: number }> {
    const points = await source.fetch(currencies, from, to);
    const { converted } = await this.addRates(points);
    return { fetched: points.length, converted };
  }

  /** A rate series file (see `parseRateSeries`); a bad file is refused whole, naming the line. */
  async importRates(text: string): Promise<{ imported: number; converted: number }> {
    let points: RatePoint[];
    try {
      points = parseRateSeries(text);
    } catch (e) {
      throw new DomainError('validation', (e as Error).message, [
        { field: 'file', message: (e as Error).message },
      ]);
    }
    if (points.length === 0) {
      throw new DomainError('validation', 'Kursfilen inneholder ingen kurser', [
        { field: 'file', message: 'ingen kurser' },
      ]);
    }
    const { converted } = await this.addRates(points);
    return { imported: points.length, converted };
  }

  /** What the rates cover per currency, and the documents still without a NOK value. */
  async rateOverview(): Promise<{ currencies: CurrencyCoverage[]; missing: MissingRates[] }> {
    return { currencies: await rateCoverage(this.store), missing: await missingRates(this.store) };
  }

  /** Index values in force: stored (fetched or by hand) before the shipped yearly averages. */
  async indexValues(): Promise<{ index: string; period: string; value: string; source: string }[]> {
    const rows = await this.store.rows<{ n: string; p: string; v: number; s: string }>(
      `SELECT index_name AS n, period AS p, value_x10 AS v, source AS s FROM spend_index_value
        ORDER BY CASE WHEN source = 'manual' THEN 0 ELSE 1 END`,
    );
    const seen = new Set<string>();
    const out: { index: string; period: string; value: string; source: string }[] = [];
    const add = (index: string, period: string, x10: number, source: string) => {
      if (seen.has(`${index}|${period}`)) return;
      seen.add(`${index}|${period}`);
      out.push({ index, period, value: `${Math.trunc(x10 / 10)}.${x10 % 10}`, source });
    };
    for (const r of rows) add(r.n, r.p, Number(r.v), r.s);
    for (const s of shippedIndexSeries())
      for (const [period, v] of s.values)
        if (period.length === 4) add(s.name, period, v, 'shipped');
    return out.sort((a, b) =>
      a.index === b.index ? (a.period < b.period ? 1 : -1) : a.index < b.index ? -1 : 1,
    );
  }

  /**
   * Fetches index values (e.g. KPI from SSB) and stores them; a value entered by hand for the same
   * month is kept (it wins). Allowed prices are recomputed.
   */
  async fetchIndexValues(
    source: IndexSeriesSource,
    months = 36,
  ): Promise<{ fetched: number; stored: number }> {
    const values = await source.fetch(months);
    let stored = 0;
    for (const v of values) {
      await this.store.run(
        `DELETE FROM spend_index_value WHERE index_name = $n AND period = $p AND source <> 'manual'`,
        { n: v.index, p: v.period },
      );
      const [row] = await this.store.rows<{ n: bigint }>(
        'SELECT count(*) AS n FROM spend_index_value WHERE index_name = $n AND period = $p',
        { n: v.index, p: v.period },
      );
      if (Number(row?.n ?? 0) > 0) continue;
      await this.store.run(`INSERT INTO spend_index_value VALUES ($n, $p, $v, 'ssb')`, {
        n: v.index,
        p: v.period,
        v: v.valueX10,
      });
      stored++;
    }
    await this.refreshPrices();
    return { fetched: values.length, stored };
  }

  async addIndexValue(name: string, period: string, valueX10: number): Promise<void> {
    if (
      !/^\d{4}(-(0[1-9]|1[0-2]))?$/.test(period) ||
      !Number.isInteger(valueX10) ||
      valueX10 <= 0
    ) {
      throw new DomainError('validation', 'Ugyldig indeksverdi', [
        { field: 'period', message: 'periode ÅÅÅÅ-MM og positiv verdi med én desimal' },
      ]);
    }
    await this.store.run('DELETE FROM spend_index_value WHERE index_name = $n AND period = $p', {
      n: name,
      p: period,
    });
    await this.store.run(`INSERT INTO spend_index_value VALUES ($n, $p, $v, 'manual')`, {
      n: name,
      p: period,
      v: valueX10,
    });
    await this.refreshPrices();
  }

  today(): string {
    return this.clock().toISOString().slice(0, 10);
  }

  turnover(options: { agreementId?: string; from?: string; to?: string } = {}) {
    return turnoverReport(this.store, options);
  }

  leakage(options: { today?: string; categoryDigits?: number } = {}) {
    return leakageReport(this.store, {
      today: options.today ?? this.today(),
      categoryDigits: options.categoryDigits,
    });
  }

  priceControl(options: { toleranceBp?: number } = {}) {
    return priceControlReport(this.store, options);
  }

  close(): void {
    this.store.close();
  }
}
