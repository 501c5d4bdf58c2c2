// The whole API with STORE=sharepoint against the local Graph server: the same behaviour as SQLite.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { GraphServer } from '../graph/server.ts';
import { contractInput } from '../support/fixtures.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { provisionedServer } from './helpers.ts';

describe('API on the SharePoint adapter', () => {
  let graph: GraphServer;
  let s: TestServer;
  before(async () => {
    graph = await provisionedServer();
    s = await startTestServer({
      STORE: 'sharepoint',
      SHAREPOINT_SITE_ID: graph.siteId,
      GRAPH_BASE_URL: graph.baseUrl,
      GRAPH_TOKEN: 'test-token',
    });
  });
  after(async () => {
    await s.close();
    await graph.close();
  });

  it('reports the store, creates, searches and refuses a stale ETag', async () => {
    const health = (await s.request(null, 'GET', '/api/health')).json() as {
      store: { kind: string; ok: boolean };
    };
    assert.equal(health.store.ok, true);
    assert.match(health.store.kind, /sharepoint/);
    const created = await s.request('kontraktservice', 'POST', '/api/contracts', {
      ...contractInput({
        referenceNumber: 'SP-1',
        owningUnitId: 'u-helse',
        ownerId: 'eier1',
        title: 'Snørydding i Åsane',
      }),
    });
    assert.equal(created.status, 201, created.text);
    const id = (created.json() as { id: string }).id;
    const found = (await s.request('leser', 'GET', '/api/contracts?q=%C3%A5sane')).json() as {
      total: number;
    };
    assert.equal(found.total, 1);
    const ok = await s.request(
      'eier1',
      'PATCH',
      `/api/contracts/${id}`,
      { riskLevel: 'high' },
      { 'if-match': '"1"' },
    );
    assert.equal(ok.status, 200, ok.text);
    const stale = await s.request(
      'eier1',
      'PATCH',
      `/api/contracts/${id}`,
      { riskLevel: 'low' },
      { 'if-match': '"1"' },
    );
    assert.equal(stale.status, 412);
    const history = (await s.request('eier1', 'GET', `/api/contracts/${id}/history`)).json() as {
      items: unknown[];
    };
    assert.equal(history.items.length, 2);
  });
});
