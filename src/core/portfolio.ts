import type { ContractView } from './access.ts';
import { CONTRACT_STATUSES, type ContractStatus, currentEndDate } from './contract.ts';
import { addMonths, type IsoDate } from './dates.ts';
import { contractStatus } from './status.ts';

/** One framework agreement's turnover against its maximum value (the ceiling). */
export interface CeilingUsage {
  readonly contractId: string;
  readonly referenceNumber: string;
  /** '' when the viewer may not see the title. */
  readonly title: string;
  readonly maxValueOre: number | null;
  /** Turnover so far; null when no spend source is connected. */
  readonly spentOre: number | null;
  /** spent ÷ max; null without a visible maximum or without turnover. */
  readonly ratio: number | null;
}

export interface PortfolioSummary {
  readonly today: IsoDate;
  readonly total: number;
  readonly byStatus: Readonly<Record<ContractStatus, number>>;
  readonly byKind: Readonly<Record<'framework' | 'single', number>>;
  /** Contracts per CPV division (first two digits of the first CPV code), largest first. */
  readonly byCategory: readonly { readonly division: string; readonly count: number }[];
  /** Current end dates in each of the next 12 months (this month first). */
  readonly expiries: readonly {
    readonly month: string;
    readonly count: number;
    readonly framework: number;
  }[];
  /** Framework agreements by ceiling usage, highest first (those without turnover last). */
  readonly ceiling: readonly CeilingUsage[];
  readonly spendConnected: boolean;
  /** Open follow-up tasks past their due date, per owning unit (null without a task source). */
  readonly overdue: {
    readonly total: number;
    readonly byUnit: readonly { readonly unitId: string; readonly count: number }[];
  } | null;
}

export interface PortfolioInput {
  readonly today: IsoDate;
  readonly expiringWindowDays: number;
  /** Turnover per contract id in øre (null: no spend source). */
  readonly turnover: ReadonlyMap<string, number> | null;
  /** The owning units of the overdue tasks the viewer may see (null: no task source). */
  readonly overdueTaskUnits: readonly string[] | null;
  /** How many framework agreements to list under ceiling usage (default 15). */
  readonly ceilingTop?: number;
}

const month = (d: IsoDate): string => d.slice(0, 7);

/**
 * The portfolio at a glance, from contracts as the viewer sees them (after the projection, so a
 * withheld maximum value never counts). Pure: the route gathers the inputs.
 */
/**
 * An agreement's turnover as its viewer may see it: withheld together with a withheld maximum
 * value (spend against a secret ceiling would reveal how much of it is left).
 */
export function spentFor(c: ContractView, turnover: ReadonlyMap<string, number>): number | null {
  if (c.withheld.some((w) => w.field === 'maxValueOre')) return null;
  return turnover.get(c.id) ?? 0;
}

export function summarisePortfolio(
  contracts: Iterable<ContractView>,
  input: PortfolioInput,
): PortfolioSummary {
  const byStatus = Object.fromEntries(CONTRACT_STATUSES.map((s) => [s, 0])) as Record<
    ContractStatus,
    number
  >;
  const byKind = { framework: 0, single: 0 };
  const divisions = new Map<string, number>();
  const months: string[] = [];
  for (let i = 0; i < 12; i++) months.push(month(addMonths(`${month(input.today)}-01`, i)));
  const expiries = new Map(months.map((m) => [m, { count: 0, framework: 0 }]));
  const ceiling: CeilingUsage[] = [];
  let total = 0;

  for (const c of contracts) {
    total += 1;
    const status = contractStatus(c, input.today, input.expiringWindowDays);
    byStatus[status] += 1;
    byKind[c.kind] += 1;
    const division = c.cpvCodes[0]?.slice(0, 2) ?? '';
    divisions.set(division, (divisions.get(division) ?? 0) + 1);
    const end = currentEndDate(c);
    if (end && end >= input.today && status !== 'draft' && status !== 'terminated') {
      const bucket = expiries.get(month(end));
      if (bucket) {
        bucket.count += 1;
        if (c.kind === 'framework') bucket.framework += 1;
      }
    }
    if (c.kind === 'framework' && (status === 'active' || status === 'expiring')) {
      const spent = input.turnover ? spentFor(c, input.turnover) : null;
      const max = c.maxValueOre;
      ceiling.push({
        contractId: c.id,
        referenceNumber: c.referenceNumber,
        title: c.title,
        maxValueOre: max,
        spentOre: spent,
        ratio: spent !== null && max !== null && max > 0 ? spent / max : null,
      });
    }
  }

  ceiling.sort(
    (a, b) =>
      (b.ratio ?? -1) - (a.ratio ?? -1) ||
      (b.maxValueOre ?? -1) - (a.maxValueOre ?? -1) ||
      a.referenceNumber.localeCompare(b.referenceNumber),
  );
  let overdue: PortfolioSummary['overdue'] = null;
  if (input.overdueTaskUnits) {
    const units = new Map<string, number>();
    for (const u of input.overdueTaskUnits) units.set(u, (units.get(u) ?? 0) + 1);
    overdue = {
      total: input.overdueTaskUnits.length,
      byUnit: [...units]
        .map(([unitId, count]) => ({ unitId, count }))
        .sort((a, b) => b.count - a.count || a.unitId.localeCompare(b.unitId)),
    };
  }
  return {
    today: input.today,
    total,
    byStatus,
    byKind,
    byCategory: [...divisions]
      .map(([division, count]) => ({ division, count }))
      .sort((a, b) => b.count - a.count || a.division.localeCompare(b.division)),
    expiries: months.map((m) => ({ month: m, ...(expiries.get(m) ?? { count: 0, framework: 0 }) })),
    ceiling: ceiling.slice(0, input.ceilingTop ?? 15),
    spendConnected: input.turnover !== null,
    overdue,
  };
}
