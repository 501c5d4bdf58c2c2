import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Contract } from '../../src/core/index.ts';
import type { SpendDocument, SpendLine } from '../../src/core/spend/model.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { toEhfXml } from '../../src/spend/synthetic.ts';
import { makeZip } from '../spend/zip-writer.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import {
  type AxeViolation,
  axeSummary,
  devContext,
  ensureTabBuilt,
  launchChromium,
  SCREENSHOTS,
  seriousViolations,
} from './harness.ts';

const EHF_DIR = fileURLToPath(new URL('../../../shared/data/ehf/', import.meta.url));

function line(id: string, qty: number, priceOre: number, cpv: string, item: string): SpendLine {
  return {
    lineId: id,
    quantityMicro: qty * 1_000_000,
    unitCode: 'C62',
    netMinor: qty * priceOre,
    priceMicro: priceOre * 10_000,
    baseQuantityMicro: 1_000_000,
    baseQuantityUnit: 'C62',
    itemName: `Vare ${item}`,
    sellersItemId: item,
    gtin: null,
    classifications: [`STI:${cpv}`],
    accountingCost: null,
  };
}

function invoice(
  number: string,
  date: string,
  supplier: { orgnr: string; name: string },
  contractReference: string | null,
  lines: SpendLine[],
): SpendDocument {
  return {
    type: 'invoice',
    number,
    issueDate: date,
    currency: 'NOK',
    supplierOrgnr: supplier.orgnr,
    supplierKey: supplier.orgnr,
    supplierName: supplier.name,
    buyerOrgnr: '964338531',
    buyerReference: 'Helse og omsorg',
    orderReference: null,
    contractReference,
    accountingCost: null,
    taxExclusiveMinor: lines.reduce((a, l) => a + l.netMinor, 0),
    lines,
  };
}

interface Turnover {
  agreements: {
    agreementId: string;
    referenceNumber: string;
    turnoverOre: number;
    alert: string;
  }[];
}

/**
 * Spend analysis screens in Chromium against the real server (SQLite register with the demo
 * portfolio, DuckDB spend store in the temp data folder): an EHF zip is imported through the tab
 * with progress, then the three reports, drill-down and Excel export are used.
 */
