// The follow-up engine's store port, one suite run against SQLite and against SharePoint (the local
// Graph server): routines, settings, tasks with history, plan fingerprints.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_ROUTINES, routineSchema, type Task } from '../../src/core/followup/index.ts';
import type { FollowUpStore } from '../../src/followup/followup-store.port.ts';
import { SqliteFollowUpStore } from '../../src/followup/sqlite-followup-store.ts';
import {
  SharePointConversationRefs,
  SharePointFollowUpStore,
} from '../../src/store/sharepoint/followup-store.ts';
import { findLists } from '../../src/store/sharepoint/provision.ts';
import { openDatabase } from '../../src/store/sqlite/db.ts';
import type { GraphServer } from '../graph/server.ts';
import { graphFor, provisionedServer } from './helpers.ts';

const AT = '2026-03-02T08:00:00.000Z';

function task(over: Partial<Task> & { id: string }): Task {
  const [contractId = 'c1', activityId = 'a1', occurrence = '1'] = over.id.split('|');
  return {
    contractId,
    routineId: 'basis-felles',
    activityId,
    occurrence,
    title: { nb: `Oppgave ${over.id}`, en: 'Task' },
    description: { nb: 'Beskrivelse' },
    responsibleRole: 'owner',
    assigneeId: 'eier1',
    unitId: 'u-helse',
    dueDate: '2026-03-10',
    state: 'open',
    snoozedUntil: null,
    leadTimesDays: [14, 3],
    completedAt: null,
    completedBy: null,
    comment: null,
    evidenceDocumentId: null,
    reason: null,
    history: [{ at: AT, actorId: 'system', action: 'created', from: null, to: 'open' }],
    version: 1,
    createdAt: AT,
    updatedAt: AT,
    ...over,
  } as Task;
}

function storeSuite(name: string, open: () => Promise<FollowUpStore>): void {
  describe(`follow-up store conformance: ${name}`, () => {
    it('routines: create, exists, stale, missing, ordered list, remove; settings', async () => {
      const s = await open();
      assert.equal(s.routineCount(), 0);
      assert.equal(s.getSettings().horizonMonths, 24, 'defaults before any save');
      const [r1, r2] = DEFAULT_ROUTINES.map((r) => routineSchema.parse(r));
      assert.ok(r1 && r2);
      const saved = await s.saveRoutine(r2, 'create', 'ks', AT);
      assert.equal(typeof saved === 'object' && saved.version, 1);
      await s.saveRoutine(r1, 'create', 'ks', AT);
      assert.equal(await s.saveRoutine(r1, 'create', 'ks', AT), 'exists');
      assert.equal(await s.saveRoutine(r1, 7, 'ks', AT), 'stale');
      assert.equal(await s.saveRoutine({ ...r1, id: 'finnes-ikke' }, 1, 'ks', AT), 'missing');
      const v2 = await s.saveRoutine({ ...r1, enabled: false }, 1, 'ks2', AT);
      assert.equal(typeof v2 === 'object' && v2.version, 2);
      await s.refresh?.();
      assert.deepEqual(
        s.listRoutines().map((r) => r.id),
        [r1.id, r2.id].sort(),
      );
      assert.equal(s.getRoutine(r1.id)?.enabled, false);
      assert.equal(s.getRoutine(r1.id)?.updatedBy, 'ks2');
      assert.equal(await s.removeRoutine(r2.id), true);
      assert.equal(await s.removeRoutine(r2.id), false);
      assert.equal(s.routineCount(), 1);
      await s.saveSettings({ ...s.getSettings(), horizonMonths: 12 }, 'ks', AT);
      await s.saveSettings({ ...s.getSettings(), backfillDays: 30 }, 'ks', AT);
      assert.equal(s.getSettings().horizonMonths, 12);
      assert.equal(s.getSettings().backfillDays, 30);
    });

    it('tasks: save, query, scan, history, versioned update; plan fingerprints', async () => {
      const s = await open();
      const tasks = [
        task({ id: 'c1|a1|1', dueDate: '2026-03-10' }),
        task({
          id: 'c1|a2|1',
          dueDate: '2026-03-05',
          assigneeId: null,
          responsibleRole: 'kontraktservice',
        }),
        task({ id: 'c2|a1|1', dueDate: '2026-04-01', unitId: 'u-skole', assigneeId: 'eier2' }),
        task({ id: 'c2|a3|1', dueDate: '2026-03-20', state: 'done' }),
      ];
      await s.saveTasks(
        tasks,
        [],
        [
          { contractId: 'c1', fingerprint: 'f1', reviewOn: null },
          { contractId: 'c2', fingerprint: 'f2', reviewOn: '2026-06-01' },
        ],
      );
      await s.refresh?.();
      assert.deepEqual(
        s.query({}).map((t) => t.id),
        ['c1|a2|1', 'c1|a1|1', 'c2|a1|1'],
        'open and snoozed by due date',
      );
      assert.deepEqual(
        s.query({ assigneeId: 'eier1', team: true }).map((t) => t.id),
        ['c1|a2|1', 'c1|a1|1'],
      );
      assert.deepEqual(
        s.query({ unitId: 'u-skole' }).map((t) => t.id),
        ['c2|a1|1'],
      );
      assert.deepEqual(
        s.query({ contractIds: ['c2'], states: ['done'] }).map((t) => t.id),
        ['c2|a3|1'],
      );
      assert.deepEqual(s.query({ contractIds: [] }), []);
      assert.deepEqual(
        s.query({ dueOnOrAfter: '2026-03-06', dueOnOrBefore: '2026-03-31' }).map((t) => t.id),
        ['c1|a1|1'],
      );
      assert.deepEqual(
        s.query({ limit: 1 }).map((t) => t.id),
        ['c1|a2|1'],
      );
      assert.deepEqual([...s.scan('2026-03-01', '2026-03-31')].map((t) => t.id).sort(), [
        'c1|a1|1',
        'c1|a2|1',
      ]);
      assert.deepEqual(
        s
          .tasksOfContracts(['c2'])
          .map((t) => t.id)
          .sort(),
        ['c2|a1|1', 'c2|a3|1'],
      );
      assert.deepEqual(s.getTask('c1|a1|1'), tasks[0]);
      assert.equal(s.getTask('nope'), null);
      const states = s.planStates();
      assert.deepEqual(states.get('c2'), {
        contractId: 'c2',
        fingerprint: 'f2',
        reviewOn: '2026-06-01',
      });

      const t = s.getTask('c1|a1|1') as Task;
      const event = {
        at: AT,
        actorId: 'eier1',
        action: 'completed' as const,
        from: 'open',
        to: 'done',
        comment: 'Ferdig',
      };
      const done: Task = {
        ...t,
        state: 'done',
        comment: 'Ferdig',
        history: [...t.history, event],
        version: 2,
      };
      assert.equal(await s.updateTask(done, 1, [event]), true);
      assert.equal(await s.updateTask({ ...done, version: 3 }, 1, [event]), false, 'stale version');
      await s.refresh?.();
      const read = s.getTask('c1|a1|1');
      assert.equal(read?.state, 'done');
      assert.equal(read?.version, 2);
      assert.deepEqual(
        read?.history.map((e) => e.action),
        ['created', 'completed'],
      );
      assert.equal(read?.history[1]?.comment, 'Ferdig');

      const moved = s.getTask('c2|a1|1') as Task;
      const ev = {
        at: AT,
        actorId: 'system',
        action: 'due_moved' as const,
        from: moved.dueDate,
        to: '2026-05-01',
      };
      await s.saveTasks(
        [],
        [
          {
            task: { ...moved, dueDate: '2026-05-01', history: [...moved.history, ev], version: 2 },
            events: [ev],
          },
        ],
      );
      await s.refresh?.();
      assert.equal(s.getTask('c2|a1|1')?.dueDate, '2026-05-01');
      assert.equal(s.getTask('c2|a1|1')?.history.length, 2);
      await s.clearPlanStates(['c1']);
      await s.refresh?.();
      assert.deepEqual([...s.planStates().keys()], ['c2']);
      await s.clearPlanStates();
      assert.equal(s.planStates().size, 0);
    });
  });
}

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
storeSuite('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ko-fu-store-'));
  dirs.push(dir);
  return new SqliteFollowUpStore(openDatabase(join(dir, 'register.db')));
});

