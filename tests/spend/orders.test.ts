/**
 * "Bestill innkjøpsanalyse" over HTTP on the product's app: a unit orders an analysis, Kontraktservice
 * runs it, the Excel result is filed in the archive as an internal note on the agreement, the
 * requester's bot card goes to the follow-up outbox; and ceiling alerts of an upload become tasks.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import { BotLogic } from '../../src/bot/logic.ts';
import { contractInputSchema } from '../../src/core/contract.ts';
import { followUpFor } from '../../src/followup/wire.ts';
import { ORDER_TASK_PREFIX } from '../../src/spend/orders.ts';
import { generateYear, toEhfXml } from '../../src/spend/synthetic.ts';
import { orderNotificationCard } from '../../src/spend/wire.ts';
import { cardProblems, cardTexts } from '../bot/validate-card.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { makeZip } from './zip-writer.ts';

const NOW = new Date('2025-01-15T09:00:00Z');
const EVIL = [
  'Hvorfor kjøper vi utenfor? <script>alert(1)</script>',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template expression as hostile input
  '${$root}',
  '[x](javascript:alert(1))',
].join(' ');

let server: TestServer;
/** Register id by synthetic agreement id. */
const ids = new Map<string, string>();
let agreementId: string;

interface OrderJson {
  id: string;
  state: string;
  version: number;
  unitId: string;
  question: string;
  summary: { totalOre: number; matchedOre: number; overpaymentOre: number; lines: number } | null;
  document: { id: string; status: string } | null;
  agreement: { id: string; reference: string } | null;
}

const json = async <T>(r: { json: () => unknown }) => r.json() as T;

before(async () => {
  server = await startTestServer({}, { clock: () => NOW });
  const y = generateYear({ invoices: 400, agreements: 8, seed: 21 });
  for (const c of y.contracts) {
    const {
      id: _id,
      version: _v,
      createdAt: _c,
      updatedAt: _u,
      ...rest
    } = c as typeof c & { createdAt: string; updatedAt: string };
    const input = contractInputSchema.parse({
      ...rest,
      ownerId: 'eier1',
      owningUnitId: 'u-helse',
      // The register refuses a maximum below the estimate; the low maximum stays (ceiling alerts).
      estimatedValueOre:
        c.maxValueOre !== null &&
        c.estimatedValueOre !== null &&
        c.maxValueOre < c.estimatedValueOre
          ? null
          : c.estimatedValueOre,
    });
    const stored = await server.services.store.contracts.create(input, 'test');
    ids.set(c.id, stored.id);
  }
  const zip = makeZip(
    y.documents.map((d, i) => ({
      name: `f${i}.xml`,
      data: Buffer.from(toEhfXml(d)),
      deflate: true,
    })),
  );
  const up = await server.request(
    'kontraktservice',
    'POST',
    '/api/spend/uploads?name=aar.zip',
    zip,
    {
      'content-type': 'application/zip',
    },
  );
  assert.equal(up.status, 202, up.text);
  let job = (await json<{ id: string; state: string }>(up)) as { id: string; state: string };
  for (let i = 0; i < 400 && job.state === 'running'; i++) {
    await new Promise((r) => setTimeout(r, 50));
    job = await json(
      await server.request('kontraktservice', 'GET', `/api/spend/uploads/${job.id}`),
    );
  }
  assert.equal(job.state, 'done');
  // The agreement with the most turnover.
  const t = await server.request('kontraktservice', 'GET', '/api/spend/reports/turnover');
  const report = await json<{ agreements: { agreementId: string; turnoverOre: number }[] }>(t);
  agreementId = report.agreements[0]?.agreementId as string;
  assert.ok(agreementId && (report.agreements[0]?.turnoverOre ?? 0) > 0);
});
after(() => server.close());

