import { addDays, daysBetween, type IsoDate } from '../dates.ts';
import type { FollowUpSettings } from './routine.ts';
import type { NotificationKind, Task } from './task.ts';

/** The task fields the daily scan reads. */
export type ScanTask = Pick<
  Task,
  'id' | 'assigneeId' | 'dueDate' | 'state' | 'snoozedUntil' | 'leadTimesDays'
>;

/** A reminder the scan wants sent today (the outbox drops those already written). */
export interface Reminder {
  readonly idempotencyKey: string;
  readonly recipientUserId: string;
  readonly taskId: string;
  readonly kind: NotificationKind;
  readonly dueDate: IsoDate;
  readonly leadDays: number;
}

/**
 * The reminder a task calls for on `today`, if any: the latest lead time already reached (upcoming),
 * the due day (due), or the latest overdue repeat (overdue). Catching up after downtime sends only the
 * latest step, never a burst of stale ones. A snoozed task is silent until its snooze ends; then its
 * reminders start afresh (the key carries the snooze date).
 */
export function reminderFor(
  t: ScanTask,
  today: IsoDate,
  s: Pick<FollowUpSettings, 'overdueRepeatDays' | 'overdueMaxReminders'>,
): Omit<Reminder, 'recipientUserId'> | null {
  if (t.state !== 'open' && t.state !== 'snoozed') return null;
  if (t.state === 'snoozed' && t.snoozedUntil && t.snoozedUntil > today) return null;
  const d = daysBetween(today, t.dueDate);
  let kind: NotificationKind;
  let leadDays: number;
  if (d > 0) {
    const reached = t.leadTimesDays.filter((l) => l >= d);
    if (reached.length === 0) return null;
    kind = 'upcoming';
    leadDays = Math.min(...reached);
  } else if (d === 0) {
    kind = 'due';
    leadDays = 0;
  } else {
    const step = Math.floor((-d - 1) / s.overdueRepeatDays);
    if (step >= s.overdueMaxReminders) return null;
    kind = 'overdue';
    leadDays = -(1 + step * s.overdueRepeatDays);
  }
  const snooze = t.state === 'snoozed' && t.snoozedUntil ? `|s${t.snoozedUntil}` : '';
  return {
    idempotencyKey: `${t.id}|${kind}|${leadDays}|${t.dueDate}${snooze}`,
    taskId: t.id,
    kind,
    dueDate: t.dueDate,
    leadDays,
  };
}

/** The due-date window the scan must read: tasks outside it can need no reminder today. */
export function scanWindow(
  today: IsoDate,
  maxLeadDays: number,
  s: Pick<FollowUpSettings, 'overdueRepeatDays' | 'overdueMaxReminders'>,
): { from: IsoDate; to: IsoDate } {
  return {
    from: addDays(today, -(s.overdueRepeatDays * s.overdueMaxReminders) - 1),
    to: addDays(today, maxLeadDays),
  };
}

/** Reminders for many tasks; team tasks (no assignee) go to every Kontraktservice user. */
export function remindersFor(
  tasks: Iterable<ScanTask>,
  today: IsoDate,
  s: Pick<FollowUpSettings, 'overdueRepeatDays' | 'overdueMaxReminders'>,
  teamRecipients: readonly string[],
): Reminder[] {
  const out: Reminder[] = [];
  for (const t of tasks) {
    const r = reminderFor(t, today, s);
    if (!r) continue;
    const recipients = t.assigneeId ? [t.assigneeId] : teamRecipients;
    for (const recipientUserId of recipients) {
      out.push({
        ...r,
        recipientUserId,
        idempotencyKey: t.assigneeId ? r.idempotencyKey : `${r.idempotencyKey}|${recipientUserId}`,
      });
    }
  }
  return out;
}
