/**
 * The follow-up engine's storage port: routines, settings, tasks with their history, and plan
 * fingerprints. Implemented by `SqliteFollowUpStore` (embedded default) and
 * `SharePointFollowUpStore` (STORE=sharepoint, shared by every instance).
 *
 * Reads are synchronous: SQLite reads its file, SharePoint serves a cache kept current with the
 * lists' delta query (`refresh()`, called by the service before each operation). Writes may be
 * asynchronous (`MaybePromise`); the service awaits them only after calling them, so with SQLite a
 * read and the write that follows still run with no await between.
 */
import type { IsoDate } from '../core/dates.ts';
import type {
  FollowUpSettings,
  Routine,
  RoutineData,
  ScanTask,
  Task,
  TaskEvent,
  TaskState,
} from '../core/followup/index.ts';

export type MaybePromise<T> = T | Promise<T>;

/** A contract's stored plan fingerprint (see `FollowUpService.regenerateAll`). */
export interface PlanState {
  readonly contractId: string;
  readonly fingerprint: string;
  /** The plan may change with time alone from this Oslo date; null: only when inputs change. */
  readonly reviewOn: IsoDate | null;
}

export interface TaskQuery {
  readonly assigneeId?: string | undefined;
  /** Team tasks (no assignee, Kontraktservice's role). */
  readonly team?: boolean | undefined;
  readonly unitId?: string | undefined;
  readonly contractIds?: readonly string[] | undefined;
  readonly states?: readonly TaskState[] | undefined;
  readonly dueOnOrBefore?: IsoDate | undefined;
  readonly dueOnOrAfter?: IsoDate | undefined;
  readonly limit?: number | undefined;
}

export type SaveRoutineResult = Routine | 'exists' | 'stale' | 'missing';

export interface FollowUpStore {
  /** Brings cached reads up to date (SharePoint: delta sync, bounded staleness). Optional. */
  refresh?(): Promise<void>;

  planStates(): Map<string, PlanState>;
  /** Forgets stored fingerprints (all, or some contracts'): their plans are recomputed next time. */
  clearPlanStates(contractIds?: readonly string[]): MaybePromise<void>;

  getSettings(): FollowUpSettings;
  saveSettings(settings: FollowUpSettings, actorId: string, at: string): MaybePromise<void>;
  routineCount(): number;
  /** Ordered by id. */
  listRoutines(): Routine[];
  getRoutine(id: string): Routine | null;
  /** Inserts or replaces; `expectedVersion` 'create' fails if it exists, null skips the check. */
  saveRoutine(
    routine: RoutineData,
    expectedVersion: number | null | 'create',
    actorId: string,
    at: string,
  ): MaybePromise<SaveRoutineResult>;
  removeRoutine(id: string): MaybePromise<boolean>;

  getTask(id: string): Task | null;
  /** `history: false` may leave `history` empty (regeneration needs only `manuallyAssigned`). */
  tasksOfContracts(contractIds: readonly string[], opts?: { history?: boolean }): Task[];
  /** Ordered by due date, then id; default states open and snoozed; limit 1–5000 (default 500). */
  query(q: TaskQuery): Task[];
  /** Open and snoozed tasks due in a window, with only what the reminder scan needs. */
  scan(from: IsoDate, to: IsoDate): Iterable<ScanTask>;
  /** Writes new and changed tasks with their new history events, and plan fingerprints. */
  saveTasks(
    created: readonly Task[],
    changed: readonly { task: Task; events: readonly TaskEvent[] }[],
    planStates?: readonly PlanState[],
  ): MaybePromise<void>;
  /** Replaces one task if its version is still `expectedVersion`; false when someone got there first. */
  updateTask(
    task: Task,
    expectedVersion: number,
    events: readonly TaskEvent[],
  ): MaybePromise<boolean>;
}
