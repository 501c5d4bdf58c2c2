// The local Graph server keeps the documented contract strictly, and the Graph transport copes
// with it: paging, $batch limits and per-request results, ETags, throttling, the list-view
// threshold, delta tokens and authentication.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Graph, GraphHttpError } from '../../src/store/sharepoint/graph.ts';
import { findLists } from '../../src/store/sharepoint/provision.ts';
import { filterOn } from '../../src/store/sharepoint/schema.ts';
import { staticToken } from '../../src/store/sharepoint/tokens.ts';
import type { GraphServer } from '../graph/server.ts';
import { graphFor, provisionedServer } from './helpers.ts';

describe('local Graph server and transport', () => {
  let server: GraphServer;
  let graph: Graph;
  let items: string;
  let audit: string;
  before(async () => {
    server = await provisionedServer();
    graph = graphFor(server);
    const ids = await findLists(graph, server.siteId);
    const site = `/sites/${encodeURIComponent(server.siteId)}`;
    items = `${site}/lists/${ids.units}/items`;
    audit = `${site}/lists/${ids.audit}/items`;
    server.seed(
      'Enheter',
      Array.from({ length: 5001 }, (_, i) => ({
        Title: `Enhet ${i}`,
        UnitId: `u-${i}`,
        Sector: i % 2 ? 'Helse' : 'Skole',
      })),
    );
  });
  after(() => server.close());

  it('refuses a request without a bearer token (401)', async () => {
    const res = await fetch(`${server.baseUrl}/sites/${encodeURIComponent(server.siteId)}/lists`);
    assert.equal(res.status, 401);
  });

  it('pages through @odata.nextLink with $top', async () => {
    server.resetStats();
    const pages: number[] = [];
    for await (const page of graph.pages(`${items}?$expand=fields($select=UnitId)&$top=2000`)) {
      pages.push(page.length);
    }
    assert.deepEqual(pages, [2000, 2000, 1001]);
    assert.equal(server.stats.requests, 3);
    await assert.rejects(graph.get(`${items}?$top=5001`), (e: unknown) => {
      return e instanceof GraphHttpError && e.status === 400;
    });
  });

  it('$expand=fields($select=…) returns only the selected fields', async () => {
    const page = await graph.get<{ value: { fields: Record<string, unknown> }[] }>(
      `${items}?$expand=fields($select=UnitId)&$top=1`,
    );
    assert.deepEqual(Object.keys(page.value[0]?.fields ?? {}).sort(), ['@odata.etag', 'UnitId']);
  });

  it('a filter on an indexed column works past 5,000 items; a non-indexed one never does', async () => {
    const hit = await graph.get<{ value: unknown[] }>(
      `${items}?$expand=fields&$filter=${encodeURIComponent("fields/UnitId eq 'u-4711'")}`,
    );
    assert.equal(hit.value.length, 1);
    const nonIndexed = `${items}?$filter=${encodeURIComponent("fields/Sector eq 'Helse'")}`;
    await assert.rejects(
      graph.get(nonIndexed),
      (e: unknown) =>
        e instanceof GraphHttpError && e.status === 400 && /is not indexed/.test(e.message),
    );
    await assert.rejects(
      graph.get(nonIndexed, { Prefer: 'HonorNonIndexedQueriesWarningMayFailRandomly' }),
      (e: unknown) =>
        e instanceof GraphHttpError && e.status === 500 && /list view threshold/.test(e.message),
    );
    await assert.rejects(graph.get(`${items}?$filter=${encodeURIComponent('fields/UnitId eq')}`));
  });

  it('the adapter cannot build a filter on a non-indexed column', () => {
    assert.throws(() => filterOn('units', 'Sector', 'eq', 'Helse'), /ikke indeksert/);
    assert.throws(() => filterOn('contracts', 'OwnerId', 'eq', 'x'), /ikke indeksert/);
    assert.equal(
      filterOn('audit', 'EntityKey', 'eq', "contract:o'brien"),
      "fields/EntityKey eq 'contract:o''brien'",
    );
  });

  it('ETags: a write with a stale If-Match is refused with 412 and changes nothing', async () => {
    const { body } = await graph.request<{ id: string; eTag: string }>('POST', items, {
      fields: { Title: 'Ny', UnitId: 'u-etag' },
    });
    const first = await graph.request(
      'PATCH',
      `${items}/${body.id}/fields`,
      { Title: 'A' },
      {
        'If-Match': body.eTag,
      },
    );
    assert.equal(first.status, 200);
    await assert.rejects(
      graph.request(
        'PATCH',
        `${items}/${body.id}/fields`,
        { Title: 'B' },
        { 'If-Match': body.eTag },
      ),
      (e: unknown) => e instanceof GraphHttpError && e.status === 412,
    );
    const now = await graph.get<{ fields: { Title: string } }>(
      `${items}/${body.id}?$expand=fields`,
    );
    assert.equal(now.fields.Title, 'A');
  });

  it('unique columns refuse a duplicate; single-line text is at most 255 characters', async () => {
    await assert.rejects(
      graph.request('POST', items, { fields: { Title: 'x', UnitId: 'U-1' } }),
      (e: unknown) => e instanceof GraphHttpError && e.status === 409 && /UnitId/.test(e.message),
    );
    await assert.rejects(
      graph.request('POST', items, { fields: { Title: 'x'.repeat(256), UnitId: 'u-long' } }),
      (e: unknown) => e instanceof GraphHttpError && e.status === 400,
    );
    await assert.rejects(
      graph.request('POST', items, { fields: { Nope: 1 } }),
      (e: unknown) => e instanceof GraphHttpError && e.status === 400,
    );
  });

  it('$batch: at most 20 per request on the server; the client splits and keeps order', async () => {
    const raw = await fetch(`${server.baseUrl}/$batch`, {
      method: 'POST',
      headers: { Authorization: 'Bearer test-token', 'Content-Type': 'application/json' },
      body: JSON.stringify({
        requests: Array.from({ length: 21 }, (_, i) => ({
          id: String(i),
          method: 'GET',
          url: items,
        })),
      }),
    });
    assert.equal(raw.status, 400);
    server.resetStats();
    const responses = await graph.batch(
      Array.from({ length: 45 }, (_, i) => ({
        method: 'POST' as const,
        url: audit,
        body: { fields: { Title: `t${i}`, AuditId: 900_000 + i, EntityKey: 'test:batch' } },
      })),
    );
    assert.equal(server.stats.requests, 3);
    assert.equal(server.stats.subRequests, 45);
    assert.deepEqual(
      responses.map((r) => (r.body as { fields: { Title: string } }).fields.Title),
      Array.from({ length: 45 }, (_, i) => `t${i}`),
    );
    // Per-request results: one duplicate fails alone, the others succeed.
    const mixed = await graph.batch([
      { method: 'POST', url: audit, body: { fields: { AuditId: 900_000, EntityKey: 'x' } } },
      { method: 'POST', url: audit, body: { fields: { AuditId: 900_100, EntityKey: 'x' } } },
    ]);
    assert.deepEqual(
      mixed.map((r) => r.status),
      [409, 201],
    );
  });

  it('429 with Retry-After, top level and inside $batch: retried after the wait, nothing lost', async () => {
    server.resetStats();
    server.throttle({ rate: 0.5, retryAfterSeconds: 2 });
    try {
      const responses = await graph.batch(
        Array.from({ length: 40 }, (_, i) => ({
          method: 'POST' as const,
          url: audit,
          body: { fields: { AuditId: 800_000 + i, EntityKey: 'test:throttle' } },
        })),
      );
      assert.ok(responses.every((r) => r.status === 201));
      for (let i = 0; i < 10; i++) await graph.get(`${items}?$top=1`);
    } finally {
      server.throttle(null);
    }
    assert.ok(server.stats.throttled > 5, `throttled ${server.stats.throttled}`);
    assert.equal(server.stats.earlyRetries, 0, 'never retried before Retry-After had passed');
    const stored = await graph.all<{ fields: { AuditId: number } }>(
      `${audit}?$expand=fields&$filter=${encodeURIComponent(filterOn('audit', 'EntityKey', 'eq', 'test:throttle'))}`,
    );
    assert.equal(stored.length, 40);
  });

  it('the server notices a client that does not wait for Retry-After', async () => {
    const rude = new Graph({
      baseUrl: server.baseUrl,
      tokens: staticToken('test-token'),
      secondMs: 0,
      headers: { 'x-test-client': 'rude' },
    });
    server.resetStats();
    server.throttle({ rate: 0.5, retryAfterSeconds: 5 });
    try {
      for (let i = 0; i < 10; i++) await rude.get(`${items}?$top=1`);
    } finally {
      server.throttle(null);
    }
    assert.ok(server.stats.earlyRetries > 0);
  });

  it('gives up after maxRetries and reports the status', async () => {
    const impatient = new Graph({
      baseUrl: server.baseUrl,
      tokens: staticToken('test-token'),
      secondMs: 1,
      maxRetries: 2,
      headers: { 'x-test-client': 'impatient' },
    });
    server.throttle({ rate: 1, retryAfterSeconds: 1 });
    try {
      await assert.rejects(
        impatient.get(`${items}?$top=1`),
        (e: unknown) => e instanceof GraphHttpError && e.status === 429,
      );
    } finally {
      server.throttle(null);
    }
  });

  it('delta: an expired token answers 410 and the next link starts over', async () => {
    const small = await provisionedServer({ deltaRetention: 3 });
    try {
      const g = graphFor(small);
      const ids = await findLists(g, small.siteId);
      const path = `/sites/${encodeURIComponent(small.siteId)}/lists/${ids.units}/items`;
      const first = await g.get<{ '@odata.deltaLink': string }>(`${path}/delta`);
      small.seed(
        'Enheter',
        Array.from({ length: 5 }, (_, i) => ({ UnitId: `d-${i}` })),
      );
      await assert.rejects(
        g.get(g.relative(first['@odata.deltaLink'])),
        (e: unknown) => e instanceof GraphHttpError && e.status === 410,
      );
    } finally {
      await small.close();
    }
  });
});
