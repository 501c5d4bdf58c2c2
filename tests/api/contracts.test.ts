import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { contractInput } from '../support/fixtures.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

type Json = Record<string, unknown> & {
  items?: Record<string, unknown>[];
  issues?: { field: string; message: string }[];
};

describe('contracts API over HTTP', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({}, { clock: () => new Date('2026-01-15T10:00:00Z') });
  });
  after(() => s.close());

  const body = (over: Record<string, unknown> = {}) => ({
    ...contractInput({ owningUnitId: 'u-helse', ownerId: 'eier1', ...over }),
  });
  const create = async (over: Record<string, unknown> = {}, user = 'kontraktservice') => {
    const r = await s.request(user, 'POST', '/api/contracts', body(over));
    assert.equal(r.status, 201, r.text);
    return r.json() as Json & { id: string };
  };

  it('creates, reads with ETag, updates with If-Match and records the audit trail', async () => {
    const c = await create({ referenceNumber: 'API-1' });
    assert.equal(c.status, 'active');
    const got = await s.request('eier1', 'GET', `/api/contracts/${c.id}`);
    assert.equal(got.status, 200);
    assert.equal(got.headers.get('etag'), '"1"');
    const put = await s.request(
      'eier1',
      'PUT',
      `/api/contracts/${c.id}`,
      body({ referenceNumber: 'API-1', title: 'Endret tittel' }),
      { 'if-match': '"1"' },
    );
    assert.equal(put.status, 200, put.text);
    assert.equal(put.headers.get('etag'), '"2"');
    const patch = await s.request(
      'eier1',
      'PATCH',
      `/api/contracts/${c.id}`,
      { riskLevel: 'high' },
      { 'if-match': '"2"' },
    );
    assert.equal(patch.status, 200, patch.text);
    assert.equal((patch.json() as Json).riskLevel, 'high');
    assert.equal((patch.json() as Json).title, 'Endret tittel');
    const history = (
      await s.request('eier1', 'GET', `/api/contracts/${c.id}/history`)
    ).json() as Json;
    assert.deepEqual(
      history.items?.map((e) => [e.action, e.actorId]),
      [
        ['create', 'kontraktservice'],
        ['update', 'eier1'],
        ['update', 'eier1'],
      ],
    );
    assert.deepEqual(history.items?.[2]?.changes, [
      { field: 'riskLevel', from: 'medium', to: 'high' },
    ]);
  });

  it('answers 412 on a stale ETag and 428 without If-Match, changing nothing', async () => {
    const c = await create({ referenceNumber: 'API-2' });
    await s.request(
      'eier1',
      'PATCH',
      `/api/contracts/${c.id}`,
      { title: 'Første' },
      { 'if-match': '"1"' },
    );
    const stale = await s.request(
      'eier1',
      'PATCH',
      `/api/contracts/${c.id}`,
      { title: 'Andre' },
      { 'if-match': '"1"' },
    );
    assert.equal(stale.status, 412);
    assert.match((stale.json() as Json).error as string, /endret av noen andre/);
    const missing = await s.request('eier1', 'PATCH', `/api/contracts/${c.id}`, {
      title: 'Tredje',
    });
    assert.equal(missing.status, 428);
    const now = (await s.request('eier1', 'GET', `/api/contracts/${c.id}`)).json() as Json;
    assert.equal(now.title, 'Første');
  });

  it('names every bad field: orgnr, dates out of order, negative values, unknown unit', async () => {
    const r = await s.request('kontraktservice', 'POST', '/api/contracts', {
      ...body({ referenceNumber: 'BAD-1' }),
      suppliers: [{ orgnr: '123456784', name: 'Feil AS' }],
      startDate: '2026-05-01',
      endDate: '2026-01-01',
      options: [],
      estimatedValueOre: -5,
      owningUnitId: 'finnes-ikke',
    });
    assert.equal(r.status, 400);
    const fields = (r.json() as Json).issues?.map((i) => i.field).sort();
    assert.deepEqual(fields, ['endDate', 'estimatedValueOre', 'suppliers.0.orgnr']);
    const unit = await s.request(
      'kontraktservice',
      'POST',
      '/api/contracts',
      body({ referenceNumber: 'BAD-2', owningUnitId: 'finnes-ikke' }),
    );
    assert.equal(unit.status, 400);
    assert.deepEqual(
      (unit.json() as Json).issues?.map((i) => i.field),
      ['owningUnitId'],
    );
    const search = (
      await s.request('kontraktservice', 'GET', '/api/contracts?q=BAD&includeExpired=true')
    ).json() as Json;
    assert.equal(search.total, 0, 'nothing stored');
  });

  it('refuses invalid JSON (400), a body over 1 MB (413) and unknown fields, never a 500', async () => {
    const invalid = await s.request('kontraktservice', 'POST', '/api/contracts', '{"title": ');
    assert.equal(invalid.status, 400);
    assert.match(invalid.text, /Ugyldig JSON/);
    const huge = await s.request(
      'kontraktservice',
      'POST',
      '/api/contracts',
      JSON.stringify({ ...body({ referenceNumber: 'HUGE' }), description: 'x'.repeat(1_100_000) }),
    );
    assert.equal(huge.status, 413);
    const extra = await s.request('kontraktservice', 'POST', '/api/contracts', {
      ...body({ referenceNumber: 'X-1' }),
      isAdmin: true,
    });
    assert.equal(extra.status, 400);
    const badQuery = await s.request(
      'kontraktservice',
      'GET',
      '/api/contracts?status=bogus&limit=100000',
    );
    assert.equal(badQuery.status, 400);
    assert.deepEqual((badQuery.json() as Json).issues?.map((i) => i.field).sort(), [
      'limit',
      'status.0',
    ]);
    // Zod's own messages come in bokmål too, after the field they concern.
    assert.match(String((badQuery.json() as Json).error), /limit: kan være høyst 200/);
    assert.match(String((badQuery.json() as Json).error), /status\.0: må være en av: draft, /);
    assert.deepEqual((extra.json() as Json).issues, [{ field: 'isAdmin', message: 'ukjent felt' }]);
    const notJson = await s.request('kontraktservice', 'POST', '/api/contracts', '<xml/>', {
      'content-type': 'application/xml',
    });
    assert.equal(notJson.status, 400);
  });

  it('searches strings with FTS syntax as plain text', async () => {
    await create({ referenceNumber: 'FTS-1', title: 'Vask av "arbeidstøy" - NEAR AND OR' });
    for (const q of ['"', '*', 'NEAR(', '-', 'AND', 'arbeidstøy"', 'vask*', ')', "' OR 1=1 --"]) {
      const r = await s.request('leser', 'GET', `/api/search?q=${encodeURIComponent(q)}`);
      assert.equal(r.status, 200, `${q}: ${r.text}`);
    }
    const hit = (
      await s.request('leser', 'GET', `/api/search?q=${encodeURIComponent('"arbeidstøy" NEAR(')}`)
    ).json() as Json;
    assert.equal(hit.total, 1);
  });

  it('filters, hides expired contracts unless asked, sorts and pages', async () => {
    await create({
      referenceNumber: 'FLT-OLD',
      ownerId: 'eier2',
      owningUnitId: 'u-skole',
      startDate: '2020-01-01',
      endDate: '2025-01-01',
      options: [],
    });
    await create({
      referenceNumber: 'FLT-SOON',
      ownerId: 'eier2',
      owningUnitId: 'u-skole',
      startDate: '2020-01-01',
      endDate: '2026-03-01',
      options: [],
    });
    const mine = (await s.request('eier2', 'GET', '/api/contracts?owner=me')).json() as Json;
    assert.deepEqual(
      mine.items?.map((c) => c.referenceNumber),
      ['FLT-SOON'],
    );
    const all = (
      await s.request(
        'eier2',
        'GET',
        '/api/contracts?owner=me&includeExpired=true&sort=endDate&order=desc',
      )
    ).json() as Json;
    assert.deepEqual(
      all.items?.map((c) => [c.referenceNumber, c.status]),
      [
        ['FLT-SOON', 'expiring'],
        ['FLT-OLD', 'expired'],
      ],
    );
    const expiring = (
      await s.request('leser', 'GET', '/api/contracts?expiringWithinDays=60&unit=u-skole')
    ).json() as Json;
    assert.deepEqual(
      expiring.items?.map((c) => c.referenceNumber),
      ['FLT-SOON'],
    );
    const page = (
      await s.request('leser', 'GET', '/api/contracts?limit=1&offset=0&sort=referenceNumber')
    ).json() as Json;
    assert.equal(page.items?.length, 1);
    assert.ok((page.total as number) > 1);
  });

  it('exercising an option moves the current end date and the status; roles are enforced', async () => {
    const c = await create({
      referenceNumber: 'OPT-1',
      startDate: '2023-01-01',
      endDate: '2026-02-28',
      options: [{ newEndDate: '2027-02-28', decisionDeadline: '2025-12-31' }],
    });
    assert.equal(c.status, 'expiring');
    const denied = await s.request(
      'eier2',
      'POST',
      `/api/contracts/${c.id}/options/opsjon-1/exercise`,
      undefined,
      { 'if-match': '"1"' },
    );
    assert.equal(denied.status, 403);
    const r = await s.request(
      'eier1',
      'POST',
      `/api/contracts/${c.id}/options/opsjon-1/exercise`,
      undefined,
      { 'if-match': '"1"' },
    );
    assert.equal(r.status, 200, r.text);
    const after = r.json() as Json;
    assert.equal(after.currentEndDate, '2027-02-28');
    assert.equal(after.status, 'active');
    const again = await s.request(
      'eier1',
      'POST',
      `/api/contracts/${c.id}/options/opsjon-1/decline`,
      undefined,
      { 'if-match': '"2"' },
    );
    assert.equal(again.status, 409);
    const bad = await s.request(
      'eier1',
      'POST',
      `/api/contracts/${c.id}/options/opsjon-1/maybe`,
      undefined,
      { 'if-match': '"2"' },
    );
    assert.equal(bad.status, 400);
    const reader = await s.request(
      'leser',
      'PATCH',
      `/api/contracts/${c.id}`,
      { title: 'x' },
      { 'if-match': '"2"' },
    );
    assert.equal(reader.status, 403);
    const readerCreate = await s.request(
      'leser',
      'POST',
      '/api/contracts',
      body({ referenceNumber: 'R-1' }),
    );
    assert.equal(readerCreate.status, 403);
    const del = await s.request('eier1', 'DELETE', `/api/contracts/${c.id}`, undefined, {
      'if-match': '"2"',
    });
    assert.equal(del.status, 403);
    const ksDel = await s.request(
      'kontraktservice',
      'DELETE',
      `/api/contracts/${c.id}`,
      undefined,
      { 'if-match': '"2"' },
    );
    assert.equal(ksDel.status, 204);
  });

  it('requires a user, and knows the directory', async () => {
    assert.equal((await s.request(null, 'GET', '/api/contracts')).status, 401);
    assert.equal((await s.request('ukjent', 'GET', '/api/contracts')).status, 401);
    assert.equal(((await s.request('leser', 'GET', '/api/me')).json() as Json).role, 'reader');
    assert.ok(
      (((await s.request('leser', 'GET', '/api/units')).json() as Json).items?.length ?? 0) >= 3,
    );
    const sup = await s.request('leser', 'GET', '/api/suppliers/123456785');
    assert.equal(sup.status, 200);
    assert.equal((await s.request('leser', 'PUT', '/api/units/u-ny', { name: 'Ny' })).status, 403);
    const unit = await s.request('kontraktservice', 'PUT', '/api/units/u-ny', {
      name: 'Ny enhet',
      parentId: 'u-helse',
    });
    assert.equal(unit.status, 200, unit.text);
    const badSupplier = await s.request('kontraktservice', 'PUT', '/api/suppliers/123', {
      name: 'X',
    });
    assert.equal(badSupplier.status, 400);
    assert.deepEqual(
      (badSupplier.json() as Json).issues?.map((i) => i.field),
      ['orgnr'],
    );
  });

  it('serves health and an OpenAPI document without a user', async () => {
    const health = await s.request(null, 'GET', '/api/health');
    assert.equal(health.status, 200);
    assert.equal((health.json() as { store: { kind: string } }).store.kind, 'sqlite');
    const doc = (await s.request(null, 'GET', '/api/openapi.json')).json() as {
      openapi: string;
      paths: Record<string, unknown>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    assert.equal(doc.openapi, '3.1.0');
    assert.ok(doc.paths['/api/contracts/{id}']);
    assert.ok(doc.components.schemas.ContractInput?.properties?.referenceNumber);
    assert.equal((await s.request(null, 'GET', '/api/finnes-ikke')).status, 401);
    assert.equal((await s.request('leser', 'GET', '/api/finnes-ikke')).status, 404);
  });
});
