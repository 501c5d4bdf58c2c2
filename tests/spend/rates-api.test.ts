/**
 * Exchange rates and index values over HTTP: what the rates cover and which documents miss one,
 * a rate added later converting the stored documents (document and lines, as the ingest would),
 * a rate replaced rather than repeated, series files, Norges Bank and SSB out of reach (502), and
 * Kontraktservice only.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { User } from '../../src/core/index.ts';
import type { Services } from '../../src/services.ts';
import { SpendService } from '../../src/spend/service.ts';
import { spendServiceFor } from '../../src/spend/wire.ts';
import { type SpendApi, startSpendApi } from './spend-api-server.ts';

const users: Record<string, User> = {
  ks: { id: 'ks', name: 'Kari', email: 'ks@example.no', role: 'kontraktservice', unitId: null },
  owner: { id: 'o', name: 'Ola', email: 'o@example.no', role: 'contract_owner', unitId: 'u1' },
};

/** The official EUR example invoice (1325 EUR ex. VAT), re-dated after the shipped series. */
const EUR_INVOICE = readFileSync(
  new URL('../../../shared/data/ehf/base-example.xml', import.meta.url),
  'utf8',
).replaceAll('2017-11-13', '2025-06-02');

interface Overview {
  currencies: {
    currency: string;
    from: string;
    to: string;
    days: number;
    sources: Record<string, number>;
  }[];
  missing: { currency: string; documents: number; from: string; to: string }[];
}

