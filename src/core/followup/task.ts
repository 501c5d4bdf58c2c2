import type { IsoDate } from '../dates.ts';

/** Who answers for an activity on a contract. `kontraktservice` tasks belong to the team (no assignee). */
export const RESPONSIBLE_ROLES = ['owner', 'manager', 'kontraktservice'] as const;
export type ResponsibleRole = (typeof RESPONSIBLE_ROLES)[number];

/**
 * `open` (to do), `snoozed` (to do, reminders paused until `snoozedUntil`), `done` (with comment and
 * optional evidence document), `skipped` (with reason), `cancelled` (closed by the system, e.g. the
 * contract was terminated or the activity no longer applies; with reason).
 */
export const TASK_STATES = ['open', 'snoozed', 'done', 'skipped', 'cancelled'] as const;
export type TaskState = (typeof TASK_STATES)[number];
export const OPEN_STATES: readonly TaskState[] = ['open', 'snoozed'];
export const isOpenState = (s: TaskState): boolean => s === 'open' || s === 'snoozed';

export const TASK_ACTIONS = [
  'created',
  'due_moved',
  'reassigned',
  'completed',
  'snoozed',
  'skipped',
  'cancelled',
  'reopened',
  'updated',
] as const;
export type TaskAction = (typeof TASK_ACTIONS)[number];

/** One line of a task's history (append-only). `actorId` is `system` for plan changes. */
export interface TaskEvent {
  readonly at: string;
  readonly actorId: string;
  readonly action: TaskAction;
  readonly from?: string | null;
  readonly to?: string | null;
  readonly comment?: string | null;
}

/** Localised text, bokmål required; nynorsk and English fall back to bokmål. */
export interface LocalText {
  readonly nb: string;
  readonly nn?: string | undefined;
  readonly en?: string | undefined;
}

/** A follow-up task: one occurrence of a routine activity on one contract. */
export interface Task {
  /** Deterministic key: `${contractId}|${activityId}|${occurrence}`; regeneration never duplicates. */
  readonly id: string;
  readonly contractId: string;
  readonly routineId: string;
  readonly activityId: string;
  /** Which occurrence: `1`, `2`… for recurring activities, the option id for option activities. */
  readonly occurrence: string;
  readonly title: LocalText;
  readonly description: LocalText | null;
  readonly responsibleRole: ResponsibleRole;
  /** The user who should do it; null for Kontraktservice's team tasks. */
  readonly assigneeId: string | null;
  /** The contract's owning unit (for "my unit's tasks"). */
  readonly unitId: string;
  readonly dueDate: IsoDate;
  readonly state: TaskState;
  /** While snoozed: reminders resume on this date. */
  readonly snoozedUntil: IsoDate | null;
  /** Reminder lead times in days before the due date (e.g. [30, 7]). */
  readonly leadTimesDays: readonly number[];
  readonly completedAt: string | null;
  readonly completedBy: string | null;
  readonly comment: string | null;
  readonly evidenceDocumentId: string | null;
  /** Why it was skipped or cancelled. */
  readonly reason: string | null;
  /**
   * Someone (not the system) reassigned the task: plan changes keep their choice. Stored with the
   * task so regeneration need not read the history; absent on tasks stored before the flag existed
   * (then the history decides).
   */
  readonly manuallyAssigned?: boolean | undefined;
  readonly history: readonly TaskEvent[];
  /** Bumped on every change; pass it back as `expectedVersion` to detect a stale card. */
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** What the viewing user may do with a task (cards show only these actions). */
export interface TaskPermissions {
  readonly canView: boolean;
  readonly canComplete: boolean;
  readonly canSnooze: boolean;
  readonly canSkip: boolean;
  readonly canReassign: boolean;
}

export const NOTIFICATION_KINDS = ['upcoming', 'due', 'overdue'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];
