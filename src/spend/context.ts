/**
 * Reference data around the spend store: agreements (from the register), exchange rates, index
 * series (KPI) and price lists, and the steps that keep derived tables current (allowed prices,
 * re-matching lines after contracts change).
 */
import { readFileSync } from 'node:fs';
import { dateValue } from '@duckdb/node-api';
import type { Contract } from '../core/contract.ts';
import { isIsoDate } from '../core/dates.ts';
import { MICRO } from '../core/spend/decimal.ts';
import { type Agreement, AgreementMatcher, agreementFromContract } from '../core/spend/matching.ts';
import {
  type AllowedPrice,
  allowedPrices,
  type IndexSeries,
  type PriceListEntry,
} from '../core/spend/pricing.ts';
import { parseRate, type RatePoint, RateTable } from '../core/spend/rates.ts';
import { changingSpendData, inTransaction, markAggregatesStale } from './aggregates.ts';
import type { DuckSpendStore } from './store/duckdb-store.ts';
import { toDays } from './store/row-format.ts';

/** Agreements of the register, as spend analysis sees them; also written to the store. */
export async function loadAgreements(contracts: AsyncIterable<Contract>): Promise<Agreement[]> {
  const out: Agreement[] = [];
  for await (const c of contracts) {
    const a = agreementFromContract(c);
    if (a) out.push(a);
  }
  return out;
}

/**
 * Replaces the stored agreements with these, in one transaction after any other (two requests
 * refreshing at once would otherwise insert the same keys twice).
 */
export function syncAgreements(
  store: DuckSpendStore,
  agreements: readonly Agreement[],
): Promise<void> {
  return inTransaction(store, async () => {
    await store.run('DELETE FROM spend_agreement');
    const a = await store.connection.createAppender('spend_agreement');
    for (const x of agreements) {
      a.appendVarchar(x.id);
      a.appendVarchar(x.referenceNumber);
      a.appendVarchar(x.title);
      if (x.start) a.appendDate(dateValue(toDays(x.start)));
      else a.appendNull();
      if (x.end) a.appendDate(dateValue(toDays(x.end)));
      else a.appendNull();
      if (x.estimatedValueOre === null) a.appendNull();
      else a.appendBigInt(BigInt(x.estimatedValueOre));
      if (x.maxValueOre === null) a.appendNull();
      else a.appendBigInt(BigInt(x.maxValueOre));
      a.appendVarchar(x.cpvPrefixes.join(' '));
      a.appendVarchar(x.supplierOrgnrs.join(' '));
      a.endRow();
    }
    a.closeSync();
  });
}

/**
 * Re-runs matching for every stored line after agreements changed. Matching is done in TypeScript
 * (the pure matcher in core) over the distinct match inputs, which are far fewer than lines, and
 * written back with one UPDATE … FROM.
 */
export function rematch(store: DuckSpendStore, matcher: AgreementMatcher): Promise<number> {
  // One transaction with the connection to itself: the keys read are the lines updated (an
  // ingest or request in between would otherwise add lines the UPDATE misses, or use the appender's
  // connection mid-statement), and the aggregates turn stale with the change.
  return changingSpendData(store, async () => {
    const keys = await store.rows<{
      supplier_orgnr: string | null;
      d: string;
      contract_reference: string | null;
      order_reference: string | null;
      cpv: string | null;
    }>(
      `SELECT DISTINCT supplier_orgnr, strftime(issue_date, '%Y-%m-%d') AS d, contract_reference,
            order_reference, cpv FROM spend_line`,
    );
    await store.run(`CREATE OR REPLACE TEMP TABLE match_result (
      supplier_orgnr VARCHAR, d DATE, contract_reference VARCHAR, order_reference VARCHAR, cpv VARCHAR,
      agreement_id VARCHAR, match_reason VARCHAR, unmatched_class VARCHAR, related_agreement_id VARCHAR)`);
    const a = await store.connection.createAppender('match_result');
    const put = (v: string | null) => (v === null ? a.appendNull() : a.appendVarchar(v));
    for (const k of keys) {
      const m = matcher.match({
        supplierOrgnr: k.supplier_orgnr,
        issueDate: k.d,
        contractReference: k.contract_reference,
        orderReference: k.order_reference,
        cpv: k.cpv,
      });
      put(k.supplier_orgnr);
      a.appendDate(dateValue(toDays(k.d)));
      put(k.contract_reference);
      put(k.order_reference);
      put(k.cpv);
      put(m.agreementId);
      put(m.reason);
      put(m.unmatched);
      put(m.relatedAgreementId);
      a.endRow();
    }
    a.closeSync();
    // The match inputs are the document's (date, supplier, references) and the line's category.
    await store.run(`UPDATE spend_line_data AS l SET agreement_id = r.agreement_id, match_reason = r.match_reason,
        unmatched_class = r.unmatched_class, related_agreement_id = r.related_agreement_id
      FROM spend_document d, match_result r
     WHERE d.doc_id = l.doc_id
       AND d.issue_date = r.d
       AND d.supplier_orgnr IS NOT DISTINCT FROM r.supplier_orgnr
       AND d.contract_reference IS NOT DISTINCT FROM r.contract_reference
       AND d.order_reference IS NOT DISTINCT FROM r.order_reference
       AND l.cpv IS NOT DISTINCT FROM r.cpv`);
    return keys.length;
  });
}

