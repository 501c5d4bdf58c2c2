import { createHash } from 'node:crypto';
import { asViewer, isAdmin, projectContract } from '../core/access.ts';
import { type Contract, currentEndDate } from '../core/contract.ts';
import {
  addDays,
  addMonths,
  daysBetween,
  type IsoDate,
  isIsoDate,
  osloToday,
} from '../core/dates.ts';
import { DomainError, forbidden, notFound } from '../core/errors.ts';
import {
  checkActivityIdsUnique,
  checkRoutineSettings,
  DEFAULT_ROUTINES,
  type FollowUpSettings,
  horizonReviewDate,
  isOpenState,
  type LocalText,
  planContract,
  type Routine,
  type RoutineData,
  reconcile,
  remindersFor,
  routineSchema,
  SYSTEM_ACTOR,
  scanWindow,
  settingsSchema,
  type Task,
  type TaskEvent,
  type TaskPermissions,
  taskPermissions,
} from '../core/followup/index.ts';
import type { User } from '../core/users.ts';
import type { RegisterStore } from '../store/register.port.ts';
import type {
  CompleteTaskInput,
  NewNotification,
  OutboxStore,
  ReassignTaskInput,
  SkipTaskInput,
  SnoozeTaskInput,
  TaskContractSummary,
  TaskFilter,
  TaskService,
  TaskView,
} from './followup.port.ts';
import type { FollowUpStore, PlanState } from './followup-store.port.ts';
import { osloInstant } from './oslo-time.ts';

/** Bump when the planner's logic changes: every stored plan fingerprint is then stale. */
const PLANNER_VERSION = 'plan-2';

export interface FollowUpServiceOptions {
  readonly store: FollowUpStore;
  readonly outbox: OutboxStore;
  readonly register: Pick<RegisterStore, 'contracts' | 'directory'>;
  readonly clock: () => Date;
  /** Called after new notifications were written to the outbox (wakes the sender). */
  readonly onEnqueued?: () => void;
}

/** Refuses control characters (other than line breaks and tabs) in free text. */
const hasControl = (s: string) =>
  [...s].some((ch) => {
    const c = ch.charCodeAt(0);
    return (c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 127;
  });

function freeText(value: unknown, field: string, what: string, max = 2000): string {
  const text = typeof value === 'string' ? value.trim() : '';
  const issue = (message: string) =>
    new DomainError('validation', `Ugyldig ${what}`, [{ field, message }]);
  if (!text) throw issue(`mangler ${what}`);
  if (text.length > max) throw issue(`kan ha høyst ${max} tegn`);
  if (hasControl(text)) throw issue('inneholder ugyldige kontrolltegn');
  return text;
}

function issuesOf(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }) {
  return error.issues.map((i) => ({ field: i.path.map(String).join('.'), message: i.message }));
}

/**
 * The follow-up engine: keeps every contract's plan in step with its routines, answers users' task
 * questions and actions (`TaskService`), and writes reminders to the outbox.
 *
 * Wiring: call `onContractChanged(contract, id)` after every stored contract change (it fits
 * `ContractService.onChange`), and `runDaily()` once a day (the scheduler does).
 */
export class FollowUpService implements TaskService {
  constructor(private readonly o: FollowUpServiceOptions) {}

  today(): IsoDate {
    return osloToday(this.o.clock());
  }

  // --- routines and settings ---------------------------------------------------------------

  /**
   * Stores the default routines on first start (an empty routine table). Once per service: every
   * caller (start-up, a plan run right after it) waits for the same run, so no plan is made from
   * half the defaults and no default is stored twice.
   */
  ensureDefaults(): Promise<void> {
    this.defaults ??= this.storeDefaults().catch((e: unknown) => {
      this.defaults = undefined;
      throw e;
    });
    return this.defaults;
  }

  private defaults: Promise<void> | undefined;