describe('spend API: exchange rates and index values', () => {
  let api: SpendApi;
  let services: Services;

  before(async () => {
    api = await startSpendApi(users, {
      // Nothing listens there: the sources outside this machine are out of reach.
      NORGES_BANK_API_URL: 'http://127.0.0.1:9/api',
      SSB_API_URL: 'http://127.0.0.1:9',
    });
    services = api.services;
  });

  after(() => api.close());

  const call = (user: string, path: string, init: RequestInit = {}) => api.call(user, path, init);
  const post = (path: string, body: unknown) =>
    call('ks', path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const overview = async () => (await (await call('ks', '/spend/rates')).json()) as Overview;
  const stored = async () => {
    const spend = await spendServiceFor(services);
    const [doc] = await spend.store.rows<{ ore: bigint | null; rate: bigint | null }>(
      `SELECT nok_ore AS ore, rate_micro AS rate FROM spend_document WHERE currency = 'EUR'`,
    );
    const [lines] = await spend.store.rows<{ ore: bigint | null; nulls: bigint }>(
      `SELECT sum(net_nok_ore)::BIGINT AS ore, count(*) FILTER (WHERE net_nok_ore IS NULL) AS nulls
         FROM spend_line WHERE currency = 'EUR'`,
    );
    const rates = await spend.store.rows<{ n: bigint }>(
      `SELECT count(*) AS n FROM spend_rate WHERE currency = 'EUR' AND rate_date = DATE '2025-06-02'`,
    );
    return {
      docOre: doc?.ore == null ? null : Number(doc.ore),
      rate: doc?.rate == null ? null : Number(doc.rate),
      lineOre: lines?.ore == null ? null : Number(lines.ore),
      lineNulls: Number(lines?.nulls ?? 0),
      storedRates: Number(rates[0]?.n ?? 0),
    };
  };

  it('is for Kontraktservice only', async () => {
    for (const path of ['/spend/rates', '/spend/index-values'])
      assert.equal((await call('owner', path)).status, 403, path);
    const add = await call('owner', '/spend/rates/import', { method: 'POST', body: 'x' });
    assert.equal(add.status, 403);
  });

  it('shows the shipped series, and an invoice after it as missing a rate', async () => {
    const before = await overview();
    const eur = before.currencies.find((c) => c.currency === 'EUR');
    assert.deepEqual(eur, {
      currency: 'EUR',
      from: '2021-01-04',
      to: '2025-01-03',
      days: 1010,
      sources: { shipped: 1010 },
    });
    assert.deepEqual(before.missing, []);

    const up = await call('ks', '/spend/uploads?name=eur.xml', {
      method: 'POST',
      body: EUR_INVOICE,
    });
    assert.equal(up.status, 202);
    let job = (await up.json()) as { id: string; state: string };
    for (let i = 0; i < 200 && job.state === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      job = (await (await call('ks', `/spend/uploads/${job.id}`)).json()) as typeof job;
    }
    assert.equal(job.state, 'done');
    assert.deepEqual((await overview()).missing, [
      { currency: 'EUR', documents: 1, from: '2025-06-02', to: '2025-06-02' },
    ]);
    assert.deepEqual(await stored(), {
      docOre: null,
      rate: null,
      lineOre: null,
      lineNulls: 2,
      storedRates: 0,
    });
  });

  it('a rate added by hand converts the stored invoice and its lines; a new one replaces it', async () => {
    const add = await post('/spend/rates', { currency: 'EUR', date: '2025-06-02', rate: '11,2' });
    assert.equal(add.status, 201);
    assert.deepEqual(await add.json(), { ok: true, converted: 1 });
    // 1325.00 EUR × 11.2 = 14 840.00 NOK; the lines (2800 and −1500 EUR; the document adds a
    // 25 EUR charge) 14 560.00 NOK.
    assert.deepEqual(await stored(), {
      docOre: 1_484_000,
      rate: 11_200_000,
      lineOre: 1_456_000,
      lineNulls: 0,
      storedRates: 1,
    });
    assert.deepEqual((await overview()).missing, []);
    const eur = (await overview()).currencies.find((c) => c.currency === 'EUR');
    assert.deepEqual(eur?.sources, { shipped: 1010, manual: 1 });
    assert.equal(eur?.to, '2025-06-02');

    const again = await post('/spend/rates', {
      currency: 'EUR',
      date: '2025-06-02',
      rate: '11.25',
    });
    assert.deepEqual(await again.json(), { ok: true, converted: 1 });
    const s = await stored();
    assert.equal(s.docOre, 1_490_625);
    assert.equal(s.storedRates, 1); // replaced, not repeated

    // Exactly what an ingest with the rate already in place stores.
    const fresh = await SpendService.open({ file: ':memory:', contracts: { async *all() {} } });
    try {
      await fresh.addRates([
        { currency: 'EUR', date: '2025-06-02', nokPerUnitMicro: 11_250_000, source: 'manual' },
      ]);
      const bytes = Buffer.from(EUR_INVOICE);
      await fresh.ingest(
        (async function* () {
          yield { name: 'eur.xml', sourceBytes: bytes.length, bytes };
        })(),
        { workers: 0 },
      );
      const [doc] = await fresh.store.rows<{ ore: bigint }>(
        'SELECT nok_ore AS ore FROM spend_document',
      );
      const [lines] = await fresh.store.rows<{ ore: bigint }>(
        'SELECT sum(net_nok_ore)::BIGINT AS ore FROM spend_line',
      );
      assert.equal(Number(doc?.ore), s.docOre);
      assert.equal(Number(lines?.ore), s.lineOre);
    } finally {
      fresh.close();
    }

    // The reports see it (the lines, 14 625.00 NOK): the invoice's supplier has no agreement.
    const leakage = (await (
      await call('ks', '/spend/reports/leakage?today=2025-12-31')
    ).json()) as {
      totalOre: number;
      byClass: { unmatchedClass: string; last12MonthsOre: number }[];
    };
    assert.equal(leakage.totalOre, 1_462_500);
    assert.deepEqual(
      leakage.byClass.map((c) => [c.unmatchedClass, c.last12MonthsOre]),
      [['no_agreement', 1_462_500]],
    );
  });

  it('imports a series file; a bad line is refused whole, naming it; too large is 413', async () => {
    const ok = await call('ks', '/spend/rates/import?name=kurser.csv', {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: 'dato;EUR;100 SEK\n2025-06-03;11,3;98,10\n2025-06-04;11.31;\n',
    });
    assert.equal(ok.status, 201, await ok.clone().text());
    assert.deepEqual(await ok.json(), { imported: 3, converted: 0 });
    const sek = (await overview()).currencies.find((c) => c.currency === 'SEK');
    assert.equal(sek?.sources['series-file'], 1);

    const bad = await call('ks', '/spend/rates/import', {
      method: 'POST',
      body: 'dato;EUR\n2025-06-05;11.3\n2025-06-06;<script>alert(1)</script>\n',
    });
    assert.equal(bad.status, 400);
    const body = (await bad.json()) as { error: string; issues: { field: string }[] };
    assert.match(body.error, /linje 3/);
    assert.equal(body.issues[0]?.field, 'file');
    const days = (await overview()).currencies.find((c) => c.currency === 'EUR');
    assert.equal(days?.to, '2025-06-04'); // nothing of the bad file was stored

    const big = await call('ks', '/spend/rates/import', {
      method: 'POST',
      body: Buffer.alloc(5 * 1024 * 1024 + 1, 0x41),
    });
    assert.equal(big.status, 413);
  });

  it('Norges Bank and SSB out of reach: 502 naming the source; refused input: 400', async () => {
    const nb = await post('/spend/rates/fetch', {
      currencies: ['EUR'],
      from: '2025-06-01',
      to: '2025-06-30',
    });
    assert.equal(nb.status, 502);
    assert.match(((await nb.json()) as { error: string }).error, /Norges Bank/);
    const ssb = await post('/spend/index-values/fetch', {});
    assert.equal(ssb.status, 502);
    assert.match(((await ssb.json()) as { error: string }).error, /SSB/);
    const hostile = await post('/spend/rates', {
      currency: '<script>',
      date: '2025-06-02',
      rate: '1',
    });
    assert.equal(hostile.status, 400);
    assert.equal(
      ((await hostile.json()) as { issues: { field: string }[] }).issues[0]?.field,
      'currency',
    );
  });

  it('lists index values: shipped yearly averages, and one added by hand', async () => {
    const list = async () =>
      (
        (await (await call('ks', '/spend/index-values')).json()) as {
          values: { index: string; period: string; value: string; source: string }[];
        }
      ).values;
    assert.deepEqual(
      (await list()).find((v) => v.period === '2024'),
      { index: 'KPI', period: '2024', value: '133.6', source: 'shipped' },
    );
    const add = await post('/spend/index-values', {
      index: 'KPI',
      period: '2025-10',
      value: '137,9',
    });
    assert.equal(add.status, 201);
    const values = await list();
    assert.deepEqual(values[0], {
      index: 'KPI',
      period: '2025-10',
      value: '137.9',
      source: 'manual',
    });
  });
});
