// Two API instances composed by `createServices` with STORE=sharepoint against one local Graph
// server: the follow-up engine of each (`followUpFor`) uses the SharePoint outbox and takes the
// scheduler lease around the daily run, so for a simulated week one instance scans at a time and
// every reminder is sent exactly once, whichever instance's sender claims it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import type { Notification } from '../../src/followup/followup.port.ts';
import { OutboxSender } from '../../src/followup/sender.ts';
import { SqliteOutbox } from '../../src/followup/sqlite-outbox.ts';
import { followUpFor } from '../../src/followup/wire.ts';
import { createServices, type Services } from '../../src/services.ts';
import { SharePointLease } from '../../src/store/sharepoint/lease.ts';
import { SharePointOutbox } from '../../src/store/sharepoint/outbox.ts';
import type { GraphServer } from '../graph/server.ts';
import { contractInput } from '../support/fixtures.ts';
import { seedUsers } from '../support/server.ts';
import { provisionedServer } from './helpers.ts';

describe('follow-up engine on several instances (STORE=sharepoint)', () => {
  let graph: GraphServer;
  const dirs: string[] = [];
  const instances: Services[] = [];
  let now = new Date('2026-03-02T05:00:00Z'); // 06:00 in Oslo, the daily run's hour
  const clock = () => now;

  async function instance(store: 'sharepoint' | 'sqlite' = 'sharepoint'): Promise<Services> {
    const dataDir = mkdtempSync(join(tmpdir(), 'ko-followup-sp-'));
    dirs.push(dataDir);
    const env = {
      STORE: store,
      SHAREPOINT_SITE_ID: graph.siteId,
      GRAPH_BASE_URL: graph.baseUrl,
      GRAPH_TOKEN: 'test-token',
    };
    const config = loadConfig({
      DATA_DIR: dataDir,
      DEMO_DATA: 'off',
      LOG_LEVEL: 'silent',
      AUTH_MODE: 'dev',
      ...env,
    });
    const s = await createServices(config, { clock, env: { ...process.env, ...env } });
    instances.push(s);
    return s;
  }

  before(async () => {
    graph = await provisionedServer({ seed: 5 });
  });
  after(async () => {
    for (const s of instances) await s.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    await graph.close();
  });

  it('composes the SharePoint outbox and lease in SharePoint mode, SQLite ones otherwise', async () => {
    const sp = followUpFor(await instance('sharepoint'));
    assert.ok(sp.outbox instanceof SharePointOutbox);
    assert.ok(sp.lease instanceof SharePointLease);
    const local = followUpFor(await instance('sqlite'));
    assert.ok(local.outbox instanceof SqliteOutbox);
    assert.equal(local.lease.constructor.name, 'SqliteJobLease');
    assert.notEqual(sp.instanceId, local.instanceId);
  });

  it('a simulated week: one daily run at a time, every reminder sent exactly once', async () => {
    const a = await instance();
    const b = await instance();
    await seedUsers(a);
    for (let i = 0; i < 4; i++) {
      await a.contracts.create(
        {
          id: 'kontraktservice',
          name: 'Kari',
          email: 'kontraktservice@kommune.example',
          role: 'kontraktservice',
          unitId: 'u-innkjop',
        },
        contractInput({
          referenceNumber: `FI-${i}`,
          startDate: `2026-02-${String(16 + i).padStart(2, '0')}`,
          ownerId: i % 2 ? 'eier1' : 'eier2',
          owningUnitId: i % 2 ? 'u-helse' : 'u-skole',
        }),
      );
    }
    const engines = [a, b].map((s) => followUpFor(s));
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    for (const e of engines) {
      const original = e.service.runDaily.bind(e.service);
      e.service.runDaily = async (...args) => {
        running++;
        runs++;
        maxRunning = Math.max(maxRunning, running);
        try {
          return await original(...args);
        } finally {
          running--;
        }
      };
    }
    const sends = new Map<string, number>();
    const senders = engines.map(
      (e) =>
        new OutboxSender({
          outbox: e.outbox,
          workerId: e.instanceId,
          clock,
          limits: [],
          deliver: async (n: Notification) => {
            sends.set(n.idempotencyKey, (sends.get(n.idempotencyKey) ?? 0) + 1);
            return { status: 200 };
          },
        }),
    );
    // 10 % of requests throttled (Retry-After 0: the instances' Graph clients wait real seconds, and
    // honouring Retry-After is covered by multi-instance.test.ts with shrunk seconds).
    graph.throttle({ rate: 0.1, retryAfterSeconds: 0 });
    let skipped = 0;
    try {
      for (let day = 0; day < 7; day++) {
        const results = await Promise.all(engines.map((e) => e.daily()));
        skipped += results.filter((r) => !r.ran).length;
        for (let tick = 0; tick < 4; tick++) {
          now = new Date(now.getTime() + 3 * 3600_000);
          await Promise.all(senders.map((s) => s.runOnce()));
        }
        now = new Date(now.getTime() + 12 * 3600_000);
      }
      await Promise.all(senders.map((s) => s.runOnce()));
    } finally {
      graph.throttle(null);
    }
    assert.equal(maxRunning, 1, 'never two daily runs at the same time');
    assert.ok(runs >= 7 && skipped >= 1, `runs ${runs}, skipped ${skipped}`);
    assert.ok(sends.size >= 10, `reminders sent: ${sends.size}`);
    assert.deepEqual(
      [...sends.entries()].filter(([, n]) => n !== 1),
      [],
      'each reminder sent exactly once',
    );
    const stats = await engines[1]?.outbox.stats();
    assert.deepEqual(stats, { pending: 0, sent: sends.size, dead: 0 });
    assert.ok(graph.stats.throttled > 0);

    // Tasks are shared too: a task completed through instance B is done on instance A.
    const eier1 = (await a.store.directory.getUser('eier1')) as NonNullable<
      Awaited<ReturnType<typeof a.store.directory.getUser>>
    >;
    const [onA] = await engines[0]!.service.myTasks(eier1);
    assert.ok(onA, 'eier1 has open tasks');
    await engines[1]!.service.complete(eier1, onA.id, {
      comment: 'Gjort',
      expectedVersion: onA.version,
    });
    // A's cache follows within its staleness bound (2 s); here it syncs at once.
    await a.sharePoint?.followUp.refresh(true);
    const seen = await engines[0]!.service.getTask(eier1, onA.id);
    assert.equal(seen.state, 'done');
    assert.deepEqual(seen.history.at(-1)?.comment, 'Gjort');
  });
});
