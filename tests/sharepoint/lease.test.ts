// The scheduler lease, SQLite row and SharePoint list item: the same behaviour, one suite.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { JobLease } from '../../src/followup/followup.port.ts';
import { runLeased, SqliteJobLease } from '../../src/followup/sqlite-lease.ts';
import { SharePointLease } from '../../src/store/sharepoint/lease.ts';
import { findLists } from '../../src/store/sharepoint/provision.ts';
import { openDatabase } from '../../src/store/sqlite/db.ts';
import type { GraphServer } from '../graph/server.ts';
import { graphFor, provisionedServer } from './helpers.ts';

function leaseSuite(name: string, open: () => Promise<[JobLease, JobLease]>): void {
  describe(`job lease: ${name}`, () => {
    const t0 = new Date('2026-03-02T05:00:00Z');
    const at = (ms: number) => new Date(t0.getTime() + ms);

    it('one holder at a time; renewal by the holder; expiry frees it; fence grows', async () => {
      const [a, b] = await open();
      const g1 = await a.tryAcquire('job', 'a', t0, 60_000);
      assert.ok(g1);
      assert.equal(await b.tryAcquire('job', 'b', at(1000), 60_000), null);
      const renewed = await a.tryAcquire('job', 'a', at(30_000), 60_000);
      assert.ok(renewed && renewed.fence > g1.fence);
      assert.equal(
        await b.tryAcquire('job', 'b', at(70_000), 60_000),
        null,
        'renewed, not expired',
      );
      const g2 = await b.tryAcquire('job', 'b', at(90_001), 60_000);
      assert.ok(g2 && g2.fence > renewed.fence, 'expired: another instance takes it');
      await a.release('job', 'a'); // not the holder: no effect
      assert.equal(await a.tryAcquire('job', 'a', at(91_000), 60_000), null);
      await b.release('job', 'b');
      assert.ok(await a.tryAcquire('job', 'a', at(92_000), 60_000));
      assert.ok(await b.tryAcquire('other', 'b', at(92_000), 60_000), 'keys are independent');
    });

    it('racing instances: exactly one wins; runLeased skips the loser and releases after', async () => {
      const [a, b] = await open();
      const grants = await Promise.all([
        a.tryAcquire('race', 'a', t0, 60_000),
        b.tryAcquire('race', 'b', t0, 60_000),
      ]);
      assert.equal(grants.filter(Boolean).length, 1);
      const winner = grants[0] ? 'a' : 'b';
      await (winner === 'a' ? a : b).release('race', winner);
      let inside = 0;
      let max = 0;
      const job = async () => {
        inside++;
        max = Math.max(max, inside);
        await new Promise((r) => setTimeout(r, 20));
        inside--;
        return 42;
      };
      const o = { key: 'run', ttlMs: 60_000, clock: () => t0 };
      const runs = await Promise.all([
        runLeased({ ...o, lease: a, holder: 'a' }, job),
        runLeased({ ...o, lease: b, holder: 'b' }, job),
      ]);
      assert.equal(max, 1);
      assert.deepEqual(runs.map((r) => r.ran).sort(), [false, true]);
      assert.equal(runs.find((r) => r.ran)?.result, 42);
      assert.ok(await b.tryAcquire('run', 'b', t0, 60_000), 'released after the run');
    });
  });
}

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
leaseSuite('SQLite (two connections to one file)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ko-lease-'));
  dirs.push(dir);
  const file = join(dir, 'register.db');
  return [new SqliteJobLease(openDatabase(file)), new SqliteJobLease(openDatabase(file))];
});

let server: GraphServer;
before(async () => {
  server = await provisionedServer({ seed: 3 });
});
after(() => server.close());
leaseSuite('SharePoint (two Graph clients)', async () => {
  const lists = await findLists(graphFor(server, 'a'), server.siteId);
  return [
    new SharePointLease(graphFor(server, 'a'), server.siteId, lists),
    new SharePointLease(graphFor(server, 'b'), server.siteId, lists),
  ];
});
