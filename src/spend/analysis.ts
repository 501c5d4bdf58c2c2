/**
 * A scoped purchasing analysis ("Bestill innkjøpsanalyse"): totals, months, suppliers, agreements,
 * unmatched classes and price deviations for the invoice lines within a scope (period, unit, CPV
 * category, supplier, agreement). SQL over the DuckDB store; amounts are integer øre (NOK) except
 * over-payments, which are in their invoice currency's minor units.
 */
import { itemNames, latestSupplierNames, PRICE_CHECK_SQL } from './reports.ts';
import type { DuckSpendStore } from './store/duckdb-store.ts';

export interface AnalysisScope {
  readonly from: string;
  readonly to: string;
  readonly unit?: string | null | undefined;
  /** CPV prefix, 2–8 digits. */
  readonly cpv?: string | null | undefined;
  readonly supplierOrgnr?: string | null | undefined;
  readonly agreementId?: string | null | undefined;
}

export interface AnalysisSummary {
  readonly totalOre: number;
  readonly matchedOre: number;
  /** Spend not matched to any agreement (all classes). */
  readonly unmatchedOre: number;
  /** Spend that bypassed an existing agreement: another supplier in its category, or after expiry. */
  readonly leakageOre: number;
  /** Over-payment on NOK invoices against the agreed prices (tolerance 0). */
  readonly overpaymentOre: number;
  readonly invoices: number;
  readonly lines: number;
}

export interface AnalysisResult {
  readonly summary: AnalysisSummary;
  readonly byMonth: { month: string; nokOre: number; lines: number }[];
  readonly bySupplier: {
    supplierKey: string;
    supplierName: string | null;
    nokOre: number;
    matchedOre: number;
    lines: number;
  }[];
  readonly byAgreement: { agreementId: string; reference: string; nokOre: number }[];
  readonly leakage: { class: string; nokOre: number; lines: number }[];
  readonly overpayments: {
    agreementId: string;
    supplierKey: string;
    supplierName: string | null;
    item: string | null;
    /** The item's description on its agreement's price list. */
    itemName: string | null;
    currency: string;
    overpaymentOre: number;
    lines: number;
  }[];
}

/** Rows per list in a result (the Excel file has the same). */
export const ANALYSIS_ROW_LIMIT = 500;

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

function scopeFilter(scope: AnalysisScope): { where: string; params: Record<string, string> } {
  const where = [
    'l.issue_date >= CAST($from AS DATE)',
    'l.issue_date <= CAST($to AS DATE)',
    'l.net_nok_ore IS NOT NULL',
  ];
  const params: Record<string, string> = { from: scope.from, to: scope.to };
  if (scope.unit) {
    where.push('l.unit = $unit');
    params.unit = scope.unit;
  }
  if (scope.cpv) {
    where.push('starts_with(l.cpv, $cpv)');
    params.cpv = scope.cpv;
  }
  if (scope.supplierOrgnr) {
    where.push('l.supplier_orgnr = $orgnr');
    params.orgnr = scope.supplierOrgnr;
  }
  if (scope.agreementId) {
    where.push('(l.agreement_id = $agreement OR l.related_agreement_id = $agreement)');
    params.agreement = scope.agreementId;
  }
  return { where: where.join(' AND '), params };
}