  private async storeDefaults(): Promise<void> {
    await this.o.store.refresh?.();
    if (this.o.store.routineCount() > 0) return;
    const at = this.o.clock().toISOString();
    for (const r of DEFAULT_ROUTINES)
      await this.o.store.saveRoutine(routineSchema.parse(r), 'create', SYSTEM_ACTOR, at);
  }

  listRoutines(): Routine[] {
    return this.o.store.listRoutines();
  }

  getRoutine(id: string): Routine {
    const r = this.o.store.getRoutine(id);
    if (!r) throw notFound('Rutinen');
    return r;
  }

  settings(): FollowUpSettings {
    return this.o.store.getSettings();
  }

  private requireAdmin(user: User): void {
    if (!isAdmin(user)) throw forbidden('Bare Kontraktservice kan endre oppfølgingsrutinene');
  }

  private parseRoutine(
    input: unknown,
    settings: FollowUpSettings,
    others: readonly Routine[],
  ): RoutineData {
    const parsed = routineSchema.safeParse(input);
    if (!parsed.success) {
      throw new DomainError('validation', 'Rutinen er ugyldig', issuesOf(parsed.error));
    }
    checkRoutineSettings(parsed.data, settings);
    checkActivityIdsUnique([...others.filter((r) => r.id !== parsed.data.id), parsed.data]);
    return parsed.data;
  }

  async saveRoutine(
    user: User,
    input: unknown,
    mode: { create: true } | { create: false; id: string; expectedVersion: number | null },
  ): Promise<Routine> {
    this.requireAdmin(user);
    await this.o.store.refresh?.();
    const routine = this.parseRoutine(input, this.settings(), this.listRoutines());
    if (!mode.create && routine.id !== mode.id) {
      throw new DomainError('validation', 'Id kan ikke endres', [
        { field: 'id', message: 'må være lik id i adressen' },
      ]);
    }
    const saved = await this.o.store.saveRoutine(
      routine,
      mode.create ? 'create' : mode.expectedVersion,
      user.id,
      this.o.clock().toISOString(),
    );
    if (saved === 'exists') throw new DomainError('conflict', 'Rutinen finnes allerede');
    if (saved === 'missing') throw notFound('Rutinen');
    if (saved === 'stale') {
      throw new DomainError(
        'precondition_failed',
        'Rutinen er endret av noen andre. Last inn på nytt.',
      );
    }
    await this.regenerateAll();
    await this.scan();
    return saved;
  }

  async removeRoutine(user: User, id: string): Promise<void> {
    this.requireAdmin(user);
    if (!(await this.o.store.removeRoutine(id))) throw notFound('Rutinen');
    await this.regenerateAll();
    await this.scan();
  }

  async saveSettings(user: User, input: unknown): Promise<FollowUpSettings> {
    this.requireAdmin(user);
    const parsed = settingsSchema.safeParse(input);
    if (!parsed.success)
      throw new DomainError('validation', 'Innstillingene er ugyldige', issuesOf(parsed.error));
    await this.o.store.refresh?.();
    for (const r of this.listRoutines()) checkRoutineSettings(r, parsed.data);
    await this.o.store.saveSettings(parsed.data, user.id, this.o.clock().toISOString());
    await this.regenerateAll();
    await this.scan();
    return parsed.data;
  }

  // --- planning ----------------------------------------------------------------------------

  /** Regenerates one contract's plan (null: the contract was deleted) and writes its reminders. */
  async onContractChanged(contract: Contract | null, id: string): Promise<void> {
    const now = this.o.clock();
    await this.o.store.refresh?.();
    const existing = this.o.store.tasksOfContracts([id]);
    if (!contract) {
      const reason = 'Avtalen er slettet';
      const at = now.toISOString();
      const changed = existing
        .filter((t) => isOpenState(t.state))
        .map((t) => {
          const events: TaskEvent[] = [
            {
              at,
              actorId: SYSTEM_ACTOR,
              action: 'cancelled',
              from: t.state,
              to: 'cancelled',
              comment: reason,
            },
          ];
          const task: Task = {
            ...t,
            state: 'cancelled',
            reason,
            completedAt: at,
            completedBy: SYSTEM_ACTOR,
            history: [...t.history, ...events],
            version: t.version + 1,
            updatedAt: at,
          };
          return { task, events };
        });
      await this.o.store.saveTasks([], changed);
      await this.o.store.clearPlanStates([id]);
      return;
    }
    const routines = this.listRoutines();
    const settings = this.settings();
    await this.planContracts(
      [contract],
      existing,
      routines,
      settings,
      now,
      planInputsKey(routines, settings),
    );
    await this.scan(now, [id]);
  }

