import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { contractInput } from '../support/fixtures.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import {
  devContext,
  ensureTabBuilt,
  launchChromium,
  SCREENSHOTS,
  seriousViolations,
} from './harness.ts';

const SCRIPT_NAME = '<img src=x onerror="window.__x=1">Skript AS';
const SCRIPT_TEXT = '<script>window.__y=1</script>Kontorstoler';

/**
 * The file has the default column names, so the suggestion maps «bilagsdato» to the date — but in
 * this export that column is empty and the real date is «Fakturadato»: the user must choose it.
 */
const CSV = [
  'orgnr;leverandør;bilagsdato;Fakturadato;beløp;bilagsnummer;ansvar;tekst;Rammeavtale',
  '123456785;Kontorleverandøren AS;;15.03.2024;12 500,00;L-1;Helse;Papir;RA-2024-0009',
  '123456785;Kontorleverandøren AS;;16.03.2024;-500,00;L-2;Helse;Retur;RA-2024-0009',
  `974760673;"${SCRIPT_NAME.replaceAll('"', '""')}";;18.03.2024;2 000,00;L-3;Skole;${SCRIPT_TEXT};`,
  '12345678;Feil AS;;18.03.2024;10,00;L-4;Skole;x;',
  '',
].join('\n');

/**
 * Ledger CSV import in the tab, in Chromium against the real server: choose CSV, the header is read
 * and a select per field is prefilled with the suggestion, one column is mapped differently, the
 * upload runs with progress to the summary (postings and per-row errors), markup in the file stays
 * text in the sample rows and the drill-down, and the screen passes axe-core.
 */
describe('Tab: ledger CSV upload with column mapping', () => {
  let s: TestServer;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;

  before(async () => {
    ensureTabBuilt();
    s = await startTestServer();
    await s.services.store.contracts.create(
      contractInput({
        referenceNumber: 'RA-2024-0009',
        startDate: '2024-01-01',
        endDate: '2099-12-31',
        options: [],
      }),
      'test',
    );
    browser = await launchChromium();
    mkdirSync(SCREENSHOTS, { recursive: true });
    ctx = await devContext(browser, 'kontraktservice');
    page = await ctx.newPage();
  });
  after(async () => {
    await browser?.close();
    await s?.close();
  });

  it('chooses CSV, remaps a column, uploads with progress and shows the summary', async () => {
    await page.goto(`${s.url}/tab/#/spend/upload`);
    await page.getByRole('tab', { name: 'Innkjøpsanalyse' }).waitFor();
    assert.equal(await page.getByText(/leses inn med kommandolinjen/).count(), 0);
    await page.getByRole('radio', { name: 'Regnskapsdata (CSV)' }).check();
    await page.getByLabel('Regnskapsfil (CSV)').setInputFiles({
      name: 'hovedbok.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(CSV),
    });
    const form = page.getByTestId('ledger-mapping');
    await form.waitFor();
    const select = (name: RegExp) => form.getByRole('combobox', { name });
    // Prefilled with the server's suggestion.
    assert.equal(await select(/^Skilletegn/).inputValue(), ';');
    assert.equal(await select(/^Leverandørens organisasjonsnummer/).inputValue(), 'orgnr');
    assert.equal(await select(/^Bilagsdato/).inputValue(), 'bilagsdato');
    assert.equal(await select(/^Bilagsnummer/).inputValue(), 'bilagsnummer');
    assert.equal(await select(/^Leverandørnavn/).inputValue(), 'leverandør');
    assert.equal(await select(/^Avtalereferanse/).inputValue(), '');
    // The sample rows show markup as text.
    const sample = page.getByTestId('ledger-sample');
    await sample.getByText(SCRIPT_NAME, { exact: true }).waitFor();
    await sample.getByText(SCRIPT_TEXT, { exact: true }).waitFor();
    assert.equal(await page.evaluate('window.__x'), undefined);
    assert.equal(await page.evaluate('window.__y'), undefined);

    // The user maps the date to «Fakturadato» and the contract reference to «Rammeavtale».
    await select(/^Bilagsdato/).selectOption('Fakturadato');
    await select(/^Avtalereferanse/).selectOption('Rammeavtale');
    await page.screenshot({
      path: join(SCREENSHOTS, 'spend-ledger-mapping-light.png'),
      fullPage: true,
    });
    const mappingViolations = await seriousViolations(page);

    await page.getByRole('button', { name: 'Les inn' }).click();
    await page.getByTestId('spend-progress').waitFor();
    const summary = page.getByTestId('spend-summary');
    await summary.waitFor({ timeout: 30_000 });
    await page.getByRole('status').getByText('Innlesingen er ferdig.').waitFor();
    const progress = page.getByTestId('spend-progress').getByRole('progressbar');
    assert.equal(await progress.getAttribute('aria-valuenow'), '1');
    const text = (await summary.textContent()) ?? '';
    assert.match(text, /Rader lest4/);
    assert.match(text, /Posteringer3/);
    assert.match(text, /Kreditnotaer1/);
    assert.match(text, /Duplikater0/);
    assert.match(text, /Netto per valuta: NOK14[\s\u00a0]000,00[\s\u00a0]NOK/);
    const errors = page.getByTestId('spend-errors');
    await errors.getByText('hovedbok.csv, linje 5').waitFor();
    await errors.getByText(/ugyldig organisasjonsnummer «12345678»/).waitFor();
    assert.equal(await errors.getByRole('row').count(), 2, 'one header row and one error');
    await page.screenshot({
      path: join(SCREENSHOTS, 'spend-ledger-upload-light.png'),
      fullPage: true,
    });
    const summaryViolations = await seriousViolations(page);

    // The postings are in the reports: the agreement's turnover, and the other supplier's line in
    // the drill-down with its text shown as text.
    const report = (
      await s.request('kontraktservice', 'GET', '/api/spend/reports/turnover')
    ).json() as { agreements: { referenceNumber: string; turnoverOre: number }[] };
    assert.equal(
      report.agreements.find((a) => a.referenceNumber === 'RA-2024-0009')?.turnoverOre,
      1_200_000,
    );
    await page.evaluate(`window.location.hash = '#/spend/leakage'`);
    const classes = page.getByTestId('leakage-classes');
    await classes.waitFor();
    await classes.getByRole('button', { name: 'Leverandør uten avtale' }).click();
    await page.getByTestId('drilldown').getByText(SCRIPT_TEXT).waitFor();
    assert.equal(await page.evaluate('window.__y'), undefined);

    assert.deepEqual(
      [...mappingViolations, ...summaryViolations].map((v) => `${v.id}: ${v.help}`),
      [],
    );
  });

  it('a file that is not CSV is refused with the reason, before any upload', async () => {
    await page.goto(`${s.url}/tab/#/spend/upload`);
    await page.getByRole('radio', { name: 'Regnskapsdata (CSV)' }).check();
    await page.getByLabel('Regnskapsfil (CSV)').setInputFiles({
      name: 'hovedbok.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: Buffer.from('PK\x03\x04\x14\x00\x00\x00', 'latin1'),
    });
    await page
      .getByRole('alert')
      .getByText(/zip- eller Excel-fil, ikke CSV/)
      .waitFor();
    assert.equal(await page.getByTestId('ledger-mapping').count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Les inn' }).isDisabled(), true);
  });
});
