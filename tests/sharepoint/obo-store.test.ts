// The SharePoint register store with the token selector, against the local Graph server: which
// token each call carries, and that a write SharePoint refuses leaves nothing half-written — also
// when the user may write the contracts but not the audit log (the held entry must be archived
// before the item changes).
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Contract } from '../../src/core/index.ts';
import { asUser, callerTokens, runWithCaller } from '../../src/store/sharepoint/caller.ts';
import { Graph } from '../../src/store/sharepoint/graph.ts';
import {
  openSharePointRegister,
  type SharePointRegisterStore,
} from '../../src/store/sharepoint/register-store.ts';
import { staticToken } from '../../src/store/sharepoint/tokens.ts';
import type { GraphServer, TokenAccess } from '../graph/server.ts';
import { contractInput } from '../support/fixtures.ts';
import { openStore, provisionedServer, SECOND_MS } from './helpers.ts';

const APP = 'test-token';
const EIER = { userId: 'eier1', assertion: 'sso-eier1' };

describe('register writes with on-behalf-of tokens', () => {
  let server: GraphServer;
  let store: SharePointRegisterStore;
  let graph: Graph;
  const access = new Map<string, TokenAccess>();

  before(async () => {
    server = await provisionedServer({
      recordCalls: true,
      tokenAccess: (t) => (t.startsWith('obo-') ? (access.get(t) ?? 'write') : undefined),
    });
    graph = new Graph({
      baseUrl: server.baseUrl,
      tokens: callerTokens(staticToken(APP), async (assertion) => `obo-${assertion}`),
      secondMs: SECOND_MS,
    });
    store = await openSharePointRegister({ graph, siteId: server.siteId, maxStalenessMs: 0 });
  });
  after(() => server.close());
  beforeEach(() => access.clear());

  const asEier = <T>(fn: () => Promise<T>) => runWithCaller(EIER, fn);
  const inputOf = (c: Contract) => {
    const { id: _i, version: _v, createdAt: _c, updatedAt: _u, ...input } = c;
    return input;
  };
  const itemOf = (id: string) => server.items('Kontrakter').find((i) => i.fields.ContractId === id);

  it('the user’s writes carry their token; the cache reads inside them the app’s', async () => {
    server.clearCalls();
    const c = await asEier(() =>
      store.contracts.create(contractInput({ referenceNumber: 'S-1', ownerId: 'eier1' }), 'eier1'),
    );
    // A read (delta sync) made from inside the user's write scope is still the app's.
    await asEier(() => asUser('eier1', () => store.contracts.count()));
    const calls = server.calls().filter((x) => x.path !== '/$batch');
    const post = calls.find((x) => x.method === 'POST' && x.list === 'Kontrakter');
    assert.equal(post?.token, 'obo-sso-eier1');
    const deltas = calls.filter((x) => x.path.includes('/items/delta'));
    assert.ok(deltas.length > 0);
    for (const x of deltas) assert.equal(x.token, APP);
    assert.equal(itemOf(c.id)?.fields.Version, 1);
  });

  it('may write contracts but not the log: the update is refused whole (403), entry kept', async () => {
    const c = await asEier(() =>
      store.contracts.create(contractInput({ referenceNumber: 'S-2', ownerId: 'eier1' }), 'eier1'),
    );
    access.set('obo-sso-eier1', { Endringslogg: 'read' });
    const before = itemOf(c.id);
    const log = server.items('Endringslogg').length;
    await assert.rejects(
      asEier(() => store.contracts.update(c.id, { ...inputOf(c), riskLevel: 'high' }, 1, 'eier1')),
      { code: 'forbidden' },
    );
    assert.deepEqual(itemOf(c.id), before, 'the item (and the entry it holds) is unchanged');
    assert.equal(server.items('Endringslogg').length, log);
    await assert.rejects(
      asEier(() => store.contracts.remove(c.id, 1, 'eier1')),
      {
        code: 'forbidden',
      },
    );
    assert.deepEqual(itemOf(c.id), before, 'not deleted either');
    access.delete('obo-sso-eier1');
    const done = await asEier(() =>
      store.contracts.update(c.id, { ...inputOf(c), riskLevel: 'high' }, 1, 'eier1'),
    );
    assert.equal(done.version, 2);
    const history = await store.audit.list('contract', c.id);
    assert.deepEqual(
      history.map((e) => [e.action, e.actorId]),
      [
        ['create', 'eier1'],
        ['update', 'eier1'],
      ],
    );
  });

  it('a read-only user’s import, unit and audit entry are refused; nothing is written', async () => {
    access.set('obo-sso-eier1', 'read');
    const count = server.items('Kontrakter').length;
    await assert.rejects(
      asEier(() =>
        store.contracts.importMany(
          [contractInput({ referenceNumber: 'S-I1' }), contractInput({ referenceNumber: 'S-I2' })],
          'eier1',
        ),
      ),
      { code: 'forbidden' },
    );
    assert.equal(server.items('Kontrakter').length, count);
    await assert.rejects(
      asEier(() =>
        store.directory.saveUnit({ id: 'u-x', name: 'X', parentId: null, sector: null }, 'eier1'),
      ),
      { code: 'forbidden' },
    );
    await assert.rejects(
      asEier(() =>
        store.audit.append({
          actorId: 'eier1',
          entity: 'contract',
          entityId: 'x',
          action: 'note',
          changes: [],
          sensitive: [],
        }),
      ),
      { code: 'forbidden' },
    );
    assert.equal(await store.directory.getUnit('u-x'), null);
  });

  it('two instances racing: an entry archived twice is kept once, the write still lands', async () => {
    // An instance whose cache is not refreshed before the write (within its staleness window).
    const mine = await openSharePointRegister({
      graph,
      siteId: server.siteId,
      maxStalenessMs: 600_000,
    });
    const c = await asEier(() =>
      mine.contracts.create(contractInput({ referenceNumber: 'S-3', ownerId: 'eier1' }), 'eier1'),
    );
    const other = await openStore(server, 'b');
    await other.contracts.get(c.id); // both caches hold the item with entry 1
    await other.contracts.update(c.id, { ...inputOf(c), riskLevel: 'low' }, 1, 'eier2');
    server.clearCalls();
    // This instance's cache is stale: it archives entry 1 again (409 duplicate), its PATCH is not
    // sent (424) and is sent again alone (412 stale), then the fresh item is written.
    const done = await asEier(() =>
      mine.contracts.update(c.id, { ...inputOf(c), riskLevel: 'high' }, null, 'eier1'),
    );
    const statuses = server
      .calls()
      .filter((x) => x.inBatch)
      .map((x) => `${x.method} ${x.list} ${x.status}`);
    assert.ok(statuses.includes('POST Endringslogg 409'), statuses.join(', '));
    assert.ok(statuses.includes('PATCH Kontrakter 412'), statuses.join(', '));
    assert.equal(done.riskLevel, 'high');
    const history = await store.audit.list('contract', c.id);
    assert.deepEqual(
      history.map((e) => e.actorId),
      ['eier1', 'eier2', 'eier1'],
    );
    assert.equal(new Set(history.map((e) => e.id)).size, 3);
    await other.close();
  });
});