  /**
   * Plans contracts against their stored tasks and writes the changes with each contract's plan
   * fingerprint (`inputsKey`: routines and settings) and review date, in one transaction.
   */
  private async planContracts(
    contracts: readonly Contract[],
    existing: readonly Task[],
    routines: readonly RoutineData[],
    settings: FollowUpSettings,
    now: Date,
    inputsKey: string,
  ): Promise<{ created: number; changed: number }> {
    const today = osloToday(now);
    const horizonEnd = addMonths(today, settings.horizonMonths);
    const at = now.toISOString();
    const byContract = new Map<string, Task[]>();
    for (const t of existing) {
      const list = byContract.get(t.contractId) ?? [];
      if (list.length === 0) byContract.set(t.contractId, list);
      list.push(t);
    }
    const created: Task[] = [];
    const changed: { task: Task; events: readonly TaskEvent[] }[] = [];
    const states: PlanState[] = [];
    for (const c of contracts) {
      const plan = planContract(c, routines, settings, today);
      const tasks = byContract.get(c.id) ?? [];
      const r = reconcile(tasks, plan.tasks, c, settings, today, at);
      for (const t of r.created) created.push(t);
      for (const ch of r.changed) changed.push(ch);
      // An open task the plan no longer has, beyond the horizon, is closed once the horizon
      // reaches it (reconcile leaves it until then): review the contract on that day too.
      let reviewOn = plan.reviewOn;
      if (tasks.length > 0) {
        const plannedIds = new Set(plan.tasks.map((p) => p.id));
        const closed = new Set(r.changed.map((ch) => ch.task.id));
        for (const t of tasks) {
          if (!isOpenState(t.state) || plannedIds.has(t.id) || closed.has(t.id)) continue;
          if (t.dueDate <= horizonEnd) continue;
          const d = horizonReviewDate(t.dueDate, settings, today);
          if (!reviewOn || d < reviewOn) reviewOn = d;
        }
      }
      states.push({ contractId: c.id, fingerprint: fingerprintOf(c, inputsKey), reviewOn });
    }
    await this.o.store.saveTasks(created, changed, states);
    return { created: created.length, changed: changed.length };
  }

