import { PUBLIC, projectContract, type Withheld } from './access.ts';
import {
  type CONTRACT_TYPES,
  type Contract,
  type ContractStatus,
  currentEndDate,
  maximumEndDate,
  type PROCEDURES,
} from './contract.ts';
import type { IsoDate } from './dates.ts';
import { contractStatus } from './status.ts';

/**
 * What the public catalogue, the open-data files and OCDS may say about a framework agreement.
 *
 * Built ON TOP of `projectContract(PUBLIC, …)` — the one guard that removes confidential values —
 * and narrower still: no internal ids (contract id, owner, manager, unit ids), no user names or
 * e-mail addresses, no risk level, no follow-up data. A withheld field is `null` here and listed in
 * `withheld` with its legal basis, so a page can say that and why something is not shown.
 */
export interface PublicAgreement {
  /** The agreement's reference number (avtalenummer): the public identifier. */
  readonly reference: string;
  /** Archive case number: a public reference in the municipality's postjournal. */
  readonly caseNumber: string | null;
  readonly title: string | null;
  readonly description: string | null;
  readonly type: (typeof CONTRACT_TYPES)[number];
  readonly procedure: (typeof PROCEDURES)[number];
  readonly cpvCodes: readonly string[];
  readonly suppliers: readonly PublicSupplier[] | null;
  readonly startDate: IsoDate | null;
  /** The original end date (before options). */
  readonly endDate: IsoDate | null;
  /** The end date in force after exercised options (as far as the public may see options). */
  readonly currentEndDate: IsoDate | null;
  /** The latest end date if every open option is exercised (null when the options are withheld). */
  readonly maximumEndDate: IsoDate | null;
  readonly options: readonly PublicOption[] | null;
  readonly noticePeriodMonths: number | null;
  readonly estimatedValueOre: number | null;
  readonly maxValueOre: number | null;
  readonly priceAdjustment: {
    readonly index: string;
    readonly basePeriod: string;
    readonly adjustmentMonth: number;
    readonly sharePercent: number;
  } | null;
  readonly status: Exclude<ContractStatus, 'draft'>;
  readonly terminatedOn: IsoDate | null;
  readonly usableBy: {
    /** True when no unit list is set: every unit of the organisation may use it. */
    readonly allUnits: boolean;
    /** Unit names (never unit ids). */
    readonly units: readonly string[];
    /** Partner organisations in the procurement cooperation that may use it. */
    readonly partners: readonly string[];
  };
  readonly openToPartners: boolean;
  /** The owning unit's name: the contact point together with the configured public contact. */
  readonly owningUnit: string | null;
  readonly updatedAt: string;
  readonly withheld: readonly Withheld[];
}

export interface PublicSupplier {
  readonly name: string;
  readonly orgnr: string;
  readonly rank: number | null;
  /** Supplier-specific terms, or null when there are none or they are withheld. */
  readonly terms: string | null;
}

export interface PublicOption {
  readonly newEndDate: IsoDate;
  readonly state: 'open' | 'exercised' | 'declined';
}

export interface PublicAgreementContext {
  readonly today: IsoDate;
  readonly expiringWindowDays: number;
  /** Unit id → unit name, to name who may use the agreement without showing ids. */
  readonly unitNames: ReadonlyMap<string, string>;
}

/** Only published framework agreements that are not drafts belong in the public catalogue. */
export function isPubliclyListed(c: Pick<Contract, 'published' | 'kind' | 'draft'>): boolean {
  return c.published === true && c.kind === 'framework' && !c.draft;
}

/**
 * The public face of one agreement, or null when it is not publicly listed. Every value is read
 * from the public projection, never from the stored contract.
 */
export function publicAgreement(
  contract: Contract,
  ctx: PublicAgreementContext,
): PublicAgreement | null {
  if (!isPubliclyListed(contract)) return null;
  const v = projectContract(PUBLIC, contract);
  const hidden = new Set(v.withheld.map((w) => w.field));
  const status = contractStatus(v, ctx.today, ctx.expiringWindowDays);
  const unitName = (id: string) => ctx.unitNames.get(id) ?? null;
  return {
    reference: v.referenceNumber,
    caseNumber: v.caseNumber,
    title: hidden.has('title') ? null : v.title,
    description: hidden.has('description') ? null : v.description,
    type: v.type,
    procedure: v.procedure,
    cpvCodes: [...v.cpvCodes],
    suppliers: hidden.has('suppliers')
      ? null
      : v.suppliers.map((s) => ({
          name: s.name,
          orgnr: s.orgnr,
          rank: s.rank,
          terms: hidden.has('supplierTerms') ? null : s.terms,
        })),
    startDate: v.startDate,
    endDate: v.endDate,
    currentEndDate: currentEndDate(v),
    maximumEndDate: hidden.has('options') ? null : maximumEndDate(v),
    options: hidden.has('options')
      ? null
      : v.options.map((o) => ({ newEndDate: o.newEndDate, state: o.state })),
    noticePeriodMonths: v.noticePeriodMonths,
    estimatedValueOre: hidden.has('estimatedValueOre') ? null : v.estimatedValueOre,
    maxValueOre: hidden.has('maxValueOre') ? null : v.maxValueOre,
    priceAdjustment:
      hidden.has('priceAdjustment') || !v.priceAdjustment
        ? null
        : {
            index: v.priceAdjustment.index,
            basePeriod: v.priceAdjustment.basePeriod,
            adjustmentMonth: v.priceAdjustment.adjustmentMonth,
            sharePercent: v.priceAdjustment.sharePercent,
          },
    status: status === 'draft' ? 'active' : status,
    terminatedOn: v.terminatedOn,
    usableBy: {
      allUnits: v.allowedUnitIds.length === 0,
      units: v.allowedUnitIds.flatMap((id) => unitName(id) ?? []),
      partners: [...v.partnerOrganisations],
    },
    openToPartners: v.partnerOrganisations.length > 0,
    owningUnit: unitName(v.owningUnitId),
    updatedAt: v.updatedAt,
    withheld: v.withheld.map((w) => ({ field: w.field, legalBasis: w.legalBasis })),
  };
}

/** Words of the public text of an agreement (for the spelling vocabulary and suggestions). */
export function publicText(a: PublicAgreement): string {
  return [
    a.title ?? '',
    a.description ?? '',
    ...(a.suppliers ?? []).map((s) => s.name),
    ...a.usableBy.partners,
  ].join(' ');
}
