import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { followUpFor } from '../../src/followup/wire.ts';
import { contractInput } from '../support/fixtures.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

interface TaskJson {
  id: string;
  activityId: string;
  occurrence: string;
  dueDate: string;
  state: string;
  assigneeId: string | null;
  comment: string | null;
  reason: string | null;
  version: number;
  history: { action: string; actorId: string }[];
  contract: { title: string; referenceNumber: string };
  permissions: { canComplete: boolean };
}

const NOW = new Date('2026-03-01T09:00:00Z');
let server: TestServer;
let contractId: string;
const enc = encodeURIComponent;

async function plan(user = 'eier1'): Promise<TaskJson[]> {
  const r = await server.request(user, 'GET', `/api/followup/contracts/${contractId}/plan`);
  assert.equal(r.status, 200, r.text);
  return (r.json() as { items: TaskJson[] }).items;
}
const find = (tasks: TaskJson[], activity: string, occ = '1') =>
  tasks.find((t) => t.activityId === activity && t.occurrence === occ) as TaskJson;

before(async () => {
  server = await startTestServer({}, { clock: () => NOW });
  const r = await server.request(
    'kontraktservice',
    'POST',
    '/api/contracts',
    contractInput({
      ownerId: 'eier1',
      owningUnitId: 'u-helse',
      startDate: '2026-02-01',
      endDate: '2027-12-31',
      options: [{ id: 'o1', newEndDate: '2028-12-31', decisionDeadline: '2027-06-30' }],
    }),
  );
  assert.equal(r.status, 201, r.text);
  contractId = (r.json() as { id: string }).id;
});
after(() => server.close());

