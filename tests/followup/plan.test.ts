import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { osloToday } from '../../src/core/dates.ts';
import {
  checkRoutineSettings,
  generatePlan,
  type PlannedTask,
  reconcile,
  reminderFor,
  type Task,
} from '../../src/core/followup/index.ts';
import { decideOption } from '../../src/core/options.ts';
import { contract, routines, settings } from './helpers.ts';

const NOW = '2026-03-01T08:00:00.000Z';
const due = (plan: readonly PlannedTask[] | readonly Task[], activity: string, occ = '1') =>
  plan.find((t) => t.activityId === activity && t.occurrence === occ)?.dueDate;

function apply(existing: Task[], c: ReturnType<typeof contract>, today: string): Task[] {
  const r = reconcile(
    existing,
    generatePlan(c, routines, settings, today),
    c,
    settings,
    today,
    NOW,
  );
  const byId = new Map(existing.map((t) => [t.id, t]));
  for (const t of r.created) byId.set(t.id, t);
  for (const ch of r.changed) byId.set(ch.task.id, ch.task);
  return [...byId.values()];
}

describe('default routines', () => {
  it('are valid and every referenced setting exists', () => {
    for (const r of routines) checkRoutineSettings(r, settings);
    const ids = routines.flatMap((r) => r.activities.map((a) => a.id));
    assert.equal(new Set(ids).size, ids.length);
  });
});

