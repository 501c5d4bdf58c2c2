import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { errorHandler } from '../../src/api/errors.ts';
import { spendRoutes } from '../../src/api/routes/spend.ts';
import { loadConfig } from '../../src/config.ts';
import type { User } from '../../src/core/index.ts';
import { createServices, type Services } from '../../src/services.ts';
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
  let dir: string;
  let services: Services;
  let server: Server;
  let base: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'spend-api-'));
    services = await createServices(
      loadConfig({ DATA_DIR: dir, AUTH_MODE: 'dev', LOG_LEVEL: 'silent', DEMO_DATA: 'off' }),
    );
    const app = express();
    app.use(express.json());
    // Stands in for the product's authentication: the test names the signed-in user.
    app.use((req, _res, next) => {
      const u = users[String(req.header('x-test-user'))];
      if (u) req.user = u;
      next();
    });
    app.use('/api', spendRoutes(services));
    app.use(errorHandler(() => {}));
    server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  });

  after(async () => {
    server.close();
    await services.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const call = (user: string, path: string, init: RequestInit = {}) =>
    fetch(`${base}${path}`, { ...init, headers: { 'x-test-user': user, ...(init.headers ?? {}) } });

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
