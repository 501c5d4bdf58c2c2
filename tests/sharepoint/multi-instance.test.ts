// Two API instances against the same (local) Graph server for a simulated week: the scheduler lease
// lets one scan at a time, and the outbox claims (ETags) make every notification go out once —
// through the real OutboxSender of the follow-up engine.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Notification } from '../../src/followup/followup.port.ts';
import { OutboxSender } from '../../src/followup/sender.ts';
import { SharePointLease } from '../../src/store/sharepoint/lease.ts';
import { SharePointOutbox } from '../../src/store/sharepoint/outbox.ts';
import { findLists } from '../../src/store/sharepoint/provision.ts';
import type { GraphServer } from '../graph/server.ts';
import { contractInput } from '../support/fixtures.ts';
import { graphFor, openStore, provisionedServer } from './helpers.ts';

describe('several instances on one SharePoint site', () => {
  let server: GraphServer;
  before(async () => {
    server = await provisionedServer({ seed: 11 });
  });
  after(() => server.close());

  it('a stale cache never overwrites: 412 is detected, re-read and resolved', async () => {
    const a = await openStore(server, 'a', { maxStalenessMs: 60_000 });
    const b = await openStore(server, 'b', { maxStalenessMs: 60_000 });
    const c = await a.contracts.create(contractInput({ referenceNumber: 'MI-1' }), 'ks');
    const seenByB = await b.contracts.get(c.id);
    assert.equal(seenByB?.version, 1);
    const { id, version, createdAt, updatedAt, ...input } = c;
    await a.contracts.update(id, { ...input, title: 'Fra A' }, 1, 'ks');
    // B still holds version 1 in its cache: its versioned write is refused …
    await assert.rejects(
      b.contracts.update(id, { ...input, title: 'Fra B' }, 1, 'ks'),
      (e: unknown) => e instanceof Error && 'code' in e && e.code === 'precondition_failed',
    );
    // … and a server-side write (no expected version) lands on top of A's, not instead of it.
    const job = await b.contracts.decideOption(
      id,
      'opsjon-1',
      'exercised',
      null,
      'ks',
      '2026-01-01',
    );
    assert.equal(job.version, 3);
    assert.equal(job.title, 'Fra A');
    assert.deepEqual(
      (await a.audit.list('contract', id)).map((e) => e.action),
      ['create', 'update', 'option.exercised'],
    );
  });

  it('a simulated week: one scan at a time, every notification sent exactly once', async () => {
    const lists = await findLists(graphFor(server, 'x'), server.siteId);
    let now = new Date('2026-03-02T05:00:00Z');
    const clock = () => now;
    const sends = new Map<string, number>();
    let scanning = 0;
    let maxScanning = 0;
    let scans = 0;
    const instances = ['a', 'b'].map((name) => {
      const graph = graphFor(server, name);
      const outbox = new SharePointOutbox(graph, server.siteId, lists, clock);
      const sender = new OutboxSender({
        outbox,
        workerId: `instance-${name}`,
        clock,
        limits: [],
        deliver: async (n: Notification) => {
          sends.set(n.idempotencyKey, (sends.get(n.idempotencyKey) ?? 0) + 1);
          return { status: 200 };
        },
      });
      return { name, outbox, sender, lease: new SharePointLease(graph, server.siteId, lists) };
    });

    async function scan(inst: (typeof instances)[number], day: number): Promise<void> {
      const grant = await inst.lease.tryAcquire('scheduler', inst.name, now, 10 * 60_000);
      if (!grant) return;
      scanning++;
      scans++;
      maxScanning = Math.max(maxScanning, scanning);
      try {
        // The daily scan: today's reminders, plus yesterday's again (idempotent enqueue).
        const make = (d: number) =>
          Array.from({ length: 6 }, (_, k) => ({
            idempotencyKey: `task-${d}-${k}|reminder|14|2026-03-${String(20 + d).padStart(2, '0')}`,
            recipientUserId: `user-${k % 3}`,
            taskId: `task-${d}-${k}`,
            kind: 'reminder' as Notification['kind'],
            dueDate: `2026-03-${String(20 + d).padStart(2, '0')}`,
            leadDays: 14,
            notBefore: now.toISOString(),
          }));
        await inst.outbox.enqueue([...make(day), ...(day > 0 ? make(day - 1) : [])]);
      } finally {
        scanning--;
        await inst.lease.release('scheduler', inst.name);
      }
    }

    server.throttle({ rate: 0.1, retryAfterSeconds: 1 });
    try {
      for (let day = 0; day < 7; day++) {
        for (let tick = 0; tick < 4; tick++) {
          await Promise.all(instances.flatMap((inst) => [scan(inst, day), inst.sender.runOnce()]));
          now = new Date(now.getTime() + 3 * 3600_000);
        }
        now = new Date(now.getTime() + 12 * 3600_000);
      }
      // Drain: whatever the last ticks enqueued.
      await Promise.all(instances.map((inst) => inst.sender.runOnce()));
    } finally {
      server.throttle(null);
    }
    assert.equal(maxScanning, 1, 'never two scans at the same time');
    assert.ok(scans >= 7, `scans: ${scans}`);
    assert.equal(sends.size, 7 * 6);
    assert.deepEqual(
      [...sends.values()].filter((n) => n !== 1),
      [],
      'each notification sent exactly once',
    );
    const stats = await instances[0]?.outbox.stats();
    assert.deepEqual(stats, { pending: 0, sent: 42, dead: 0 });
    assert.equal(server.stats.earlyRetries, 0);
  });
});
