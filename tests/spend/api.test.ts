import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { User } from '../../src/core/index.ts';
import { type SpendApi, startSpendApi } from './spend-api-server.ts';
import { makeZip } from './zip-writer.ts';

const EHF_DIR = fileURLToPath(new URL('../../../shared/data/ehf/', import.meta.url));

const users: Record<string, User> = {
  ks: {
    id: 'ks',
    name: 'Kari Kontraktservice',
    email: 'ks@example.no',
    role: 'kontraktservice',
    unitId: null,
  },
  reader: { id: 'r', name: 'Rolf Leser', email: 'r@example.no', role: 'reader', unitId: null },
};

describe('spend API (Kontraktservice only)', () => {
  let api: SpendApi;

  before(async () => {
    api = await startSpendApi(users);
  });

  after(() => api.close());

  const call = (user: string, path: string, init: RequestInit = {}) => api.call(user, path, init);

  it('refuses readers and anonymous users', async () => {
    assert.equal((await call('reader', '/spend/reports/turnover')).status, 403);
    assert.equal((await call('nobody', '/spend/reports/turnover')).status, 401);
    const up = await call('reader', '/spend/uploads', {
      method: 'POST',
      body: Buffer.from('<x/>'),
    });
    assert.equal(up.status, 403);
  });

  it('runs an upload as a job with progress, then serves reports, Excel and drill-down', async () => {
    const zip = makeZip(
      readdirSync(EHF_DIR).map((name) => ({
        name,
        data: readFileSync(join(EHF_DIR, name)),
        deflate: true,
      })),
    );
    const res = await call('ks', '/spend/uploads?name=ehf.zip', {
      method: 'POST',
      headers: { 'content-type': 'application/zip' },
      body: zip,
    });
    assert.equal(res.status, 202);
    let job = (await res.json()) as {
      id: string;
      state: string;
      summary: { duplicates: number; totals: Record<string, number> } | null;
    };
    for (let i = 0; i < 200 && job.state === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      job = (await (await call('ks', `/spend/uploads/${job.id}`)).json()) as typeof job;
    }
    assert.equal(job.state, 'done');
    assert.equal(job.summary?.duplicates, 1);
    assert.deepEqual(job.summary?.totals, { EUR: 5900, NOK: 1436.5 });

    const leakage = await call('ks', '/spend/reports/leakage?today=2024-12-31');
    assert.equal(leakage.status, 200);
    const prices = await call('ks', '/spend/reports/prices?tolerance=100');
    assert.equal(prices.status, 200);
    const xlsx = await call('ks', '/spend/reports/turnover.xlsx');
    assert.equal(xlsx.status, 200);
    assert.match(String(xlsx.headers.get('content-type')), /spreadsheetml/);
    assert.equal(
      Buffer.from(await xlsx.arrayBuffer())
        .subarray(0, 2)
        .toString(),
      'PK',
    );
    const lines = (await (
      await call('ks', '/spend/lines?unmatchedClass=no_agreement&limit=5')
    ).json()) as { items: unknown[] };
    assert.ok(lines.items.length > 0 && lines.items.length <= 5);
  });

  it('validates input', async () => {
    const bad = await call('ks', '/spend/reports/leakage?today=31.12.2024');
    assert.equal(bad.status, 400);
    const body = (await bad.json()) as { issues: { field: string }[] };
    assert.equal(body.issues[0]?.field, 'today');
    const rate = await call('ks', '/spend/rates', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ currency: 'EUR', date: '2017-11-13', rate: '9,6' }),
    });
    assert.equal(rate.status, 201);
    const empty = await call('ks', '/spend/uploads', { method: 'POST', body: Buffer.alloc(0) });
    assert.equal(empty.status, 400);
  });
});
