/**
 * Turns the spend turnover report's ceiling alerts (80 % and 100 % of an agreement's maximum value)
 * into follow-up tasks for the contract's manager (else owner), once per threshold per agreement,
 * with Kontraktservice informed through the outbox. Idempotent: the task key and the outbox's
 * idempotency key make a repeated run write nothing.
 */
import { isAdmin } from '../core/access.ts';
import { osloToday } from '../core/dates.ts';
import { ceilingTasks, isEventTask } from '../core/followup/ceiling.ts';
import type { Task } from '../core/followup/task.ts';
import type { Services } from '../services.ts';
import type { RegisterStore } from '../store/register.port.ts';
import type { NewNotification, OutboxStore } from './followup.port.ts';
import type { FollowUpStore } from './followup-store.port.ts';
import { followUpFor } from './wire.ts';

/** One alert of the turnover report (`TurnoverReport.alerts`). */
export interface CeilingAlert {
  readonly agreementId: string;
  /** Share of the maximum value used, per mille. */
  readonly maxUsedPermille: number | null;
}

export interface CeilingAlertDeps {
  readonly store: Pick<FollowUpStore, 'tasksOfContracts' | 'saveTasks'>;
  readonly outbox: OutboxStore;
  readonly register: Pick<RegisterStore, 'contracts' | 'directory'>;
  readonly clock: () => Date;
  /** Writes the assignees' reminders for these contracts (FollowUpService.scan). */
  readonly scan: (now: Date, contractIds: readonly string[]) => Promise<unknown>;
}

export interface CeilingResult {
  readonly created: readonly Task[];
  readonly informed: number;
}

/** Raises the ceiling tasks the alerts call for. Contracts not in the register (or drafts) are skipped. */
export async function raiseCeilingTasks(
  d: CeilingAlertDeps,
  alerts: readonly CeilingAlert[],
): Promise<CeilingResult> {
  const now = d.clock();
  const today = osloToday(now);
  const at = now.toISOString();
  const created: Task[] = [];
  for (const alert of alerts) {
    const c = await d.register.contracts.get(alert.agreementId);
    if (!c || c.draft) continue;
    if (c.terminatedOn && c.terminatedOn <= today) continue;
    // Reads are synchronous; on SQLite the write is too (no await between read and write, so two
    // runs cannot both create the task); the SharePoint store refuses a second item with the key.
    const existing = new Set(
      d.store
        .tasksOfContracts([c.id])
        .filter(isEventTask)
        .map((t) => t.id),
    );
    const tasks = ceilingTasks(c, alert.maxUsedPermille, existing, today, at);
    if (tasks.length === 0) continue;
    await d.store.saveTasks(tasks, []);
    created.push(...tasks);
  }
  if (created.length === 0) return { created, informed: 0 };
  await d.scan(now, [...new Set(created.map((t) => t.contractId))]);
  const team = (await d.register.directory.listUsers()).filter(isAdmin);
  const items: NewNotification[] = [];
  for (const t of created) {
    const lead = t.leadTimesDays[0] ?? 0;
    for (const u of team) {
      if (u.id === t.assigneeId) continue;
      items.push({
        idempotencyKey: `${t.id}|informed|${u.id}`,
        recipientUserId: u.id,
        taskId: t.id,
        kind: 'upcoming',
        dueDate: t.dueDate,
        leadDays: lead,
        notBefore: at,
      });
    }
  }
  const informed = items.length > 0 ? await d.outbox.enqueue(items) : 0;
  return { created, informed };
}

/**
 * The ceiling alerts of a `Services` object, on the follow-up engine's store and outbox: call it with
 * `TurnoverReport.alerts` after ingest or a refresh of the spend analysis.
 */
export function ceilingAlertsFor(
  services: Services,
): (alerts: readonly CeilingAlert[]) => Promise<CeilingResult> {
  const followUp = followUpFor(services);
  return (alerts) =>
    raiseCeilingTasks(
      {
        store: followUp.store,
        outbox: followUp.outbox,
        register: services.store,
        clock: services.clock,
        scan: (now, ids) => followUp.service.scan(now, ids),
      },
      alerts,
    );
}
