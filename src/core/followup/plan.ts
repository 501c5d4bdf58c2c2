import { type Contract, currentEndDate } from '../contract.ts';
import type { IsoDate } from '../dates.ts';
import { DomainError } from '../errors.ts';
import { daysInMonth, isoOf, plusDays, plusMonths, ymd } from './calendar.ts';
import { isEventTask } from './ceiling.ts';
import type {
  Activity,
  Condition,
  DueRule,
  FollowUpSettings,
  Param,
  Routine,
  RoutineData,
} from './routine.ts';
import {
  isOpenState,
  type LocalText,
  type ResponsibleRole,
  type Task,
  type TaskEvent,
} from './task.ts';

/** The contract fields planning reads. */
export type PlanContract = Pick<
  Contract,
  | 'id'
  | 'kind'
  | 'type'
  | 'riskLevel'
  | 'sector'
  | 'payConditionsControl'
  | 'maxValueOre'
  | 'estimatedValueOre'
  | 'startDate'
  | 'endDate'
  | 'options'
  | 'priceAdjustment'
  | 'ownerId'
  | 'managerId'
  | 'owningUnitId'
  | 'draft'
  | 'terminatedOn'
  | 'terminationReason'
>;

export const SYSTEM_ACTOR = 'system';
/** Occurrence of an option activity: `option:<option id>`. */
export const OPTION_PREFIX = 'option:';

/** A task the routines call for. */
export interface PlannedTask {
  readonly id: string;
  readonly contractId: string;
  readonly routineId: string;
  readonly activityId: string;
  readonly occurrence: string;
  readonly title: LocalText;
  readonly description: LocalText | null;
  readonly responsibleRole: ResponsibleRole;
  readonly assigneeId: string | null;
  readonly unitId: string;
  readonly dueDate: IsoDate;
  readonly leadTimesDays: readonly number[];
  /** Recurring occurrences are limited by the horizon; one-off tasks are planned however far ahead. */
  readonly recurring: boolean;
}

/** The deterministic key of a task: the same contract, activity and occurrence give the same task. */
export const taskKey = (contractId: string, activityId: string, occurrence: string): string =>
  `${contractId}|${activityId}|${occurrence}`;

// ---------------------------------------------------------------------------------------------
// Settings and parameters

type Risk = PlanContract['riskLevel'];

function settingValue(settings: FollowUpSettings, name: string): unknown {
  const value = settings.values[name];
  if (value === undefined) {
    throw new DomainError('validation', `Innstillingen «${name}» finnes ikke`, [
      { field: 'setting', message: `innstillingen «${name}» finnes ikke` },
    ]);
  }
  return value;
}

/** A number parameter: literal, a number setting, or a per-risk-level setting. */
export function resolveNumber(param: Param, settings: FollowUpSettings, risk: Risk): number {
  if (typeof param === 'number') return param;
  const value = settingValue(settings, param.setting);
  if (typeof value === 'number') return value;
  if (value && typeof value === 'object' && !Array.isArray(value) && risk in value) {
    return (value as Record<Risk, number>)[risk];
  }
  throw new DomainError('validation', `Innstillingen «${param.setting}» er ikke et tall`, [
    { field: 'setting', message: `innstillingen «${param.setting}» er ikke et tall` },
  ]);
}

function resolveList<T extends 'number' | 'string'>(
  param: readonly unknown[] | { setting: string },
  settings: FollowUpSettings,
  type: T,
): (T extends 'number' ? number : string)[] {
  const value = Array.isArray(param)
    ? param
    : settingValue(settings, (param as { setting: string }).setting);
  if (!Array.isArray(value) || value.some((v) => typeof v !== type)) {
    const name = Array.isArray(param) ? 'liste' : (param as { setting: string }).setting;
    throw new DomainError('validation', `Innstillingen «${name}» er ikke en liste`, [
      { field: 'setting', message: `innstillingen «${name}» er ikke en liste av ${type}` },
    ]);
  }
  return value as (T extends 'number' ? number : string)[];
}

const RISKS: readonly Risk[] = ['low', 'medium', 'high'];

/**
 * Checks that every setting a routine references exists with the right shape (for every risk level),
 * so a bad routine is refused when saved rather than failing at plan time.
 */
