import { addDays, type IsoDate, type User } from '../core/index.ts';
import type { TaskService } from '../followup/followup.port.ts';
import type { DirectoryStore } from '../store/register.port.ts';
import { Prng } from './prng.ts';

/** Tasks due in the last week stay open: the demo has fresh deadlines to act on. */
const RECENT_DAYS = 7;
/** Share of the older overdue tasks left open, so «Forfalt» shows a few, as in a portfolio in use. */
const LEFT_OPEN = 0.15;
const COMMENT = 'Gjennomført som planlagt.';

/**
 * The demo as a portfolio in use, not one registered today: the plans give every contract the
 * tasks of the last 60 days (the engine's backfill), all of them overdue on a fresh start. Most of
 * those due more than a week ago are completed here by their assignee (or by Kontraktservice when
 * nobody is assigned), through the task service like any user; about one in seven is left overdue.
 * Deterministic for a seed. Returns the number of tasks completed.
 */
export async function completeDemoHistory(
  tasks: Pick<TaskService, 'overdue' | 'complete'>,
  users: ReadonlyMap<string, User>,
  admin: User,
  today: IsoDate,
  seed = 20_241_126,
): Promise<number> {
  const rng = new Prng(seed);
  const due = await tasks.overdue(admin, { dueOnOrBefore: addDays(today, -RECENT_DAYS) });
  let completed = 0;
  for (const t of due.sort((a, b) => a.id.localeCompare(b.id))) {
    if (rng.chance(LEFT_OPEN)) continue;
    const assignee = (t.assigneeId && users.get(t.assigneeId)) || admin;
    await tasks.complete(assignee, t.id, { comment: COMMENT });
    completed++;
  }
  return completed;
}

/**
 * For a freshly seeded demo (first `npm start`, `cli seed`): the follow-up plans now rather than at
 * the scheduler's first run, then the history above. Returns the number of tasks completed.
 */
export async function prepareDemoFollowUp(
  followUp: Pick<TaskService, 'overdue' | 'complete'> & { regenerateAll(): Promise<unknown> },
  directory: Pick<DirectoryStore, 'listUsers'>,
  today: IsoDate,
): Promise<number> {
  const users = new Map((await directory.listUsers()).map((u) => [u.id, u]));
  const admin = users.get('kontraktservice');
  if (!admin) return 0;
  await followUp.regenerateAll();
  return completeDemoHistory(followUp, users, admin, today);
}