describe('plan generation', () => {
  it('derives due dates from start and current end date', () => {
    const c = contract({ startDate: '2026-01-01', endDate: '2028-12-31' });
    const plan = generatePlan(c, routines, settings, '2026-01-01');
    assert.equal(due(plan, 'oppstartsmote'), '2026-01-15');
    assert.equal(due(plan, 'risikovurdering'), '2026-01-31');
    assert.equal(due(plan, 'sluttevaluering'), '2028-10-31');
    assert.equal(due(plan, 'utlopsvarsel'), '2027-12-31');
    assert.equal(due(plan, 'ny-konkurranse-enkelt'), '2028-06-30');
    assert.equal(due(plan, 'statusmote', '1'), '2026-07-01');
    // Task keys are deterministic and unique.
    assert.equal(new Set(plan.map((t) => t.id)).size, plan.length);
    assert.ok(plan.every((t) => t.id === `${c.id}|${t.activityId}|${t.occurrence}`));
    // The single-purchase checklist applies, the framework one does not.
    assert.ok(due(plan, 'godkjenn-leveranse'));
    assert.equal(due(plan, 'bestillingsrutine'), undefined);
  });

  it('regeneration never duplicates and is stable', () => {
    const c = contract();
    const first = apply([], c, '2026-01-01');
    const again = reconcile(
      first,
      generatePlan(c, routines, settings, '2026-01-01'),
      c,
      settings,
      '2026-01-01',
      NOW,
    );
    assert.equal(again.created.length, 0);
    assert.equal(again.changed.length, 0);
  });

  it('an exercised option moves every dependent deadline and closes its option tasks', () => {
    const c = contract({
      kind: 'framework',
      startDate: '2026-01-01',
      endDate: '2027-12-31',
      options: [
        {
          id: 'o1',
          newEndDate: '2028-12-31',
          decisionDeadline: '2027-09-30',
          state: 'open',
          decidedAt: null,
          decidedBy: null,
        },
        {
          id: 'o2',
          newEndDate: '2029-12-31',
          decisionDeadline: '2028-09-30',
          state: 'open',
          decidedAt: null,
          decidedBy: null,
        },
      ],
    });
    let tasks = apply([], c, '2026-01-01');
    assert.equal(due(tasks, 'opsjon-vurdering', 'option:o1'), '2027-03-30');
    assert.equal(due(tasks, 'opsjon-beslutning', 'option:o1'), '2027-09-30');
    assert.equal(due(tasks, 'sluttevaluering'), '2027-10-31');
    assert.equal(due(tasks, 'ny-konkurranse-ramme'), '2026-12-31');
    // Complete one task first: it must be kept as it is.
    tasks = tasks.map((t) =>
      t.activityId === 'oppstartsmote'
        ? { ...t, state: 'done', comment: 'holdt', completedBy: 'manager' }
        : t,
    );
    const exercised = { ...c, options: decideOption(c, 'o1', 'exercised', '2027-03-01', 'owner') };
    const after = apply(tasks, exercised, '2027-03-01');
    assert.equal(due(after, 'sluttevaluering'), '2028-10-31');
    assert.equal(due(after, 'ny-konkurranse-ramme'), '2027-12-31');
    assert.equal(due(after, 'utlopsvarsel'), '2027-12-31');
    const moved = after.find((t) => t.activityId === 'sluttevaluering');
    assert.deepEqual(
      moved?.history.map((e) => e.action),
      ['created', 'due_moved'],
    );
    const o1 = after.find((t) => t.id === `${c.id}|opsjon-beslutning|option:o1`);
    assert.equal(o1?.state, 'cancelled');
    assert.match(o1?.reason ?? '', /Opsjonen er utløst/);
    assert.equal(after.find((t) => t.activityId === 'oppstartsmote')?.state, 'done');
    assert.equal(after.filter((t) => t.activityId === 'sluttevaluering').length, 1);
  });

  it('a declined option lapses later options and keeps the current end date', () => {
    const c = contract({
      startDate: '2026-01-01',
      endDate: '2027-12-31',
      options: [
        {
          id: 'o1',
          newEndDate: '2028-12-31',
          decisionDeadline: '2027-09-30',
          state: 'open',
          decidedAt: null,
          decidedBy: null,
        },
        {
          id: 'o2',
          newEndDate: '2029-12-31',
          decisionDeadline: '2028-09-30',
          state: 'open',
          decidedAt: null,
          decidedBy: null,
        },
      ],
    });
    const tasks = apply([], c, '2026-06-01');
    const declined = { ...c, options: decideOption(c, 'o1', 'declined', '2027-05-01', 'owner') };
    const after = apply(tasks, declined, '2027-05-01');
    for (const o of ['o1', 'o2']) {
      const t = after.find((x) => x.id === `${c.id}|opsjon-beslutning|option:${o}`);
      assert.equal(t?.state, 'cancelled');
      assert.match(t?.reason ?? '', /avslått/);
    }
    assert.equal(due(after, 'sluttevaluering'), '2027-10-31');
  });

  it('clamps month ends: 31 January + 1 month, and never drifts', () => {
    const c = contract({ startDate: '2027-01-31', endDate: '2029-01-31' });
    const monthly = [
      {
        ...routines[0]!,
        activities: [
          {
            ...routines[0]!.activities.find((a) => a.id === 'statusmote')!,
            rule: { kind: 'recurring' as const, everyMonths: 1 },
          },
        ],
      },
    ];
    const plan = generatePlan(c, monthly, settings, '2027-01-31');
    assert.deepEqual(
      plan.slice(0, 4).map((t) => t.dueDate),
      ['2027-02-28', '2027-03-31', '2027-04-30', '2027-05-31'],
    );
    // Before-end rules clamp as well: 31 May − 3 months = 28 February.
    const end = contract({ startDate: '2026-01-01', endDate: '2027-05-31' });
    const beforeEnd = [
      {
        ...routines[0]!,
        activities: [
          {
            ...routines[0]!.activities.find((a) => a.id === 'sluttevaluering')!,
            rule: { kind: 'before_end' as const, months: 3, days: 0 },
          },
        ],
      },
    ];
    assert.equal(generatePlan(end, beforeEnd, settings, '2026-01-01')[0]?.dueDate, '2027-02-28');
  });

  it('handles leap days', () => {
    const c = contract({ startDate: '2028-02-29', endDate: '2032-02-29' });
    const plan = generatePlan(c, routines, settings, '2028-02-29');
    // Yearly supplier evaluation is advanced; status meetings every 6 months (medium risk).
    assert.equal(due(plan, 'statusmote', '1'), '2028-08-29');
    assert.equal(due(plan, 'statusmote', '2'), '2029-02-28');
    // Occurrences stop at the horizon (24 months ahead by default).
    assert.equal(due(plan, 'statusmote', '5'), undefined);
    assert.equal(due(plan, 'utlopsvarsel'), '2031-02-28');
    assert.equal(due(plan, 'sluttevaluering'), '2031-12-29');
    const high = contract({ startDate: '2028-02-29', endDate: '2032-02-29', riskLevel: 'high' });
    const adv = generatePlan(high, routines, settings, '2030-06-01');
    assert.equal(due(adv, 'leverandorevaluering', '1'), '2029-02-28');
    assert.equal(due(adv, 'leverandorevaluering', '3'), '2031-02-28');
    // The fourth falls on the end date itself (29 February 2032) and is not planned.
    assert.equal(due(adv, 'leverandorevaluering', '4'), undefined);
  });

  it('uses the Oslo calendar date around midnight and daylight saving', () => {
    // 22:30 UTC on 31 March 2026 is already 1 April in Oslo (CEST, UTC+2).
    assert.equal(osloToday(new Date('2026-03-31T22:30:00Z')), '2026-04-01');
    assert.equal(osloToday(new Date('2026-03-31T21:59:59Z')), '2026-03-31');
    // DST starts 29 March 2026 at 01:00 UTC; 23:30 UTC on the 28th is 00:30 CET on the 29th.
    assert.equal(osloToday(new Date('2026-03-28T23:30:00Z')), '2026-03-29');
    // DST ends 25 October 2026: 22:30 UTC on the 25th is 23:30 CET, still the 25th.
    assert.equal(osloToday(new Date('2026-10-25T22:30:00Z')), '2026-10-25');
    assert.equal(osloToday(new Date('2026-10-25T23:00:00Z')), '2026-10-26');
    // A task due on 1 April is "due" for the Oslo day, not the UTC day.
    const t = {
      id: 't',
      assigneeId: 'a',
      dueDate: '2026-04-01',
      state: 'open' as const,
      snoozedUntil: null,
      leadTimesDays: [14, 3],
    };
    assert.equal(
      reminderFor(t, osloToday(new Date('2026-03-31T22:30:00Z')), settings)?.kind,
      'due',
    );
    assert.equal(
      reminderFor(t, osloToday(new Date('2026-03-31T21:30:00Z')), settings)?.kind,
      'upcoming',
    );
  });

  it('contracts with no end date get start tasks and recurring tasks up to the horizon only', () => {
    const c = contract({ startDate: '2026-01-01', endDate: null });
    const plan = generatePlan(c, routines, settings, '2026-01-01');
    assert.ok(due(plan, 'oppstartsmote'));
    assert.equal(due(plan, 'sluttevaluering'), undefined);
    assert.equal(due(plan, 'utlopsvarsel'), undefined);
    const meetings = plan.filter((t) => t.activityId === 'statusmote');
    assert.equal(meetings.length, 4);
    assert.ok(meetings.every((t) => t.dueDate <= '2028-01-01'));
    // A year later the horizon has moved: two more occurrences, none duplicated.
    const tasks = apply([], c, '2026-01-01');
    const later = reconcile(
      tasks,
      generatePlan(c, routines, settings, '2027-01-01'),
      c,
      settings,
      '2027-01-01',
      NOW,
    );
    assert.deepEqual(
      later.created.map((t) => t.occurrence),
      ['5', '6'],
    );
    // No start date either: nothing dated can be planned, and nothing crashes.
    assert.deepEqual(
      generatePlan(contract({ startDate: null, endDate: null }), routines, settings, '2026-01-01'),
      [],
    );
  });

  it('terminated contracts get no new tasks and open ones are closed with the reason', () => {
    const c = contract();
    const tasks = apply([], c, '2026-01-01').map((t) =>
      t.activityId === 'oppstartsmote' ? { ...t, state: 'done' as const } : t,
    );
    const terminated = {
      ...c,
      terminatedOn: '2026-06-01',
      terminationReason: 'Vesentlig mislighold',
    };
    const r = reconcile(
      tasks,
      generatePlan(terminated, routines, settings, '2026-06-01'),
      terminated,
      settings,
      '2026-06-01',
      NOW,
    );
    assert.equal(r.created.length, 0);
    const open = tasks.filter((t) => t.state === 'open');
    assert.equal(r.changed.length, open.length);
    for (const ch of r.changed) {
      assert.equal(ch.task.state, 'cancelled');
      assert.equal(ch.task.reason, 'Avtalen er sagt opp fra 2026-06-01: Vesentlig mislighold');
    }
    // Notice given for a future date: planning ends at the termination date.
    const notice = { ...c, terminatedOn: '2027-06-30' };
    assert.equal(
      due(generatePlan(notice, routines, settings, '2026-06-01'), 'sluttevaluering'),
      '2027-04-30',
    );
  });

  it('does not flood a newly registered old contract with overdue tasks', () => {
    const c = contract({ startDate: '2020-01-01', endDate: '2027-12-31' });
    const tasks = apply([], c, '2026-03-01');
    assert.ok(tasks.every((t) => t.dueDate >= '2025-12-31'));
    assert.ok(tasks.some((t) => t.activityId === 'statusmote'));
  });

  it('pay-and-working-conditions control applies by flag, by value threshold or by sector', () => {
    const has = (c: ReturnType<typeof contract>) =>
      generatePlan(c, routines, settings, '2026-01-01').some(
        (t) => t.routineId === 'lonns-og-arbeidsvilkar',
      );
    assert.equal(has(contract({ type: 'goods', maxValueOre: 900_000_000 })), false);
    assert.equal(has(contract({ type: 'services', maxValueOre: 100_000_000 })), false);
    assert.equal(has(contract({ type: 'services', maxValueOre: 230_000_000 })), true);
    assert.equal(has(contract({ type: 'goods', payConditionsControl: true })), true);
    assert.equal(has(contract({ type: 'services', sector: 'Renhold', maxValueOre: 10_000 })), true);
    const c = contract({ type: 'construction', estimatedValueOre: 500_000_000, riskLevel: 'high' });
    const plan = generatePlan(c, routines, settings, '2026-01-01');
    assert.equal(due(plan, 'lav-egenrapportering'), '2026-02-01');
    assert.equal(due(plan, 'lav-dokumentkontroll', '1'), '2026-07-01');
  });

  it('price adjustment falls due before each anniversary in the adjustment month', () => {
    const c = contract({
      startDate: '2026-03-15',
      endDate: '2029-03-14',
      priceAdjustment: {
        index: 'KPI',
        basePeriod: '2026-01',
        adjustmentMonth: 3,
        sharePercent: 100,
      },
    });
    const plan = generatePlan(c, routines, settings, '2026-03-15');
    assert.deepEqual(
      plan.filter((t) => t.activityId === 'prisregulering').map((t) => [t.occurrence, t.dueDate]),
      [
        ['2027', '2027-02-15'],
        ['2028', '2028-02-15'],
      ],
    );
  });
});

