// Request economy and resilience of the SharePoint adapter, counted by the local Graph server.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { AuditEntry, Contract } from '../../src/core/index.ts';
import { provision } from '../../src/store/sharepoint/provision.ts';
import { contractFields } from '../../src/store/sharepoint/register-store.ts';
import { FILTERED_COLUMNS, LISTS } from '../../src/store/sharepoint/schema.ts';
import { type GraphServer, startGraphServer } from '../graph/server.ts';
import { contractInput } from '../support/fixtures.ts';
import { graphFor, openStore, provisionedServer, SECOND_MS } from './helpers.ts';

const admin = {
  today: '2026-01-15',
  expiringWindowDays: 180,
  seesAllConfidential: true,
  userId: 'ks',
};

function seededContract(i: number): Contract {
  const base = contractInput({
    referenceNumber: `SEED-${String(i).padStart(5, '0')}`,
    title: `Avtale nummer ${i}`,
  });
  return {
    ...base,
    options: base.options.map((o, n) => ({ ...o, id: `opsjon-${n + 1}` })),
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    version: 1,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
  };
}

const entryFor = (c: Contract, i: number): AuditEntry => ({
  id: 1_700_000_000_000_000 + i,
  at: c.createdAt,
  actorId: 'seed',
  entity: 'contract',
  entityId: c.id,
  action: 'import',
  changes: [],
  sensitive: [],
});

describe('SharePoint adapter: request economy', () => {
  let server: GraphServer;
  const PAGE = 1000;
  before(async () => {
    server = await provisionedServer();
    server.seed(
      'Kontrakter',
      Array.from({ length: 10_000 }, (_, i) => {
        const c = seededContract(i);
        return contractFields(c, entryFor(c, i));
      }),
    );
  });
  after(() => server.close());

  it('a full sync of 10,000 contracts takes at most ⌈10,000 / page size⌉ + 1 requests', async () => {
    const store = await openStore(server, 'a', { pageSize: PAGE, maxStalenessMs: 60_000 });
    server.resetStats();
    assert.equal(await store.contracts.count(), 10_000);
    const used = server.stats.requests;
    assert.ok(used <= Math.ceil(10_000 / PAGE) + 1, `${used} requests`);
    // Served from the cache: search and get cost nothing more while the cache is fresh.
    const found = await store.contracts.search({ text: 'nummer 4711' }, admin);
    assert.equal(found.items[0]?.referenceNumber, 'SEED-04711');
    assert.equal(server.stats.requests, used);
  });

  it('a delta sync after 10 changes takes at most 3 requests', async () => {
    const reader = await openStore(server, 'reader', { pageSize: PAGE, maxStalenessMs: 0 });
    await reader.contracts.count();
    const writer = await openStore(server, 'writer', { pageSize: PAGE, maxStalenessMs: 60_000 });
    await writer.contracts.count();
    for (let i = 0; i < 10; i++) {
      const c = await writer.contracts.getByReference(`SEED-0000${i}`);
      assert.ok(c);
      const { id, version, createdAt, updatedAt, ...input } = c;
      await writer.contracts.update(id, { ...input, title: `Endret ${i}` }, version, 'eier1');
    }
    server.resetStats();
    const hits = await reader.contracts.search({ text: 'endret' }, admin);
    assert.equal(hits.total, 10, 'the reader sees the other instance’s changes');
    assert.ok(server.stats.requests <= 3, `${server.stats.requests} requests`);
  });

  it('importing 1,000 contracts takes at most 50 write requests', async () => {
    const fresh = await provisionedServer();
    try {
      const store = await openStore(fresh, 'a', { pageSize: PAGE });
      await store.contracts.count();
      const inputs = Array.from({ length: 1000 }, (_, i) =>
        contractInput({ referenceNumber: `IMP-${i}`, title: `Import ${i}` }),
      );
      fresh.resetStats();
      assert.deepEqual(await store.contracts.importMany(inputs, 'ks'), {
        created: 1000,
        updated: 0,
      });
      assert.ok(fresh.stats.writeRequests <= 50, `${fresh.stats.writeRequests} write requests`);
      assert.equal(fresh.items('Kontrakter').length, 1000);
      const one = await store.contracts.getByReference('IMP-999');
      assert.deepEqual(
        (await store.audit.list('contract', one?.id ?? '')).map((a) => a.action),
        ['import'],
      );
    } finally {
      await fresh.close();
    }
  });
});

