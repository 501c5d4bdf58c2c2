import {
  addDays,
  addMonths,
  type Confidentiality,
  type ContractInput,
  contractInputSchema,
  type IsoDate,
  orgnrCheckDigit,
  type Unit,
  type User,
} from '../core/index.ts';
import {
  type AgreementTemplate,
  CARE_HOMES,
  DEMO_UNITS,
  DEMO_USERS,
  LEGAL_BASES,
  PARTNERS,
  PLACES,
  SCHOOLS,
  SUPPLIER_FORMS,
  SUPPLIER_PREFIXES,
  TEMPLATES,
  TERMINATION_REASONS,
  type Titled,
  UNIT_OWNERS,
} from './catalogue.ts';
import { Prng } from './prng.ts';

export interface PortfolioOptions {
  /** The date the portfolio is built around: expiring and expired contracts are relative to it. */
  readonly today: IsoDate;
  /** Number of contracts (default 320; at least 10). */
  readonly contracts?: number;
  readonly seed?: number;
}

export interface DemoPortfolio {
  readonly units: readonly Unit[];
  readonly users: readonly User[];
  readonly contracts: readonly ContractInput[];
}

export const DEFAULT_DEMO_CONTRACTS = 320;
const DEFAULT_SEED = 20_240_901;

/** Thresholds (ex. VAT, NOK) for pay-and-conditions control: EEA thresholds for municipalities. */
const EEA_SERVICES_NOK = 2_300_000;
const EEA_CONSTRUCTION_NOK = 57_800_000;

interface DemoSupplier {
  readonly orgnr: string;
  readonly name: string;
}

type Lifecycle = 'active' | 'expiring' | 'expired' | 'draft' | 'terminated';

/**
 * Builds the demo portfolio: deterministic for a given seed, size and `today`. Every contract is
 * parsed through the real schema, so the demo can never hold data the API would refuse.
 */
export function generateDemoPortfolio(options: PortfolioOptions): DemoPortfolio {
  const total = Math.max(10, Math.floor(options.contracts ?? DEFAULT_DEMO_CONTRACTS));
  const rng = new Prng(options.seed ?? DEFAULT_SEED);
  const today = options.today;
  const suppliers = supplierPool(rng);
  const frameworks = Math.max(2, Math.round(total / 8));
  const contracts: ContractInput[] = [];
  for (let i = 0; i < total; i++) {
    const lifecycle = pickLifecycle(rng, i, total);
    const input =
      i < frameworks
        ? frameworkAgreement(rng, i, today, lifecycle, suppliers)
        : singleContract(rng, i, today, lifecycle, suppliers);
    contracts.push(input);
  }
  markOwnerConfidential(contracts, 'eier1', 4);
  markOwnerConfidential(contracts, 'eier2', 2);
  return {
    units: DEMO_UNITS,
    users: DEMO_USERS,
    contracts: contracts.map((c) => contractInputSchema.parse(c)),
  };
}

/** Every generated orgnr is nine digits with a valid MOD11 check digit, and unique. */
function supplierPool(rng: Prng): Map<string, DemoSupplier[]> {
  const used = new Set<string>();
  const pool = new Map<string, DemoSupplier[]>();
  for (const template of TEMPLATES) {
    const list: DemoSupplier[] = [];
    const names = new Set<string>();
    while (list.length < 7) {
      const first = `9${String(rng.int(0, 9_999_999)).padStart(7, '0')}`;
      const check = orgnrCheckDigit(first);
      if (check === null) continue;
      const orgnr = `${first}${check}`;
      const name = `${rng.pick(SUPPLIER_PREFIXES)} ${rng.pick(template.supplierWords)} ${rng.pick(SUPPLIER_FORMS)}`;
      if (used.has(orgnr) || names.has(name)) continue;
      used.add(orgnr);
      names.add(name);
      list.push({ orgnr, name });
    }
    pool.set(template.key, list);
  }
  return pool;
}

function pickLifecycle(rng: Prng, i: number, total: number): Lifecycle {
  // A few fixed positions guarantee every state exists even in a tiny portfolio.
  if (i === total - 1) return 'terminated';
  if (i === total - 2) return 'draft';
  if (i === total - 3 || i === 1) return 'expired';
  if (i === 0 || i === total - 4) return 'expiring';
  return rng.weighted<Lifecycle>([
    ['active', 68],
    ['expiring', 14],
    ['expired', 10],
    ['draft', 5],
    ['terminated', 1.5],
  ]);
}

const fill = (rng: Prng, title: string) =>
  title
    .replace('{sted}', rng.pick(PLACES))
    .replace('{skole}', rng.pick(SCHOOLS))
    .replace('{sykehjem}', rng.pick(CARE_HOMES));

