/**
 * Ports of the follow-up engine: what the bot, the cards and the API use.
 *
 * - `TaskService`: a signed-in user's view of follow-up tasks and the actions on them. Every method
 *   checks permissions and throws `DomainError('forbidden')` when the user may not act on the task
 *   (e.g. completing someone else's task), `not_found` for an unknown task, `validation` for bad
 *   input, `conflict` when the task is no longer open, `precondition_failed` on a stale `expectedVersion`.
 * - `OutboxStore`: the persisted notification outbox (idempotency key UNIQUE), claimed with a lease.
 * - `Notification`: the payload the proactive sender hands to `deliver(notification)`.
 */
import type { IsoDate } from '../core/dates.ts';
import type { Announcement } from '../core/followup/announcement.ts';
import type {
  LocalText,
  NotificationKind,
  Task,
  TaskPermissions,
  TaskState,
} from '../core/followup/task.ts';
import type { User } from '../core/users.ts';

export type {
  LocalText,
  NotificationKind,
  ResponsibleRole,
  Task,
  TaskEvent,
  TaskPermissions,
  TaskState,
} from '../core/followup/task.ts';

/** The contract a task belongs to, projected for the viewer (confidential title is '' if withheld). */
export interface TaskContractSummary {
  readonly id: string;
  readonly referenceNumber: string;
  readonly title: string;
  readonly currentEndDate: IsoDate | null;
  readonly ownerId: string;
  readonly managerId: string | null;
}

/**
 * A task as one user sees it: with its contract summary and what that user may do.
 *
 * What to do is the task's own `description` (a snapshot of the activity's text, kept current for
 * open tasks by plan regeneration; event tasks such as ceiling alerts carry their own). What must be
 * documented, `evidence`, is not stored with tasks: it is read from the routine's activity
 * (`routineId` + `activityId`) when the view is built, so it is null when the routine or the
 * activity has since been deleted, for event tasks, and when the activity names no evidence.
 */
export interface TaskView extends Task {
  readonly evidence: LocalText | null;
  readonly contract: TaskContractSummary;
  /** Days from today (Oslo) to the effective due date; negative when overdue. */
  readonly daysUntilDue: number;
  readonly overdue: boolean;
  readonly permissions: TaskPermissions;
}

export interface TaskFilter {
  /** Default: open and snoozed tasks. */
  readonly states?: readonly TaskState[] | undefined;
  /** Only tasks due on or before this date. */
  readonly dueOnOrBefore?: IsoDate | undefined;
  /** Only tasks due on or after this date. */
  readonly dueOnOrAfter?: IsoDate | undefined;
  readonly limit?: number | undefined;
}

/** Optimistic concurrency: pass the version the card/tab showed; omit to skip the check. */
interface VersionGuard {
  readonly expectedVersion?: number | undefined;
}

export interface CompleteTaskInput extends VersionGuard {
  /** Required, 1–2000 characters (trimmed). */
  readonly comment: string;
  /** An uploaded/archived document proving the work (optional). */
  readonly evidenceDocumentId?: string | null | undefined;
}

export interface SnoozeTaskInput extends VersionGuard {
  /** Reminders pause until this Oslo date (after today, at most one year ahead). */
  readonly until: IsoDate;
}

export interface SkipTaskInput extends VersionGuard {
  /** Required, 1–2000 characters (trimmed). */
  readonly reason: string;
}

export interface ReassignTaskInput extends VersionGuard {
  /** Must be an existing user who is not a reader. */
  readonly assigneeId: string;
}

export interface TaskService {
  /** Open tasks assigned to the user (and, for Kontraktservice, the team's tasks), by due date. */
  myTasks(user: User, filter?: TaskFilter): Promise<TaskView[]>;
  /** Tasks on contracts owned by a unit (the user's own unit, or any unit for Kontraktservice). */
  unitTasks(user: User, unitId: string, filter?: TaskFilter): Promise<TaskView[]>;
  /** Tasks the user may see that are past due (open or snoozed, due before today). */
  overdue(user: User, filter?: TaskFilter): Promise<TaskView[]>;
  /** Tasks the user may see that are due within `days` days from today. */
  upcoming(user: User, days: number, filter?: TaskFilter): Promise<TaskView[]>;
  /** Every task of one contract (the plan), including done and skipped with history. */
  plan(user: User, contractId: string): Promise<TaskView[]>;
  /** One task as `user` sees it (for card refresh). Throws not_found / forbidden. */
  getTask(user: User, taskId: string): Promise<TaskView>;
  complete(user: User, taskId: string, input: CompleteTaskInput): Promise<TaskView>;
  snooze(user: User, taskId: string, input: SnoozeTaskInput): Promise<TaskView>;
  skip(user: User, taskId: string, input: SkipTaskInput): Promise<TaskView>;
  reassign(user: User, taskId: string, input: ReassignTaskInput): Promise<TaskView>;
  /** Today in Oslo per the service's clock (for "snooze one week/month" buttons). */
  today(): IsoDate;
}