// ---------------------------------------------------------------- exchange rates

export async function loadRates(
  store: DuckSpendStore,
  extra: readonly RatePoint[] = [],
): Promise<RateTable> {
  const rows = await store.rows<{ currency: string; d: string; r: bigint; source: string }>(
    `SELECT currency, strftime(rate_date, '%Y-%m-%d') AS d, nok_per_unit_micro AS r, source FROM spend_rate`,
  );
  // On the same day the first given wins (a manual rate wins anyway): the shipped series last.
  return new RateTable([
    ...extra,
    ...rows.map((r) => ({
      currency: r.currency,
      date: r.d,
      nokPerUnitMicro: Number(r.r),
      source: r.source,
    })),
    ...shippedRates(),
  ]);
}

let shipped: RatePoint[] | null = null;

/** Norges Bank's daily rates shipped with the product (`data/valutakurser.csv`, 2021–2024). */
export function shippedRates(): RatePoint[] {
  shipped ??= parseRateSeries(
    readFileSync(new URL('./data/valutakurser.csv', import.meta.url), 'utf8'),
    'shipped',
  );
  return shipped;
}

/** Stores rates; a rate of the same currency, day and source is replaced, not repeated. */
export function saveRates(store: DuckSpendStore, points: readonly RatePoint[]): Promise<void> {
  return inTransaction(store, async () => {
    await store.run(`CREATE OR REPLACE TEMP TABLE rate_in (currency VARCHAR, rate_date DATE,
        nok_per_unit_micro BIGINT, source VARCHAR)`);
    const a = await store.connection.createAppender('rate_in');
    for (const p of points) {
      a.appendVarchar(p.currency);
      a.appendDate(dateValue(toDays(p.date)));
      a.appendBigInt(BigInt(p.nokPerUnitMicro));
      a.appendVarchar(p.source);
      a.endRow();
    }
    a.closeSync();
    await store.run(`DELETE FROM spend_rate AS r USING rate_in i
        WHERE r.currency = i.currency AND r.rate_date = i.rate_date AND r.source = i.source`);
    // Of a day's repeats within one file, the last wins.
    await store.run(`INSERT INTO spend_rate SELECT currency, rate_date,
        arg_max(nok_per_unit_micro, rowid), source FROM rate_in GROUP BY currency, rate_date, source`);
    await store.run('DROP TABLE rate_in');
  });
}

/**
 * A rate series file: either `currency;date;nok_per_unit` lines, or a CSV downloaded from Norges
 * Bank's statistics pages / API (`format=csv`, semicolon-separated with the SDMX columns BASE_CUR,
 * UNIT_MULT, TIME_PERIOD and OBS_VALUE; decimal point or comma) — how a full series is loaded on a
 * machine that cannot reach the API.
 */
export function parseRateSeries(text: string, source = 'series-file'): RatePoint[] {
  const body = text.replace(/^\uFEFF/, '');
  const header = body.slice(0, body.indexOf('\n') + 1 || undefined);
  if (/TIME_PERIOD/.test(header) && /OBS_VALUE/.test(header)) {
    return parseNorgesBankCsv(body, source === 'series-file' ? 'norges-bank' : source);
  }
  const firstRow = body.split(/\r?\n/).find((l) => l.trim() !== '' && !l.startsWith('#')) ?? '';
  if (/^(dato|date);/i.test(firstRow)) return parseWideRates(body, source);
  const out: RatePoint[] = [];
  for (const raw of body.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || /^currency/i.test(line)) continue;
    const [currency, date, value] = line.split(/[;,\t]/).map((x) => x.trim());
    const micro = value ? parseMicro(value) : Number.NaN;
    if (!currency || !/^[A-Z]{3}$/.test(currency) || !date || !isIsoDate(date) || !(micro > 0)) {
      throw new Error(`Ugyldig linje i kursfilen: «${line.slice(0, 80)}»`);
    }
    out.push({ currency, date, nokPerUnitMicro: micro, source });
  }
  return out;
}

