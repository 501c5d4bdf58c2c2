import { isAdmin } from '../access.ts';
import type { Contract } from '../contract.ts';
import type { User } from '../users.ts';
import type { Task, TaskPermissions } from './task.ts';

const NONE: TaskPermissions = {
  canView: false,
  canComplete: false,
  canSnooze: false,
  canSkip: false,
  canReassign: false,
};

/**
 * Who may do what with a task. Kontraktservice: everything. The assignee and the contract's owner or
 * manager: act on it (complete, snooze, skip, reassign) — except team tasks, which only Kontraktservice
 * acts on. Anyone in the owning unit may view it. Readers never act. Closed tasks take no actions.
 */
export function taskPermissions(
  user: User,
  task: Pick<Task, 'assigneeId' | 'unitId' | 'responsibleRole' | 'state'>,
  contract: Pick<Contract, 'ownerId' | 'managerId'> | null,
): TaskPermissions {
  const open = task.state === 'open' || task.state === 'snoozed';
  if (isAdmin(user)) {
    return { canView: true, canComplete: open, canSnooze: open, canSkip: open, canReassign: open };
  }
  const involved =
    task.assigneeId === user.id ||
    (contract !== null && (contract.ownerId === user.id || contract.managerId === user.id));
  const canView = involved || (user.unitId !== null && user.unitId === task.unitId);
  if (!canView) return NONE;
  const acts =
    open &&
    involved &&
    user.role === 'contract_owner' &&
    task.responsibleRole !== 'kontraktservice';
  return { canView, canComplete: acts, canSnooze: acts, canSkip: acts, canReassign: acts };
}