export function checkRoutineSettings(routine: RoutineData, settings: FollowUpSettings): void {
  const numbers: Param[] = [];
  const lists: { setting: string }[] = [];
  const conditions = (cs: readonly Condition[]) => {
    for (const c of cs) {
      if (c.minValueOre !== undefined) numbers.push(c.minValueOre);
      if (c.sectors && !Array.isArray(c.sectors)) lists.push(c.sectors);
    }
  };
  conditions(routine.appliesWhen);
  for (const a of routine.activities) {
    conditions(a.appliesWhen);
    if (!Array.isArray(a.leadTimesDays)) resolveList(a.leadTimesDays, settings, 'number');
    const r = a.rule;
    if (r.kind === 'recurring') {
      numbers.push(r.everyMonths);
      if (r.firstAfterMonths !== undefined) numbers.push(r.firstAfterMonths);
    } else if (r.kind === 'price_adjustment') numbers.push(r.monthsBefore);
    else numbers.push(r.months, r.days);
  }
  for (const p of numbers) for (const risk of RISKS) resolveNumber(p, settings, risk);
  for (const l of lists) resolveList(l, settings, 'string');
}

// ---------------------------------------------------------------------------------------------
// Applicability

function matches(c: PlanContract, cond: Condition, settings: FollowUpSettings): boolean {
  if (cond.kinds && !cond.kinds.includes(c.kind)) return false;
  if (cond.types && !cond.types.includes(c.type)) return false;
  if (cond.riskLevels && !cond.riskLevels.includes(c.riskLevel)) return false;
  if (
    cond.payConditionsControl !== undefined &&
    cond.payConditionsControl !== c.payConditionsControl
  ) {
    return false;
  }
  if (cond.minValueOre !== undefined) {
    const value = c.maxValueOre ?? c.estimatedValueOre;
    if (value == null || value < resolveNumber(cond.minValueOre, settings, c.riskLevel))
      return false;
  }
  if (cond.sectors) {
    const sector = c.sector?.trim().toLocaleLowerCase('nb');
    if (!sector) return false;
    const list = resolveList(cond.sectors, settings, 'string');
    if (!list.some((s) => s.trim().toLocaleLowerCase('nb') === sector)) return false;
  }
  return true;
}

const anyMatches = (c: PlanContract, conds: readonly Condition[], s: FollowUpSettings) =>
  conds.length === 0 || conds.some((cond) => matches(c, cond, s));

export function routineApplies(
  c: PlanContract,
  r: Pick<RoutineData, 'level' | 'enabled' | 'appliesWhen'>,
  s: FollowUpSettings,
): boolean {
  if (!r.enabled) return false;
  if (
    r.level === 'advanced' &&
    s.level !== 'advanced' &&
    !s.advancedForRisk.includes(c.riskLevel)
  ) {
    return false;
  }
  return anyMatches(c, r.appliesWhen, s);
}

export const activityApplies = (c: PlanContract, a: Activity, s: FollowUpSettings): boolean =>
  anyMatches(c, a.appliesWhen, s);

// ---------------------------------------------------------------------------------------------
// Dates

/** Whether the contract takes part in planning on `today`, and why not. */
export function planStatus(
  c: Pick<PlanContract, 'draft' | 'terminatedOn' | 'terminationReason'>,
  today: IsoDate,
): { active: true } | { active: false; reason: string } {
  if (c.draft) return { active: false, reason: 'Avtalen er et utkast' };
  if (c.terminatedOn && c.terminatedOn <= today) {
    const why = c.terminationReason ? `: ${c.terminationReason}` : '';
    return { active: false, reason: `Avtalen er sagt opp fra ${c.terminatedOn}${why}` };
  }
  return { active: true };
}

/** The end date planning uses: the current end date (after exercised options), or an earlier termination. */
export function planEndDate(c: PlanContract): IsoDate | null {
  const end = currentEndDate(c);
  if (c.terminatedOn && (!end || c.terminatedOn < end)) return c.terminatedOn;
  return end;
}

// Integer month/day arithmetic (calendar.ts): the same clamping as `addMonths`/`addDays` in
// dates.ts, without parsing dates into objects in the planner's hot loops.
const minus = (date: IsoDate, months: number, days: number) =>
  plusDays(plusMonths(date, -months), -days);
const plus = (date: IsoDate, months: number, days: number) =>
  plusDays(plusMonths(date, months), days);
const notBefore = (date: IsoDate, floor: IsoDate | null) => (floor && date < floor ? floor : date);

interface Occurrence {
  readonly occurrence: string;
  readonly due: IsoDate;
}

