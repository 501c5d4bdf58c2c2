import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ceilingTasks, isEventTask, reachedThresholds } from '../../src/core/followup/ceiling.ts';
import { reconcile } from '../../src/core/followup/index.ts';
import { ceilingAlertsFor } from '../../src/followup/ceiling-alerts.ts';
import { followUpFor } from '../../src/followup/wire.ts';
import { contractInput } from '../support/fixtures.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { contract, settings } from './helpers.ts';

const NOW = new Date('2026-03-02T09:00:00Z');
let server: TestServer;
let contractId: string;

interface TaskJson {
  id: string;
  activityId: string;
  state: string;
  assigneeId: string | null;
  dueDate: string;
  title: { nb: string };
}

async function ceilingTasksOf(user = 'eier1'): Promise<TaskJson[]> {
  const r = await server.request(user, 'GET', `/api/followup/contracts/${contractId}/plan`);
  assert.equal(r.status, 200, r.text);
  return (r.json() as { items: TaskJson[] }).items.filter((t) => t.activityId.startsWith('tak-'));
}

function outboxRows(): { idempotency_key: string; recipient_user_id: string; kind: string }[] {
  const db = server.services.sqlite;
  assert.ok(db);
  return db
    .prepare(
      `SELECT idempotency_key, recipient_user_id, kind FROM followup_outbox WHERE task_id LIKE ? ORDER BY id`,
    )
    .all(`${contractId}|tak-%`) as {
    idempotency_key: string;
    recipient_user_id: string;
    kind: string;
  }[];
}

before(async () => {
  server = await startTestServer({}, { clock: () => NOW });
  const r = await server.request(
    'kontraktservice',
    'POST',
    '/api/contracts',
    contractInput({ ownerId: 'eier1', owningUnitId: 'u-helse', managerId: null }),
  );
  assert.equal(r.status, 201, r.text);
  contractId = (r.json() as { id: string }).id;
});
after(() => server.close());

describe('spend ceiling alerts as follow-up tasks (pure)', () => {
  it('reaches 80 % at 800 ‰ and 100 % at 1000 ‰, nothing below or without a maximum', () => {
    assert.deepEqual(reachedThresholds(null), []);
    assert.deepEqual(reachedThresholds(799), []);
    assert.deepEqual(reachedThresholds(800), [80]);
    assert.deepEqual(reachedThresholds(999), [80]);
    assert.deepEqual(reachedThresholds(1000), [80, 100]);
    assert.deepEqual(reachedThresholds(4200), [80, 100]);
  });

  it('assigns the manager, else the owner; skips thresholds that already have a task', () => {
    const c = contract({ managerId: 'forvalter' });
    const both = ceilingTasks(c, 1200, new Set(), '2026-03-02', NOW.toISOString());
    assert.deepEqual(
      both.map((t) => [t.id, t.assigneeId, t.responsibleRole, t.dueDate]),
      [
        [`${c.id}|tak-80|1`, 'forvalter', 'manager', '2026-03-16'],
        [`${c.id}|tak-100|1`, 'forvalter', 'manager', '2026-03-09'],
      ],
    );
    const owner = ceilingTasks({ ...c, managerId: null }, 900, new Set(), '2026-03-02', 'x');
    assert.equal(owner[0]?.assigneeId, 'owner');
    assert.equal(owner[0]?.responsibleRole, 'owner');
    assert.deepEqual(
      ceilingTasks(c, 1200, new Set([`${c.id}|tak-80|1`]), '2026-03-02', 'x').map(
        (t) => t.activityId,
      ),
      ['tak-100'],
    );
  });

  it('plan regeneration leaves event tasks of an active contract open, closes them on termination', () => {
    const c = contract({ managerId: null });
    const [task] = ceilingTasks(c, 850, new Set(), '2026-03-02', 'x');
    assert.ok(task && isEventTask(task));
    const active = reconcile([task], [], c, settings, '2026-03-02', 'now');
    assert.equal(active.changed.length, 0);
    const ended = reconcile(
      [task],
      [],
      { ...c, terminatedOn: '2026-03-01', terminationReason: 'Mislighold' },
      settings,
      '2026-03-02',
      'now',
    );
    assert.equal(ended.changed[0]?.task.state, 'cancelled');
  });
});

describe('spend ceiling alerts as follow-up tasks (engine)', () => {
  it('creates one task per threshold for the owner, reminds them and informs Kontraktservice', async () => {
    const raise = ceilingAlertsFor(server.services);
    const first = await raise([{ agreementId: contractId, maxUsedPermille: 850 }]);
    assert.deepEqual(
      first.created.map((t) => t.activityId),
      ['tak-80'],
    );
    const tasks = await ceilingTasksOf();
    assert.equal(tasks.length, 1);
    assert.equal(tasks[0]?.assigneeId, 'eier1');
    assert.equal(tasks[0]?.state, 'open');
    assert.equal(tasks[0]?.dueDate, '2026-03-16');
    const rows = outboxRows();
    assert.ok(rows.some((r) => r.recipient_user_id === 'eier1'));
    assert.ok(
      rows.some(
        (r) =>
          r.recipient_user_id === 'kontraktservice' && r.idempotency_key.includes('|informed|'),
      ),
    );
    assert.equal(first.informed, 1);
  });

  it('is idempotent: the same alert again writes no task and no notification', async () => {
    const before = outboxRows().length;
    const again = await ceilingAlertsFor(server.services)([
      { agreementId: contractId, maxUsedPermille: 870 },
    ]);
    assert.equal(again.created.length, 0);
    assert.equal(outboxRows().length, before);
    assert.equal((await ceilingTasksOf()).length, 1);
  });

  it('adds the 100 % task once when the ceiling is passed; unknown agreements are ignored', async () => {
    const r = await ceilingAlertsFor(server.services)([
      { agreementId: contractId, maxUsedPermille: 1010 },
      { agreementId: 'finnes-ikke', maxUsedPermille: 2000 },
    ]);
    assert.deepEqual(
      r.created.map((t) => t.activityId),
      ['tak-100'],
    );
    assert.equal((await ceilingTasksOf()).length, 2);
  });

  it('survives a contract change (plan regeneration) and the daily run', async () => {
    const get = await server.request('kontraktservice', 'GET', `/api/contracts/${contractId}`);
    const etag = get.headers.get('etag') ?? '';
    const put = await server.request(
      'kontraktservice',
      'PUT',
      `/api/contracts/${contractId}`,
      contractInput({
        ownerId: 'eier1',
        owningUnitId: 'u-helse',
        managerId: null,
        title: 'Endret tittel',
      }),
      { 'If-Match': etag },
    );
    assert.equal(put.status, 200, put.text);
    await followUpFor(server.services).service.runDaily();
    const tasks = await ceilingTasksOf();
    assert.deepEqual(
      tasks.map((t) => t.state),
      ['open', 'open'],
    );
  });

  it('the owner may act on the task; a reader of another unit may not see it', async () => {
    const [task] = await ceilingTasksOf();
    assert.ok(task);
    const done = await server.request(
      'eier1',
      'POST',
      `/api/followup/tasks/${encodeURIComponent(task.id)}/complete`,
      { comment: 'Ny konkurranse er startet' },
    );
    assert.equal(done.status, 200, done.text);
    const other = await server.request(
      'leser',
      'GET',
      `/api/followup/tasks/${encodeURIComponent(task.id)}`,
    );
    assert.equal(other.status, 403);
    // A done task is never raised again.
    const r = await ceilingAlertsFor(server.services)([
      { agreementId: contractId, maxUsedPermille: 1500 },
    ]);
    assert.equal(r.created.length, 0);
  });
});