function parseNorgesBankCsv(text: string, source: string): RatePoint[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const cols = (lines[0] ?? '').split(';').map((c) => c.trim().replace(/^"|"$/g, ''));
  const at = (name: string) => cols.indexOf(name);
  const [cur, mult, period, value] = [
    at('BASE_CUR'),
    at('UNIT_MULT'),
    at('TIME_PERIOD'),
    at('OBS_VALUE'),
  ];
  if (cur === -1 || period === -1 || value === -1) {
    throw new Error(
      'Kursfilen fra Norges Bank mangler kolonnene BASE_CUR, TIME_PERIOD og OBS_VALUE',
    );
  }
  const out: RatePoint[] = [];
  lines.slice(1).forEach((line, i) => {
    const f = line.split(';').map((c) => c.trim().replace(/^"|"$/g, ''));
    const currency = f[cur] ?? '';
    const date = f[period] ?? '';
    const unitMultiplier = mult === -1 ? 0 : Number(f[mult]);
    const rate = Number.isInteger(unitMultiplier)
      ? parseRate((f[value] ?? '').replace(',', '.'), unitMultiplier)
      : null;
    if (!/^[A-Z]{3}$/.test(currency) || !isIsoDate(date) || rate === null) {
      throw new Error(`Ugyldig linje ${i + 2} i kursfilen: «${line.slice(0, 80)}»`);
    }
    out.push({ currency, date, nokPerUnitMicro: rate, source });
  });
  return out;
}

/**
 * One row per day, one column per currency: `dato;EUR;100 SEK;…` (a column headed «100 X» is
 * quoted per 100 units, as Norges Bank quotes SEK, DKK and CHF); an empty cell is no rate.
 */
function parseWideRates(text: string, source: string): RatePoint[] {
  const lines = text.split(/\r?\n/);
  const at = lines.findIndex((l) => l.trim() !== '' && !l.startsWith('#'));
  const columns = (lines[at] ?? '').split(';').map((c, i) => {
    if (i === 0) return null;
    const m = /^(?:(1|100)\s+)?([A-Z]{3})$/.exec(c.trim());
    if (!m)
      throw new Error(`Ukjent kolonne «${c.trim().slice(0, 20)}» i kursfilen (linje ${at + 1})`);
    return { currency: m[2] as string, unitMultiplier: m[1] === '100' ? 2 : 0 };
  });
  const out: RatePoint[] = [];
  for (let i = at + 1; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (!line || line.startsWith('#')) continue;
    const cells = line.split(';').map((c) => c.trim());
    const date = cells[0] ?? '';
    if (!isIsoDate(date) || cells.length !== columns.length)
      throw new Error(`Ugyldig linje ${i + 1} i kursfilen: «${line.slice(0, 80)}»`);
    cells.forEach((cell, c) => {
      const col = columns[c];
      if (!col || cell === '') return;
      const rate = parseRate(cell.replace(',', '.'), col.unitMultiplier);
      if (rate === null)
        throw new Error(
          `Ugyldig kurs «${cell.slice(0, 20)}» for ${col.currency} på linje ${i + 1}`,
        );
      out.push({ currency: col.currency, date, nokPerUnitMicro: rate, source });
    });
  }
  return out;
}

function parseMicro(v: string): number {
  const m = /^(\d+)(?:[.,](\d{1,6}))?$/.exec(v);
  if (!m) return Number.NaN;
  return Number(m[1]) * 1_000_000 + Number((m[2] ?? '').padEnd(MICRO, '0'));
}

// ---------------------------------------------------------------- index series (KPI)

/** The shipped KPI series (yearly averages, 2015 = 100) from domain data; values × 10. */
export function shippedIndexSeries(): IndexSeries[] {
  const text = readFileSync(new URL('./data/kpi.csv', import.meta.url), 'utf8');
  return parseIndexSeries(text, 'series-file');
}

/** `index;period;value` lines: period YYYY-MM (monthly) or YYYY (yearly average). */
export function parseIndexSeries(text: string, _source: string): IndexSeries[] {
  const series = new Map<string, Map<string, number>>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || /^index/i.test(line)) continue;
    const [name, period, value] = line.split(/[;\t]/).map((x) => x.trim());
    const m = value ? /^(\d+)(?:[.,](\d))?$/.exec(value) : null;
    if (!name || !period || !/^\d{4}(-(0[1-9]|1[0-2]))?$/.test(period) || !m) {
      throw new Error(`Ugyldig linje i indeksfilen: «${line.slice(0, 80)}»`);
    }
    let s = series.get(name);
    if (!s) {
      s = new Map();
      series.set(name, s);
    }
    s.set(period, Number(m[1]) * 10 + Number(m[2] ?? '0'));
  }
  return [...series].map(([name, values]) => ({ name, values: withYearFallback(values) }));
}