export async function scopedAnalysis(
  store: DuckSpendStore,
  scope: AnalysisScope,
): Promise<AnalysisResult> {
  const { where, params } = scopeFilter(scope);
  const limit = ANALYSIS_ROW_LIMIT;
  const [totals] = await store.rows(
    `SELECT coalesce(sum(l.net_nok_ore), 0)::BIGINT AS total,
            coalesce(sum(l.net_nok_ore) FILTER (WHERE l.agreement_id IS NOT NULL), 0)::BIGINT AS matched,
            coalesce(sum(l.net_nok_ore) FILTER (WHERE l.unmatched_class IN ('other_supplier_in_category', 'after_expiry')), 0)::BIGINT AS leakage,
            count(DISTINCT l.doc_id)::BIGINT AS invoices, count(*)::BIGINT AS lines
       FROM spend_line l WHERE ${where}`,
    params,
  );
  const byMonth = await store.rows(
    `SELECT strftime(date_trunc('month', l.issue_date), '%Y-%m') AS month,
            sum(l.net_nok_ore)::BIGINT AS ore, count(*)::BIGINT AS lines
       FROM spend_line l WHERE ${where} GROUP BY 1 ORDER BY 1 LIMIT ${limit}`,
    params,
  );
  const bySupplier = await store.rows(
    `SELECT l.supplier_key AS s, sum(l.net_nok_ore)::BIGINT AS ore,
            coalesce(sum(l.net_nok_ore) FILTER (WHERE l.agreement_id IS NOT NULL), 0)::BIGINT AS matched,
            count(*)::BIGINT AS lines
       FROM spend_line l
      WHERE ${where} GROUP BY 1 ORDER BY ore DESC, s LIMIT ${limit}`,
    params,
  );
  const byAgreement = await store.rows(
    `SELECT l.agreement_id AS a, any_value(g.reference_number) AS ref, sum(l.net_nok_ore)::BIGINT AS ore
       FROM spend_line l LEFT JOIN spend_agreement g ON g.agreement_id = l.agreement_id
      WHERE ${where} AND l.agreement_id IS NOT NULL GROUP BY 1 ORDER BY ore DESC, a LIMIT ${limit}`,
    params,
  );
  const leakage = await store.rows(
    `SELECT l.unmatched_class AS c, sum(l.net_nok_ore)::BIGINT AS ore, count(*)::BIGINT AS lines
       FROM spend_line l WHERE ${where} AND l.unmatched_class IS NOT NULL
      GROUP BY 1 ORDER BY ore DESC, c`,
    params,
  );
  const over = await store.rows(
    `WITH c AS (${PRICE_CHECK_SQL(0, where)})
     SELECT agreement_id, supplier_key, item, currency, sum(over_minor)::BIGINT AS over,
            count(*) FILTER (WHERE over_minor > 0)::BIGINT AS lines
       FROM c GROUP BY ALL HAVING sum(over_minor) > 0
      ORDER BY over DESC, agreement_id, item LIMIT ${limit}`,
    params,
  );
  const items = await itemNames(
    store,
    over.map((r) => ({
      agreementId: String(r.agreement_id),
      item: r.item === null ? null : String(r.item),
    })),
  );
  const names = await latestSupplierNames(store, [
    ...bySupplier.map((r) => String(r.s)),
    ...over.map((r) => String(r.supplier_key)),
  ]);
  const [overTotal] = await store.rows(
    `WITH c AS (${PRICE_CHECK_SQL(0, where)})
     SELECT coalesce(sum(over_minor), 0)::BIGINT AS over FROM c WHERE currency = 'NOK'`,
    params,
  );
  const total = num(totals?.total);
  const matched = num(totals?.matched);
  return {
    summary: {
      totalOre: total,
      matchedOre: matched,
      unmatchedOre: total - matched,
      leakageOre: num(totals?.leakage),
      overpaymentOre: num(overTotal?.over),
      invoices: num(totals?.invoices),
      lines: num(totals?.lines),
    },
    byMonth: byMonth.map((r) => ({
      month: String(r.month),
      nokOre: num(r.ore),
      lines: num(r.lines),
    })),
    bySupplier: bySupplier.map((r) => ({
      supplierKey: String(r.s),
      supplierName: names[String(r.s)] ?? null,
      nokOre: num(r.ore),
      matchedOre: num(r.matched),
      lines: num(r.lines),
    })),
    byAgreement: byAgreement.map((r) => ({
      agreementId: String(r.a),
      reference: r.ref === null ? '' : String(r.ref),
      nokOre: num(r.ore),
    })),
    leakage: leakage.map((r) => ({ class: String(r.c), nokOre: num(r.ore), lines: num(r.lines) })),
    overpayments: over.map((r) => ({
      agreementId: String(r.agreement_id),
      supplierKey: String(r.supplier_key),
      supplierName: names[String(r.supplier_key)] ?? null,
      item: r.item === null ? null : String(r.item),
      itemName: items[`${String(r.agreement_id)}|${String(r.item)}`] ?? null,
      currency: String(r.currency),
      overpaymentOre: num(r.over),
      lines: num(r.lines),
    })),
  };
}