  /**
   * Regenerates every contract's plan (after a routine or settings change, and daily). A contract
   * is planned again only when its inputs changed — its stored fingerprint (contract version,
   * routines, settings, planner version) differs — or its review date has come (a rolling
   * occurrence reaches the horizon, a termination takes effect); `force` plans every contract.
   * `contracts` counts the contracts planned, `skipped` those left as they were.
   */
  async regenerateAll(
    batchSize = 1000,
    opts: { force?: boolean } = {},
  ): Promise<{ contracts: number; skipped: number; created: number; changed: number }> {
    const now = this.o.clock();
    const today = osloToday(now);
    await this.ensureDefaults();
    await this.o.store.refresh?.();
    const routines = this.listRoutines();
    const settings = this.settings();
    const inputsKey = planInputsKey(routines, settings);
    const states = opts.force ? new Map<string, PlanState>() : this.o.store.planStates();
    let batch: Contract[] = [];
    const totals = { contracts: 0, skipped: 0, created: 0, changed: 0 };
    const flush = async () => {
      const r = await this.planContracts(
        batch,
        this.o.store.tasksOfContracts(
          batch.map((c) => c.id),
          { history: false },
        ),
        routines,
        settings,
        now,
        inputsKey,
      );
      totals.contracts += batch.length;
      totals.created += r.created;
      totals.changed += r.changed;
      batch = [];
    };
    for await (const c of this.o.register.contracts.all()) {
      const state = states.get(c.id);
      if (
        state &&
        state.fingerprint === fingerprintOf(c, inputsKey) &&
        (state.reviewOn === null || today < state.reviewOn)
      ) {
        totals.skipped++;
        continue;
      }
      batch.push(c);
      if (batch.length >= batchSize) {
        await flush();
        // Let requests in between batches: a full regeneration must not freeze the API.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    if (batch.length > 0) await flush();
    return totals;
  }

  /**
   * Writes today's reminders to the outbox (idempotent: a reminder already written is skipped).
   * `contractIds` limits the scan to some contracts (after a change).
   */
  async scan(
    now: Date = this.o.clock(),
    contractIds?: readonly string[],
  ): Promise<{ reminders: number; enqueued: number }> {
    await this.o.store.refresh?.();
    const settings = this.settings();
    const today = osloToday(now);
    const team = (await this.o.register.directory.listUsers())
      .filter((u) => isAdmin(u))
      .map((u) => u.id);
    const maxLead = this.maxLeadDays(settings);
    const window = scanWindow(today, maxLead, settings);
    const tasks = contractIds
      ? this.o.store.query({
          contractIds,
          dueOnOrAfter: window.from,
          dueOnOrBefore: window.to,
          limit: 5000,
        })
      : this.o.store.scan(window.from, window.to);
    const reminders = remindersFor(tasks, today, settings, team);
    const sendFrom = osloInstant(today, settings.sendHourOslo);
    const notBefore = new Date(Math.max(now.getTime(), sendFrom.getTime())).toISOString();
    const items: NewNotification[] = reminders.map((r) => ({ ...r, notBefore }));
    const enqueued = items.length > 0 ? await this.o.outbox.enqueue(items) : 0;
    if (enqueued > 0) this.o.onEnqueued?.();
    return { reminders: items.length, enqueued };
  }

  /** The daily job: extend rolling plans (recurring tasks up to the horizon), then remind. */
  async runDaily(): Promise<{
    contracts: number;
    created: number;
    changed: number;
    reminders: number;
    enqueued: number;
  }> {
    const plan = await this.regenerateAll();
    const scan = await this.scan();
    return { ...plan, ...scan };
  }

  private maxLeadDays(settings: FollowUpSettings): number {
    let max = 0;
    for (const v of Object.values(settings.values)) {
      if (Array.isArray(v)) for (const x of v) if (typeof x === 'number' && x > max) max = x;
    }
    for (const r of this.listRoutines()) {
      for (const a of r.activities)
        if (Array.isArray(a.leadTimesDays)) max = Math.max(max, ...a.leadTimesDays);
    }
    return Math.min(max, 730);
  }

  // --- TaskService -------------------------------------------------------------------------

  private async contractsById(ids: Iterable<string>): Promise<Map<string, Contract | null>> {
    const map = new Map<string, Contract | null>();
    for (const id of ids) if (!map.has(id)) map.set(id, await this.o.register.contracts.get(id));
    return map;
  }

  /**
   * What each routine activity says must be documented, by `routineId|activityId`: task views take
   * `evidence` from here (read when the view is built, not stored with the task). A routine or
   * activity deleted since the task was planned, or an activity without evidence, is absent.
   */
  private evidenceIndex(): ReadonlyMap<string, LocalText> {
    const index = new Map<string, LocalText>();
    for (const r of this.listRoutines()) {
      for (const a of Array.isArray(r.activities) ? r.activities : []) {
        const e = a.evidence;
        if (e && typeof e.nb === 'string' && e.nb.trim()) index.set(`${r.id}|${a.id}`, e);
      }
    }
    return index;
  }

  private view(
    user: User,
    t: Task,
    c: Contract | null,
    today: IsoDate,
    evidence: ReadonlyMap<string, LocalText>,
    permissions?: TaskPermissions,
  ): TaskView {
    const projected = c ? projectContract(asViewer(user), c) : null;
    const contract: TaskContractSummary = {
      id: t.contractId,
      referenceNumber: projected?.referenceNumber ?? '',
      title: projected?.title ?? '',
      currentEndDate: c ? currentEndDate(c) : null,
      ownerId: c?.ownerId ?? '',
      managerId: c?.managerId ?? null,
    };
    const daysUntilDue = daysBetween(today, t.dueDate);
    return {
      ...t,
      evidence: evidence.get(`${t.routineId}|${t.activityId}`) ?? null,
      contract,
      daysUntilDue,
      overdue: isOpenState(t.state) && daysUntilDue < 0,
      permissions: permissions ?? taskPermissions(user, t, c),
    };
  }

  private async views(user: User, tasks: readonly Task[], limit?: number): Promise<TaskView[]> {
    const today = this.today();
    const contracts = await this.contractsById(tasks.map((t) => t.contractId));
    const evidence = this.evidenceIndex();
    const seen = new Set<string>();
    const out: TaskView[] = [];
    for (const t of tasks) {
      if (seen.has(t.id)) continue;
      seen.add(t.id);
      const c = contracts.get(t.contractId) ?? null;
      const permissions = taskPermissions(user, t, c);
      if (permissions.canView) out.push(this.view(user, t, c, today, evidence, permissions));
    }
    out.sort((a, b) =>
      a.dueDate === b.dueDate ? a.id.localeCompare(b.id) : a.dueDate < b.dueDate ? -1 : 1,
    );
    return limit ? out.slice(0, limit) : out;
  }

  /** Tasks a user may see: everything for Kontraktservice; else assigned, own unit, own contracts. */
  private async visible(user: User, f: TaskFilter): Promise<TaskView[]> {
    const base = {
      states: f.states,
      dueOnOrAfter: f.dueOnOrAfter,
      dueOnOrBefore: f.dueOnOrBefore,
      limit: f.limit,
    };
    await this.o.store.refresh?.();
    if (isAdmin(user)) return this.views(user, this.o.store.query(base));
    const tasks = this.o.store.query({ ...base, assigneeId: user.id });
    if (user.unitId) tasks.push(...this.o.store.query({ ...base, unitId: user.unitId }));
    const own = await this.o.register.contracts.search(
      { ownerId: user.id, includeExpired: true, limit: 500 },
      { today: this.today(), expiringWindowDays: 180, seesAllConfidential: false, userId: user.id },
    );
    if (own.items.length > 0)
      tasks.push(...this.o.store.query({ ...base, contractIds: own.items.map((c) => c.id) }));
    return this.views(user, tasks, f.limit);
  }

  async myTasks(user: User, f: TaskFilter = {}): Promise<TaskView[]> {
    const q = {
      states: f.states,
      dueOnOrAfter: f.dueOnOrAfter,
      dueOnOrBefore: f.dueOnOrBefore,
      limit: f.limit,
    };
    await this.o.store.refresh?.();
    return this.views(
      user,
      this.o.store.query({ ...q, assigneeId: user.id, team: isAdmin(user) }),
      f.limit,
    );
  }

  async unitTasks(user: User, unitId: string, f: TaskFilter = {}): Promise<TaskView[]> {
    if (!isAdmin(user) && user.unitId !== unitId)
      throw forbidden('Du kan bare se oppgavene til din egen enhet');
    const q = {
      states: f.states,
      dueOnOrAfter: f.dueOnOrAfter,
      dueOnOrBefore: f.dueOnOrBefore,
      limit: f.limit,
    };
    await this.o.store.refresh?.();
    return this.views(user, this.o.store.query({ ...q, unitId }), f.limit);
  }

  /** Open or snoozed tasks due before today (and on or before `f.dueOnOrBefore`, if earlier). */
  async overdue(user: User, f: TaskFilter = {}): Promise<TaskView[]> {
    const yesterday = addDays(this.today(), -1);
    return this.visible(user, {
      ...f,
      states: ['open', 'snoozed'],
      dueOnOrBefore: f.dueOnOrBefore && f.dueOnOrBefore < yesterday ? f.dueOnOrBefore : yesterday,
    });
  }

  async upcoming(user: User, days: number, f: TaskFilter = {}): Promise<TaskView[]> {
    if (!Number.isInteger(days) || days < 0 || days > 730) {
      throw new DomainError('validation', 'Ugyldig antall dager', [
        { field: 'days', message: 'må være et heltall 0–730' },
      ]);
    }
    const today = this.today();
    return this.visible(user, {
      ...f,
      states: ['open', 'snoozed'],
      dueOnOrAfter: today,
      dueOnOrBefore: addDays(today, days),
    });
  }

  async plan(user: User, contractId: string): Promise<TaskView[]> {
    const c = await this.o.register.contracts.get(contractId);
    if (!c) throw notFound('Avtalen');
    const mayView =
      isAdmin(user) ||
      c.ownerId === user.id ||
      c.managerId === user.id ||
      user.unitId === c.owningUnitId;
    if (!mayView) throw forbidden('Du har ikke tilgang til oppfølgingsplanen for denne avtalen');
    await this.o.store.refresh?.();
    const tasks = this.o.store.tasksOfContracts([contractId]);
    const today = this.today();
    const evidence = this.evidenceIndex();
    return tasks
      .map((t) => this.view(user, t, c, today, evidence))
      .sort((a, b) =>
        a.dueDate === b.dueDate ? a.id.localeCompare(b.id) : a.dueDate < b.dueDate ? -1 : 1,
      );
  }

  async getTask(user: User, taskId: string): Promise<TaskView> {
    await this.o.store.refresh?.();
    const t = this.o.store.getTask(taskId);
    if (!t) throw notFound('Oppgaven');
    const c = await this.o.register.contracts.get(t.contractId);
    const view = this.view(user, t, c, this.today(), this.evidenceIndex());
    if (!view.permissions.canView) throw forbidden('Du har ikke tilgang til denne oppgaven');
    return view;
  }

  private async act(
    user: User,
    taskId: string,
    expectedVersion: number | undefined,
    permission: Exclude<keyof TaskPermissions, 'canView'>,
    denied: string,
    change: (t: Task, at: string) => { task: Task; events: TaskEvent[] } | null,
  ): Promise<TaskView> {
    await this.o.store.refresh?.();
    const t = this.o.store.getTask(taskId);
    if (!t) throw notFound('Oppgaven');
    const c = await this.o.register.contracts.get(t.contractId);
    const perms = taskPermissions(user, t, c);
    if (!isOpenState(t.state)) {
      if (!perms.canView) throw forbidden(denied);
      throw new DomainError('conflict', `Oppgaven er allerede lukket (${t.state})`);
    }
    if (!perms[permission]) throw forbidden(denied);
    if (expectedVersion !== undefined && expectedVersion !== t.version) {
      throw new DomainError(
        'precondition_failed',
        'Oppgaven er endret av noen andre. Last inn på nytt og prøv igjen.',
      );
    }
    const at = this.o.clock().toISOString();
    const result = change(t, at);
    if (!result) return this.view(user, t, c, this.today(), this.evidenceIndex());
    const next: Task = {
      ...result.task,
      history: [...t.history, ...result.events],
      version: t.version + 1,
      updatedAt: at,
    };
    if (!(await this.o.store.updateTask(next, t.version, result.events))) {
      throw new DomainError(
        'precondition_failed',
        'Oppgaven er endret av noen andre. Last inn på nytt og prøv igjen.',
      );
    }
    return this.view(user, next, c, this.today(), this.evidenceIndex());
  }

  async complete(user: User, taskId: string, input: CompleteTaskInput): Promise<TaskView> {
    const comment = freeText(input.comment, 'comment', 'kommentar');
    const evidence =
      input.evidenceDocumentId == null || input.evidenceDocumentId === ''
        ? null
        : freeText(input.evidenceDocumentId, 'evidenceDocumentId', 'dokument-id', 200);
    if (evidence && !/^[\w.:/-]+$/.test(evidence)) {
      throw new DomainError('validation', 'Ugyldig dokument-id', [
        {
          field: 'evidenceDocumentId',
          message: 'kan bare inneholde bokstaver, siffer og . : / - _',
        },
      ]);
    }
    return this.act(
      user,
      taskId,
      input.expectedVersion,
      'canComplete',
      'Du kan ikke merke andres oppgave som utført',
      (t, at) => ({
        task: {
          ...t,
          state: 'done',
          snoozedUntil: null,
          comment,
          evidenceDocumentId: evidence,
          completedAt: at,
          completedBy: user.id,
        },
        events: [{ at, actorId: user.id, action: 'completed', from: t.state, to: 'done', comment }],
      }),
    );
  }

  async snooze(user: User, taskId: string, input: SnoozeTaskInput): Promise<TaskView> {
    const today = this.today();
    const until = input.until;
    if (
      typeof until !== 'string' ||
      !isIsoDate(until) ||
      until <= today ||
      until > addDays(today, 366)
    ) {
      throw new DomainError('validation', 'Ugyldig dato', [
        { field: 'until', message: 'må være en dato etter i dag og høyst ett år fram' },
      ]);
    }
    return this.act(
      user,
      taskId,
      input.expectedVersion,
      'canSnooze',
      'Du kan ikke utsette andres oppgave',
      (t, at) => ({
        task: { ...t, state: 'snoozed', snoozedUntil: until },
        events: [{ at, actorId: user.id, action: 'snoozed', from: t.snoozedUntil, to: until }],
      }),
    );
  }

  async skip(user: User, taskId: string, input: SkipTaskInput): Promise<TaskView> {
    const reason = freeText(input.reason, 'reason', 'begrunnelse');
    return this.act(
      user,
      taskId,
      input.expectedVersion,
      'canSkip',
      'Du kan ikke hoppe over andres oppgave',
      (t, at) => ({
        task: {
          ...t,
          state: 'skipped',
          snoozedUntil: null,
          reason,
          completedAt: at,
          completedBy: user.id,
        },
        events: [
          {
            at,
            actorId: user.id,
            action: 'skipped',
            from: t.state,
            to: 'skipped',
            comment: reason,
          },
        ],
      }),
    );
  }

  async reassign(user: User, taskId: string, input: ReassignTaskInput): Promise<TaskView> {
    const assigneeId = typeof input.assigneeId === 'string' ? input.assigneeId.trim() : '';
    const target = assigneeId ? await this.o.register.directory.getUser(assigneeId) : null;
    if (!target || target.role === 'reader') {
      throw new DomainError('validation', 'Ugyldig mottaker', [
        {
          field: 'assigneeId',
          message: target ? 'en leser kan ikke få oppgaver' : 'brukeren finnes ikke',
        },
      ]);
    }
    return this.act(
      user,
      taskId,
      input.expectedVersion,
      'canReassign',
      'Du kan ikke overføre andres oppgave',
      (t, at) =>
        t.assigneeId === target.id
          ? null
          : {
              task: { ...t, assigneeId: target.id, manuallyAssigned: true },
              events: [
                { at, actorId: user.id, action: 'reassigned', from: t.assigneeId, to: target.id },
              ],
            },
    );
  }
}

/** What every plan depends on besides the contract: routines (ids, versions), settings, planner. */
function planInputsKey(routines: readonly Routine[], settings: FollowUpSettings): string {
  return createHash('sha256')
    .update(PLANNER_VERSION)
    .update(JSON.stringify(routines.map((r) => [r.id, r.version, r.updatedAt])))
    .update(JSON.stringify(settings))
    .digest('base64url')
    .slice(0, 22);
}

const fingerprintOf = (c: Contract, inputsKey: string) =>
  `${c.version}|${c.updatedAt}|${inputsKey}`;
