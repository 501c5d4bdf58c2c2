import { createHash } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import type { IsoDate } from '../core/dates.ts';
import {
  DEFAULT_SETTINGS,
  type FollowUpSettings,
  type Routine,
  type RoutineData,
  type ScanTask,
  settingsSchema,
  type Task,
  type TaskEvent,
  type TaskState,
} from '../core/followup/index.ts';
import type { Db } from '../store/sqlite/db.ts';
import type { FollowUpStore, PlanState, TaskQuery } from './followup-store.port.ts';

export type { PlanState, TaskQuery };

interface TaskRow {
  id: string;
  contract_id: string;
  routine_id: string;
  activity_id: string;
  occurrence: string;
  responsible_role: Task['responsibleRole'];
  assignee_id: string | null;
  unit_id: string;
  due_date: string;
  state: TaskState;
  snoozed_until: string | null;
  version: number;
  created_at: string;
  updated_at: string;
  data: string;
}

interface TaskData {
  /** The texts in `followup_task_texts` (rows written before texts were shared hold them inline). */
  textId?: string;
  title?: Task['title'];
  description?: Task['description'];
  leadTimesDays: Task['leadTimesDays'];
  completedAt: string | null;
  completedBy: string | null;
  comment: string | null;
  evidenceDocumentId: string | null;
  reason: string | null;
  manuallyAssigned?: boolean;
}

interface TaskTexts {
  readonly title: Task['title'];
  readonly description: Task['description'];
}

interface HistoryRow {
  task_id: string;
  at: string;
  actor_id: string;
  action: TaskEvent['action'];
  from_value: string | null;
  to_value: string | null;
  comment: string | null;
}

const SELECT = `SELECT id, contract_id, routine_id, activity_id, occurrence, responsible_role, assignee_id,
  unit_id, due_date, state, snoozed_until, version, created_at, updated_at, data FROM followup_tasks`;

/**
 * SQLite storage for routines, settings and tasks (with append-only history). Synchronous, as
 * better-sqlite3 is; the follow-up service composes it.
 */
export class SqliteFollowUpStore implements FollowUpStore {
  private readonly insert: Statement;
  private readonly update: Statement;
  private readonly history: Statement;
  private readonly planState: Statement;
  private readonly insertText: Statement;
  /** Shared activity texts by id, and ids by their JSON (a few dozen entries). */
  private readonly texts = new Map<string, TaskTexts>();
  private readonly textIds = new Map<string, string>();