/** A value in whole NOK, log-uniform in the range, rounded like people round estimates. */
function valueNok(rng: Prng, [min, max]: readonly [number, number]): number {
  const v = Math.exp(Math.log(min) + rng.next() * (Math.log(max) - Math.log(min)));
  const step = v > 10_000_000 ? 100_000 : v > 1_000_000 ? 10_000 : 1_000;
  return Math.max(step, Math.round(v / step) * step);
}

interface Dates {
  startDate: IsoDate;
  endDate: IsoDate;
  options: ContractInput['options'];
  terminatedOn: IsoDate | null;
  draft: boolean;
}

/**
 * Dates built backwards from the wanted *current* end date, so the status comes out as planned:
 * options before it are exercised (their deadlines lie in the past), later ones are open — or, for
 * an expired contract, declined.
 */
function datesFor(
  rng: Prng,
  today: IsoDate,
  lifecycle: Lifecycle,
  ownerId: string,
  optionPlan: { count: number; years: number },
): Dates {
  const baseYears = rng.pick([2, 2, 3, 4]);
  const { count, years } = optionPlan;
  if (lifecycle === 'draft') {
    const startDate = addDays(today, rng.int(30, 150));
    const endDate = addDays(addMonths(startDate, baseYears * 12), -1);
    return {
      startDate,
      endDate,
      options: chain(endDate, count, years, 0, 'open', ownerId),
      terminatedOn: null,
      draft: true,
    };
  }
  let currentEnd: IsoDate;
  if (lifecycle === 'expiring') currentEnd = addDays(today, rng.int(7, 175));
  else if (lifecycle === 'expired') currentEnd = addDays(today, -rng.int(1, 400));
  // An active contract has started: even with no option exercised, its start lies a month back.
  else currentEnd = addDays(today, rng.int(200, Math.min(1400, baseYears * 365 - 30)));
  // How many options were exercised to reach the current end: each one's deadline must be past.
  let exercised = count === 0 ? 0 : rng.int(0, count);
  while (exercised > 0) {
    const lastPrevEnd = addMonths(currentEnd, -12 * years);
    if (addMonths(lastPrevEnd, -3) < today) break;
    exercised--;
  }
  const endDate = addMonths(currentEnd, -12 * years * exercised);
  const startDate = addDays(addMonths(endDate, -12 * baseYears), 1);
  const rest = lifecycle === 'expired' ? 'declined' : 'open';
  const options = chain(endDate, count, years, exercised, rest, ownerId);
  const terminatedOn =
    lifecycle === 'terminated'
      ? addDays(today, -rng.int(10, Math.min(200, 20 + baseYears * 90)))
      : null;
  return {
    startDate: terminatedOn && terminatedOn < startDate ? addDays(terminatedOn, -200) : startDate,
    endDate,
    options,
    terminatedOn,
    draft: false,
  };
}

function chain(
  endDate: IsoDate,
  count: number,
  years: number,
  exercised: number,
  rest: 'open' | 'declined',
  ownerId: string,
): ContractInput['options'] {
  const options: ContractInput['options'] = [];
  let previousEnd = endDate;
  for (let i = 0; i < count; i++) {
    const newEndDate = addMonths(previousEnd, 12 * years);
    const decisionDeadline = addMonths(previousEnd, -3);
    const state = i < exercised ? 'exercised' : rest;
    const decided = state !== 'open';
    options.push({
      newEndDate,
      decisionDeadline,
      state,
      decidedAt: decided ? addDays(decisionDeadline, -14) : null,
      decidedBy: decided ? ownerId : null,
    });
    previousEnd = newEndDate;
  }
  return options;
}

function priceAdjustment(rng: Prng, template: AgreementTemplate, startDate: IsoDate) {
  if (!template.index || rng.chance(0.15)) return null;
  const month = Number(startDate.slice(5, 7));
  const base = addMonths(startDate, -2).slice(0, 7);
  return {
    index: template.index,
    basePeriod: base,
    adjustmentMonth: month,
    sharePercent: rng.pick([100, 100, 100, 80]),
  };
}

function payControl(
  template: AgreementTemplate,
  estimatedNok: number,
  framework: boolean,
): boolean {
  if (!template.sector) return false;
  if (template.type === 'construction') return framework || estimatedNok >= EEA_CONSTRUCTION_NOK;
  return template.type === 'services' && estimatedNok >= EEA_SERVICES_NOK;
}

