// Ordered spend analyses: one record-store suite run against the embedded SQLite table and the
// SharePoint list (local Graph server), then two instances composed with STORE=sharepoint sharing
// orders through the order service (create on one, read, list and cancel on the other; a race to
// cancel is won once).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import type { User } from '../../src/core/users.ts';
import { createServices, type Services } from '../../src/services.ts';
import type { AnalysisResult } from '../../src/spend/analysis.ts';
import {
  type OrderRecordStore,
  SqliteOrderRecords,
  type StoredOrder,
} from '../../src/spend/orders.ts';
import { spendOrdersFor } from '../../src/spend/wire.ts';
import { findLists } from '../../src/store/sharepoint/provision.ts';
import { SharePointOrderRecords } from '../../src/store/sharepoint/spend-orders.ts';
import { openDatabase } from '../../src/store/sqlite/db.ts';
import type { GraphServer } from '../graph/server.ts';
import { seedUsers } from '../support/server.ts';
import { graphFor, provisionedServer } from './helpers.ts';

function order(id: string, over: Partial<StoredOrder> = {}): StoredOrder {
  return {
    id,
    state: 'ordered',
    version: 1,
    unitId: 'u-helse',
    requestedBy: { id: 'eier1', name: 'Eva' },
    scope: {
      from: '2024-01-01',
      to: '2024-12-31',
      unit: null,
      cpv: null,
      supplierOrgnr: null,
      agreementId: null,
    },
    question: `Spørsmål ${id} <script>alert(1)</script> ' or 1=1 --`,
    createdAt: `2025-01-0${id.slice(-1)}T09:00:00.000Z`,
    startedAt: null,
    completedAt: null,
    handledBy: null,
    comment: null,
    summary: null,
    document: null,
    cancelReason: null,
    failureReason: null,
    ...over,
  };
}

function recordSuite(
  name: string,
  open: () => Promise<{ a: OrderRecordStore; b: OrderRecordStore }>,
) {
  describe(`order records: ${name}`, () => {
    let a: OrderRecordStore;
    let b: OrderRecordStore;
    before(async () => {
      ({ a, b } = await open());
    });

    it('stores an order and reads it back (also from a second connection)', async () => {
      const o = order('o-1');
      await a.insert(o);
      assert.deepEqual((await a.get('o-1'))?.order, o);
      assert.deepEqual((await b.get('o-1'))?.order, o);
      assert.equal((await b.get('o-1'))?.result, null);
      assert.equal(await a.get('nope'), null);
    });

    it('writes only on the expected version; a stale write is refused', async () => {
      const o = order('o-2');
      await a.insert(o);
      const running = { ...o, state: 'running' as const, version: 2 };
      assert.equal(await b.update(running, 1), true);
      // a still expects version 1: refused, as SQLite's version check
      assert.equal(await a.update({ ...o, state: 'cancelled', version: 2 }, 1), false);
      const result = {
        summary: { totalOre: 5 },
        big: 'x'.repeat(130_000),
      } as unknown as AnalysisResult;
      assert.equal(await a.update({ ...running, state: 'done', version: 3 }, 2, result), true);
      const got = await b.get('o-2');
      assert.equal(got?.order.state, 'done');
      assert.deepEqual(got?.result, result);
      // a later write without a result keeps the stored one
      assert.equal(await b.update({ ...running, state: 'done', version: 4 }, 3), true);
      assert.deepEqual((await a.get('o-2'))?.result, result);
    });

    it('lists newest first with the same filters and totals', async () => {
      await a.insert(
        order('o-3', { unitId: 'u-skole', requestedBy: { id: 'eier2', name: 'Ola' } }),
      );
      await a.insert(order('o-4', { requestedBy: { id: 'eier2', name: 'Ola' } }));
      const all = await b.list({ limit: 100 });
      assert.deepEqual(
        all.orders.map((o) => o.id),
        ['o-4', 'o-3', 'o-2', 'o-1'],
      );
      assert.equal(all.total, 4);
      const limited = await b.list({ limit: 2 });
      assert.deepEqual(
        limited.orders.map((o) => o.id),
        ['o-4', 'o-3'],
      );
      assert.equal(limited.total, 4);
      assert.deepEqual(
        (await b.list({ limit: 9, states: ['done'] })).orders.map((o) => o.id),
        ['o-2'],
      );
      assert.deepEqual(
        (await b.list({ limit: 9, requestedBy: 'eier2' })).orders.map((o) => o.id),
        ['o-4', 'o-3'],
      );
      assert.deepEqual(
        (await b.list({ limit: 9, visibleTo: { userId: 'eier2', unitId: null } })).orders.map(
          (o) => o.id,
        ),
        ['o-4', 'o-3'],
      );
      assert.deepEqual(
        (await b.list({ limit: 9, visibleTo: { userId: 'x', unitId: 'u-skole' } })).orders.map(
          (o) => o.id,
        ),
        ['o-3'],
      );
    });
  });
}