/** Months without a monthly value take the yearly average when only that is known. */
function withYearFallback(values: Map<string, number>): Map<string, number> {
  const out = new Map(values);
  for (const [period, v] of values) {
    if (period.length !== 4) continue;
    for (let m = 1; m <= 12; m++) {
      const key = `${period}-${String(m).padStart(2, '0')}`;
      if (!out.has(key)) out.set(key, v);
    }
  }
  return out;
}

export async function loadIndexSeries(store: DuckSpendStore): Promise<Map<string, IndexSeries>> {
  const merged = new Map<string, Map<string, number>>();
  for (const s of shippedIndexSeries()) merged.set(s.name, new Map(s.values));
  const rows = await store.rows<{ index_name: string; period: string; value_x10: number }>(
    // Monthly values after yearly ones; a value entered by hand after a fetched one (it wins).
    `SELECT index_name, period, value_x10 FROM spend_index_value
      ORDER BY length(period) DESC, CASE WHEN source = 'manual' THEN 1 ELSE 0 END`,
  );
  for (const r of rows) {
    let m = merged.get(r.index_name);
    if (!m) {
      m = new Map();
      merged.set(r.index_name, m);
    }
    m.set(r.period, Number(r.value_x10));
  }
  return new Map(
    [...merged].map(([name, values]) => [name, { name, values: withYearFallback(values) }]),
  );
}

// ---------------------------------------------------------------- price lists

/** Replaces the price lists of the agreements in `entries`, in one transaction. */
export function savePriceList(
  store: DuckSpendStore,
  entries: readonly PriceListEntry[],
): Promise<void> {
  return inTransaction(store, async () => {
    const ids = [...new Set(entries.map((e) => e.agreementId))];
    for (const id of ids)
      await store.run('DELETE FROM spend_price_list WHERE agreement_id = $id', { id });
    const a = await store.connection.createAppender('spend_price_list');
    for (const e of entries) {
      a.appendVarchar(e.agreementId);
      if (e.itemNumber === null) a.appendNull();
      else a.appendVarchar(e.itemNumber);
      if (e.gtin === null) a.appendNull();
      else a.appendVarchar(e.gtin);
      a.appendVarchar(e.description);
      a.appendVarchar(e.unit);
      a.appendBigInt(BigInt(e.priceMicro));
      a.appendVarchar(e.currency);
      a.appendDate(dateValue(toDays(e.validFrom)));
      a.endRow();
    }
    a.closeSync();
  });
}

/** Recomputes the allowed prices (price lists × index adjustment) used by price control. */
export async function refreshAllowedPrices(
  store: DuckSpendStore,
  contracts: ReadonlyMap<string, Pick<Contract, 'priceAdjustment'>>,
  untilYear: number,
): Promise<number> {
  const series = await loadIndexSeries(store);
  const rows = await store.rows<{
    agreement_id: string;
    item_number: string | null;
    gtin: string | null;
    description: string | null;
    unit: string;
    price_micro: bigint;
    currency: string;
    d: string;
  }>(
    `SELECT agreement_id, item_number, gtin, description, unit, price_micro, currency,
            strftime(valid_from, '%Y-%m-%d') AS d FROM spend_price_list`,
  );
  const allowed: AllowedPrice[] = [];
  // Entries of the same item: each later valid_from closes the earlier one.
  rows.sort((x, y) =>
    x.agreement_id + (x.item_number ?? x.gtin) + x.d <
    y.agreement_id + (y.item_number ?? y.gtin) + y.d
      ? -1
      : 1,
  );
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as (typeof rows)[number];
    const next = rows[i + 1];
    const adj = contracts.get(r.agreement_id)?.priceAdjustment ?? null;
    const list = allowedPrices(
      {
        agreementId: r.agreement_id,
        itemNumber: r.item_number,
        gtin: r.gtin,
        description: r.description ?? '',
        unit: r.unit,
        priceMicro: Number(r.price_micro),
        currency: r.currency,
        validFrom: r.d,
      },
      adj,
      adj ? (series.get(adj.index) ?? null) : null,
      untilYear,
    );
    const sameItem =
      next &&
      next.agreement_id === r.agreement_id &&
      (next.item_number ?? next.gtin) === (r.item_number ?? r.gtin);
    for (const p of list) {
      if (sameItem && p.validFrom >= next.d) continue;
      const closes = sameItem && (p.validTo === null || p.validTo > next.d) ? next.d : p.validTo;
      allowed.push({ ...p, validTo: closes });
    }
  }
  await store.replaceAllowedPrices(allowed);
  await markAggregatesStale(store);
  return allowed.length;
}

export { AgreementMatcher };
