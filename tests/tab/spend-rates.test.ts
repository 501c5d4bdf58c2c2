import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Contract } from '../../src/core/index.ts';
import type { SpendDocument } from '../../src/core/spend/model.ts';
import { toNokOre } from '../../src/core/spend/rates.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { loadDemoSpend } from '../../src/demo/spend.ts';
import { toEhfXml } from '../../src/spend/synthetic.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import {
  type AxeViolation,
  axeSummary,
  devContext,
  ensureTabBuilt,
  launchChromium,
  ownerLacksSpendSection,
  SCREENSHOTS,
  seriousViolations,
} from './harness.ts';

/** A port on 127.0.0.1 that nothing listens on (taken, then released): "Norges Bank is down". */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const addDays = (iso: string, days: number) => {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};
const nbDate = (iso: string) => `${iso.slice(8, 10)}.${iso.slice(5, 7)}.${iso.slice(0, 4)}`;
const kr = (ore: number) =>
  new Intl.NumberFormat('nb-NO', {
    style: 'currency',
    currency: 'NOK',
    maximumFractionDigits: 0,
  }).format(ore / 100);

const HOSTILE_FILE = '<img src=x onerror="window.__x=1">kurser.csv';
const HOSTILE_INDEX = '<script>window.__y=1</script>Indeks';
/** The EUR invoice: 1 234,56 EUR, one line. */
const EUR_MINOR = 123_456;
const RATE_TEXT = '11,4235';
const RATE_MICRO = 11_423_500;

interface Overview {
  currencies: { currency: string; from: string; to: string; days: number; sources: object }[];
  missing: { currency: string; documents: number; from: string; to: string }[];
}

/**
 * «Kurser og indekser» in Chromium against the real server (demo portfolio and demo spend with its
 * manual EUR/SEK rates, plus one EUR invoice in June 2025 — after the shipped series — that has no
 * rate): the rates table, the missing-rate warning, a manual rate (a bad one first) that converts
 * the invoice and grows the agreement's turnover, Norges Bank and SSB unreachable (a closed local
 * port: the test never leaves this machine), a wide rate file and a file with a bad line, the KPI
 * table with the shipped 2024 average and a value added by hand, nynorsk and English, axe-core in
 * light and dark, and a contract owner without the section.
 */