  constructor(readonly db: Db) {
    this.insert = db.prepare(
      `INSERT INTO followup_tasks (id, contract_id, routine_id, activity_id, occurrence, responsible_role,
       assignee_id, unit_id, due_date, state, snoozed_until, version, created_at, updated_at, data)
       VALUES (@id, @contract_id, @routine_id, @activity_id, @occurrence, @responsible_role, @assignee_id,
       @unit_id, @due_date, @state, @snoozed_until, @version, @created_at, @updated_at, @data)`,
    );
    this.update = db.prepare(
      `UPDATE followup_tasks SET routine_id = @routine_id, responsible_role = @responsible_role,
       assignee_id = @assignee_id, unit_id = @unit_id, due_date = @due_date, state = @state,
       snoozed_until = @snoozed_until, version = @version, updated_at = @updated_at, data = @data
       WHERE id = @id`,
    );
    this.history = db.prepare(
      `INSERT INTO followup_task_history (task_id, at, actor_id, action, from_value, to_value, comment)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertText = db.prepare(
      'INSERT INTO followup_task_texts (id, data) VALUES (?, ?) ON CONFLICT (id) DO NOTHING',
    );
    this.planState = db.prepare(
      `INSERT INTO followup_plan_state (contract_id, fingerprint, review_on) VALUES (?, ?, ?)
       ON CONFLICT (contract_id) DO UPDATE SET fingerprint = excluded.fingerprint,
       review_on = excluded.review_on`,
    );
  }

  // --- plan fingerprints -------------------------------------------------------------------

  /** Every contract's stored plan fingerprint. */
  planStates(): Map<string, PlanState> {
    const rows = this.db
      .prepare('SELECT contract_id, fingerprint, review_on FROM followup_plan_state')
      .raw()
      .all() as [string, string, string | null][];
    return new Map(
      rows.map(([contractId, fingerprint, reviewOn]) => [
        contractId,
        { contractId, fingerprint, reviewOn },
      ]),
    );
  }

  /** Forgets stored fingerprints (all, or some contracts'): their plans are recomputed next time. */
  clearPlanStates(contractIds?: readonly string[]): void {
    if (!contractIds) {
      this.db.prepare('DELETE FROM followup_plan_state').run();
      return;
    }
    const stmt = this.db.prepare('DELETE FROM followup_plan_state WHERE contract_id = ?');
    this.db.transaction(() => {
      for (const id of contractIds) stmt.run(id);
    })();
  }

  // --- settings and routines ---------------------------------------------------------------

  getSettings(): FollowUpSettings {
    const row = this.db.prepare('SELECT data FROM followup_settings WHERE id = ?').get('default') as
      | { data: string }
      | undefined;
    return row ? settingsSchema.parse(JSON.parse(row.data)) : DEFAULT_SETTINGS;
  }

  saveSettings(settings: FollowUpSettings, actorId: string, at: string): void {
    this.db
      .prepare(
        `INSERT INTO followup_settings (id, data, updated_at, updated_by) VALUES ('default', ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at,
         updated_by = excluded.updated_by`,
      )
      .run(JSON.stringify(settings), at, actorId);
  }

  routineCount(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM followup_routines').get() as { n: number })
      .n;
  }

  listRoutines(): Routine[] {
    const rows = this.db
      .prepare('SELECT version, data, updated_at, updated_by FROM followup_routines ORDER BY id')
      .all() as { version: number; data: string; updated_at: string; updated_by: string }[];
    return rows.map((r) => ({
      ...(JSON.parse(r.data) as RoutineData),
      version: r.version,
      updatedAt: r.updated_at,
      updatedBy: r.updated_by,
    }));
  }

  getRoutine(id: string): Routine | null {
    return this.listRoutines().find((r) => r.id === id) ?? null;
  }

  /** Inserts or replaces; `expectedVersion` null creates (fails if it exists) or skips the check. */
  saveRoutine(
    routine: RoutineData,
    expectedVersion: number | null | 'create',
    actorId: string,
    at: string,
  ): Routine | 'exists' | 'stale' | 'missing' {
    const current = this.db
      .prepare('SELECT version FROM followup_routines WHERE id = ?')
      .get(routine.id) as { version: number } | undefined;
    if (expectedVersion === 'create' && current) return 'exists';
    if (typeof expectedVersion === 'number') {
      if (!current) return 'missing';
      if (current.version !== expectedVersion) return 'stale';
    }
    const version = (current?.version ?? 0) + 1;
    this.db
      .prepare(
        `INSERT INTO followup_routines (id, version, data, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET version = excluded.version, data = excluded.data,
         updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      )
      .run(routine.id, version, JSON.stringify(routine), at, actorId);
    return { ...routine, version, updatedAt: at, updatedBy: actorId };
  }

  removeRoutine(id: string): boolean {
    return this.db.prepare('DELETE FROM followup_routines WHERE id = ?').run(id).changes > 0;
  }

  // --- tasks -------------------------------------------------------------------------------

  getTask(id: string): Task | null {
    const row = this.db.prepare(`${SELECT} WHERE id = ?`).get(id) as TaskRow | undefined;
    return row ? (this.withHistory([row])[0] ?? null) : null;
  }

  /**
   * Every task of some contracts. `history: false` leaves `history` empty (plan regeneration needs
   * only the `manuallyAssigned` flag, not the events).
   */
  tasksOfContracts(contractIds: readonly string[], opts: { history?: boolean } = {}): Task[] {
    if (contractIds.length === 0) return [];
    const rows: TaskRow[] = [];
    for (let i = 0; i < contractIds.length; i += 500) {
      const chunk = contractIds.slice(i, i + 500);
      for (const r of this.db
        .prepare(`${SELECT} WHERE contract_id IN (${chunk.map(() => '?').join(',')})`)
        .all(...chunk) as TaskRow[])
        rows.push(r);
    }
    return opts.history === false ? rows.map((r) => this.toTask(r, [])) : this.withHistory(rows);
  }

  query(q: TaskQuery): Task[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (q.assigneeId !== undefined || q.team) {
      const who: string[] = [];
      if (q.assigneeId !== undefined) {
        who.push('assignee_id = ?');
        args.push(q.assigneeId);
      }
      if (q.team) who.push(`(assignee_id IS NULL AND responsible_role = 'kontraktservice')`);
      where.push(`(${who.join(' OR ')})`);
    }
    if (q.unitId !== undefined) {
      where.push('unit_id = ?');
      args.push(q.unitId);
    }
    if (q.contractIds) {
      if (q.contractIds.length === 0) return [];
      where.push(`contract_id IN (${q.contractIds.map(() => '?').join(',')})`);
      args.push(...q.contractIds);
    }
    const states = q.states ?? ['open', 'snoozed'];
    where.push(`state IN (${states.map(() => '?').join(',')})`);
    args.push(...states);
    if (q.dueOnOrBefore) {
      where.push('due_date <= ?');
      args.push(q.dueOnOrBefore);
    }
    if (q.dueOnOrAfter) {
      where.push('due_date >= ?');
      args.push(q.dueOnOrAfter);
    }
    const limit = Math.min(Math.max(q.limit ?? 500, 1), 5000);
    const rows = this.db
      .prepare(`${SELECT} WHERE ${where.join(' AND ')} ORDER BY due_date, id LIMIT ${limit}`)
      .all(...args) as TaskRow[];
    return this.withHistory(rows);
  }

  /** Open and snoozed tasks due in a window, with only what the reminder scan needs. */
  *scan(from: IsoDate, to: IsoDate): IterableIterator<ScanTask> {
    const stmt = this.db.prepare(
      `SELECT id, assignee_id, due_date, state, snoozed_until, json_extract(data, '$.leadTimesDays') AS leads
       FROM followup_tasks WHERE state IN ('open', 'snoozed') AND due_date BETWEEN ? AND ?`,
    );
    for (const r of stmt.iterate(from, to) as IterableIterator<{
      id: string;
      assignee_id: string | null;
      due_date: string;
      state: TaskState;
      snoozed_until: string | null;
      leads: string;
    }>) {
      yield {
        id: r.id,
        assigneeId: r.assignee_id,
        dueDate: r.due_date,
        state: r.state,
        snoozedUntil: r.snoozed_until,
        leadTimesDays: JSON.parse(r.leads) as number[],
      };
    }
  }

  /**
   * Writes new and changed tasks with their new history events, and the plan fingerprints of the
   * contracts planned, all or nothing (one transaction, prepared statements).
   */
  saveTasks(
    created: readonly Task[],
    changed: readonly { task: Task; events: readonly TaskEvent[] }[],
    planStates: readonly PlanState[] = [],
  ) {
    // Inserting in key order touches fewer index pages than the plan's order.
    const sorted = [...created].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    this.rollbackSafe(() => {
      for (const t of sorted) {
        this.insert.run(this.params(t));
        for (const e of t.history) this.appendEvent(t.id, e);
      }
      for (const { task, events } of changed) {
        this.update.run(this.params(task));
        for (const e of events) this.appendEvent(task.id, e);
      }
      for (const p of planStates) this.planState.run(p.contractId, p.fingerprint, p.reviewOn);
    });
  }

  /** Runs a write transaction; after a rollback the text cache may name unstored texts: forget it. */
  private rollbackSafe<T>(f: () => T): T {
    try {
      return this.db.transaction(f)();
    } catch (error) {
      this.textIds.clear();
      throw error;
    }
  }

  /** Replaces one task if its version is still `expectedVersion`; false when someone got there first. */
  updateTask(task: Task, expectedVersion: number, events: readonly TaskEvent[]): boolean {
    return this.rollbackSafe(() => {
      const r = this.db
        .prepare(
          `UPDATE followup_tasks SET assignee_id = @assignee_id, due_date = @due_date, state = @state,
           snoozed_until = @snoozed_until, version = @version, updated_at = @updated_at, data = @data
           WHERE id = @id AND version = @expected`,
        )
        .run({ ...this.params(task), expected: expectedVersion });
      if (r.changes === 0) return false;
      for (const e of events) this.appendEvent(task.id, e);
      return true;
    });
  }

  private appendEvent(taskId: string, e: TaskEvent): void {
    this.history.run(
      taskId,
      e.at,
      e.actorId,
      e.action,
      e.from ?? null,
      e.to ?? null,
      e.comment ?? null,
    );
  }

  private params(t: Task) {
    const data: TaskData = {
      textId: this.textIdOf(t.title, t.description),
      leadTimesDays: t.leadTimesDays,
      completedAt: t.completedAt,
      completedBy: t.completedBy,
      comment: t.comment,
      evidenceDocumentId: t.evidenceDocumentId,
      reason: t.reason,
      ...(t.manuallyAssigned !== undefined ? { manuallyAssigned: t.manuallyAssigned } : {}),
    };
    return {
      id: t.id,
      contract_id: t.contractId,
      routine_id: t.routineId,
      activity_id: t.activityId,
      occurrence: t.occurrence,
      responsible_role: t.responsibleRole,
      assignee_id: t.assigneeId,
      unit_id: t.unitId,
      due_date: t.dueDate,
      state: t.state,
      snoozed_until: t.snoozedUntil,
      version: t.version,
      created_at: t.createdAt,
      updated_at: t.updatedAt,
      data: JSON.stringify(data),
    };
  }

  /** The id of shared texts (stored on first use; callers write inside a transaction). */
  private textIdOf(title: Task['title'], description: Task['description']): string {
    const json = JSON.stringify({ title, description });
    let id = this.textIds.get(json);
    if (id === undefined) {
      id = createHash('sha256').update(json).digest('base64url').slice(0, 22);
      this.insertText.run(id, json);
      this.textIds.set(json, id);
      this.texts.set(id, { title, description });
    }
    return id;
  }

  private textsOf(d: TaskData): TaskTexts {
    if (d.textId === undefined)
      return { title: d.title ?? { nb: '' }, description: d.description ?? null };
    let t = this.texts.get(d.textId);
    if (!t) {
      const row = this.db
        .prepare('SELECT data FROM followup_task_texts WHERE id = ?')
        .get(d.textId) as { data: string } | undefined;
      t = row ? (JSON.parse(row.data) as TaskTexts) : { title: { nb: '' }, description: null };
      this.texts.set(d.textId, t);
    }
    return t;
  }

  private toTask(r: TaskRow, history: TaskEvent[]): Task {
    const d = JSON.parse(r.data) as TaskData;
    const { title, description } = this.textsOf(d);
    return {
      id: r.id,
      contractId: r.contract_id,
      routineId: r.routine_id,
      activityId: r.activity_id,
      occurrence: r.occurrence,
      title,
      description,
      responsibleRole: r.responsible_role,
      assigneeId: r.assignee_id,
      unitId: r.unit_id,
      dueDate: r.due_date,
      state: r.state,
      snoozedUntil: r.snoozed_until,
      leadTimesDays: d.leadTimesDays,
      completedAt: d.completedAt,
      completedBy: d.completedBy,
      comment: d.comment,
      evidenceDocumentId: d.evidenceDocumentId,
      reason: d.reason,
      ...(d.manuallyAssigned !== undefined ? { manuallyAssigned: d.manuallyAssigned } : {}),
      history,
      version: r.version,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    };
  }

  private withHistory(rows: readonly TaskRow[]): Task[] {
    const history = new Map<string, TaskEvent[]>();
    for (let i = 0; i < rows.length; i += 500) {
      const ids = rows.slice(i, i + 500).map((r) => r.id);
      const events = this.db
        .prepare(
          `SELECT task_id, at, actor_id, action, from_value, to_value, comment FROM followup_task_history
           WHERE task_id IN (${ids.map(() => '?').join(',')}) ORDER BY id`,
        )
        .all(...ids) as HistoryRow[];
      for (const e of events) {
        const list = history.get(e.task_id) ?? [];
        if (list.length === 0) history.set(e.task_id, list);
        list.push({
          at: e.at,
          actorId: e.actor_id,
          action: e.action,
          from: e.from_value,
          to: e.to_value,
          ...(e.comment !== null ? { comment: e.comment } : {}),
        });
      }
    }
    return rows.map((r) => this.toTask(r, history.get(r.id) ?? []));
  }
}