function risk(rng: Prng, template: AgreementTemplate, estimatedNok: number, pay: boolean) {
  if (estimatedNok >= 50_000_000 || template.type === 'health_social') return 'high' as const;
  if (pay) return rng.chance(0.6) ? ('high' as const) : ('medium' as const);
  return rng.weighted([
    ['low', 4],
    ['medium', 5],
    ['high', 1],
  ] as const);
}

/** Numbered by the year the case was opened: the start year, or this year for a later start. */
const reference = (startDate: IsoDate, today: IsoDate, i: number) =>
  `BK-${(startDate < today ? startDate : today).slice(0, 4)}-${String(i + 1).padStart(4, '0')}`;

/** The title's main CPV code and, now and then, up to `max - 1` of its others. */
function cpvFor(rng: Prng, titled: Titled, max: number): string[] {
  const [main, ...rest] = titled.cpv as [string, ...string[]];
  return [main, ...rng.sample(rest, rng.int(0, Math.min(max - 1, rest.length)))];
}

/** «Rammeavtale om …» → «rammeavtale om …», keeping acronyms such as «BPA» as they are. */
const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

const caseNumber = (rng: Prng, startDate: IsoDate) =>
  `${Number(startDate.slice(0, 4)) - 1}/${rng.int(1000, 99_999)}`;

/** Some øre precision now and then, so imports and exports prove they keep every øre. */
const ore = (rng: Prng, nok: number) => nok * 100 + (rng.chance(0.1) ? rng.int(1, 99) : 0);

function frameworkAgreement(
  rng: Prng,
  i: number,
  today: IsoDate,
  lifecycle: Lifecycle,
  pool: Map<string, DemoSupplier[]>,
): ContractInput {
  const candidates = TEMPLATES.filter((x) => x.framework);
  const template = candidates[i % candidates.length] as AgreementTemplate;
  const owningUnitId = rng.chance(0.8) ? 'u-innkjop' : 'u-kontraktservice';
  const ownerId = rng.pick(UNIT_OWNERS[owningUnitId] ?? ['kontraktservice']);
  const dates = datesFor(rng, today, lifecycle, ownerId, { count: rng.pick([1, 2, 2]), years: 1 });
  const estimatedNok = valueNok(rng, [template.valueNok[0] * 3, template.valueNok[1] * 3]);
  const structure = rng.weighted([
    ['single', 4],
    ['ranked', 3],
    ['parallel', 3],
  ] as const);
  const count = structure === 'single' ? 1 : rng.int(2, 4);
  const chosen = rng.sample(pool.get(template.key) ?? [], count);
  const suppliers = chosen.map((s, n) => ({
    orgnr: s.orgnr,
    name: s.name,
    rank: structure === 'ranked' ? n + 1 : null,
    terms:
      structure === 'parallel'
        ? `Tildeling etter minikonkurranse. ${rng.pick(template.terms)}`
        : rng.pick(template.terms),
  }));
  const pay = payControl(template, estimatedNok, true);
  const plain = template.titles.filter((x) => !x.title.includes('{'));
  const titled = plain.length > 0 ? rng.pick(plain) : rng.pick(template.titles);
  const allowed = DEMO_UNITS.filter((u) => u.parentId === 'u-bk').map((u) => u.id);
  const confidential: Confidentiality = {};
  if (rng.chance(0.15)) {
    confidential.supplierTerms = { legalBasis: LEGAL_BASES.businessSecret };
  }
  return {
    referenceNumber: reference(dates.startDate, today, i),
    caseNumber: caseNumber(rng, dates.startDate),
    title: fill(rng, titled.title),
    description: `${template.description} Avtalen er en rammeavtale med ${
      suppliers.length === 1
        ? 'én leverandør'
        : structure === 'ranked'
          ? `${suppliers.length} leverandører i rangert rekkefølge`
          : `${suppliers.length} parallelle leverandører og tildeling etter minikonkurranse`
    }.`,
    kind: 'framework',
    type: template.type,
    procedure: rng.pick(['open', 'open', 'competition_with_negotiation', 'restricted'] as const),
    cpvCodes: cpvFor(rng, titled, 3),
    owningUnitId,
    ownerId,
    managerId: rng.pick(['ks.hanne', 'ks.tor', 'ks.nils', null]),
    suppliers,
    allowedUnitIds: rng.sample(allowed, rng.int(4, allowed.length)).sort(),
    partnerOrganisations: rng.chance(0.6) ? rng.sample(PARTNERS, rng.int(1, 5)) : [],
    startDate: dates.startDate,
    endDate: dates.endDate,
    options: dates.options,
    noticePeriodMonths: rng.pick([3, 3, 6]),
    estimatedValueOre: ore(rng, estimatedNok),
    maxValueOre: ore(rng, Math.round(estimatedNok * rng.pick([1.25, 1.5, 2]))),
    priceAdjustment: priceAdjustment(rng, template, dates.startDate),
    riskLevel: risk(rng, template, estimatedNok, pay),
    payConditionsControl: pay,
    sector: template.sector,
    published: !dates.draft && rng.chance(0.7),
    draft: dates.draft,
    terminatedOn: dates.terminatedOn,
    terminationReason: dates.terminatedOn ? rng.pick(TERMINATION_REASONS) : null,
    confidential,
  };
}