describe('ceiling alerts after an upload', () => {
  it('the upload turned every alert of the turnover report into follow-up tasks', async () => {
    const t = await server.request('kontraktservice', 'GET', '/api/spend/reports/turnover');
    const report = await json<{ alerts: { agreementId: string; alert: string }[] }>(t);
    assert.ok(report.alerts.length > 0, 'the synthetic year has agreements above 80 %');
    for (const a of report.alerts) {
      const plan = await server.request(
        'eier1',
        'GET',
        `/api/followup/contracts/${a.agreementId}/plan`,
      );
      const acts = (await json<{ items: { activityId: string }[] }>(plan)).items.map(
        (x) => x.activityId,
      );
      assert.ok(acts.includes('tak-80'), `tak-80 for ${a.agreementId}`);
      assert.equal(acts.includes('tak-100'), a.alert === 'exceeded_100');
    }
  });
});

describe('ordering an analysis', () => {
  let orderId: string;

  it('a contract owner orders for their unit; readers and other units are refused', async () => {
    const body = {
      scope: { from: '2024-01-01', to: '2024-12-31', agreementId },
      question: EVIL,
    };
    const r = await server.request('eier1', 'POST', '/api/spend/orders', body);
    assert.equal(r.status, 201, r.text);
    const o = await json<OrderJson>(r);
    assert.equal(o.state, 'ordered');
    assert.equal(o.unitId, 'u-helse');
    assert.equal(o.question, EVIL);
    assert.equal(o.agreement?.id, agreementId);
    assert.match(String(r.headers.get('location')), new RegExp(o.id));
    orderId = o.id;
    assert.equal((await server.request('leser', 'POST', '/api/spend/orders', body)).status, 403);
    const other = await server.request('eier1', 'POST', '/api/spend/orders', {
      ...body,
      unitId: 'u-skole',
    });
    assert.equal(other.status, 403);
    assert.equal(
      (await server.request('eier2', 'GET', `/api/spend/orders/${orderId}`)).status,
      404,
    );
    assert.equal((await server.request(null, 'GET', '/api/spend/orders')).status, 401);
  });

  it('validates the scope field by field', async () => {
    const bad = await server.request('eier1', 'POST', '/api/spend/orders', {
      scope: {
        from: '2024-12-31',
        to: '2024-01-01',
        supplierOrgnr: '123456789',
        cpv: '3x',
      },
      question: 'Hei\u0007',
      extra: true,
    });
    assert.equal(bad.status, 400, bad.text);
    const fields = (await json<{ issues: { field: string }[] }>(bad)).issues.map((i) => i.field);
    for (const f of ['scope.to', 'scope.supplierOrgnr', 'scope.cpv', 'question'])
      assert.ok(fields.includes(f), `${f} in ${fields.join(', ')}`);
    const long = await server.request('eier1', 'POST', '/api/spend/orders', {
      scope: { from: '2015-01-01', to: '2024-12-31' },
      question: 'Ti år',
    });
    assert.equal(long.status, 400);
    const missing = await server.request('eier1', 'POST', '/api/spend/orders', {
      scope: { from: '2024-01-01', to: '2024-12-31', agreementId: 'finnes-ikke' },
      question: 'Hva?',
    });
    assert.equal(missing.status, 404);
  });

  it('lists orders by who may see them', async () => {
    const ks = await json<{ items: OrderJson[]; total: number }>(
      await server.request('kontraktservice', 'GET', '/api/spend/orders?state=ordered'),
    );
    assert.ok(ks.items.some((o) => o.id === orderId));
    const mine = await json<{ items: OrderJson[] }>(
      await server.request('eier1', 'GET', '/api/spend/orders?mine=true'),
    );
    assert.deepEqual(
      mine.items.map((o) => o.id),
      [orderId],
    );
    const others = await json<{ items: OrderJson[] }>(
      await server.request('eier2', 'GET', '/api/spend/orders'),
    );
    assert.equal(others.items.length, 0);
    assert.equal(
      (await server.request('eier1', 'GET', '/api/spend/orders?state=bogus')).status,
      400,
    );
  });

  it('only Kontraktservice runs it; the result matches the reports, is filed and notified', async () => {
    assert.equal(
      (await server.request('eier1', 'POST', `/api/spend/orders/${orderId}/run`, {})).status,
      403,
    );
    assert.equal(
      (await server.request('eier1', 'GET', `/api/spend/orders/${orderId}/result`)).status,
      409,
    );
    const r = await server.request('kontraktservice', 'POST', `/api/spend/orders/${orderId}/run`, {
      comment: 'Se arket «Utenfor avtale». <b>Hilsen</b> KS',
    });
    assert.equal(r.status, 200, r.text);
    const o = await json<OrderJson>(r);
    assert.equal(o.state, 'done');
    assert.equal(o.document?.status, 'filed');
    // Matched spend of the agreement over its invoices of the year equals the turnover report's.
    const t = await json<{ agreements: { agreementId: string; turnoverOre: number }[] }>(
      await server.request(
        'kontraktservice',
        'GET',
        `/api/spend/reports/turnover?agreementId=${agreementId}&from=2024-01-01&to=2024-12-31`,
      ),
    );
    assert.equal(o.summary?.matchedOre, t.agreements[0]?.turnoverOre);
    assert.ok((o.summary?.lines ?? 0) > 0);
    // Over-payment in scope equals the price report's for that agreement (the year is all data).
    const p = await json<{
      byAgreement: { agreementId: string; currency: string; overpaidMinor: number }[];
    }>(await server.request('kontraktservice', 'GET', '/api/spend/reports/prices'));
    const planted = p.byAgreement.find(
      (x) => x.agreementId === agreementId && x.currency === 'NOK',
    );
    assert.equal(o.summary?.overpaymentOre, planted?.overpaidMinor ?? 0);

    assert.equal(
      (await server.request('kontraktservice', 'POST', `/api/spend/orders/${orderId}/run`, {}))
        .status,
      409,
    );

    const docs = await json<{
      items: { id: string; entryType: string; title: string; status: string }[];
    }>(await server.request('eier1', 'GET', `/api/contracts/${agreementId}/documents`));
    const filed = docs.items.find((d) => d.id === o.document?.id);
    assert.equal(filed?.entryType, 'N');
    assert.equal(filed?.status, 'filed');

    const db = server.services.sqlite;
    assert.ok(db);
    const rows = db
      .prepare('SELECT recipient_user_id AS r, task_id AS t FROM followup_outbox WHERE task_id = ?')
      .all(`${ORDER_TASK_PREFIX}${orderId}`) as { r: string; t: string }[];
    assert.deepEqual(
      rows.map((x) => x.r),
      ['eier1'],
    );
  });

  it('serves the result as JSON and Excel to the requester', async () => {
    const res = await json<{ summary: { totalOre: number }; byMonth: { month: string }[] }>(
      await server.request('eier1', 'GET', `/api/spend/orders/${orderId}/result`),
    );
    assert.ok(res.byMonth.length > 0 && res.byMonth.every((m) => /^2024-\d\d$/.test(m.month)));
    const xr = await server.request('eier1', 'GET', `/api/spend/orders/${orderId}/result.xlsx`);
    assert.equal(xr.status, 200);
    assert.match(String(xr.headers.get('content-type')), /spreadsheetml/);
    const raw = await fetch(`${server.url}/api/spend/orders/${orderId}/result.xlsx`, {
      headers: { 'x-dev-user': 'eier1' },
    });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await raw.arrayBuffer()) as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet('Sammendrag');
    assert.equal(sheet?.getCell('B2').value, EVIL);
    assert.deepEqual(
      wb.worksheets.map((w) => w.name),
      ['Sammendrag', 'Per måned', 'Per leverandør', 'Per avtale', 'Utenfor avtale', 'Prisavvik'],
    );
    // Suppliers are named beside their keys, in the price deviations too.
    const deviations = wb.getWorksheet('Prisavvik');
    assert.ok(deviations);
    assert.deepEqual((deviations.getRow(1).values as unknown[]).slice(1, 6), [
      'Avtale',
      'Leverandør',
      'Navn',
      'Vare',
      'Beskrivelse',
    ]);
    assert.equal(res.summary.totalOre > 0, true);
  });

  it('builds the requester’s bot card (valid Adaptive Card 1.5, hostile text as text)', async () => {
    const n = { taskId: `${ORDER_TASK_PREFIX}${orderId}`, recipientUserId: 'eier1' };
    for (const lang of ['nb', 'nn', 'en'] as const) {
      const card = await orderNotificationCard(server.services, n, lang, null);
      assert.ok(card);
      assert.deepEqual(cardProblems(card), []);
      assert.equal(card.version, '1.5');
      assert.ok(cardTexts(card).includes(EVIL));
    }
    // Someone else, or an unknown order: nothing to send.
    assert.equal(
      await orderNotificationCard(server.services, { ...n, recipientUserId: 'eier2' }, 'nb', null),
      null,
    );
    assert.equal(
      await orderNotificationCard(
        server.services,
        { taskId: `${ORDER_TASK_PREFIX}nope`, recipientUserId: 'eier1' },
        'nb',
        null,
      ),
      null,
    );
    // Through the bot's reminder path (the outbox sender's deliver builds the card here).
    const followUp = followUpFor(server.services);
    const logic = new BotLogic({
      tasks: followUp.service,
      register: server.services.store,
      refs: followUp.conversations,
      clock: () => NOW,
      expiringWindowDays: 90,
      tabs: { teamsAppId: 'app', tasksEntityId: 'tasks', registerEntityId: 'register' },
      log: () => {},
      notificationCards: [
        {
          taskIdPrefix: ORDER_TASK_PREFIX,
          card: (x, lang, tabs) => orderNotificationCard(server.services, x, lang, tabs),
        },
      ],
    });
    const card = await logic.notificationCard(
      {
        ...n,
        id: 1,
        attempts: 0,
        createdAt: NOW.toISOString(),
        idempotencyKey: 'k',
        kind: 'due',
        dueDate: '2025-01-15',
        leadDays: 0,
        notBefore: NOW.toISOString(),
      },
      '29:eier1',
      'nn-NO',
    );
    assert.ok(card);
    assert.deepEqual(cardProblems(card), []);
    assert.ok(cardTexts(card).includes('Innkjøpsanalysen er klar'));
    assert.ok(JSON.stringify(card).includes('analysis%3A'));
  });

  it('cancels an order before it runs, and not after', async () => {
    const r = await server.request('eier1', 'POST', '/api/spend/orders', {
      scope: { from: '2024-01-01', to: '2024-03-31', cpv: '301' },
      question: 'Kontorrekvisita første kvartal',
    });
    const o = await json<OrderJson>(r);
    assert.equal(
      (await server.request('eier2', 'POST', `/api/spend/orders/${o.id}/cancel`, { reason: 'x' }))
        .status,
      404,
    );
    const c = await server.request('eier1', 'POST', `/api/spend/orders/${o.id}/cancel`, {
      reason: 'Trengs ikke likevel',
    });
    assert.equal(c.status, 200, c.text);
    assert.equal((await json<OrderJson>(c)).state, 'cancelled');
    assert.equal(
      (await server.request('kontraktservice', 'POST', `/api/spend/orders/${o.id}/run`, {})).status,
      409,
    );
  });

  it('offers choices for the form', async () => {
    const r = await server.request('eier1', 'GET', '/api/spend/orders/choices');
    assert.equal(r.status, 200, r.text);
    const c = await json<{ units: string[]; categories: { code: string }[]; suppliers: unknown[] }>(
      r,
    );
    assert.ok(c.categories.length > 0 && c.suppliers.length > 0);
    assert.equal((await server.request('leser', 'GET', '/api/spend/orders/choices')).status, 403);
  });
});