describe('Tab: Kurser og indekser (exchange rates and price indices)', () => {
  let s: TestServer;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  let agreement: Contract;
  let invoiceDate: string;
  let demoEurDays = 0;
  const violations: { screen: string; list: AxeViolation[] }[] = [];

  const api = async <T>(path: string): Promise<T> => {
    const r = await s.request('kontraktservice', 'GET', path);
    assert.equal(r.status, 200, r.text);
    return r.json() as T;
  };
  const turnoverOf = async (id: string) =>
    (
      await api<{ agreements: { agreementId: string; turnoverOre: number }[] }>(
        '/api/spend/reports/turnover',
      )
    ).agreements.find((a) => a.agreementId === id)?.turnoverOre ?? 0;
  const eurRow = () => page.locator('[data-testid=rates-row][data-currency="EUR"]');

  before(async () => {
    ensureTabBuilt();
    const port = await closedPort();
    s = await startTestServer(
      {
        NORGES_BANK_API_URL: `http://127.0.0.1:${port}/api`,
        SSB_API_URL: `http://127.0.0.1:${port}`,
      },
      { seed: false },
    );
    await seedDemo(s.services, { contracts: 60 });
    const demo = await loadDemoSpend(s.services);
    // A June 2025 date that no demo EUR rate covers (a rate is used for at most 10 days).
    const eurDates = demo.spend.rates.filter((r) => r.currency === 'EUR').map((r) => r.date);
    demoEurDays = new Set(eurDates).size;
    const free = Array.from({ length: 30 }, (_, i) => addDays('2025-06-01', i)).find(
      (d) => !eurDates.some((r) => r <= d && r >= addDays(d, -10)),
    );
    assert.ok(free, 'a day in June 2025 without a demo EUR rate');
    invoiceDate = free;

    for await (const c of s.services.store.contracts.all()) {
      if (c.kind === 'framework' && !c.draft && c.suppliers.length > 0 && !c.terminatedOn) {
        agreement = c;
        break;
      }
    }
    assert.ok(agreement, 'a framework agreement in the demo');
    const supplier = agreement.suppliers[0] as { orgnr: string; name: string };
    const doc: SpendDocument = {
      type: 'invoice',
      number: 'EUR-2025-06-1',
      issueDate: invoiceDate,
      currency: 'EUR',
      supplierOrgnr: supplier.orgnr,
      supplierKey: supplier.orgnr,
      supplierName: supplier.name,
      buyerOrgnr: '964338531',
      buyerReference: 'Helse og omsorg',
      orderReference: null,
      contractReference: agreement.referenceNumber,
      accountingCost: null,
      taxExclusiveMinor: EUR_MINOR,
      lines: [
        {
          lineId: '1',
          quantityMicro: 1_000_000,
          unitCode: 'C62',
          netMinor: EUR_MINOR,
          priceMicro: EUR_MINOR * 10_000,
          baseQuantityMicro: 1_000_000,
          baseQuantityUnit: 'C62',
          itemName: 'Importert utstyr',
          sellersItemId: 'EUR-1',
          gtin: null,
          classifications: [],
          accountingCost: null,
        },
      ],
    };
    const up = await s.request(
      'kontraktservice',
      'POST',
      '/api/spend/uploads?name=eur-juni.xml',
      toEhfXml(doc),
      { 'content-type': 'application/xml' },
    );
    assert.equal(up.status, 202, up.text);
    let job = up.json() as { id: string; state: string; summary: { invoices: number } | null };
    for (let i = 0; job.state === 'running' && i < 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      job = await api(`/api/spend/uploads/${job.id}`);
    }
    assert.equal(job.state, 'done');
    assert.equal(job.summary?.invoices, 1);

    browser = await launchChromium();
    mkdirSync(SCREENSHOTS, { recursive: true });
    ctx = await devContext(browser, 'kontraktservice');
    page = await ctx.newPage();
  });
  after(async () => {
    await browser?.close();
    await s?.close();
  });

  it('lists the rates per currency with their sources and warns about the EUR invoice', async () => {
    const overview = await api<Overview>('/api/spend/rates');
    assert.deepEqual(overview.missing, [
      { currency: 'EUR', documents: 1, from: invoiceDate, to: invoiceDate },
    ]);
    await page.goto(`${s.url}/tab/#/spend/rates`);
    await page.getByRole('tab', { name: 'Kurser og indekser', selected: true }).waitFor();
    await page.getByRole('heading', { name: 'Valutakurser' }).waitFor();
    const table = page.getByTestId('rates-table');
    await table.waitFor();
    for (const h of ['Valuta', 'Første dato', 'Siste dato', 'Dager med kurs', 'Kilder']) {
      await table.getByRole('columnheader', { name: h }).waitFor();
    }
    const row = eurRow();
    await row.getByText('04.01.2021', { exact: true }).waitFor();
    await row.getByText(/Levert med løsningen \(Norges Bank\): 1[\s\u00a0]010/).waitFor();
    if (demoEurDays > 0) {
      await row.getByText(new RegExp(`Lagt inn for hånd: ${demoEurDays}(?!\\d)`)).waitFor();
    }
    for (const c of ['USD', 'SEK', 'DKK', 'GBP', 'CHF']) {
      await page.locator(`[data-testid=rates-row][data-currency="${c}"]`).waitFor();
    }
    const warning = page.getByTestId('rates-missing');
    await warning.getByText(`1 dokument i EUR mangler kurs (${nbDate(invoiceDate)})`).waitFor();
    await warning.getByText(/ikke med i NOK-summene/).waitFor();
    // The fetch form offers the currency and the period that miss rates.
    const fetch = page.getByTestId('rates-fetch');
    assert.equal(
      await fetch.getByRole('textbox', { name: /Valutaer \(kommaseparert\)/ }).inputValue(),
      'EUR',
    );
    assert.equal(await fetch.getByLabel('Fra dato').inputValue(), invoiceDate);
    assert.equal(await fetch.getByLabel('Til dato').inputValue(), invoiceDate);

    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme });
      await page.waitForTimeout(150);
      await page.screenshot({
        path: join(SCREENSHOTS, `spend-rates-${theme}.png`),
        fullPage: true,
      });
      violations.push({ screen: `rates/${theme}`, list: await seriousViolations(page) });
    }
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('a bad rate shows the field error; a good one converts the invoice and the reports follow', async () => {
    const before = await turnoverOf(agreement.id);
    const form = page.getByTestId('rates-manual');
    const currency = form.getByRole('textbox', { name: /Valuta \(tre bokstaver\)/ });
    const rate = form.getByRole('textbox', { name: /Kurs \(NOK per 1 enhet\)/ });
    // Prefilled with what misses a rate.
    assert.equal(await currency.inputValue(), 'EUR');
    assert.equal(await form.getByLabel('Dato').inputValue(), invoiceDate);

    await rate.fill('abc');
    await form.getByRole('button', { name: 'Lagre kursen' }).click();
    await rate.and(page.locator('[aria-invalid=true]')).waitFor();
    const message = form.locator('.fui-Field__validationMessage');
    await message.first().waitFor();
    const messageId = await message.first().getAttribute('id');
    assert.ok(messageId);
    assert.match((await rate.getAttribute('aria-describedby')) ?? '', new RegExp(messageId));
    assert.match((await message.first().textContent()) ?? '', /kurs/i);
    await form
      .locator('.fui-MessageBar[role=alert]')
      .getByText(/Ugyldig/)
      .waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'spend-rates-errors.png'), fullPage: true });
    violations.push({ screen: 'rates/field-error', list: await seriousViolations(page) });
    assert.equal((await api<Overview>('/api/spend/rates')).missing.length, 1, 'nothing saved');

    await rate.fill(RATE_TEXT);
    await form.getByRole('button', { name: 'Lagre kursen' }).click();
    await form
      .getByTestId('rates-manual-status')
      .getByText(`Kursen for EUR ${nbDate(invoiceDate)} er lagret. 1 dokument fikk NOK-verdi.`)
      .waitFor();
    await page.getByTestId('rates-missing').waitFor({ state: 'detached' });
    assert.notEqual(await rate.getAttribute('aria-invalid'), 'true');
    assert.deepEqual((await api<Overview>('/api/spend/rates')).missing, []);
    await eurRow()
      .getByText(new RegExp(`Lagt inn for hånd: ${demoEurDays + 1}(?!\\d)`))
      .waitFor();

    // The agreement's turnover grew by the converted amount, in the API and in the report.
    const added = toNokOre(EUR_MINOR, 'EUR', RATE_MICRO);
    assert.equal(added, 1_410_300); // 1 234,56 EUR × 11,4235 = 14 102,996 kr
    const after = await turnoverOf(agreement.id);
    assert.equal(after - before, added);
    await page.getByRole('tab', { name: 'Omsetning per avtale' }).click();
    await page
      .locator(`[data-testid=turnover-row][data-agreement="${agreement.id}"]`)
      .getByText(kr(after))
      .waitFor();
    await page.getByRole('tab', { name: 'Kurser og indekser' }).click();
    await page.getByTestId('rates-table').waitFor();
  });

  it('Norges Bank cannot be reached: the API’s message is shown', async () => {
    const form = page.getByTestId('rates-fetch');
    await form.getByRole('textbox', { name: /Valutaer/ }).fill('EUR, usd');
    await form.getByLabel('Fra dato').fill('2025-06-01');
    await form.getByLabel('Til dato').fill('2025-06-30');
    await form.getByRole('button', { name: 'Hent kurser' }).click();
    await form
      .getByRole('alert')
      .getByText(/Norges Bank kunne ikke nås/)
      .waitFor({ timeout: 20_000 });
    assert.equal(await form.getByTestId('rates-fetch-status').textContent(), '');
  });

  it('imports a wide rate file (name shown as text) and refuses a file with a bad line', async () => {
    const form = page.getByTestId('rates-import');
    await form.getByText(/dato;EUR;100 SEK/).waitFor();
    await form.getByLabel('Kursfil (CSV)').setInputFiles({
      name: HOSTILE_FILE,
      mimeType: 'text/csv',
      buffer: Buffer.from('dato;EUR;100 SEK\n2025-07-01;11,50;98,10\n2025-07-02;11,52;\n'),
    });
    await form.getByRole('button', { name: 'Les inn kursfil' }).click();
    await form
      .getByTestId('rates-import-status')
      .getByText(`3 kurser lest inn fra «${HOSTILE_FILE}».`)
      .waitFor();
    assert.equal(await page.evaluate('window.__x'), undefined);
    await eurRow()
      .getByText(/Innlest fil: 2/)
      .waitFor();
    await page
      .locator('[data-testid=rates-row][data-currency="SEK"]')
      .getByText(/Innlest fil: 1/)
      .waitFor();

    await form.getByLabel('Kursfil (CSV)').setInputFiles({
      name: 'feil.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('dato;EUR\n2025-07-03;11,5\n2025-07-04;abc\n'),
    });
    await form.getByRole('button', { name: 'Les inn kursfil' }).click();
    await form
      .getByRole('alert')
      .getByText(/linje 3/)
      .waitFor();
    assert.equal(await form.getByTestId('rates-import-status').textContent(), '');
    // Nothing of the bad file was stored (its first line was good).
    const eur = (await api<Overview>('/api/spend/rates')).currencies.find(
      (c) => c.currency === 'EUR',
    );
    assert.deepEqual(
      Object.entries(eur?.sources ?? {}).find(([k]) => k === 'series-file'),
      ['series-file', 2],
    );
    await eurRow()
      .getByText(/Innlest fil: 2(?!\d)/)
      .waitFor();
  });

  it('KPI: the shipped 2024 average, a value added by hand, SSB unreachable', async () => {
    const section = page.getByTestId('rates-index');
    const table = section.getByTestId('index-table');
    await table.waitFor();
    for (const h of ['Indeks', 'Periode', 'Verdi', 'Kilde']) {
      await table.getByRole('columnheader', { name: h }).waitFor();
    }
    const y2024 = table.locator('[data-testid=index-row][data-period="2024"]');
    await y2024.getByText('133,6', { exact: true }).waitFor();
    await y2024.getByText('Levert (årssnitt)', { exact: true }).waitFor();

    const form = section.getByTestId('index-form');
    assert.equal(await form.getByRole('textbox', { name: /^Indeks/ }).inputValue(), 'KPI');
    // A bad period first: the API's issue next to the field.
    await form.getByRole('textbox', { name: /^Periode/ }).fill('2025-13');
    await form.getByRole('textbox', { name: /^Verdi/ }).fill('137,9');
    await form.getByRole('button', { name: 'Lagre verdien' }).click();
    await form
      .getByRole('textbox', { name: /^Periode/ })
      .and(page.locator('[aria-invalid=true]'))
      .waitFor();
    await form.getByRole('textbox', { name: /^Periode/ }).fill('2025-10');
    await form.getByRole('button', { name: 'Lagre verdien' }).click();
    await form
      .getByTestId('index-form-status')
      .getByText(/KPI .*2025 = 137,9 er lagret\./)
      .waitFor();
    const oct = table.locator('[data-testid=index-row][data-period="2025-10"]');
    await oct.getByText('137,9', { exact: true }).waitFor();
    await oct.getByText('Lagt inn for hånd', { exact: true }).waitFor();
    assert.equal(
      await table.locator('[data-testid=index-row]').first().getAttribute('data-period'),
      '2025-10',
      'newest first',
    );
    const values = await api<{ values: { index: string; period: string; value: string }[] }>(
      '/api/spend/index-values',
    );
    assert.ok(
      values.values.some((v) => v.index === 'KPI' && v.period === '2025-10' && v.value === '137.9'),
    );

    // An index name with markup is shown as text.
    await form.getByRole('textbox', { name: /^Indeks/ }).fill(HOSTILE_INDEX);
    await form.getByRole('textbox', { name: /^Periode/ }).fill('2025-11');
    await form.getByRole('textbox', { name: /^Verdi/ }).fill('100');
    await form.getByRole('button', { name: 'Lagre verdien' }).click();
    await table.getByText(HOSTILE_INDEX, { exact: true }).waitFor();
    assert.equal(await page.evaluate('window.__y'), undefined);

    await section.getByRole('button', { name: 'Hent KPI fra SSB' }).click();
    await section
      .getByTestId('index-fetch')
      .getByRole('alert')
      .getByText(/SSB kunne ikke nås/)
      .waitFor({ timeout: 20_000 });
  });

  it('shows the latest 24 index values and all on «Vis alle»', async () => {
    // Two years of monthly values (2022-01 – 2023-12) beside the shipped averages.
    for (let i = 0; i < 24; i++) {
      const period = `${2022 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
      const r = await s.request('kontraktservice', 'POST', '/api/spend/index-values', {
        index: 'KPI',
        period,
        value: `${120 + i}.5`,
      });
      assert.equal(r.status, 201, r.text);
    }
    const total = (await api<{ values: unknown[] }>('/api/spend/index-values')).values.length;
    assert.ok(total > 24, `${total} values`);
    // Read again: leave the section and come back.
    await page.getByRole('tab', { name: 'Innlesing' }).click();
    await page.getByRole('tab', { name: 'Kurser og indekser' }).click();
    const table = page.getByTestId('index-table');
    await table.waitFor();
    const rows = table.locator('[data-testid=index-row]');
    assert.equal(await rows.count(), 24);
    await page.getByText(`Viser 24 av ${total} verdier.`).waitFor();
    const showAll = page.getByRole('button', { name: `Vis alle (${total})` });
    assert.equal(await showAll.getAttribute('aria-expanded'), 'false');
    await showAll.click();
    assert.equal(await rows.count(), total);
    await table
      .locator('[data-testid=index-row][data-period="2022-01"]')
      .getByText('120,5')
      .waitFor();
    await page.getByRole('button', { name: 'Vis de siste 24' }).click();
    assert.equal(await rows.count(), 24);
  });

  it('renders in nynorsk and English', async () => {
    await page.getByRole('combobox', { name: 'Språk' }).selectOption('nn');
    await page.getByRole('tab', { name: 'Kursar og indeksar', selected: true }).waitFor();
    await page.getByRole('heading', { name: 'Valutakursar' }).waitFor();
    await page.getByRole('heading', { name: 'Indeksar (KPI)' }).waitFor();
    await page.getByRole('heading', { name: 'Legg inn kurs for hand' }).waitFor();
    await page.getByRole('button', { name: 'Hent KPI frå SSB' }).waitFor();
    await eurRow()
      .getByText(/Levert med løysinga \(Norges Bank\)/)
      .waitFor();
    await page
      .getByTestId('rates-index')
      .locator('[data-testid=index-row][data-period="2024"]')
      .getByText('133,6', { exact: true })
      .waitFor();

    await page.getByRole('combobox', { name: 'Språk' }).selectOption('en');
    await page.getByRole('tab', { name: 'Rates and indices', selected: true }).waitFor();
    await page.getByRole('heading', { name: 'Exchange rates' }).waitFor();
    await page.getByRole('heading', { name: 'Indices (CPI)' }).waitFor();
    await page.getByRole('button', { name: 'Fetch rates' }).waitFor();
    await eurRow()
      .getByText(/Shipped with the product \(Norges Bank\)/)
      .waitFor();
    await eurRow().getByText('04/01/2021', { exact: true }).waitFor();
    await page
      .getByTestId('rates-index')
      .locator('[data-testid=index-row][data-period="2024"]')
      .getByText('133.6', { exact: true })
      .waitFor();

    await page.getByRole('combobox', { name: 'Language' }).selectOption('nb');
    await page.getByRole('tab', { name: 'Kurser og indekser', selected: true }).waitFor();
  });

  it('a contract owner has no «Kurser og indekser»; the link falls back and the API refuses', async () => {
    await ownerLacksSpendSection(
      browser,
      s,
      { hash: 'rates', tab: 'Kurser og indekser', testId: 'rates-table' },
      [
        { method: 'GET', path: '/api/spend/rates' },
        { method: 'GET', path: '/api/spend/index-values' },
        {
          method: 'POST',
          path: '/api/spend/rates',
          body: { currency: 'EUR', date: invoiceDate, rate: '1' },
        },
      ],
    );
  });

  it('no serious or critical axe violations (light, dark, with the field error)', () => {
    const summary = axeSummary(violations);
    assert.deepEqual(summary, []);
    assert.equal(violations.length, 3);
  });
});
