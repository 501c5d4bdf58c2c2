import { type Contract, currentEndDate } from '../contract.ts';
import type { IsoDate } from '../dates.ts';

/** What spend analysis needs of a contract. */
export interface Agreement {
  readonly id: string;
  readonly referenceNumber: string;
  readonly title: string;
  readonly supplierOrgnrs: readonly string[];
  /** First and last day the agreement may be used (null = open). */
  readonly start: IsoDate | null;
  readonly end: IsoDate | null;
  /** CPV codes with trailing zeros removed (the category prefix they cover). */
  readonly cpvPrefixes: readonly string[];
  readonly estimatedValueOre: number | null;
  readonly maxValueOre: number | null;
  readonly owningUnitId: string;
}

/** CPV "45210000-2" → "4521": the hierarchy level the code names (at least two digits). */
export function cpvPrefix(code: string): string {
  const digits = code.replace(/-\d$/, '').replace(/\D/g, '').slice(0, 8);
  let end = digits.length;
  while (end > 2 && digits.charCodeAt(end - 1) === 48) end--;
  return digits.slice(0, end);
}

export function agreementFromContract(c: Contract): Agreement | null {
  if (c.draft) return null;
  let end = currentEndDate(c);
  if (c.terminatedOn && (!end || c.terminatedOn < end)) end = c.terminatedOn;
  return {
    id: c.id,
    referenceNumber: c.referenceNumber,
    title: c.title,
    supplierOrgnrs: c.suppliers.map((s) => s.orgnr),
    start: c.startDate,
    end,
    cpvPrefixes: [...new Set(c.cpvCodes.map(cpvPrefix))],
    estimatedValueOre: c.estimatedValueOre,
    maxValueOre: c.maxValueOre,
    owningUnitId: c.owningUnitId,
  };
}

export const MATCH_REASONS = [
  'contract_reference',
  'order_reference',
  'supplier_period_category',
  'supplier_period',
] as const;
export type MatchReason = (typeof MATCH_REASONS)[number];

/** Classes of spend that did not match an agreement (leakage analysis). */
export const UNMATCHED_CLASSES = [
  /** An active agreement covers the category, but another supplier was used. */
  'other_supplier_in_category',
  /** The supplier had an agreement, but it had expired on the invoice date. */
  'after_expiry',
  /** The supplier has an agreement that had not started on the invoice date. */
  'before_start',
  /** No agreement with the supplier and none covering the category. */
  'no_agreement',
] as const;
export type UnmatchedClass = (typeof UNMATCHED_CLASSES)[number];

export interface MatchInput {
  readonly supplierOrgnr: string | null;
  readonly issueDate: IsoDate;
  readonly contractReference: string | null;
  readonly orderReference: string | null;
  /** The line's CPV code (eight digits) or null. */
  readonly cpv: string | null;
}

export interface MatchResult {
  readonly agreementId: string | null;
  readonly reason: MatchReason | null;
  readonly unmatched: UnmatchedClass | null;
  /** The agreement the unmatched class refers to (the expired one, or one covering the category). */
  readonly relatedAgreementId: string | null;
  /** One sentence in Norwegian for drill-down. */
  readonly explanation: string;
}

const normRef = (r: string) => r.trim().toLowerCase().replace(/\s+/g, ' ');

const inPeriod = (a: Agreement, d: IsoDate) => (!a.start || a.start <= d) && (!a.end || d <= a.end);

function covers(a: Agreement, cpv: string | null): boolean {
  if (!cpv) return false;
  return a.cpvPrefixes.some((p) => cpv.startsWith(p));
}

/**
 * Matches invoice lines to agreements, pure and deterministic:
 *  1. the contract reference on the invoice (ContractDocumentReference) names an agreement;
 *  2. the order reference names an agreement, or a known order belongs to one;
 *  3. the supplier is on an agreement in force on the invoice date, preferring one whose
 *     categories cover the line's CPV code (several candidates: the narrowest category, then the
 *     lowest reference, so the result never depends on input order).
 * Unmatched spend is classified for the leakage report.
 */
export class AgreementMatcher {
  private readonly byRef = new Map<string, Agreement>();
  private readonly bySupplier = new Map<string, Agreement[]>();
  private readonly byPrefix = new Map<string, Agreement[]>();
  private readonly orders: ReadonlyMap<string, string>;
  private readonly ids = new Map<string, Agreement>();

  constructor(
    readonly agreements: readonly Agreement[],
    options: { readonly orderToAgreement?: ReadonlyMap<string, string> } = {},
  ) {
    const sorted = [...agreements].sort((a, b) =>
      a.referenceNumber < b.referenceNumber ? -1 : a.referenceNumber > b.referenceNumber ? 1 : 0,
    );
    for (const a of sorted) {
      this.ids.set(a.id, a);
      const key = normRef(a.referenceNumber);
      if (!this.byRef.has(key)) this.byRef.set(key, a);
      for (const o of a.supplierOrgnrs) {
        let list = this.bySupplier.get(o);
        if (!list) {
          list = [];
          this.bySupplier.set(o, list);
        }
        list.push(a);
      }
      for (const p of a.cpvPrefixes) {
        let list = this.byPrefix.get(p);
        if (!list) {
          list = [];
          this.byPrefix.set(p, list);
        }
        list.push(a);
      }
    }
    const orders = new Map<string, string>();
    for (const [order, id] of options.orderToAgreement ?? []) orders.set(normRef(order), id);
    this.orders = orders;
  }

