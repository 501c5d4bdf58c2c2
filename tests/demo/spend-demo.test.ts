import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { isEventTask } from '../../src/core/followup/ceiling.ts';
import { addDays, type Contract } from '../../src/core/index.ts';
import { generateDemoPortfolio } from '../../src/demo/portfolio.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { type DemoSpend, generateDemoSpend, loadDemoSpend } from '../../src/demo/spend.ts';
import { followUpFor } from '../../src/followup/wire.ts';
import { start } from '../../src/main.ts';
import type { Services } from '../../src/services.ts';
import { parseEhfText } from '../../src/spend/ehf/parser.ts';
import { toEhfXml } from '../../src/spend/synthetic.ts';
import { spendServiceFor } from '../../src/spend/wire.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const TODAY = '2026-11-26';

/** The demo portfolio as register contracts (ids = reference numbers), without a database. */
function portfolio(today: string): Contract[] {
  return generateDemoPortfolio({ today }).contracts.map((c) => ({
    ...c,
    id: c.referenceNumber,
    options: c.options.map((o, i) => ({ ...o, id: `${c.referenceNumber}-o${i}` })),
    version: 1,
    createdAt: `${today}T00:00:00Z`,
    updatedAt: `${today}T00:00:00Z`,
  }));
}

const xmlHash = (s: DemoSpend) => {
  const h = createHash('sha256');
  for (const d of s.documents) h.update(toEhfXml(d));
  for (const p of s.priceLists) h.update(p.csv);
  h.update(JSON.stringify(s.rates));
  return h.digest('hex');
};

interface CeilingRow {
  readonly referenceNumber: string;
  readonly ratio: number | null;
}
interface Dashboard {
  readonly spendConnected: boolean;
  readonly ceiling: readonly CeilingRow[];
}

describe('demo spend generator (pure)', () => {
  it('is deterministic: same contracts, today and seed give the same invoices byte for byte', () => {
    const contracts = portfolio(TODAY);
    const a = generateDemoSpend(contracts, { today: TODAY });
    const b = generateDemoSpend([...contracts].reverse(), { today: TODAY });
    assert.equal(xmlHash(a), xmlHash(b));
    assert.notEqual(xmlHash(generateDemoSpend(contracts, { today: TODAY, seed: 7 })), xmlHash(a));
    assert.ok(a.documents.length >= 1000 && a.documents.length <= 4000, `${a.documents.length}`);
  });

  for (const today of ['2025-03-01', TODAY, '2028-06-15']) {
    it(`has ceiling alerts, leakage, spend after expiry, price lists and rates around ${today}`, () => {
      const s = generateDemoSpend(portfolio(today), { today });
      assert.ok(s.ceiling.length >= 3, JSON.stringify(s.ceiling));
      assert.ok(s.ceiling.some((c) => c.permille >= 1000));
      assert.ok(s.ceiling.some((c) => c.permille >= 800 && c.permille < 1000));
      assert.ok(s.unmatched.other_supplier_in_category > 0);
      assert.ok(s.unmatched.no_agreement > 0);
      assert.ok(s.unmatched.after_expiry > 0);
      assert.ok(s.priceLists.length >= 3);
      assert.ok(s.priceLists.some((p) => p.plantedOverpaidOre > 0));
      assert.ok(s.rates.length > 0 && s.rates.every((r) => r.source === 'manual'));
      assert.ok(s.documents.some((d) => d.type === 'creditNote'));
      assert.ok(s.documents.some((d) => d.contractReference === null));
      assert.ok(s.documents.some((d) => d.currency === 'EUR'));
      assert.ok(s.documents.some((d) => d.currency === 'SEK'));
      for (const d of s.documents) {
        assert.ok(d.issueDate >= s.from && d.issueDate <= s.to, d.issueDate);
        assert.ok(d.issueDate < today);
      }
      const units = new Set(s.documents.map((d) => d.buyerReference));
      assert.ok(units.size >= 5, `${units.size} units`);
    });
  }

  it('escapes names from the register in the XML (markup and entities stay text)', () => {
    const hostile = '<script>alert(1)</script> & «Bygg» ]]> &amp;';
    const contracts = portfolio(TODAY).map((c) => ({
      ...c,
      suppliers: c.suppliers.map((s) => ({ ...s, name: hostile })),
    }));
    const unit = { id: 'u-bk', name: '<b>Enhet</b> & co', parentId: null, sector: null };
    const s = generateDemoSpend(contracts, { today: TODAY, units: [unit] });
    const d = s.documents.find((x) => x.supplierName === hostile);
    assert.ok(d);
    const xml = toEhfXml(d);
    assert.ok(!xml.includes('<script>'));
    const parsed = parseEhfText(xml);
    assert.equal(parsed.supplierName, hostile);
    assert.ok(s.documents.some((x) => x.buyerReference === unit.name));
  });
});