const MAX_OCCURRENCES = 1200;

/**
 * The occurrences of a due-date rule for a contract (pure; no backfill or reconciliation).
 * `beyondHorizon` receives the first date a rolling rule left out only because of the horizon
 * (the occurrence appears once the horizon reaches that date).
 */
export function occurrences(
  rule: DueRule,
  c: PlanContract,
  s: FollowUpSettings,
  horizonEnd: IsoDate,
  beyondHorizon?: (date: IsoDate) => void,
): Occurrence[] {
  const num = (p: Param) => resolveNumber(p, s, c.riskLevel);
  const start = c.startDate;
  const end = planEndDate(c);
  switch (rule.kind) {
    case 'after_start': {
      if (!start) return [];
      const due = plus(start, num(rule.months), num(rule.days));
      if (end && due > end) return [];
      return [{ occurrence: '1', due }];
    }
    case 'before_end': {
      if (!end) return [];
      return [
        { occurrence: '1', due: notBefore(minus(end, num(rule.months), num(rule.days)), start) },
      ];
    }
    case 'before_option_deadline': {
      if (c.terminatedOn) return [];
      const months = num(rule.months);
      const days = num(rule.days);
      return c.options
        .filter((o) => o.state === 'open')
        .map((o) => ({
          occurrence: `${OPTION_PREFIX}${o.id}`,
          due: notBefore(minus(o.decisionDeadline, months, days), start),
        }));
    }
    case 'price_adjustment': {
      const pa = c.priceAdjustment;
      if (!start || !pa) return [];
      const monthsBefore = num(rule.monthsBefore);
      const first = plusMonths(start, 12);
      const [startYear, startMonth, startDay] = ymd(start);
      const limit = end ?? horizonEnd;
      const out: Occurrence[] = [];
      for (let year = startYear; out.length < MAX_OCCURRENCES; year++) {
        const day =
          pa.adjustmentMonth === startMonth
            ? Math.min(startDay, daysInMonth(year, pa.adjustmentMonth))
            : 1;
        const anniversary = isoOf(year, pa.adjustmentMonth, day);
        if (anniversary > limit) {
          if (!end) beyondHorizon?.(anniversary);
          break;
        }
        if (anniversary < first) continue;
        out.push({ occurrence: String(year), due: plusMonths(anniversary, -monthsBefore) });
      }
      return out;
    }
    case 'recurring': {
      if (!start) return [];
      const every = num(rule.everyMonths);
      if (every <= 0) return [];
      const first = rule.firstAfterMonths === undefined ? every : num(rule.firstAfterMonths);
      const out: Occurrence[] = [];
      for (let n = 1; n <= MAX_OCCURRENCES; n++) {
        // Always from the anchor, so month-end clamping never drifts (31 Jan → 28/29 Feb → 31 Mar).
        const due = plusMonths(start, first + (n - 1) * every);
        if (end && due >= end) break;
        if (due > horizonEnd) {
          beyondHorizon?.(due);
          break;
        }
        out.push({ occurrence: String(n), due });
      }
      return out;
    }
  }
}

function assigneeFor(role: ResponsibleRole, c: PlanContract): string | null {
  if (role === 'owner') return c.ownerId;
  if (role === 'manager') return c.managerId ?? c.ownerId;
  return null;
}

/** Lead times of an activity, distinct and longest first (memoised per activity and settings). */
const leadTimesMemo = new WeakMap<Activity, { s: FollowUpSettings; value: readonly number[] }>();
function leadTimesOf(a: Activity, s: FollowUpSettings): readonly number[] {
  const hit = leadTimesMemo.get(a);
  if (hit && hit.s === s) return hit.value;
  const value = [...new Set(resolveList(a.leadTimesDays, s, 'number'))].sort((x, y) => y - x);
  leadTimesMemo.set(a, { s, value });
  return value;
}

/** Every task the routines call for on this contract as of `today` (empty for drafts and terminated). */
export function generatePlan(
  c: PlanContract,
  routines: readonly RoutineData[],
  s: FollowUpSettings,
  today: IsoDate,
): PlannedTask[] {
  return planContract(c, routines, s, today).tasks;
}

/**
 * The plan (as `generatePlan`) and `reviewOn`: the first day after `today` on which the plan can
 * differ with the same contract, routines and settings (a rolling occurrence comes within the
 * horizon, or a future termination takes effect); null when only a change of inputs can alter it.
 * A caller that stores plans may skip a contract until then (see `horizonReviewDate`).
 */