  private byId(id: string): Agreement | undefined {
    return this.ids.get(id);
  }

  match(input: MatchInput): MatchResult {
    if (input.contractReference) {
      const a = this.byRef.get(normRef(input.contractReference));
      if (a) {
        return {
          agreementId: a.id,
          reason: 'contract_reference',
          unmatched: null,
          relatedAgreementId: null,
          explanation: `Avtalenummeret «${input.contractReference}» står på fakturaen.`,
        };
      }
    }
    if (input.orderReference) {
      const key = normRef(input.orderReference);
      const a =
        this.byRef.get(key) ??
        (this.orders.has(key) ? this.byId(this.orders.get(key) as string) : undefined);
      if (a) {
        return {
          agreementId: a.id,
          reason: 'order_reference',
          unmatched: null,
          relatedAgreementId: null,
          explanation: `Bestillingsreferansen «${input.orderReference}» hører til avtale ${a.referenceNumber}.`,
        };
      }
    }
    const own = input.supplierOrgnr ? (this.bySupplier.get(input.supplierOrgnr) ?? []) : [];
    const current = own.filter((a) => inPeriod(a, input.issueDate));
    if (current.length > 0) {
      const inCategory = current
        .filter((a) => covers(a, input.cpv))
        .sort(
          (x, y) =>
            longestCover(y, input.cpv) - longestCover(x, input.cpv) ||
            (x.referenceNumber < y.referenceNumber ? -1 : 1),
        );
      const chosen = inCategory[0];
      if (chosen) {
        return {
          agreementId: chosen.id,
          reason: 'supplier_period_category',
          unmatched: null,
          relatedAgreementId: null,
          explanation: `Leverandøren er på avtale ${chosen.referenceNumber}, fakturadatoen er i avtaleperioden og varekategorien (CPV ${input.cpv}) dekkes av avtalen.`,
        };
      }
      const categoryFree = current.filter((a) => a.cpvPrefixes.length === 0 || !input.cpv);
      const only =
        current.length === 1 ? current[0] : categoryFree.length === 1 ? categoryFree[0] : undefined;
      if (only) {
        return {
          agreementId: only.id,
          reason: 'supplier_period',
          unmatched: null,
          relatedAgreementId: null,
          explanation: `Leverandøren er på avtale ${only.referenceNumber} og fakturadatoen er i avtaleperioden.`,
        };
      }
    }
    const coveringActive = this.activeCovering(input.cpv, input.issueDate);
    if (coveringActive) {
      return {
        agreementId: null,
        reason: null,
        unmatched: 'other_supplier_in_category',
        relatedAgreementId: coveringActive.id,
        explanation: `Avtale ${coveringActive.referenceNumber} dekker varekategorien (CPV ${input.cpv}), men en annen leverandør er brukt.`,
      };
    }
    const expired = own
      .filter((a) => a.end && a.end < input.issueDate)
      .sort((x, y) => ((x.end as string) > (y.end as string) ? -1 : 1))[0];
    if (expired) {
      return {
        agreementId: null,
        reason: null,
        unmatched: 'after_expiry',
        relatedAgreementId: expired.id,
        explanation: `Avtale ${expired.referenceNumber} med leverandøren utløp ${expired.end}.`,
      };
    }
    const notStarted = own.find((a) => a.start && input.issueDate < a.start);
    if (notStarted) {
      return {
        agreementId: null,
        reason: null,
        unmatched: 'before_start',
        relatedAgreementId: notStarted.id,
        explanation: `Avtale ${notStarted.referenceNumber} med leverandøren starter først ${notStarted.start}.`,
      };
    }
    return {
      agreementId: null,
      reason: null,
      unmatched: 'no_agreement',
      relatedAgreementId: null,
      explanation: 'Ingen avtale med leverandøren, og ingen avtale dekker varekategorien.',
    };
  }

  /** An agreement in force on the date whose categories cover the CPV code (narrowest first). */
  activeCovering(cpv: string | null, date: IsoDate): Agreement | null {
    if (!cpv) return null;
    for (let len = Math.min(8, cpv.length); len >= 2; len--) {
      const list = this.byPrefix.get(cpv.slice(0, len));
      const a = list?.find((x) => inPeriod(x, date));
      if (a) return a;
    }
    return null;
  }
}

function longestCover(a: Agreement, cpv: string | null): number {
  if (!cpv) return 0;
  let best = 0;
  for (const p of a.cpvPrefixes) if (cpv.startsWith(p) && p.length > best) best = p.length;
  return best;
}