describe('SharePoint adapter: a throttling storm (30 % 429) loses and duplicates nothing', () => {
  let server: GraphServer;
  before(async () => {
    server = await provisionedServer({ seed: 7 });
  });
  after(() => server.close());

  it('imports, updates and deletes under throttling; the lists hold exactly the result', async () => {
    const a = await openStore(server, 'a');
    const b = await openStore(server, 'b');
    server.throttle({ rate: 0.3, retryAfterSeconds: 1 });
    try {
      await a.contracts.importMany(
        Array.from({ length: 120 }, (_, i) => contractInput({ referenceNumber: `S-${i}` })),
        'ks',
      );
      for (let i = 0; i < 30; i++) {
        const store = i % 2 ? a : b;
        const c = await store.contracts.getByReference(`S-${i}`);
        assert.ok(c);
        const { id, version, createdAt, updatedAt, ...input } = c;
        await store.contracts.update(id, { ...input, title: `Oppdatert ${i}` }, null, 'eier1');
      }
      for (let i = 100; i < 110; i++) {
        const c = await a.contracts.getByReference(`S-${i}`);
        await a.contracts.remove(c?.id ?? '', null, 'ks');
      }
      for (let i = 0; i < 10; i++) {
        await b.contracts.create(contractInput({ referenceNumber: `NY-${i}` }), 'ks');
      }
    } finally {
      server.throttle(null);
    }
    assert.ok(server.stats.throttled > 20, `throttled ${server.stats.throttled}`);
    assert.equal(server.stats.earlyRetries, 0);
    const items = server.items('Kontrakter');
    const refs = items.map((i) => String(i.fields.ReferenceNumber)).sort();
    assert.equal(refs.length, 120 - 10 + 10, 'no write lost, none duplicated');
    assert.equal(new Set(refs).size, refs.length);
    for (let i = 0; i < 30; i++) {
      const c = await a.contracts.getByReference(`S-${i}`);
      assert.equal(c?.title, `Oppdatert ${i}`);
      assert.equal(c?.version, 2);
      const history = await a.audit.list('contract', c?.id ?? '');
      assert.deepEqual(
        history.map((h) => h.action),
        ['import', 'update'],
        'each change audited exactly once',
      );
    }
    const deleted = await b.audit.since(0, 100_000);
    assert.equal(deleted.filter((e) => e.action === 'delete').length, 10);
    assert.equal(new Set(deleted.map((e) => e.id)).size, deleted.length);
  });
});

describe('SharePoint provisioning', () => {
  it('is idempotent, adds what is missing and indexes every filtered column', async () => {
    const server = await provisionedServer();
    try {
      const graph = graphFor(server, 'p');
      const before = server.lists();
      const again = await provision(graph, server.siteId);
      assert.deepEqual(again.createdLists, []);
      assert.deepEqual(again.addedColumns, []);
      assert.deepEqual(again.indexedColumns, []);
      assert.deepEqual(
        server.lists().map((l) => [l.displayName, l.columns.map((c) => c.name)]),
        before.map((l) => [l.displayName, l.columns.map((c) => c.name)]),
      );
      assert.deepEqual(
        before.map((l) => l.displayName).sort(),
        Object.values(LISTS)
          .map((l) => l.displayName)
          .sort(),
      );
      for (const { list, column } of FILTERED_COLUMNS) {
        const l = server.lists().find((x) => x.displayName === LISTS[list].displayName);
        const c = l?.columns.find((x) => x.name === column);
        assert.equal(c?.indexed, true, `${LISTS[list].displayName}.${column} is indexed`);
      }
    } finally {
      await server.close();
    }
  });

  it('adds missing columns and a missing index to an existing list, keeping its items', async () => {
    const server = await startGraphServer({ secondMs: SECOND_MS, token: 'test-token' });
    try {
      const graph = graphFor(server, 'p');
      // An older site: a Lease list with only LeaseKey, not indexed, and one item in it.
      await graph.request('POST', `/sites/${encodeURIComponent(server.siteId)}/lists`, {
        displayName: 'Lease',
        columns: [{ name: 'LeaseKey', text: {} }],
        list: { template: 'genericList' },
      });
      server.seed('Lease', [{ Title: 'x', LeaseKey: 'scheduler' }]);
      const report = await provision(graph, server.siteId);
      assert.ok(!report.createdLists.includes('Lease'));
      assert.equal(report.createdLists.length, Object.keys(LISTS).length - 1);
      assert.deepEqual(report.addedColumns, ['Lease.Holder', 'Lease.ExpiresAt', 'Lease.Fence']);
      assert.deepEqual(report.indexedColumns, ['Lease.LeaseKey']);
      const lease = server.lists().find((l) => l.displayName === 'Lease');
      const key = lease?.columns.find((c) => c.name === 'LeaseKey');
      assert.deepEqual([key?.indexed, key?.enforceUniqueValues], [true, true]);
      assert.equal(lease?.itemCount, 1, 'no data touched');
      assert.equal(server.items('Lease')[0]?.fields.LeaseKey, 'scheduler');
    } finally {
      await server.close();
    }
  });

  it('every $filter in the adapter is built by filterOn (indexed columns only)', () => {
    const dir = new URL('../../src/store/sharepoint/', import.meta.url);
    for (const name of readdirSync(dir)) {
      const text = readFileSync(fileURLToPath(new URL(name, dir)), 'utf8');
      for (const m of text.matchAll(/\$filter=([^`'"]*)/g)) {
        assert.match(
          m[1] ?? '',
          /^\$\{encodeURIComponent\(filterOn\(|^\$\{encodeURIComponent\(filter\)/,
          `${name}: ${m[0]}`,
        );
      }
    }
  });
});