export function planContract(
  c: PlanContract,
  routines: readonly RoutineData[],
  s: FollowUpSettings,
  today: IsoDate,
): { tasks: PlannedTask[]; reviewOn: IsoDate | null } {
  let reviewOn: IsoDate | null = c.terminatedOn && c.terminatedOn > today ? c.terminatedOn : null;
  const earliest = (d: IsoDate) => {
    if (!reviewOn || d < reviewOn) reviewOn = d;
  };
  if (!planStatus(c, today).active) return { tasks: [], reviewOn };
  const horizonEnd = plusMonths(today, s.horizonMonths);
  const beyond = (date: IsoDate) => earliest(horizonReviewDate(date, s, today));
  const planned: PlannedTask[] = [];
  for (const r of routines) {
    if (!routineApplies(c, r, s)) continue;
    for (const a of r.activities) {
      if (!activityApplies(c, a, s)) continue;
      const leadTimesDays = leadTimesOf(a, s);
      for (const o of occurrences(a.rule, c, s, horizonEnd, beyond)) {
        planned.push({
          id: taskKey(c.id, a.id, o.occurrence),
          contractId: c.id,
          routineId: r.id,
          activityId: a.id,
          occurrence: o.occurrence,
          title: a.title,
          description: a.description ?? null,
          responsibleRole: a.responsible,
          assigneeId: assigneeFor(a.responsible, c),
          unitId: c.owningUnitId,
          dueDate: o.due,
          leadTimesDays,
          recurring: a.rule.kind === 'recurring' || a.rule.kind === 'price_adjustment',
        });
      }
    }
  }
  return { tasks: planned, reviewOn };
}

/**
 * The day from which a date beyond the horizon may fall within it: `horizonMonths` before it, a
 * few days early (month-end clamping makes "today + N months" uneven), never before tomorrow.
 */
export function horizonReviewDate(date: IsoDate, s: FollowUpSettings, today: IsoDate): IsoDate {
  const d = plusDays(plusMonths(date, -s.horizonMonths), -3);
  const tomorrow = plusDays(today, 1);
  if (d > tomorrow) return d;
  return tomorrow;
}

// ---------------------------------------------------------------------------------------------
// Reconciliation

export interface PlanChange {
  readonly task: Task;
  /** Events appended by this change (already included at the end of `task.history`). */
  readonly events: readonly TaskEvent[];
}

export interface Reconciliation {
  readonly created: Task[];
  readonly changed: PlanChange[];
}

/**
 * Whether someone (not the system) reassigned the task: then plan changes keep their choice. The
 * stored flag answers without the history (regeneration loads tasks without it); a task without
 * the flag falls back to its history.
 */
export const manuallyAssigned = (t: Task): boolean =>
  t.manuallyAssigned ??
  t.history.some((e) => e.action === 'reassigned' && e.actorId !== SYSTEM_ACTOR);

const sameText = (a: LocalText | null, b: LocalText | null) =>
  a === b || (a !== null && b !== null && a.nb === b.nb && a.nn === b.nn && a.en === b.en);
const sameList = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

function retireReason(t: Task, c: PlanContract): string {
  const option = t.occurrence.startsWith(OPTION_PREFIX)
    ? c.options.find((o) => o.id === t.occurrence.slice(OPTION_PREFIX.length))
    : undefined;
  if (option && option.state !== 'open') {
    return option.state === 'exercised'
      ? `Opsjonen er utløst${option.decidedAt ? ` ${option.decidedAt}` : ''}`
      : `Opsjonen er avslått${option.decidedAt ? ` ${option.decidedAt}` : ''}`;
  }
  return 'Gjelder ikke lenger etter endring i avtalen eller rutinene';
}

/**
 * Turns the plan into task changes: creates new tasks (not older than the backfill window), moves due
 * dates and assignees of open tasks, reopens tasks the system closed that apply again, and closes open
 * tasks that no longer apply, with a reason. Done and skipped tasks are never touched.
 */
