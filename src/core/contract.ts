import { z } from 'zod';
import { type IsoDate, isIsoDate } from './dates.ts';
import { isValidOrgnr, normaliseOrgnr } from './orgnr.ts';

/** Fields that may be withheld from the public and from readers, each time with a legal basis. */
export const CONFIDENTIAL_FIELDS = [
  'title',
  'description',
  'suppliers',
  'supplierTerms',
  'estimatedValueOre',
  'maxValueOre',
  'priceAdjustment',
  'options',
] as const;
export type ConfidentialField = (typeof CONFIDENTIAL_FIELDS)[number];

export const CONTRACT_KINDS = ['framework', 'single'] as const;
export const CONTRACT_TYPES = ['goods', 'services', 'construction', 'health_social'] as const;
export const PROCEDURES = [
  'open',
  'restricted',
  'competition_with_negotiation',
  'negotiated',
  'below_threshold',
  'mini_competition',
  'direct_award',
] as const;
export const RISK_LEVELS = ['low', 'medium', 'high'] as const;
export const OPTION_STATES = ['open', 'exercised', 'declined'] as const;
export const CONTRACT_STATUSES = ['draft', 'active', 'expiring', 'expired', 'terminated'] as const;
export type ContractStatus = (typeof CONTRACT_STATUSES)[number];

const isoDate = z.string().refine(isIsoDate, 'må være en dato på formen ÅÅÅÅ-MM-DD');
const ore = z
  .number()
  .int('må være et helt antall øre')
  .nonnegative('kan ikke være negativ')
  .max(Number.MAX_SAFE_INTEGER);
const trimmed = (max: number) => z.string().trim().max(max, `kan ha høyst ${max} tegn`);

export const orgnrSchema = z
  .string()
  .transform(normaliseOrgnr)
  .refine(
    isValidOrgnr,
    'er ikke et gyldig organisasjonsnummer (9 siffer med MOD11-kontrollsiffer)',
  );

/** CPV: eight digits, a dash and a check digit (the check digit is optional in practice). */
export const cpvSchema = z
  .string()
  .trim()
  .regex(/^\d{8}(-\d)?$/, 'er ikke en CPV-kode (8 siffer, ev. med kontrollsiffer: 45000000-7)');

export const contractSupplierSchema = z.object({
  orgnr: orgnrSchema,
  name: trimmed(200).min(1, 'mangler navn'),
  /** Rank in a ranked framework agreement (1 = first choice); null when parallel or single. */
  rank: z.number().int().min(1).max(99).nullable().default(null),
  terms: trimmed(2000).nullable().default(null),
});
export type ContractSupplier = z.infer<typeof contractSupplierSchema>;

export const contractOptionSchema = z.object({
  id: z.string().trim().min(1).max(64).optional(),
  /** The new end date if this option is exercised. */
  newEndDate: isoDate,
  /** The last day to decide on the option (often the notice given to the supplier). */
  decisionDeadline: isoDate,
  state: z.enum(OPTION_STATES).default('open'),
  decidedAt: isoDate.nullable().default(null),
  decidedBy: z.string().nullable().default(null),
});
export type ContractOption = z.infer<typeof contractOptionSchema> & { id: string };

export const priceAdjustmentSchema = z.object({
  /** Index name, e.g. "KPI" (SSB table 03013) or another agreed index. */
  index: trimmed(100).min(1, 'mangler indeks'),
  /** Base period of the index, YYYY-MM. */
  basePeriod: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'må være på formen ÅÅÅÅ-MM'),
  adjustmentMonth: z.number().int().min(1).max(12),
  /** Share of the index change that is passed on, in percent (often 100). */
  sharePercent: z.number().min(0).max(100),
});
export type PriceAdjustment = z.infer<typeof priceAdjustmentSchema>;

export const confidentialitySchema = z
  .partialRecord(
    z.enum(CONFIDENTIAL_FIELDS),
    z.object({ legalBasis: trimmed(300).min(1, 'mangler hjemmel') }),
  )
  .default({});
export type Confidentiality = Partial<Record<ConfidentialField, { legalBasis: string }>>;

