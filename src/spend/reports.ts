/**
 * The three spend reports, as SQL over the DuckDB store. Amounts are integer øre (NOK) or minor
 * units; sums are exact (BIGINT/HUGEINT), never floating point.
 */
import { listValue } from '@duckdb/node-api';
import { ensureAggregates } from './aggregates.ts';
import { PRICE_CHECK_SQL } from './price-check-sql.ts';
import type { DuckSpendStore } from './store/duckdb-store.ts';

export { PRICE_CHECK_SQL };

export interface Thresholds {
  /** National threshold (NOK 1.3 M ex. VAT, 2024–2026), øre. */
  readonly nationalOre: number;
  /** EEA threshold for goods and services, municipalities (NOK 2.3 M), øre. */
  readonly eeaOre: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = { nationalOre: 130_000_000, eeaOre: 230_000_000 };

/** 202403 → "2024-03". */
const monthKey = (v: unknown): string => {
  const m = Number(v);
  return `${Math.floor(m / 100)}-${String(m % 100).padStart(2, '0')}`;
};
const n = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const s = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

const distinctKeys = (keys: Iterable<string | null>) => [
  ...new Set([...keys].filter((k): k is string => k !== null)),
];

/** Runs a name lookup (`k`, `n` per key) over the keys in `wanted`. */
async function namesOf(
  store: DuckSpendStore,
  keys: readonly string[],
  select: string,
): Promise<Record<string, string>> {
  if (keys.length === 0) return {};
  const rows = await store.rows<{ k: string; n: string }>(
    `WITH wanted AS (SELECT unnest($keys) AS k) ${select}`,
    { keys: listValue([...keys]) },
  );
  return Object.fromEntries(rows.map((r) => [r.k, r.n]));
}

const FROM_DOCUMENTS = `SELECT d.supplier_key AS k, arg_max(d.supplier_name, d.issue_date) AS n
    FROM spend_document d JOIN wanted w ON d.supplier_key = w.k
   WHERE d.supplier_name IS NOT NULL GROUP BY 1`;

/**
 * Supplier names from the documents themselves: the name on each supplier's latest invoice (a
 * supplier may rename). Exact at any moment, at the price of reading the documents; keys without a
 * name on any invoice are left out.
 */
export function latestSupplierNames(
  store: DuckSpendStore,
  keys: Iterable<string | null>,
): Promise<Record<string, string>> {
  return namesOf(store, distinctKeys(keys), FROM_DOCUMENTS);
}

/**
 * Supplier names for a report, as of its aggregates (`spend_agg_supplier`, a row per supplier and
 * update): the same names as `latestSupplierNames` without reading every document. A key the
 * aggregate does not hold yet (an ingest under way) is looked up in the documents.
 */
export async function supplierNames(
  store: DuckSpendStore,
  keys: Iterable<string | null>,
): Promise<Record<string, string>> {
  const list = distinctKeys(keys);
  const names = await namesOf(
    store,
    list,
    `SELECT a.supplier_key AS k, arg_max(a.name, a.issue_date) AS n
       FROM spend_agg_supplier a JOIN wanted w ON a.supplier_key = w.k GROUP BY 1`,
  );
  const missing = list.filter((k) => !(k in names));
  return { ...(await namesOf(store, missing, FROM_DOCUMENTS)), ...names };
}

// ---------------------------------------------------------------- turnover per agreement

export interface AgreementTurnover {
  readonly agreementId: string;
  readonly referenceNumber: string;
  readonly title: string;
  readonly turnoverOre: number;
  readonly estimatedOre: number | null;
  readonly maxOre: number | null;
  /** Share of the maximum value used, in per mille (null without a maximum). */
  readonly maxUsedPermille: number | null;
  readonly alert: 'none' | 'warning_80' | 'exceeded_100';
}

export interface TurnoverBreakdown {
  readonly agreementId: string;
  readonly key: string;
  readonly ore: number;
}

export interface TurnoverReport {
  readonly agreements: AgreementTurnover[];
  readonly byMonth: TurnoverBreakdown[];
  readonly byUnit: TurnoverBreakdown[];
  readonly bySupplier: TurnoverBreakdown[];
  /** Names of the suppliers in `bySupplier`, by key. */
  readonly supplierNames: Record<string, string>;
  /** Alerts at 80 % and 100 % of the maximum value: each becomes a follow-up task. */
  readonly alerts: AgreementTurnover[];
}

export async function turnoverReport(
  store: DuckSpendStore,
  options: { agreementId?: string; from?: string; to?: string } = {},
): Promise<TurnoverReport> {
  await ensureAggregates(store);
  const params: Record<string, string | number> = {};
  const monthOf = (iso: string) => Number(iso.slice(0, 4)) * 100 + Number(iso.slice(5, 7));
  const monthStart = (iso: string) => iso.endsWith('-01');
  const monthEnd = (iso: string) => {
    const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
    return new Date(Date.UTC(y, m, 0)).getUTCDate() === d;
  };
  // Whole months are answered from the monthly aggregate; a period starting or ending mid-month
  // reads the lines themselves.
  const monthly =
    (!options.from || monthStart(options.from)) && (!options.to || monthEnd(options.to));
  let source: string;
  if (monthly) {
    const where: string[] = ['TRUE'];
    if (options.agreementId) {
      where.push('agreement_id = $agreement');
      params.agreement = options.agreementId;
    }
    if (options.from) {
      where.push('month >= $from');
      params.from = monthOf(options.from);
    }
    if (options.to) {
      where.push('month <= $to');
      params.to = monthOf(options.to);
    }
    source = `SELECT agreement_id AS a, month, unit, supplier_key AS supplier, sum(ore) AS ore
                FROM spend_agg_turnover WHERE ${where.join(' AND ')} GROUP BY ALL`;
  } else {
    const where: string[] = ['l.agreement_id IS NOT NULL', 'l.net_nok_ore IS NOT NULL'];
    if (options.agreementId) {
      where.push('l.agreement_id = $agreement');
      params.agreement = options.agreementId;
    }
    if (options.from) {
      where.push('l.issue_date >= CAST($from AS DATE)');
      params.from = options.from;
    }
    if (options.to) {
      where.push('l.issue_date <= CAST($to AS DATE)');
      params.to = options.to;
    }
    source = `SELECT l.agreement_id AS a, (year(l.issue_date) * 100 + month(l.issue_date))::INTEGER AS month,
                     l.unit AS unit, l.supplier_key AS supplier, sum(l.net_nok_ore) AS ore
                FROM spend_line l WHERE ${where.join(' AND ')} GROUP BY ALL`;
  }
  // One roll-up over the finest grain (agreement, month, unit, supplier).
  const rows = await store.rows(
    `WITH f AS (${source})
     SELECT a, month, unit, supplier, GROUPING(month, unit, supplier) AS g, sum(ore)::BIGINT AS ore
       FROM f
      GROUP BY GROUPING SETS ((a), (a, month), (a, unit), (a, supplier))`,
    params,
  );
  const totals = new Map<string, number>();
  const byMonth: TurnoverBreakdown[] = [];
  const byUnit: TurnoverBreakdown[] = [];
  const bySupplier: TurnoverBreakdown[] = [];
  for (const r of rows) {
    const a = String(r.a);
    const g = n(r.g);
    const ore = n(r.ore);
    if (g === 7) totals.set(a, ore);
    else if (g === 3) byMonth.push({ agreementId: a, key: monthKey(r.month), ore });
    else if (g === 5) byUnit.push({ agreementId: a, key: s(r.unit) ?? '(ukjent enhet)', ore });
    else if (g === 6) bySupplier.push({ agreementId: a, key: String(r.supplier), ore });
  }
  const meta = await store.rows(
    `SELECT agreement_id, reference_number, title, estimated_ore, max_ore FROM spend_agreement`,
  );
  const agreements: AgreementTurnover[] = [];
  for (const m of meta) {
    const id = String(m.agreement_id);
    if (options.agreementId && id !== options.agreementId) continue;
    const turnoverOre = totals.get(id) ?? 0;
    const maxOre = m.max_ore === null ? null : n(m.max_ore);
    const permille = maxOre && maxOre > 0 ? Math.floor((turnoverOre * 1000) / maxOre) : null;
    agreements.push({
      agreementId: id,
      referenceNumber: String(m.reference_number),
      title: String(m.title ?? ''),
      turnoverOre,
      estimatedOre: m.estimated_ore === null ? null : n(m.estimated_ore),
      maxOre,
      maxUsedPermille: permille,
      alert:
        permille === null
          ? 'none'
          : permille >= 1000
            ? 'exceeded_100'
            : permille >= 800
              ? 'warning_80'
              : 'none',
    });
  }
  agreements.sort(
    (x, y) => y.turnoverOre - x.turnoverOre || (x.referenceNumber < y.referenceNumber ? -1 : 1),
  );
  const sortKeys = (list: TurnoverBreakdown[]) =>
    list.sort((x, y) =>
      x.agreementId < y.agreementId
        ? -1
        : x.agreementId > y.agreementId
          ? 1
          : x.key < y.key
            ? -1
            : 1,
    );
  return {
    agreements,
    byMonth: sortKeys(byMonth),
    byUnit: sortKeys(byUnit),
    bySupplier: sortKeys(bySupplier),
    supplierNames: await supplierNames(
      store,
      bySupplier.map((b) => b.key),
    ),
    alerts: agreements.filter((a) => a.alert !== 'none'),
  };
}

// ---------------------------------------------------------------- contract leakage

export interface LeakageClassTotal {
  readonly unmatchedClass: string;
  readonly last12MonthsOre: number;
  readonly last4YearsOre: number;
}

export interface CategorySpend {
  readonly category: string;
  readonly last12MonthsOre: number;
  readonly last4YearsOre: number;
  /** Which threshold the 4-year sum passes ('eea', 'national' or 'none'). */
  readonly threshold4Years: 'eea' | 'national' | 'none';
  readonly threshold12Months: 'eea' | 'national' | 'none';
}

export interface LeakageReport {
  readonly today: string;
  readonly matchedOre: number;
  readonly totalOre: number;
  readonly byClass: LeakageClassTotal[];
  /** Spend with suppliers without agreement, per CPV category, against the thresholds. */
  readonly noAgreementByCategory: CategorySpend[];
  /** Spend in a category covered by an active agreement but with another supplier. */
  readonly otherSupplierByAgreement: { agreementId: string; ore: number }[];
  /** Spend with a supplier after its agreement expired. */
  readonly afterExpiryByAgreement: { agreementId: string; ore: number }[];
  readonly byUnit: { unit: string; unmatchedClass: string; ore: number }[];
}

const thresholdOf = (ore: number, t: Thresholds) =>
  ore >= t.eeaOre ? 'eea' : ore >= t.nationalOre ? 'national' : 'none';

export async function leakageReport(
  store: DuckSpendStore,
  options: { today: string; categoryDigits?: number; thresholds?: Thresholds },
): Promise<LeakageReport> {
  const digits = Math.min(8, Math.max(2, options.categoryDigits ?? 3));
  const t = options.thresholds ?? DEFAULT_THRESHOLDS;
  await ensureAggregates(store);
  const rows = await store.rows(
    `WITH f AS (
        SELECT cls,
               CASE WHEN cls = 'no_agreement' THEN coalesce(substr(cpv, 1, ${digits}), '(ukjent)') END AS cat,
               related,
               coalesce(unit, '(ukjent enhet)') AS unit,
               sum(CASE WHEN issue_date > CAST($today AS DATE) - INTERVAL 12 MONTH THEN ore ELSE 0 END) AS o12,
               sum(ore) AS o48
          FROM spend_agg_leakage
         WHERE issue_date <= CAST($today AS DATE)
           AND issue_date > CAST($today AS DATE) - INTERVAL 48 MONTH
         GROUP BY ALL)
     SELECT cls, cat, related, unit, GROUPING(cat, related, unit) AS g,
            sum(o12)::BIGINT AS o12, sum(o48)::BIGINT AS o48
       FROM f
      GROUP BY GROUPING SETS ((cls), (cls, cat), (cls, related), (cls, unit))`,
    { today: options.today },
  );
  const byClass: LeakageClassTotal[] = [];
  const categories: CategorySpend[] = [];
  const other: { agreementId: string; ore: number }[] = [];
  const expired: { agreementId: string; ore: number }[] = [];
  const byUnit: { unit: string; unmatchedClass: string; ore: number }[] = [];
  let matched = 0;
  let total = 0;
  for (const r of rows) {
    const g = n(r.g);
    const cls = String(r.cls);
    if (g === 7) {
      total += n(r.o48);
      if (cls === 'matched') matched = n(r.o48);
      else
        byClass.push({ unmatchedClass: cls, last12MonthsOre: n(r.o12), last4YearsOre: n(r.o48) });
    } else if (g === 3 && cls === 'no_agreement') {
      categories.push({
        category: String(r.cat),
        last12MonthsOre: n(r.o12),
        last4YearsOre: n(r.o48),
        threshold12Months: thresholdOf(n(r.o12), t),
        threshold4Years: thresholdOf(n(r.o48), t),
      });
    } else if (g === 5 && r.related !== null && cls === 'other_supplier_in_category') {
      other.push({ agreementId: String(r.related), ore: n(r.o48) });
    } else if (g === 5 && r.related !== null && cls === 'after_expiry') {
      expired.push({ agreementId: String(r.related), ore: n(r.o48) });
    } else if (g === 6 && cls !== 'matched') {
      byUnit.push({ unit: String(r.unit), unmatchedClass: cls, ore: n(r.o48) });
    }
  }
  byClass.sort((a, b) => b.last4YearsOre - a.last4YearsOre);
  categories.sort(
    (a, b) => b.last4YearsOre - a.last4YearsOre || (a.category < b.category ? -1 : 1),
  );
  other.sort((a, b) => b.ore - a.ore);
  expired.sort((a, b) => b.ore - a.ore);
  byUnit.sort((a, b) => b.ore - a.ore);
  return {
    today: options.today,
    matchedOre: matched,
    totalOre: total,
    byClass,
    noAgreementByCategory: categories,
    otherSupplierByAgreement: other,
    afterExpiryByAgreement: expired,
    byUnit,
  };
}

// ---------------------------------------------------------------- price control

export interface OverpaymentRow {
  readonly agreementId: string | null;
  readonly supplierKey: string | null;
  readonly item: string | null;
  readonly currency: string;
  readonly lines: number;
  readonly overpaidMinor: number;
}

export interface PriceControlReport {
  readonly toleranceBp: number;
  readonly checkedLines: number;
  readonly deviatingLines: number;
  readonly totalOverpaidMinor: Record<string, number>;
  readonly byAgreement: OverpaymentRow[];
  readonly bySupplier: OverpaymentRow[];
  readonly byItem: OverpaymentRow[];
  /** Names of the suppliers in `bySupplier`, by key. */
  readonly supplierNames: Record<string, string>;
  /** Descriptions of the items in `byItem` from their agreement's price list, by `agreement|item`. */
  readonly itemNames: Record<string, string>;
}

/**
 * Price-list descriptions of the items a report shows, by `agreementId|item` (the item being the
 * item number, or the GTIN when the invoice had no item number, as in the price check).
 */
export async function itemNames(
  store: DuckSpendStore,
  rows: readonly { agreementId: string | null; item: string | null }[],
): Promise<Record<string, string>> {
  const wanted = rows.filter(
    (r): r is { agreementId: string; item: string } => r.agreementId !== null && r.item !== null,
  );
  if (wanted.length === 0) return {};
  const found = await store.rows<{ a: string; i: string; n: string }>(
    // Joined on (agreement, item) twice, item number first, then GTIN: equi-joins, not an OR.
    `WITH wanted AS (SELECT unnest($agreements) AS a, unnest($items) AS i),
          listed AS (
            SELECT agreement_id AS a, item_number AS i, description, 0 AS rank
              FROM spend_price_list WHERE item_number IS NOT NULL
            UNION ALL
            SELECT agreement_id AS a, gtin AS i, description, 1 AS rank
              FROM spend_price_list WHERE gtin IS NOT NULL)
     SELECT w.a, w.i, arg_min(l.description, l.rank) AS n
       FROM wanted w JOIN listed l ON l.a = w.a AND l.i = w.i
      WHERE l.description IS NOT NULL AND l.description <> '' GROUP BY 1, 2`,
    {
      agreements: listValue(wanted.map((r) => r.agreementId)),
      items: listValue(wanted.map((r) => r.item)),
    },
  );
  return Object.fromEntries(found.map((r) => [`${r.a}|${r.i}`, r.n]));
}

export async function priceControlReport(
  store: DuckSpendStore,
  options: { toleranceBp?: number } = {},
): Promise<PriceControlReport> {
  const tol = Math.max(0, Math.floor(options.toleranceBp ?? 0));
  await ensureAggregates(store);
  // Every line of an aggregate row has the same invoiced and allowed price: the row deviates at
  // this tolerance or it does not, and its over-payment is the sum of its lines' own.
  const deviates = `unit_price_micro > allowed_micro
        AND unit_price_micro::HUGEINT * 10000 > allowed_micro::HUGEINT * ${10_000 + tol}`;
  const rows = await store.rows(
    `WITH f AS (
       SELECT agreement_id, supplier_key, item, currency, sum(lines) AS checked,
              sum(CASE WHEN ${deviates} THEN lines ELSE 0 END) AS deviating,
              sum(CASE WHEN ${deviates} THEN over_minor ELSE 0 END) AS overpaid
         FROM spend_agg_price GROUP BY ALL)
     SELECT agreement_id, supplier_key, item, currency,
            GROUPING(agreement_id, supplier_key, item) AS g,
            sum(checked)::BIGINT AS checked, sum(deviating)::BIGINT AS deviating,
            sum(overpaid)::BIGINT AS over
       FROM f
      GROUP BY GROUPING SETS ((currency), (agreement_id, currency), (supplier_key, currency),
                              (agreement_id, item, currency))
     HAVING GROUPING(agreement_id, supplier_key, item) = 7 OR sum(overpaid) > 0`,
  );
  let checked = 0;
  let deviating = 0;
  const total: Record<string, number> = {};
  const byAgreement: OverpaymentRow[] = [];
  const bySupplier: OverpaymentRow[] = [];
  const byItem: OverpaymentRow[] = [];
  for (const r of rows) {
    const g = n(r.g);
    const row: OverpaymentRow = {
      agreementId: s(r.agreement_id),
      supplierKey: s(r.supplier_key),
      item: s(r.item),
      currency: String(r.currency),
      lines: n(r.deviating),
      overpaidMinor: n(r.over),
    };
    if (g === 7) {
      checked += n(r.checked);
      deviating += n(r.deviating);
      total[row.currency] = row.overpaidMinor;
    } else if (row.overpaidMinor === 0) {
      // only deviations are listed
    } else if (g === 3) byAgreement.push(row);
    else if (g === 5) bySupplier.push(row);
    else if (g === 2) byItem.push(row);
  }
  const key = (r: OverpaymentRow) =>
    `${r.agreementId ?? ''}|${r.supplierKey ?? ''}|${r.item ?? ''}|${r.currency}`;
  // Largest first; ties in a stable order (agreement, supplier, item, currency).
  const byOver = (a: OverpaymentRow, b: OverpaymentRow) =>
    b.overpaidMinor - a.overpaidMinor || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
  return {
    toleranceBp: tol,
    checkedLines: checked,
    deviatingLines: deviating,
    totalOverpaidMinor: total,
    byAgreement: byAgreement.sort(byOver),
    bySupplier: bySupplier.sort(byOver),
    byItem: byItem.sort(byOver),
    supplierNames: await supplierNames(
      store,
      bySupplier.map((r) => r.supplierKey),
    ),
    itemNames: await itemNames(store, byItem),
  };
}

/** Drill-down: the invoice lines behind a report cell. */
export async function lineDrilldown(
  store: DuckSpendStore,
  filter: { agreementId?: string; supplierKey?: string; unmatchedClass?: string; limit?: number },
): Promise<Record<string, unknown>[]> {
  const where: string[] = ['TRUE'];
  const params: Record<string, string | number> = {};
  if (filter.agreementId) {
    where.push('(l.agreement_id = $a OR l.related_agreement_id = $a)');
    params.a = filter.agreementId;
  }
  if (filter.supplierKey) {
    where.push('l.supplier_key = $s');
    params.s = filter.supplierKey;
  }
  if (filter.unmatchedClass) {
    where.push('l.unmatched_class = $c');
    params.c = filter.unmatchedClass;
  }
  const limit = Math.min(5000, Math.max(1, Math.floor(filter.limit ?? 500)));
  const rows = await store.rows(
    `SELECT d.number, d.doc_type, d.file, strftime(l.issue_date, '%Y-%m-%d') AS issue_date,
            l.line_no, l.supplier_key, d.supplier_name, l.unit, l.item_name, l.seller_item_id, l.gtin, l.cpv,
            l.currency, l.net_minor, l.net_nok_ore, l.agreement_id, l.match_reason, l.unmatched_class
       FROM spend_line l JOIN spend_document d USING (doc_id)
      WHERE ${where.join(' AND ')}
      ORDER BY l.issue_date DESC, d.number, l.line_no
      LIMIT ${limit}`,
    params,
  );
  return rows.map((r) =>
    Object.fromEntries(
      Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v]),
    ),
  );
}