describe('follow-up API over HTTP', () => {
  it('plans a new contract at once and writes reminders to the outbox', async () => {
    const tasks = await plan();
    assert.equal(find(tasks, 'oppstartsmote').dueDate, '2026-02-15');
    assert.equal(find(tasks, 'oppstartsmote').assigneeId, 'eier1');
    assert.equal(find(tasks, 'sluttevaluering').dueDate, '2027-10-31');
    assert.equal(find(tasks, 'opsjon-beslutning', 'option:o1').dueDate, '2027-06-30');
    const stats = await followUpFor(server.services).outbox.stats();
    assert.ok(stats.pending > 0);
  });

  it('lists my tasks, overdue, upcoming and a unit’s tasks with access rules', async () => {
    const mine = await server.request('eier1', 'GET', '/api/followup/tasks/mine');
    assert.equal(mine.status, 200);
    assert.ok(
      (mine.json() as { items: TaskJson[] }).items.some((t) => t.activityId === 'oppstartsmote'),
    );
    const overdue = (
      await server.request('eier1', 'GET', '/api/followup/tasks/overdue')
    ).json() as { items: TaskJson[] };
    assert.ok(overdue.items.every((t) => t.dueDate < '2026-03-01'));
    assert.ok(overdue.items.some((t) => t.activityId === 'oppstartsmote'));
    // `to` narrows the overdue list (an earlier date), it never widens it past yesterday.
    const dueFeb15 = (
      await server.request('eier1', 'GET', '/api/followup/tasks/overdue?to=2026-02-15')
    ).json() as { items: TaskJson[] };
    assert.ok(dueFeb15.items.some((t) => t.activityId === 'oppstartsmote'));
    assert.ok(dueFeb15.items.every((t) => t.dueDate <= '2026-02-15'));
    const before = (
      await server.request('eier1', 'GET', '/api/followup/tasks/overdue?to=2026-02-14')
    ).json() as { items: TaskJson[] };
    assert.ok(!before.items.some((t) => t.activityId === 'oppstartsmote'));
    const later = (
      await server.request('eier1', 'GET', '/api/followup/tasks/overdue?to=2027-01-01')
    ).json() as { items: TaskJson[] };
    assert.deepEqual(later.items.map((t) => t.id).sort(), overdue.items.map((t) => t.id).sort());
    const upcoming = (
      await server.request('eier1', 'GET', '/api/followup/tasks/upcoming?days=45')
    ).json() as { items: TaskJson[] };
    assert.ok(upcoming.items.length > 0);
    assert.ok(upcoming.items.every((t) => t.dueDate >= '2026-03-01' && t.dueDate <= '2026-04-15'));
    assert.equal(
      (await server.request('eier2', 'GET', '/api/followup/units/u-helse/tasks')).status,
      403,
    );
    assert.equal(
      (await server.request('kontraktservice', 'GET', '/api/followup/units/u-helse/tasks')).status,
      200,
    );
    assert.equal(
      (await server.request('eier2', 'GET', `/api/followup/contracts/${contractId}/plan`)).status,
      403,
    );
    assert.equal(
      (await server.request('eier1', 'GET', '/api/followup/tasks/upcoming?days=abc')).status,
      400,
    );
    assert.equal((await server.request(null, 'GET', '/api/followup/tasks/mine')).status, 401);
  });

  it('refuses someone else’s task, validates input, and completes with history', async () => {
    const task = find(await plan(), 'oppstartsmote');
    const path = `/api/followup/tasks/${enc(task.id)}`;
    const other = await server.request('eier2', 'POST', `${path}/complete`, { comment: 'ok' });
    assert.equal(other.status, 403);
    assert.equal(
      (await server.request('leser', 'POST', `${path}/complete`, { comment: 'ok' })).status,
      403,
    );
    const empty = await server.request('eier1', 'POST', `${path}/complete`, { comment: '   ' });
    assert.equal(empty.status, 400);
    assert.equal((empty.json() as { issues: { field: string }[] }).issues[0]?.field, 'comment');
    const control = await server.request('eier1', 'POST', `${path}/complete`, {
      comment: 'a\u0000b',
    });
    assert.equal(control.status, 400);
    const huge = await server.request('eier1', 'POST', `${path}/complete`, {
      comment: 'x'.repeat(2001),
    });
    assert.equal(huge.status, 400);
    const extra = await server.request('eier1', 'POST', `${path}/complete`, {
      comment: 'ok',
      state: 'skipped',
    });
    assert.equal(extra.status, 400);
    const badDoc = await server.request('eier1', 'POST', `${path}/complete`, {
      comment: 'ok',
      evidenceDocumentId: '"><script>',
    });
    assert.equal(badDoc.status, 400);
    const stale = await server.request('eier1', 'POST', `${path}/complete`, {
      comment: 'ok',
      expectedVersion: task.version + 5,
    });
    assert.equal(stale.status, 412);
    const script = '<script>alert(1)</script> Møte holdt';
    const done = await server.request('eier1', 'POST', `${path}/complete`, {
      comment: script,
      evidenceDocumentId: 'doc-42',
      expectedVersion: task.version,
    });
    assert.equal(done.status, 200, done.text);
    const t = done.json() as TaskJson;
    assert.equal(t.state, 'done');
    assert.equal(t.comment, script); // stored as text; every renderer escapes it
    assert.match(done.headers.get('content-type') ?? '', /application\/json/);
    assert.deepEqual(
      t.history.map((e) => e.action),
      ['created', 'completed'],
    );
    assert.equal(
      (await server.request('eier1', 'POST', `${path}/complete`, { comment: 'igjen' })).status,
      409,
    );
    const missing = await server.request(
      'eier1',
      'POST',
      `/api/followup/tasks/${enc('nope|x|1')}/complete`,
      { comment: 'x' },
    );
    assert.equal(missing.status, 404);
  });

  it('snoozes, skips and reassigns', async () => {
    const tasks = await plan();
    const risk = find(tasks, 'risikovurdering');
    const path = `/api/followup/tasks/${enc(risk.id)}`;
    assert.equal(
      (await server.request('eier1', 'POST', `${path}/snooze`, { until: '2026-02-30' })).status,
      400,
    );
    assert.equal(
      (await server.request('eier1', 'POST', `${path}/snooze`, { until: '2026-03-01' })).status,
      400,
    );
    const snoozed = await server.request('eier1', 'POST', `${path}/snooze`, {
      until: '2026-03-08',
    });
    assert.equal(snoozed.status, 200, snoozed.text);
    assert.equal((snoozed.json() as TaskJson).state, 'snoozed');
    assert.equal(
      (await server.request('eier1', 'POST', `${path}/reassign`, { assigneeId: 'leser' })).status,
      400,
    );
    assert.equal(
      (await server.request('eier1', 'POST', `${path}/reassign`, { assigneeId: 'ghost' })).status,
      400,
    );
    const moved = await server.request('eier1', 'POST', `${path}/reassign`, {
      assigneeId: 'eier2',
    });
    assert.equal(moved.status, 200, moved.text);
    // eier2 is now the assignee and may act; a reader still may not.
    const skip = await server.request('eier2', 'POST', `${path}/skip`, {
      reason: 'Dekket av porteføljevurderingen',
    });
    assert.equal(skip.status, 200, skip.text);
    const skipped = skip.json() as TaskJson;
    assert.equal(skipped.state, 'skipped');
    assert.deepEqual(
      skipped.history.map((e) => e.action),
      ['created', 'snoozed', 'reassigned', 'skipped'],
    );
    // A manual reassignment survives plan regeneration.
    const kickoff = find(await plan(), 'statusmote');
    await server.request('eier1', 'POST', `/api/followup/tasks/${enc(kickoff.id)}/reassign`, {
      assigneeId: 'eier2',
    });
    await followUpFor(server.services).service.regenerateAll();
    assert.equal(find(await plan(), 'statusmote').assigneeId, 'eier2');
  });

  it('an exercised option through the contract API moves the dependent deadlines', async () => {
    const get = await server.request('kontraktservice', 'GET', `/api/contracts/${contractId}`);
    const etag = get.headers.get('etag') as string;
    const r = await server.request(
      'kontraktservice',
      'POST',
      `/api/contracts/${contractId}/options/o1/exercise`,
      undefined,
      { 'if-match': etag },
    );
    assert.equal(r.status, 200, r.text);
    const tasks = await plan();
    assert.equal(find(tasks, 'sluttevaluering').dueDate, '2028-10-31');
    assert.equal(find(tasks, 'opsjon-beslutning', 'option:o1').state, 'cancelled');
    // The done task is kept as it was.
    assert.equal(find(tasks, 'oppstartsmote').state, 'done');
  });

  it('routines: read for all, change for Kontraktservice only, validated, plans follow', async () => {
    const list = await server.request('eier1', 'GET', '/api/followup/routines');
    assert.equal(list.status, 200);
    assert.ok(
      (list.json() as { items: { id: string }[] }).items.some((r) => r.id === 'basis-felles'),
    );
    const routine = {
      id: 'ekstra',
      name: { nb: 'Ekstra <b>kontroll</b>' },
      level: 'basic',
      activities: [
        {
          id: 'ekstra-mote',
          title: { nb: 'Ekstra møte' },
          rule: { kind: 'after_start', months: 2 },
          responsible: 'owner',
        },
      ],
    };
    assert.equal(
      (await server.request('eier1', 'POST', '/api/followup/routines', routine)).status,
      403,
    );
    const bad = await server.request('kontraktservice', 'POST', '/api/followup/routines', {
      ...routine,
      activities: [{ ...routine.activities[0], rule: { kind: 'every_full_moon' } }],
    });
    assert.equal(bad.status, 400);
    assert.ok(
      (bad.json() as { issues: { field: string }[] }).issues.some((i) =>
        i.field.startsWith('activities.0.rule'),
      ),
    );
    const unknownSetting = await server.request(
      'kontraktservice',
      'POST',
      '/api/followup/routines',
      {
        ...routine,
        activities: [
          { ...routine.activities[0], rule: { kind: 'after_start', months: { setting: 'nope' } } },
        ],
      },
    );
    assert.equal(unknownSetting.status, 400);
    const duplicate = await server.request('kontraktservice', 'POST', '/api/followup/routines', {
      ...routine,
      activities: [{ ...routine.activities[0], id: 'oppstartsmote' }],
    });
    assert.equal(duplicate.status, 400);
    const created = await server.request(
      'kontraktservice',
      'POST',
      '/api/followup/routines',
      routine,
    );
    assert.equal(created.status, 201, created.text);
    assert.equal(
      (await server.request('kontraktservice', 'POST', '/api/followup/routines', routine)).status,
      409,
    );
    assert.equal(find(await plan(), 'ekstra-mote').dueDate, '2026-04-01');
    const changed = {
      ...routine,
      activities: [{ ...routine.activities[0], rule: { kind: 'after_start', months: 3 } }],
    };
    assert.equal(
      (await server.request('kontraktservice', 'PUT', '/api/followup/routines/ekstra', changed))
        .status,
      428,
    );
    assert.equal(
      (
        await server.request('kontraktservice', 'PUT', '/api/followup/routines/ekstra', changed, {
          'if-match': '"7"',
        })
      ).status,
      412,
    );
    const put = await server.request(
      'kontraktservice',
      'PUT',
      '/api/followup/routines/ekstra',
      changed,
      { 'if-match': '"1"' },
    );
    assert.equal(put.status, 200, put.text);
    assert.equal(find(await plan(), 'ekstra-mote').dueDate, '2026-05-01');
    assert.equal(
      (await server.request('kontraktservice', 'DELETE', '/api/followup/routines/ekstra')).status,
      204,
    );
    const retired = find(await plan(), 'ekstra-mote');
    assert.equal(retired.state, 'cancelled');
    assert.match(retired.reason ?? '', /Gjelder ikke lenger/);
  });

  it('a deleted or terminated contract closes its open tasks with a reason', async () => {
    const get = await server.request('kontraktservice', 'GET', `/api/contracts/${contractId}`);
    const r = await server.request(
      'kontraktservice',
      'PATCH',
      `/api/contracts/${contractId}`,
      { terminatedOn: '2026-03-01', terminationReason: 'Leverandøren er konkurs' },
      { 'if-match': get.headers.get('etag') as string },
    );
    assert.equal(r.status, 200, r.text);
    const tasks = await plan();
    const open = tasks.filter((t) => t.state === 'open' || t.state === 'snoozed');
    assert.deepEqual(open, []);
    const closed = tasks.filter(
      (t) => t.state === 'cancelled' && t.reason?.startsWith('Avtalen er sagt opp'),
    );
    assert.ok(closed.length > 3);
    assert.equal(find(tasks, 'oppstartsmote').state, 'done');
  });
});