const contractFields = {
  referenceNumber: trimmed(64).min(1, 'mangler avtalenummer'),
  caseNumber: trimmed(64).nullable().default(null),
  title: trimmed(300).min(1, 'mangler tittel'),
  description: trimmed(10_000).default(''),
  kind: z.enum(CONTRACT_KINDS),
  type: z.enum(CONTRACT_TYPES),
  procedure: z.enum(PROCEDURES),
  cpvCodes: z.array(cpvSchema).max(50).default([]),
  owningUnitId: z.string().trim().min(1, 'mangler eierenhet'),
  ownerId: z.string().trim().min(1, 'mangler kontraktseier'),
  managerId: z.string().trim().min(1).nullable().default(null),
  suppliers: z.array(contractSupplierSchema).max(200).default([]),
  allowedUnitIds: z.array(z.string().trim().min(1)).max(500).default([]),
  partnerOrganisations: z.array(trimmed(200).min(1)).max(200).default([]),
  startDate: isoDate.nullable().default(null),
  endDate: isoDate.nullable().default(null),
  options: z.array(contractOptionSchema).max(20).default([]),
  noticePeriodMonths: z.number().int().min(0).max(120).nullable().default(null),
  estimatedValueOre: ore.nullable().default(null),
  maxValueOre: ore.nullable().default(null),
  priceAdjustment: priceAdjustmentSchema.nullable().default(null),
  riskLevel: z.enum(RISK_LEVELS).default('medium'),
  payConditionsControl: z.boolean().default(false),
  /** Sector for pay-and-conditions rules (e.g. "cleaning", "construction"); free text or null. */
  sector: trimmed(100).nullable().default(null),
  published: z.boolean().default(false),
  draft: z.boolean().default(false),
  terminatedOn: isoDate.nullable().default(null),
  terminationReason: trimmed(2000).nullable().default(null),
  confidential: confidentialitySchema,
};

/** Rules that span fields; one place, used by create, update and import alike. */
function crossFieldRules(c: ContractInputShape, ctx: z.RefinementCtx): void {
  if (c.startDate && c.endDate && c.endDate < c.startDate) {
    ctx.addIssue({ code: 'custom', path: ['endDate'], message: 'sluttdato er før startdato' });
  }
  if (c.estimatedValueOre != null && c.maxValueOre != null && c.maxValueOre < c.estimatedValueOre) {
    ctx.addIssue({
      code: 'custom',
      path: ['maxValueOre'],
      message: 'maksimal verdi er lavere enn anslått verdi',
    });
  }
  let previousEnd = c.endDate;
  c.options.forEach((o, i) => {
    if (previousEnd && o.newEndDate <= previousEnd) {
      ctx.addIssue({
        code: 'custom',
        path: ['options', i, 'newEndDate'],
        message: 'ny sluttdato må være etter forrige sluttdato',
      });
    }
    if (previousEnd && o.decisionDeadline > previousEnd) {
      ctx.addIssue({
        code: 'custom',
        path: ['options', i, 'decisionDeadline'],
        message: 'fristen for å avgjøre opsjonen må være før gjeldende sluttdato',
      });
    }
    previousEnd = o.newEndDate;
  });
  if (c.options.length > 0 && !c.endDate) {
    ctx.addIssue({ code: 'custom', path: ['endDate'], message: 'opsjoner krever en sluttdato' });
  }
  const seen = new Set<string>();
  c.suppliers.forEach((s, i) => {
    if (seen.has(s.orgnr)) {
      ctx.addIssue({
        code: 'custom',
        path: ['suppliers', i, 'orgnr'],
        message: 'leverandøren står allerede på avtalen',
      });
    }
    seen.add(s.orgnr);
  });
  if (c.terminationReason && !c.terminatedOn) {
    ctx.addIssue({
      code: 'custom',
      path: ['terminatedOn'],
      message: 'mangler dato for oppsigelse',
    });
  }
}

const contractObject = z.object(contractFields);
type ContractInputShape = z.output<typeof contractObject>;

export const contractInputSchema = contractObject.strict().superRefine(crossFieldRules);
export type ContractInput = z.output<typeof contractInputSchema>;

export interface Contract extends Omit<ContractInput, 'options'> {
  readonly id: string;
  readonly options: ContractOption[];
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/**
 * The end date in force: the last exercised option's new end date, or the original end date.
 * A projection carries it ready-made (`currentEndDate`), because the period in force stays public
 * even when the options themselves are withheld.
 */
export function currentEndDate(
  c: Pick<Contract, 'endDate' | 'options'> & { readonly currentEndDate?: IsoDate | null },
): IsoDate | null {
  if (c.currentEndDate !== undefined) return c.currentEndDate;
  let end = c.endDate;
  for (const o of c.options) {
    if (o.state === 'exercised' && (!end || o.newEndDate > end)) end = o.newEndDate;
  }
  return end;
}

/** The latest end date the contract can reach if every open option is exercised. */
export function maximumEndDate(
  c: Pick<Contract, 'endDate' | 'options'> & { readonly currentEndDate?: IsoDate | null },
): IsoDate | null {
  let end = currentEndDate(c);
  for (const o of c.options) {
    if (o.state === 'open' && (!end || o.newEndDate > end)) end = o.newEndDate;
  }
  return end;
}

/** The next open option whose decision lies ahead in sequence (options are decided in order). */
export function nextOpenOption(c: Pick<Contract, 'options'>): ContractOption | null {
  return c.options.find((o) => o.state === 'open') ?? null;
}