/** A notification as written by the scheduler. */
export interface NewNotification {
  /** UNIQUE. `${taskId}|${kind}|${leadDays}|${dueDate}`: a moved due date gives new reminders. */
  readonly idempotencyKey: string;
  readonly recipientUserId: string;
  readonly taskId: string;
  readonly kind: NotificationKind;
  readonly dueDate: IsoDate;
  /** Lead time that triggered it (days before due; 0 for due, negative days past due for overdue). */
  readonly leadDays: number;
  /** Earliest time to send (ISO instant). */
  readonly notBefore: string;
}

/** What `deliver` receives: the stored notification. Build the card from `taskId` for `recipientUserId`. */
export interface Notification extends NewNotification {
  readonly id: number;
  readonly attempts: number;
  readonly createdAt: string;
}

export const OUTBOX_STATES = ['pending', 'sent', 'dead'] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];

/** The result of one delivery attempt, shaped like the HTTP answer of the Bot Connector. */
export interface DeliveryResult {
  readonly status: number;
  /** From `Retry-After` on 429/503, when given. */
  readonly retryAfterMs?: number | undefined;
}

/** Delivers one notification (supplied by the bot: Bot Framework proactive message). */
export type Deliver = (notification: Notification) => Promise<DeliveryResult>;

export interface OutboxStats {
  readonly pending: number;
  readonly sent: number;
  readonly dead: number;
}

export interface OutboxStore {
  /** Inserts notifications whose idempotency key is new; returns how many were inserted. */
  enqueue(items: readonly NewNotification[]): Promise<number>;
  /**
   * Claims up to `limit` pending items due at `now` whose lease is free or expired, leasing them to
   * `workerId` until `now + leaseMs`.
   */
  claimDue(now: Date, limit: number, leaseMs: number, workerId: string): Promise<Notification[]>;
  /**
   * Records, durably and before the send, that `workerId` is about to send a claimed item (attempts + 1,
   * last attempt time, lease renewed until `at + leaseMs`); false when the lease was lost.
   */
  beginAttempt(id: number, workerId: string, at: Date, leaseMs: number): Promise<boolean>;
  /** Marks a claimed item sent (only if `workerId` still holds the lease); true when it did. */
  markSent(id: number, workerId: string, at: Date): Promise<boolean>;
  /** Releases a claimed item for a retry at `retryAt`, keeping the error. */
  markFailed(id: number, workerId: string, retryAt: Date, error: string): Promise<boolean>;
  /** Gives up on an item (permanent error or too many attempts). */
  markDead(id: number, workerId: string, error: string): Promise<boolean>;
  /** Send/attempt times per recipient since `since` (seeds the rate limiter after a restart). */
  recentAttempts(since: Date): Promise<{ recipientUserId: string; at: number }[]>;
  get(
    id: number,
  ): Promise<(Notification & { state: OutboxState; lastError: string | null }) | null>;
  stats(): Promise<OutboxStats>;
}

/** A saved Bot Framework conversation reference (written by the bot on install). */
export interface ConversationRef {
  readonly userId: string;
  readonly conversationId: string;
  readonly kind: 'personal' | 'channel';
  /** The serialised `ConversationReference` (botbuilder shape, opaque to this module). */
  readonly referenceJson: string;
  readonly updatedAt: string;
}

export interface ConversationRefStore {
  save(ref: Omit<ConversationRef, 'updatedAt'>): Promise<void>;
  get(userId: string, kind?: 'personal' | 'channel'): Promise<ConversationRef | null>;
  remove(userId: string, conversationId: string): Promise<void>;
}

/** A Teams channel where the bot is installed (from the saved conversation references). */
export interface Channel {
  /** The channel's conversation id (without a thread's `;messageid=`). */
  readonly conversationId: string;
  readonly name: string | null;
  readonly updatedAt: string;
}

/**
 * One announcement to one channel, as the channel outbox hands it to `deliverToChannel`: with the
 * announcement and the channel's saved conversation reference (null if the bot was removed).
 */
export interface ChannelDelivery {
  readonly id: number;
  /** UNIQUE: `${announcementId}|${conversationId}`. */
  readonly idempotencyKey: string;
  readonly conversationId: string;
  readonly attempts: number;
  readonly announcement: Announcement;
  readonly referenceJson: string | null;
}

export type DeliverToChannel = (delivery: ChannelDelivery) => Promise<DeliveryResult>;

/** A lease on a background job, held by one instance at a time (see `JobLease`). */
export interface LeaseGrant {
  readonly key: string;
  readonly holder: string;
  readonly expiresAt: Date;
  /** Increases by one with every acquisition by anyone (fencing token). */
  readonly fence: number;
}

/**
 * One instance at a time for a job (the daily scan) when several API instances share a store:
 * a SQLite row with an expiry (`SqliteJobLease`) or a SharePoint list item written with its ETag
 * (`SharePointLease`). The same code path runs in both modes.
 */
export interface JobLease {
  /** Takes the lease if it is free, expired or already ours (renewal); null when another holder has it. */
  tryAcquire(key: string, holder: string, now: Date, ttlMs: number): Promise<LeaseGrant | null>;
  /** Gives the lease up (only if `holder` still has it). */
  release(key: string, holder: string): Promise<void>;
}
