// End to end through the real API with STORE=sharepoint and AUTH_MODE=entra: users sign in with
// Entra tokens (local Entra stand-in, also the MSAL authority for on-behalf-of), the register
// lives on the local Graph server, which gives each user's on-behalf-of token its own SharePoint
// permissions and records the token of every call. A user's own register writes must reach Graph
// with that user's token; the shared cache, server-side work and the scheduler with the app's.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { followUpFor } from '../../src/followup/wire.ts';
import { asUser, runWithCaller } from '../../src/store/sharepoint/caller.ts';
import type { SharePointRegisterStore } from '../../src/store/sharepoint/register-store.ts';
import type { GraphCall, GraphServer, TokenAccess } from '../graph/server.ts';
import { csv, HEADER, row } from '../register-io/helpers.ts';
import { contractInput } from '../support/fixtures.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { CLIENT, type EntraStandIn, SECRET, startEntra, TENANT } from './entra.ts';
import { openStore, provisionedServer, TEST_SEAL_KEY } from './helpers.ts';

const APP = 'test-token';

describe('API on SharePoint with on-behalf-of tokens', () => {
  let entra: EntraStandIn;
  let graph: GraphServer;
  let s: TestServer;
  /** SharePoint permissions per user oid for their on-behalf-of token (default: write). */
  const access = new Map<string, TokenAccess>();
  const tokens: Record<string, string> = {};

  before(async () => {
    entra = await startEntra({ appToken: APP });
    graph = await provisionedServer({
      recordCalls: true,
      tokenAccess: (t) => (t.startsWith('obo-') ? (access.get(t.slice(4)) ?? 'write') : undefined),
    });
    s = await startTestServer(
      {
        STORE: 'sharepoint',
        SHAREPOINT_SITE_ID: graph.siteId,
        GRAPH_BASE_URL: graph.baseUrl,
        AUTH_MODE: 'entra',
        ENTRA_TENANT_ID: TENANT,
        ENTRA_CLIENT_ID: CLIENT,
        ENTRA_CLIENT_SECRET: SECRET,
        SHAREPOINT_SEAL_KEY: TEST_SEAL_KEY,
      },
      { entraFetch: entra.fetch },
    );
    for (const id of ['kontraktservice', 'eier1', 'eier2', 'leser']) {
      tokens[id] = await entra.userToken({ oid: `oid-${id}`, email: `${id}@kommune.example` });
    }
  });
  after(async () => {
    await s.close();
    await graph.close();
    await entra.close();
  });

  const as = (
    user: string,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    token = tokens[user] as string,
  ) => s.request(null, method, path, body, { ...headers, authorization: `Bearer ${token}` });

  const create = async (ref: string, ownerId: string, owningUnitId = 'u-helse') => {
    const r = await as(
      'kontraktservice',
      'POST',
      '/api/contracts',
      contractInput({ referenceNumber: ref, ownerId, owningUnitId }),
    );
    assert.equal(r.status, 201, r.text);
    return r.json() as { id: string; version: number };
  };

  const patch = (user: string, id: string, version: number, body: unknown, token?: string) =>
    as(user, 'PATCH', `/api/contracts/${id}`, body, { 'if-match': `"${version}"` }, token);

  /** Calls made while `fn` ran. */
  async function during<T>(fn: () => Promise<T>): Promise<{ result: T; calls: GraphCall[] }> {
    graph.clearCalls();
    const result = await fn();
    return { result, calls: [...graph.calls()] };
  }
  /** Writes (top-level or inside a $batch; the $batch envelope itself left out). */
  const writes = (calls: readonly GraphCall[]) =>
    calls.filter((c) => c.method !== 'GET' && c.path !== '/$batch');
  /** The register's lists: what a user's own writes go to. */
  const REGISTER = new Set(['Kontrakter', 'Enheter', 'Brukere', 'Leverandører', 'Endringslogg']);
  const registerWrites = (calls: readonly GraphCall[]) =>
    writes(calls).filter((c) => REGISTER.has(c.list ?? ''));
  const reads = (calls: readonly GraphCall[]) => calls.filter((c) => c.method === 'GET');
  const itemOf = (contractId: string) =>
    graph.items('Kontrakter').find((i) => i.fields.ContractId === contractId);

  it('a user’s create and update reach Graph with that user’s token; MSAL asks Entra once', async () => {
    const { result: c, calls } = await during(async () => {
      const created = await create('OBO-1', 'eier1');
      const r = await patch('kontraktservice', created.id, 1, { riskLevel: 'high' });
      assert.equal(r.status, 200, r.text);
      return created;
    });
    const w = registerWrites(calls);
    assert.ok(w.some((x) => x.method === 'POST' && x.list === 'Kontrakter'));
    assert.ok(w.some((x) => x.method === 'PATCH' && x.list === 'Kontrakter'));
    assert.ok(w.some((x) => x.method === 'POST' && x.list === 'Endringslogg'));
    for (const x of w) assert.equal(x.token, 'obo-oid-kontraktservice', `${x.method} ${x.path}`);
    // Everything else — reads for the shared cache, the follow-up engine's plan for the new
    // contract (written by the change hook) — is the app's.
    for (const x of calls.filter((c) => c.path !== '/$batch' && !w.includes(c))) {
      assert.equal(x.token, APP, `${x.method} ${x.list} ${x.path}`);
    }
    assert.equal(itemOf(c.id)?.fields.Version, 2);
    assert.equal(entra.oboGrants('oid-kontraktservice'), 1, 'the second write used MSAL’s cache');
  });

  it('a user whose SharePoint access is read-only gets 403 and nothing is written', async () => {
    const c = await create('OBO-2', 'eier2', 'u-skole');
    await patch('kontraktservice', c.id, 1, { riskLevel: 'low' }); // the item now holds an entry
    access.set('oid-eier2', 'read');
    const logBefore = graph.items('Endringslogg').length;
    const itemBefore = itemOf(c.id);
    const { result: r, calls } = await during(() =>
      patch('eier2', c.id, 2, { riskLevel: 'high', title: 'Endret av eier2' }),
    );
    assert.equal(r.status, 403, r.text);
    const body = r.json() as { code: string; error: string };
    assert.equal(body.code, 'forbidden');
    assert.match(body.error, /SharePoint avviste endringen.*Ingenting ble lagret/);
    const w = writes(calls);
    assert.ok(w.length > 0);
    for (const x of w) {
      assert.equal(x.token, 'obo-oid-eier2', 'never retried with the app’s token');
      assert.ok(x.status === 403 || x.status === 424, `${x.method} ${x.list} ${x.status}`);
    }
    assert.deepEqual(itemOf(c.id), itemBefore);
    assert.equal(graph.items('Endringslogg').length, logBefore);
    const now = (await as('eier2', 'GET', `/api/contracts/${c.id}`)).json() as {
      version: number;
      riskLevel: string;
    };
    assert.equal(now.version, 2);
    assert.equal(now.riskLevel, 'low');
    const history = (await as('eier2', 'GET', `/api/contracts/${c.id}/history`)).json() as {
      items: unknown[];
    };
    assert.equal(history.items.length, 2);
    access.delete('oid-eier2');
    const ok = await patch('eier2', c.id, 2, { riskLevel: 'high' });
    assert.equal(ok.status, 200, ok.text);
  });

  it('the cache refresh inside a request, and the re-read after a 412, go as the app', async () => {
    const c = await create('OBO-3', 'eier1');
    const { calls } = await during(async () => {
      const h = await as('eier1', 'GET', `/api/contracts/${c.id}/history`); // forces a delta sync
      assert.equal(h.status, 200, h.text);
    });
    assert.ok(reads(calls).some((x) => x.path.includes('/items/delta')));
    for (const x of calls) assert.equal(x.token, APP, `${x.method} ${x.path}`);

    // Another instance changes the contract; this one's cache is now behind.
    const other: SharePointRegisterStore = await openStore(graph, 'b');
    const fresh = await other.contracts.get(c.id);
    assert.ok(fresh);
    const { id: _i, version: _v, createdAt: _c, updatedAt: _u, ...input } = fresh;
    await other.contracts.update(c.id, { ...input, riskLevel: 'high' }, null, 'system');
    const { result: stale, calls: staleCalls } = await during(() =>
      patch('eier1', c.id, 1, { riskLevel: 'low' }),
    );
    assert.equal(stale.status, 412, stale.text);
    assert.ok(reads(staleCalls).length > 0, 'the cache was brought up to date');
    for (const x of reads(staleCalls)) assert.equal(x.token, APP, `${x.method} ${x.path}`);
    for (const x of writes(staleCalls)) assert.equal(x.token, 'obo-oid-eier1');
    await other.close();
  });

  it('two users in parallel never get each other’s token', async () => {
    const mine = await Promise.all([1, 2, 3, 4].map((n) => create(`OBO-E${n}`, 'eier1')));
    const theirs = await Promise.all(
      [1, 2, 3, 4].map((n) => create(`OBO-K${n}`, 'eier2', 'u-skole')),
    );
    const expected = new Map<string, string>();
    for (const c of mine) expected.set(itemOf(c.id)?.id as string, 'obo-oid-eier1');
    for (const c of theirs) expected.set(itemOf(c.id)?.id as string, 'obo-oid-kontraktservice');
    graph.clearCalls();
    for (let round = 1; round <= 5; round++) {
      const results = await Promise.all([
        ...mine.map((c) => patch('eier1', c.id, round, { description: `eier1 runde ${round}` })),
        ...theirs.map((c) =>
          patch('kontraktservice', c.id, round, { description: `ks runde ${round}` }),
        ),
      ]);
      for (const r of results) assert.equal(r.status, 200, r.text);
    }
    const patches = writes(graph.calls()).filter(
      (x) => x.method === 'PATCH' && x.list === 'Kontrakter',
    );
    assert.equal(patches.length, 40);
    for (const x of patches) {
      const itemId = /\/items\/([^/]+)\/fields/.exec(x.path)?.[1] as string;
      assert.equal(x.token, expected.get(itemId), x.path);
    }
    for (const c of mine) {
      const audit = (await as('eier1', 'GET', `/api/contracts/${c.id}/history`)).json() as {
        items: { actorId: string }[];
      };
      assert.deepEqual(
        audit.items.map((e) => e.actorId),
        ['kontraktservice', 'eier1', 'eier1', 'eier1', 'eier1', 'eier1'],
      );
    }
  });

  it('consent missing → 403, a revoked sign-in → 401; never the app’s token instead', async () => {
    const c = await create('OBO-4', 'eier1');
    // A fresh sign-in (new assertion), so MSAL must ask Entra.
    const fresh = await entra.userToken({ oid: 'oid-eier1', email: 'eier1@kommune.example' });
    entra.refuse('oid-eier1', 'consent');
    const { result: r, calls } = await during(() =>
      patch('eier1', c.id, 1, { riskLevel: 'high' }, fresh),
    );
    assert.equal(r.status, 403, r.text);
    assert.match((r.json() as { error: string }).error, /samtykke/);
    assert.equal(writes(calls).length, 0, 'nothing reached Graph');
    assert.equal(calls.filter((x) => x.method !== 'GET').length, 0);
    entra.refuse('oid-eier1', 'revoked');
    const revoked = await patch('eier1', c.id, 1, { riskLevel: 'high' }, fresh);
    assert.equal(revoked.status, 401, revoked.text);
    assert.match((revoked.json() as { error: string }).error, /logg|pålogging/i);
    entra.refuse('oid-eier1', null);
    assert.equal(itemOf(c.id)?.fields.Version, 1);
    const ok = await patch('eier1', c.id, 1, { riskLevel: 'high' }, fresh);
    assert.equal(ok.status, 200, ok.text);
  });

  it('an import (raw body parsed after sign-in) and a directory change go as the user', async () => {
    const file = csv(HEADER, [
      row({ Avtalenummer: 'OBO-IMP-1', Eierenhet: 'u-helse', Kontraktseier: 'eier1' }),
      row({ Avtalenummer: 'OBO-IMP-2', Eierenhet: 'u-helse', Kontraktseier: 'eier1' }),
    ]);
    const { result: imported, calls } = await during(() =>
      as('kontraktservice', 'POST', '/api/import?dryRun=false', file, {
        'content-type': 'text/csv',
      }),
    );
    assert.equal(imported.status, 200, imported.text);
    const posts = writes(calls).filter((x) => x.list === 'Kontrakter');
    assert.equal(posts.length, 2);
    for (const x of posts) assert.equal(x.token, 'obo-oid-kontraktservice');

    const { result: unit, calls: unitCalls } = await during(() =>
      as('kontraktservice', 'PUT', '/api/units/u-kultur', { name: 'Kultur', sector: 'Kultur' }),
    );
    assert.equal(unit.status, 200, unit.text);
    const unitWrites = writes(unitCalls);
    assert.deepEqual(unitWrites.map((x) => x.list).sort(), ['Endringslogg', 'Enheter']);
    for (const x of unitWrites) assert.equal(x.token, 'obo-oid-kontraktservice');
  });

  it('server-side work goes as the app: first sign-in, a system change, the scheduler', async () => {
    // A new employee with no SharePoint access at all is registered (actor `system`) by the app.
    access.set('oid-ny', 'none');
    const ny = await entra.userToken({ oid: 'oid-ny', email: 'ny@kommune.example' });
    const { result: me, calls } = await during(() => as('ny', 'GET', '/api/me', undefined, {}, ny));
    assert.equal(me.status, 200, me.text);
    const registered = writes(calls).filter((x) => x.list === 'Brukere');
    assert.equal(registered.length, 1);
    assert.equal(registered[0]?.token, APP);

    // A change made by `system` while a user's request is running stays the app's.
    const c = await create('OBO-5', 'eier1');
    const store = s.services.store;
    const before = await store.contracts.get(c.id);
    assert.ok(before);
    const { id: _i, version: _v, createdAt: _c, updatedAt: _u, ...input } = before;
    const { calls: systemCalls } = await during(() =>
      runWithCaller({ userId: 'eier1', assertion: tokens.eier1 as string }, () =>
        asUser('eier1', () =>
          store.contracts.update(c.id, { ...input, riskLevel: 'high' }, null, 'system'),
        ),
      ),
    );
    assert.ok(writes(systemCalls).length > 0);
    for (const x of systemCalls) assert.equal(x.token, APP, `${x.method} ${x.path}`);

    // The scheduler's daily run (lease, plans, outbox), also when started inside a request.
    const followUp = followUpFor(s.services);
    const { result: run, calls: daily } = await during(() =>
      runWithCaller(
        { userId: 'kontraktservice', assertion: tokens.kontraktservice as string },
        () => followUp.daily(),
      ),
    );
    assert.equal(run.ran, true);
    assert.ok(writes(daily).some((x) => x.list === 'Lease'));
    for (const x of daily) assert.equal(x.token, APP, `${x.method} ${x.path}`);
  });
});