export function reconcile(
  existing: readonly Task[],
  planned: readonly PlannedTask[],
  c: PlanContract,
  s: FollowUpSettings,
  today: IsoDate,
  nowIso: string,
): Reconciliation {
  const status = planStatus(c, today);
  const backfillFrom = plusDays(today, -s.backfillDays);
  const horizonEnd = plusMonths(today, s.horizonMonths);
  const byId = new Map(existing.map((t) => [t.id, t]));
  const plannedIds = new Set<string>();
  const created: Task[] = [];
  const changed: PlanChange[] = [];
  const event = (
    action: TaskEvent['action'],
    from: string | null,
    to: string | null,
    comment?: string,
  ) =>
    ({
      at: nowIso,
      actorId: SYSTEM_ACTOR,
      action,
      from,
      to,
      ...(comment ? { comment } : {}),
    }) as TaskEvent;

  for (const p of planned) {
    plannedIds.add(p.id);
    const t = byId.get(p.id);
    if (!t) {
      if (p.dueDate < backfillFrom) continue;
      created.push({
        ...withoutRecurring(p),
        state: 'open',
        snoozedUntil: null,
        completedAt: null,
        completedBy: null,
        comment: null,
        evidenceDocumentId: null,
        reason: null,
        manuallyAssigned: false,
        history: [event('created', null, p.dueDate)],
        version: 1,
        createdAt: nowIso,
        updatedAt: nowIso,
      });
      continue;
    }
    const events: TaskEvent[] = [];
    let next: Task = t;
    if (t.state === 'cancelled' && t.completedBy === SYSTEM_ACTOR) {
      if (p.dueDate < backfillFrom) continue;
      next = { ...next, state: 'open', reason: null, completedAt: null, completedBy: null };
      events.push(event('reopened', 'cancelled', 'open'));
    } else if (!isOpenState(t.state)) {
      continue;
    }
    if (next.dueDate !== p.dueDate) {
      events.push(event('due_moved', next.dueDate, p.dueDate));
      next = { ...next, dueDate: p.dueDate };
    }
    if (next.assigneeId !== p.assigneeId && !manuallyAssigned(t)) {
      events.push(event('reassigned', next.assigneeId, p.assigneeId));
      next = { ...next, assigneeId: p.assigneeId };
    }
    if (
      !sameText(next.title, p.title) ||
      !sameText(next.description, p.description) ||
      !sameList(next.leadTimesDays, p.leadTimesDays) ||
      next.unitId !== p.unitId ||
      next.responsibleRole !== p.responsibleRole ||
      next.routineId !== p.routineId
    ) {
      events.push(event('updated', null, null));
      next = {
        ...next,
        title: p.title,
        description: p.description,
        leadTimesDays: p.leadTimesDays,
        unitId: p.unitId,
        responsibleRole: p.responsibleRole,
        routineId: p.routineId,
      };
    }
    if (events.length > 0) changed.push(bump(next, events, nowIso));
  }

  for (const t of existing) {
    // Tasks raised by events (spend ceiling alerts) are not part of any plan: leave them be.
    if (plannedIds.has(t.id) || !isOpenState(t.state) || (status.active && isEventTask(t)))
      continue;
    // A recurring occurrence beyond the horizon is left alone; a later regeneration decides.
    if (status.active && t.dueDate > horizonEnd) continue;
    const reason = status.active ? retireReason(t, c) : status.reason;
    const events = [event('cancelled', t.state, 'cancelled', reason)];
    changed.push(
      bump(
        {
          ...t,
          state: 'cancelled',
          snoozedUntil: null,
          reason,
          completedAt: nowIso,
          completedBy: SYSTEM_ACTOR,
        },
        events,
        nowIso,
      ),
    );
  }
  return { created, changed };
}

function withoutRecurring(p: PlannedTask): Omit<PlannedTask, 'recurring'> {
  const { recurring: _recurring, ...rest } = p;
  return rest;
}

function bump(t: Task, events: TaskEvent[], nowIso: string): PlanChange {
  return {
    task: { ...t, history: [...t.history, ...events], version: t.version + 1, updatedAt: nowIso },
    events,
  };
}

/** Validates stored routines together: activity ids must be unique across all routines (task keys). */
export function checkActivityIdsUnique(
  routines: readonly Pick<Routine, 'id' | 'activities'>[],
): void {
  const owner = new Map<string, string>();
  for (const r of routines) {
    for (const [i, a] of r.activities.entries()) {
      const other = owner.get(a.id);
      if (other && other !== r.id) {
        throw new DomainError('validation', 'Aktivitets-id må være unik på tvers av rutinene', [
          {
            field: `activities.${i}.id`,
            message: `«${a.id}» brukes allerede i rutinen «${other}»`,
          },
        ]);
      }
      owner.set(a.id, r.id);
    }
  }
}