function singleContract(
  rng: Prng,
  i: number,
  today: IsoDate,
  lifecycle: Lifecycle,
  pool: Map<string, DemoSupplier[]>,
): ContractInput {
  const template = rng.pick(TEMPLATES);
  const owningUnitId = rng.pick(template.units);
  const owners = UNIT_OWNERS[owningUnitId] ?? ['kontraktservice'];
  const ownerId = rng.pick(owners);
  const optionCount = rng.weighted([
    [0, 3],
    [1, 3],
    [2, 4],
  ] as const);
  const dates = datesFor(rng, today, lifecycle, ownerId, {
    count: optionCount,
    years: rng.pick([1, 1, 2]),
  });
  const estimatedNok = valueNok(rng, template.valueNok);
  const supplier = rng.pick(pool.get(template.key) ?? []);
  const pay = payControl(template, estimatedNok, false);
  const titled = rng.pick(template.titles);
  const title = fill(rng, titled.title);
  const confidential: Confidentiality = {};
  if (rng.chance(0.06)) {
    confidential.estimatedValueOre = { legalBasis: LEGAL_BASES.businessSecret };
    confidential.supplierTerms = { legalBasis: LEGAL_BASES.businessSecret };
  }
  if (template.key === 'vakt' && rng.chance(0.5)) {
    confidential.description = { legalBasis: LEGAL_BASES.security };
  }
  if (lifecycle === 'draft' && rng.chance(0.3)) {
    confidential.maxValueOre = { legalBasis: LEGAL_BASES.negotiation };
  }
  const managers = owners.filter((o) => o !== ownerId);
  return {
    referenceNumber: reference(dates.startDate, today, i),
    caseNumber: rng.chance(0.9) ? caseNumber(rng, dates.startDate) : null,
    title,
    description: `${template.description} Kontrakten gjelder ${lowerFirst(title)}.`,
    kind: 'single',
    type: template.type,
    procedure:
      estimatedNok < 1_300_000
        ? rng.pick(['below_threshold', 'below_threshold', 'direct_award'] as const)
        : rng.pick(['open', 'open', 'competition_with_negotiation', 'mini_competition'] as const),
    cpvCodes: cpvFor(rng, titled, 2),
    owningUnitId,
    ownerId,
    managerId: managers.length > 0 && rng.chance(0.5) ? rng.pick(managers) : null,
    suppliers: [
      { orgnr: supplier.orgnr, name: supplier.name, rank: null, terms: rng.pick(template.terms) },
    ],
    allowedUnitIds: [],
    partnerOrganisations: [],
    startDate: dates.startDate,
    endDate: dates.endDate,
    options: dates.options,
    noticePeriodMonths: rng.pick([1, 3, 3, 6, null]),
    estimatedValueOre: ore(rng, estimatedNok),
    maxValueOre: rng.chance(0.5) ? ore(rng, Math.round(estimatedNok * 1.2)) : null,
    priceAdjustment: priceAdjustment(rng, template, dates.startDate),
    riskLevel: risk(rng, template, estimatedNok, pay),
    payConditionsControl: pay,
    sector: template.sector,
    published: !dates.draft && rng.chance(0.15),
    draft: dates.draft,
    terminatedOn: dates.terminatedOn,
    terminationReason: dates.terminatedOn ? rng.pick(TERMINATION_REASONS) : null,
    confidential,
  };
}

/** Makes sure a named owner has contracts with confidential fields (for the demo and the tests). */
function markOwnerConfidential(contracts: ContractInput[], ownerId: string, n: number): void {
  let marked = 0;
  for (const c of contracts) {
    if (marked >= n) return;
    if (c.ownerId !== ownerId || c.draft) continue;
    const confidential: Confidentiality = {
      ...c.confidential,
      supplierTerms: { legalBasis: LEGAL_BASES.businessSecret },
      estimatedValueOre: { legalBasis: LEGAL_BASES.businessSecret },
    };
    if (marked === 0) confidential.priceAdjustment = { legalBasis: LEGAL_BASES.businessSecret };
    c.confidential = confidential;
    marked++;
  }
}