describe('demo spend through the real pipeline and the API', () => {
  let s: TestServer;
  let first: Awaited<ReturnType<typeof loadDemoSpend>>;
  before(async () => {
    s = await startTestServer({}, { seed: false, clock: () => new Date(`${TODAY}T09:00:00Z`) });
    await seedDemo(s.services);
    first = await loadDemoSpend(s.services);
  });
  after(async () => {
    (await spendServiceFor(s.services)).close();
    await s.close();
  });

  it('stores every document with no ingest errors, and the turnover the plan expects to the øre', async () => {
    const { summary } = first;
    assert.deepEqual(summary.errors, []);
    assert.equal(summary.duplicates, 0);
    assert.equal(summary.invoices + summary.creditNotes, first.spend.documents.length);
    assert.ok(summary.invoices > 1000 && summary.creditNotes > 0);
    assert.ok(summary.totals.EUR && summary.totals.SEK);
    assert.ok(first.rates > 0);
    const spend = await spendServiceFor(s.services);
    const turnover = await spend.turnoverByAgreement();
    assert.ok(turnover);
    for (const [id, ore] of first.spend.turnover) assert.equal(turnover.get(id) ?? 0, ore, id);
    // Foreign-currency invoices were converted with the demo rates (none left without NOK).
    const [missing] = await spend.store.rows<{ n: bigint }>(
      'SELECT count(*) AS n FROM spend_document WHERE nok_ore IS NULL',
    );
    assert.equal(Number(missing?.n), 0);
  });

  it('GET /api/spend/overview says what the store holds (Kontraktservice only)', async () => {
    const res = await s.request('kontraktservice', 'GET', '/api/spend/overview');
    assert.equal(res.status, 200);
    const o = res.json() as Record<string, number | string | null>;
    const docs = first.spend.documents;
    const dates = docs.map((d) => d.issueDate).sort();
    assert.deepEqual(o, {
      invoices: docs.filter((d) => d.type === 'invoice').length,
      creditNotes: docs.filter((d) => d.type === 'creditNote').length,
      fromLedger: 0,
      lines: docs.reduce((n, d) => n + d.lines.length, 0),
      suppliers: new Set(docs.map((d) => d.supplierOrgnr ?? d.supplierName)).size,
      firstDate: dates[0],
      lastDate: dates.at(-1),
    });
    assert.equal((await s.request('eier1', 'GET', '/api/spend/overview')).status, 403);
  });

  it('GET /api/dashboard as kontraktservice: spend connected, agreements at ≥ 80 % and ≥ 100 %', async () => {
    const res = await s.request('kontraktservice', 'GET', '/api/dashboard');
    assert.equal(res.status, 200);
    const body = res.json() as Dashboard;
    assert.equal(body.spendConnected, true);
    const ratios = body.ceiling.map((c) => c.ratio ?? 0);
    assert.ok(
      ratios.some((r) => r >= 0.8 && r < 1),
      JSON.stringify(body.ceiling.slice(0, 6)),
    );
    assert.ok(ratios.some((r) => r >= 1));
    for (const c of first.spend.ceiling) {
      const row = body.ceiling.find((x) => x.referenceNumber === c.referenceNumber);
      assert.ok(row, c.referenceNumber);
      assert.equal(Math.floor((row.ratio ?? 0) * 1000 + 1e-9), c.permille, c.referenceNumber);
    }
  });

  it('the leakage report shows spend without agreement, with another supplier and after expiry', async () => {
    const res = await s.request(
      'kontraktservice',
      'GET',
      `/api/spend/reports/leakage?today=${TODAY}`,
    );
    assert.equal(res.status, 200);
    const body = res.json() as {
      byClass: { unmatchedClass: string; last4YearsOre: number }[];
      noAgreementByCategory: { category: string }[];
    };
    const of = (k: string) => body.byClass.find((c) => c.unmatchedClass === k)?.last4YearsOre ?? 0;
    assert.ok(of('no_agreement') > 0);
    assert.equal(of('other_supplier_in_category') > 0, true);
    assert.equal(of('after_expiry'), first.spend.unmatched.after_expiry);
    assert.ok(of('after_expiry') > 0);
    assert.ok(body.noAgreementByCategory.length > 0);
  });

  it('the price-control report finds the planted over-payments (exact where prices are not index-adjusted)', async () => {
    const res = await s.request('kontraktservice', 'GET', '/api/spend/reports/prices?tolerance=0');
    assert.equal(res.status, 200);
    const body = res.json() as {
      totalOverpaidMinor: Record<string, number>;
      byAgreement: { agreementId: string; overpaidMinor: number }[];
    };
    assert.ok((body.totalOverpaidMinor.NOK ?? 0) > 0);
    const exact = first.spend.priceLists.filter((p) => !p.indexAdjusted);
    assert.ok(exact.length > 0);
    for (const p of exact) {
      const row = body.byAgreement.find((r) => r.agreementId === p.agreementId);
      assert.equal(row?.overpaidMinor ?? 0, p.plantedOverpaidOre, p.referenceNumber);
    }
  });

  it('raised ceiling-alert tasks for the agreements past 80 % and 100 %', () => {
    const ids = first.spend.ceiling.map((c) => c.agreementId);
    const tasks = followUpFor(s.services).store.tasksOfContracts(ids).filter(isEventTask);
    assert.ok(first.ceilingTasks >= ids.length);
    assert.equal(tasks.length, first.ceilingTasks);
    assert.ok(tasks.some((t) => t.id.includes('tak-100')));
    assert.ok(tasks.some((t) => t.id.includes('tak-80')));
  });

  it('running it again stores nothing new: every invoice is a duplicate, no new rates or tasks', async () => {
    const spend = await spendServiceFor(s.services);
    const count = async () =>
      Number(
        (await spend.store.rows<{ n: bigint }>('SELECT count(*) AS n FROM spend_document'))[0]?.n,
      );
    const before = await count();
    const again = await loadDemoSpend(s.services);
    assert.equal(again.summary.invoices + again.summary.creditNotes, 0);
    assert.equal(again.summary.duplicates, first.spend.documents.length);
    assert.deepEqual(again.summary.errors, []);
    assert.equal(again.rates, 0);
    assert.equal(again.ceilingTasks, 0);
    assert.equal(await count(), before);
    assert.equal(xmlHash(again.spend), xmlHash(first.spend));
  });
});