const dirs: string[] = [];
let server: GraphServer;
before(async () => {
  server = await provisionedServer();
});
after(async () => {
  await server.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

recordSuite('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ko-orders-'));
  dirs.push(dir);
  const file = join(dir, 'register.db');
  return {
    a: new SqliteOrderRecords(openDatabase(file)),
    b: new SqliteOrderRecords(openDatabase(file)),
  };
});

recordSuite('SharePoint', async () => {
  const lists = await findLists(graphFor(server), server.siteId);
  const mk = (client: string) =>
    new SharePointOrderRecords({
      graph: graphFor(server, client),
      siteId: server.siteId,
      lists,
      maxStalenessMs: 0,
    });
  return { a: mk('a'), b: mk('b') };
});

describe('orders on two instances (STORE=sharepoint)', () => {
  const instances: Services[] = [];
  let graph: GraphServer;
  const now = new Date('2025-01-15T09:00:00Z');
  const owner: User = {
    id: 'eier1',
    name: 'Eva',
    email: 'eier1@kommune.example',
    role: 'contract_owner',
    unitId: 'u-helse',
  };
  const admin: User = {
    id: 'kontraktservice',
    name: 'Kari',
    email: 'ks@kommune.example',
    role: 'kontraktservice',
    unitId: 'u-innkjop',
  };

  async function instance(): Promise<Services> {
    const dataDir = mkdtempSync(join(tmpdir(), 'ko-orders-sp-'));
    dirs.push(dataDir);
    const env = {
      STORE: 'sharepoint',
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
    const s = await createServices(config, { clock: () => now, env: { ...process.env, ...env } });
    instances.push(s);
    return s;
  }

  before(async () => {
    graph = await provisionedServer();
  });
  after(async () => {
    for (const s of instances) await s.close();
    await graph.close();
  });

  it('an order made on one instance is read, listed and cancelled on the other, once', async () => {
    const a = await instance();
    const b = await instance();
    await seedUsers(a);
    const created = await spendOrdersFor(a).create(owner, {
      scope: { from: '2024-01-01', to: '2024-12-31' },
      question: 'Hvor mye kjøper vi utenfor avtale?',
    });
    assert.equal((await spendOrdersFor(b).get(admin, created.id)).question, created.question);
    const listed = await spendOrdersFor(b).list(admin, {});
    assert.deepEqual(
      listed.items.map((o) => o.id),
      [created.id],
    );
    assert.equal((await spendOrdersFor(b).stored(created.id))?.state, 'ordered');
    // Both instances cancel at once: one succeeds, the other is told it changed (409).
    const results = await Promise.allSettled([
      spendOrdersFor(a).cancel(owner, created.id, { reason: 'Feil periode' }),
      spendOrdersFor(b).cancel(admin, created.id, { reason: 'Dobbel' }),
    ]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const failed = results.find((r) => r.status === 'rejected');
    assert.equal((failed as PromiseRejectedResult).reason.code, 'conflict');
    assert.equal((await spendOrdersFor(a).get(owner, created.id)).state, 'cancelled');
    assert.equal((await spendOrdersFor(a).get(owner, created.id)).version, 2);
  });
});