describe('reminders', () => {
  const base = {
    id: 't',
    assigneeId: 'a',
    dueDate: '2026-05-20',
    state: 'open' as const,
    snoozedUntil: null,
    leadTimesDays: [14, 3],
  };
  it('follows lead times, the due day and overdue repeats', () => {
    assert.equal(reminderFor(base, '2026-05-01', settings), null);
    assert.deepEqual(reminderFor(base, '2026-05-06', settings)?.leadDays, 14);
    assert.deepEqual(reminderFor(base, '2026-05-10', settings)?.leadDays, 14);
    assert.deepEqual(reminderFor(base, '2026-05-17', settings)?.leadDays, 3);
    assert.equal(reminderFor(base, '2026-05-20', settings)?.kind, 'due');
    assert.equal(reminderFor(base, '2026-05-21', settings)?.leadDays, -1);
    assert.equal(reminderFor(base, '2026-05-28', settings)?.leadDays, -8);
    assert.equal(reminderFor(base, '2026-06-30', settings), null);
    assert.equal(reminderFor({ ...base, state: 'done' }, '2026-05-20', settings), null);
  });
  it('is silent while snoozed and starts afresh after', () => {
    const s = { ...base, state: 'snoozed' as const, snoozedUntil: '2026-05-27' };
    assert.equal(reminderFor(s, '2026-05-21', settings), null);
    const r = reminderFor(s, '2026-05-27', settings);
    assert.equal(r?.kind, 'overdue');
    assert.match(r?.idempotencyKey ?? '', /\|s2026-05-27$/);
  });
});