describe('Tab: spend analysis (Innkjøpsanalyse)', () => {
  let s: TestServer;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  let zip: Buffer;
  let near: Contract; // planted at 85 % of its maximum value
  let over: Contract; // planted at 105 %
  const violations: { screen: string; theme: string; list: AxeViolation[] }[] = [];

  const api = async <T>(path: string, user = 'kontraktservice'): Promise<T> => {
    const r = await s.request(user, 'GET', path);
    assert.equal(r.status, 200, r.text);
    return r.json() as T;
  };
  const go = (hash: string) => page.evaluate(`window.location.hash = ${JSON.stringify(hash)}`);

  before(async () => {
    ensureTabBuilt();
    s = await startTestServer({}, { seed: false });
    await seedDemo(s.services, { contracts: 60 });
    const today = s.services.contracts.today();
    const day = new Date(`${today}T00:00:00Z`);
    day.setUTCDate(day.getUTCDate() - 10);
    const date = day.toISOString().slice(0, 10);
    const frameworks: Contract[] = [];
    for await (const c of s.services.store.contracts.all()) {
      if (
        c.kind === 'framework' &&
        !c.draft &&
        c.maxValueOre &&
        c.suppliers.length > 0 &&
        c.cpvCodes.length > 0 &&
        c.startDate &&
        c.startDate < date &&
        (c.endDate ?? '9999') > today &&
        !c.terminatedOn
      ) {
        frameworks.push(c);
      }
    }
    assert.ok(frameworks.length >= 2, 'two active framework agreements in the demo');
    [near, over] = frameworks as [Contract, Contract];
    const docs: SpendDocument[] = [];
    for (const [c, share, n] of [
      [near, 0.85, 'A'],
      [over, 1.05, 'B'],
    ] as const) {
      const supplier = c.suppliers[0] as { orgnr: string; name: string };
      const cpv = (c.cpvCodes[0] as string).slice(0, 8);
      const total = Math.round((c.maxValueOre as number) * share);
      docs.push(
        invoice(`TAB-${n}-1`, date, supplier, c.referenceNumber, [
          line('1', 1, total - 10 * 11_000, cpv, `BULK-${n}`),
          line('2', 10, 11_000, cpv, 'VARE-1'),
        ]),
      );
    }
    // Spend with a supplier that has no agreement: leakage.
    docs.push(
      invoice('TAB-L-1', date, { orgnr: '974760673', name: 'Utenfor Avtale AS' }, null, [
        line('1', 4, 250_000, '30192000', 'KONTOR-1'),
      ]),
    );
    const entries = docs.map((d) => ({
      name: `${d.number}.xml`,
      data: Buffer.from(toEhfXml(d)),
      deflate: true,
    }));
    for (const name of readdirSync(EHF_DIR)) {
      entries.push({ name, data: readFileSync(join(EHF_DIR, name)), deflate: true });
    }
    entries.push({
      name: 'xxe.xml',
      data: Buffer.from(
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><Invoice>&e;</Invoice>',
      ),
      deflate: true,
    });
    zip = makeZip(entries);
    // The agreed price list of the first agreement: VARE-1 at 100 kr (invoiced at 110 kr).
    const pl = await s.request(
      'kontraktservice',
      'POST',
      `/api/spend/pricelists/${near.id}?name=prisliste.csv`,
      `varenummer;beskrivelse;enhet;pris;gyldig fra\nVARE-1;Vare 1;C62;100,00;${date}\n`,
      { 'content-type': 'text/csv' },
    );
    assert.equal(pl.status, 201, pl.text);
    browser = await launchChromium();
    mkdirSync(SCREENSHOTS, { recursive: true });
    ctx = await devContext(browser, 'kontraktservice');
    page = await ctx.newPage();
  });
  after(async () => {
    await browser?.close();
    await s?.close();
  });

  it('imports an EHF zip with progress and shows the summary with per-file errors', async () => {
    await page.goto(`${s.url}/tab/#/spend/upload`);
    await page.getByRole('tab', { name: 'Innkjøpsanalyse' }).waitFor();
    // What the store holds, before and after (GET /api/spend/overview): empty, then the import.
    const overview = page.getByTestId('spend-overview');
    await overview.getByRole('heading', { name: 'I lageret' }).waitFor();
    await overview.getByText('Ingen fakturaer er lest inn ennå.').waitFor();
    await page.getByLabel('Fakturafil (EHF-XML eller zip)').setInputFiles({
      name: 'fakturaer.zip',
      mimeType: 'application/zip',
      buffer: zip,
    });
    await page.getByRole('button', { name: 'Les inn' }).click();
    await page.getByTestId('spend-progress').waitFor();
    const summary = page.getByTestId('spend-summary');
    await summary.waitFor({ timeout: 30_000 });
    await page.getByRole('status').getByText('Innlesingen er ferdig.').waitFor();
    const text = (await summary.textContent()) ?? '';
    assert.match(text, /Duplikater1/);
    assert.match(text, /Fakturaer\d+/);
    // Each currency's net total in Norwegian format with its code (the euro files sum to 5 900).
    assert.match(text, /Netto per valuta: EUR5\s900,00\sEUR/);
    assert.match(text, /Netto per valuta: NOK[\d\s]+,\d\d\sNOK/);
    const errors = page.getByTestId('spend-errors');
    await errors.getByText(/xxe\.xml/).waitFor();
    const after = (await s.request('kontraktservice', 'GET', '/api/spend/overview')).json() as {
      invoices: number;
      creditNotes: number;
    };
    assert.ok(after.invoices > 0 && after.creditNotes > 0);
    await page.waitForFunction(`(() => {
      const text = document.querySelector('[data-testid=spend-overview]')?.textContent ?? '';
      return text.includes('Fakturaer${after.invoices}') && text.includes('Kreditnotaer${after.creditNotes}');
    })()`);
    await page.screenshot({ path: join(SCREENSHOTS, 'spend-upload-light.png'), fullPage: true });
    violations.push({
      screen: 'spend-upload',
      theme: 'light',
      list: await seriousViolations(page),
    });
  });

  it('turnover per agreement: alerts at 80 % and 100 %, drill-down to the invoice lines, Excel', async () => {
    await go('#/spend/turnover');
    const table = page.getByTestId('turnover-table');
    await table.waitFor();
    const nearRow = page.locator(`[data-testid=turnover-row][data-agreement="${near.id}"]`);
    const overRow = page.locator(`[data-testid=turnover-row][data-agreement="${over.id}"]`);
    await nearRow.getByText('Over 80 %').waitFor();
    await overRow.getByText('Over 100 %').waitFor();
    await page
      .getByTestId('turnover-alerts')
      .getByText('1 avtale har passert 80 %, og 1 avtale har passert 100 % av maksimalverdien.')
      .waitFor();
    const report = await api<Turnover>('/api/spend/reports/turnover');
    const a = report.agreements.find((x) => x.agreementId === near.id);
    assert.equal(a?.alert, 'warning_80');
    const kr = new Intl.NumberFormat('nb-NO', {
      style: 'currency',
      currency: 'NOK',
      maximumFractionDigits: 0,
    }).format((a?.turnoverOre ?? 0) / 100);
    await nearRow.getByText(kr).waitFor();
    await nearRow.getByRole('button', { name: /Vis detaljer/ }).click();
    const details = page.getByTestId('turnover-details');
    await details.getByTestId('drilldown').getByText('TAB-A-1/2').waitFor();
    // Suppliers by the name on their invoices, with the org. number beneath.
    const supplier = near.suppliers[0] as { orgnr: string; name: string };
    await details.getByRole('table', { name: 'Per leverandør' }).getByText(supplier.name).waitFor();
    assert.equal(
      await details.getByTestId('drilldown').getByText(supplier.name, { exact: true }).count(),
      2,
    );
    // How each line was matched, in words.
    assert.equal(
      await details.getByTestId('drilldown').getByText('Avtalereferanse på fakturaen').count(),
      2,
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'spend-turnover-light.png'), fullPage: true });
    const [dl] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Eksporter til Excel' }).click(),
    ]);
    assert.equal(
      readFileSync(await dl.path())
        .subarray(0, 2)
        .toString(),
      'PK',
    );
    assert.equal(dl.suggestedFilename(), 'innkjopsanalyse-turnover.xlsx');
  });

  it('contract leakage: spend with a supplier without agreement, with drill-down', async () => {
    await go('#/spend/leakage');
    const classes = page.getByTestId('leakage-classes');
    await classes.waitFor();
    await classes.getByRole('button', { name: 'Leverandør uten avtale' }).click();
    await page.getByTestId('drilldown').getByText('TAB-L-1/1').waitFor();
    // The category with its division's name; lists with nothing in them say so.
    await page
      .getByRole('table', { name: 'Kjøp uten avtale per kategori mot terskelverdiene' })
      .getByText('301 · Kontormaskiner og IT-utstyr')
      .waitFor();
    assert.equal(await page.getByText('Ingen funnet.', { exact: true }).count(), 2);
    // Spend outside the agreements, with its share of the total.
    const report = await api<{ totalOre: number; matchedOre: number }>(
      '/api/spend/reports/leakage',
    );
    const outside = new Intl.NumberFormat('nb-NO', {
      style: 'currency',
      currency: 'NOK',
      maximumFractionDigits: 0,
    }).format((report.totalOre - report.matchedOre) / 100);
    const share = new Intl.NumberFormat('nb-NO', { maximumFractionDigits: 1 }).format(
      ((report.totalOre - report.matchedOre) * 100) / report.totalOre,
    );
    await page.getByText(`${outside} (${share} %)`, { exact: true }).waitFor();
    // A line in euro without a rate: no NOK value, the euro amount in Norwegian format.
    await page
      .getByTestId('drilldown')
      .getByText(/^–\s\(−2\s800,00\sEUR\)$/)
      .first()
      .waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'spend-leakage-light.png'), fullPage: true });
    const [dl] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Eksporter til Excel' }).click(),
    ]);
    assert.equal(dl.suggestedFilename(), 'innkjopsanalyse-leakage.xlsx');
  });

  it('price control: the over-payment per agreement and item, as the API computes it', async () => {
    await go('#/spend/prices');
    const figures = page.getByTestId('prices-figures');
    await figures.waitFor();
    const report = await api<{ deviatingLines: number; byItem: { item: string }[] }>(
      '/api/spend/reports/prices?tolerance=0',
    );
    assert.ok(report.deviatingLines >= 1, 'the planted price deviation is found');
    await figures.getByText(String(report.deviatingLines), { exact: true }).first().waitFor();
    await page.getByTestId('prices-item').getByText('VARE-1').waitFor();
    // The item by its price list's description, the item number beneath.
    await page.getByTestId('prices-item').getByText('Vare 1', { exact: true }).waitFor();
    const supplier = near.suppliers[0] as { orgnr: string; name: string };
    await page.getByTestId('prices-supplier').getByText(supplier.name).waitFor();
    await page.getByTestId('prices-supplier').getByText(supplier.orgnr).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'spend-prices-light.png'), fullPage: true });
    const [dl] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Eksporter til Excel' }).click(),
    ]);
    assert.equal(dl.suggestedFilename(), 'innkjopsanalyse-prices.xlsx');
  });

  it('the dashboard and the contract page show ceiling usage from the real turnover', async () => {
    await go('#/dashboard');
    await page
      .getByRole('link', { name: new RegExp(`^${over.referenceNumber}: .*\\(105\\s%\\)$`) })
      .waitFor();
    await page
      .getByRole('link', { name: new RegExp(`^${near.referenceNumber}: .*\\(85\\s%\\)$`) })
      .waitFor();
    await page.screenshot({
      path: join(SCREENSHOTS, 'dashboard-ceiling-light.png'),
      fullPage: true,
    });
    await go(`#/contracts/${over.id}`);
    await page
      .getByTestId('ceiling')
      .getByText(/\(105\s%\)/)
      .waitFor();
    // A unit user can order an analysis of this agreement from the contract page.
    assert.equal(
      await page.getByRole('link', { name: 'Bestill innkjøpsanalyse' }).getAttribute('href'),
      `#/spend/orders?agreementId=${over.id}`,
    );
  });

  it('the spend screens pass axe-core in light and dark, with screenshots', async () => {
    const screens: [string, string, () => Promise<unknown>][] = [
      ['spend-turnover', '#/spend/turnover', () => page.getByTestId('turnover-table').waitFor()],
      ['spend-leakage', '#/spend/leakage', () => page.getByTestId('leakage-classes').waitFor()],
      ['spend-prices', '#/spend/prices', () => page.getByTestId('prices-figures').waitFor()],
    ];
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme });
      for (const [name, hash, ready] of screens) {
        await go(hash);
        await ready();
        await page.waitForTimeout(150);
        if (theme === 'dark') {
          await page.screenshot({ path: join(SCREENSHOTS, `${name}-dark.png`), fullPage: true });
        }
        violations.push({ screen: name, theme, list: await seriousViolations(page) });
      }
    }
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('Bestill innkjøpsanalyse: a unit user orders, Kontraktservice runs it, the requester sees the result', async (t) => {
    const probe = await s.request('eier1', 'GET', '/api/spend/orders');
    if (probe.status === 404) {
      // The order API (docs/spend.md) is being built in the spend area; the tab says so meanwhile.
      await go('#/spend/orders');
      await page.getByText(/Bestilling av analyser er ikke tilgjengelig ennå/).waitFor();
      t.skip('the order API is not mounted yet');
      return;
    }
    const owner = await devContext(browser, 'eier1');
    const op = await owner.newPage();
    await op.goto(`${s.url}/tab/#/spend/orders?agreementId=${near.id}`);
    const form = op.getByTestId('order-form');
    await form.waitFor();
    assert.equal(await op.getByRole('tab', { name: 'Omsetning per avtale' }).count(), 0);
    // An empty question: the API's issue appears next to the field.
    await form.getByRole('button', { name: 'Send bestilling' }).click();
    await form
      .getByRole('textbox', { name: /Hva vil dere vite/ })
      .locator('xpath=ancestor::div[contains(@class,"fui-Field")][1]')
      .locator('.fui-Field__validationMessage')
      .waitFor();
    const question = 'Hvor mye kjøper vi <script>window.__x=1</script> utenfor avtalen?';
    await form.getByRole('textbox', { name: /Hva vil dere vite/ }).fill(question);
    await form.getByRole('button', { name: 'Send bestilling' }).click();
    const detail = op.getByTestId('order-detail');
    await detail.getByText('Bestilt', { exact: true }).waitFor();
    await detail.getByTestId('order-question').getByText(question).waitFor();
    assert.equal(await op.evaluate('window.__x'), undefined);
    const orderId = decodeURIComponent(op.url().split('#/spend/orders/')[1] ?? '');
    assert.ok(orderId);

    await go('#/spend/orders');
    const row = page.locator(`[data-testid=order-row][data-order-id="${orderId}"]`);
    await row.getByRole('link').click();
    await page.getByRole('button', { name: 'Kjør analysen' }).click();
    await page.getByRole('dialog').getByRole('textbox').fill('Se fanen for leverandørene.');
    await page.getByRole('dialog').getByRole('button', { name: 'Kjør analysen' }).click();
    await page.getByTestId('order-detail').getByText('Ferdig', { exact: true }).waitFor();
    await page.getByTestId('order-result').waitFor();
    // Spend outside agreements and the narrower leakage are two figures, as in the Excel result.
    const figures = ((await page.getByTestId('order-result').textContent()) ?? '').replace(
      /\s/g,
      '',
    );
    assert.match(figures, /Utenforavtale0kr/);
    assert.match(figures, /Lekkasje\(annenleverandør,etterutløp\)0kr/);
    // The agreement's own spend: nothing outside it, said in words rather than an empty table.
    await page
      .getByTestId('order-detail')
      .getByText('Ingen kjøp utenfor avtale i utvalget.')
      .waitFor();
    // The price deviation names its supplier.
    await page
      .getByTestId('order-detail')
      .getByRole('table', { name: 'Priskontroll' })
      .getByText((near.suppliers[0] as { name: string }).name)
      .waitFor();
    await page
      .getByTestId('order-detail')
      .getByRole('table', { name: 'Priskontroll' })
      .getByText('Vare 1', { exact: true })
      .waitFor();
    await page
      .getByTestId('order-detail')
      .getByText('Excel-resultatet i arkivet, på avtalen: Arkivert')
      .waitFor();
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme });
      await page.waitForTimeout(150);
      await page.screenshot({
        path: join(SCREENSHOTS, `spend-order-${theme}.png`),
        fullPage: true,
      });
      violations.push({ screen: 'spend-order', theme, list: await seriousViolations(page) });
    }
    await page.emulateMedia({ colorScheme: 'light' });

    await op.reload();
    await op.getByTestId('order-result').waitFor();
    await op.getByText(/Se fanen for leverandørene/).waitFor();
    const [dl] = await Promise.all([
      op.waitForEvent('download'),
      op.getByRole('button', { name: 'Last ned Excel' }).click(),
    ]);
    assert.equal(
      readFileSync(await dl.path())
        .subarray(0, 2)
        .toString(),
      'PK',
    );
    violations.push({
      screen: 'spend-order-requester',
      theme: 'light',
      list: await seriousViolations(op),
    });
    await owner.close();
  });

  it('readers have no spend analysis; the API refuses them too', async () => {
    const reader = await devContext(browser, 'leser');
    const rp = await reader.newPage();
    await rp.goto(`${s.url}/tab/#/register`);
    await rp.getByRole('tab', { name: 'Avtaler' }).waitFor();
    assert.equal(await rp.getByRole('tab', { name: 'Innkjøpsanalyse' }).count(), 0);
    assert.equal((await s.request('leser', 'GET', '/api/spend/reports/turnover')).status, 403);
    await reader.close();
  });

  it('no serious or critical axe violations', () => {
    const summary = axeSummary(violations);
    assert.deepEqual(summary, []);
  });
});