let server: GraphServer;
before(async () => {
  server = await provisionedServer({ seed: 4 });
});
after(() => server.close());
let n = 0;
async function spStore(fresh: boolean, client = 'a'): Promise<SharePointFollowUpStore> {
  // A fresh site per suite test (the lists are emptied by a new server's provisioning).
  if (fresh) {
    await server.close();
    server = await provisionedServer({ seed: 4 + ++n });
  }
  const graph = graphFor(server, client);
  const s = new SharePointFollowUpStore({
    graph,
    siteId: server.siteId,
    lists: await findLists(graph, server.siteId),
    maxStalenessMs: 0,
  });
  await s.refresh(true);
  return s;
}
storeSuite('SharePoint', () => spStore(true));

describe('follow-up store on SharePoint: several instances', () => {
  it('the same task created by two instances is stored once; a stale update is refused', async () => {
    const a = await spStore(true, 'a');
    const b = await spStore(false, 'b');
    await Promise.all([
      a.saveTasks([task({ id: 'c9|a1|1' })], []),
      b.saveTasks([task({ id: 'c9|a1|1' })], []),
    ]);
    await a.refresh(true);
    await b.refresh(true);
    assert.equal(a.query({ contractIds: ['c9'] }).length, 1);
    const t = b.getTask('c9|a1|1') as Task;
    assert.equal(await a.updateTask({ ...t, state: 'skipped', version: 2 }, 1, []), true);
    // B has not refreshed since: its write is refused by the ETag, then by the version.
    assert.equal(await b.updateTask({ ...t, state: 'done', version: 2 }, 1, []), false);
    await b.refresh(true);
    assert.equal(b.getTask('c9|a1|1')?.state, 'skipped');
    const writes = server.stats;
    assert.ok(writes.requests > 0);
  });

  it('conversation references: saved by one instance, read by another; long ids; removed', async () => {
    const graph = graphFor(server, 'a');
    const lists = await findLists(graph, server.siteId);
    const a = new SharePointConversationRefs({
      graph,
      siteId: server.siteId,
      lists,
      maxStalenessMs: 0,
    });
    const b = new SharePointConversationRefs({
      graph: graphFor(server, 'b'),
      siteId: server.siteId,
      lists,
      maxStalenessMs: 0,
    });
    const long = `a:${'x'.repeat(400)}`;
    await a.save({
      userId: 'eier1',
      conversationId: long,
      kind: 'personal',
      referenceJson: '{"n":1}',
    });
    await a.save({
      userId: 'eier1',
      conversationId: long,
      kind: 'personal',
      referenceJson: '{"n":2}',
    });
    const ref = await b.get('eier1');
    assert.equal(ref?.conversationId, long);
    assert.equal(ref?.referenceJson, '{"n":2}');
    assert.equal(await b.get('eier1', 'channel'), null);
    await b.remove('eier1', long);
    assert.equal(await a.get('eier1'), null);
  });
});