describe('first start (npm start) loads the demo spend after the portfolio', () => {
  let dir: string;
  let server: Server;
  let services: Services;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ko-demo-spend-'));
    const config = loadConfig({
      AUTH_MODE: 'dev',
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: dir,
      DEMO_DATA: 'on',
      LOG_LEVEL: 'silent',
    });
    const warn = console.warn;
    console.warn = () => {};
    try {
      ({ server, services } = await start(config));
    } finally {
      console.warn = warn;
    }
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    (await spendServiceFor(services)).close();
    await services.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the dashboard is spend-connected over HTTP right after start', async () => {
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/api/dashboard`, {
      headers: { 'x-dev-user': 'kontraktservice' },
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as Dashboard;
    assert.equal(body.spendConnected, true);
    assert.ok(body.ceiling.some((c) => (c.ratio ?? 0) >= 1));
  });

  it('plans follow-up at once and has most tasks due over a week ago done, by their assignee', async () => {
    const store = followUpFor(services).store;
    const weekAgo = addDays(services.contracts.today(), -7);
    const older = store.query({ dueOnOrBefore: weekAgo, states: ['open', 'snoozed', 'done'] });
    const done = older.filter((t) => t.state === 'done');
    assert.ok(older.length > 100, `older tasks: ${older.length}`);
    // About one in seven is left overdue, so «Forfalt» shows a few, as in a portfolio in use.
    assert.ok(done.length / older.length > 0.75 && done.length < older.length, `${done.length}`);
    for (const t of done) {
      assert.equal(t.completedBy, t.assigneeId ?? 'kontraktservice', t.id);
      assert.ok(t.comment);
    }
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/api/dashboard`, {
      headers: { 'x-dev-user': 'kontraktservice' },
    });
    const overdue = ((await res.json()) as { overdue: { total: number } }).overdue.total;
    assert.ok(overdue > 0 && overdue < older.length - done.length + 100, String(overdue));
  });
});
