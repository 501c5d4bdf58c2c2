import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { seedDemo } from '../../src/demo/seed.ts';
import { loadDemoSpend } from '../../src/demo/spend.ts';
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

interface Summary {
  agreementId: string;
  referenceNumber: string;
  title: string | null;
  items: number;
  firstValidFrom: string | null;
  lastValidFrom: string | null;
  currencies: string[];
}
interface Items {
  agreementId: string;
  referenceNumber: string;
  items: {
    itemNumber: string | null;
    gtin: string | null;
    description: string | null;
    unit: string;
    price: string;
    currency: string;
    validFrom: string;
  }[];
}

const NBSP = '\u00a0';
const nbDate = (iso: string) => `${iso.slice(8, 10)}.${iso.slice(5, 7)}.${iso.slice(0, 4)}`;
const HOSTILE_DESCRIPTION = '<script>window.__p=1</script>Hansker & <b>nitril</b>';
const HOSTILE_FILE = '<img src=x onerror="window.__f=1">prisliste.csv';

/** A small CSV price list: Norwegian headers, semicolons, decimal comma, Norwegian dates. */
const GOOD_CSV = [
  'Varenummer;GTIN;Beskrivelse;Enhet;Pris;Gyldig fra',
  `PL-1;7038010000010;${HOSTILE_DESCRIPTION};PK;1 234,5;01.01.2025`,
  'PL-2;;Skrue 4x40;C62;0,125;2025-01-01',
  'PL-3;;Bor 6 mm;C62;89,90;01.07.2025',
  '',
].join('\n');
/** Line 3 (the second item) has a price that is not a number. */
const BAD_CSV = [
  'varenummer;beskrivelse;enhet;pris;gyldig fra',
  'X-1;Første;C62;10,00;01.01.2025',
  'X-2;Andre;C62;ti kroner;01.01.2025',
  'X-3;Tredje;C62;12,00;01.01.2025',
  '',
].join('\n');
const XLSX_ITEMS = 120;

async function priceListXlsx(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Prisliste');
  ws.addRow(['Item number', 'GTIN', 'Description', 'Unit', 'Price', 'Valid from']);
  for (let i = 1; i <= XLSX_ITEMS; i++) {
    ws.addRow([
      `XL-${String(i).padStart(3, '0')}`,
      null,
      `Vare ${i} fra Excel`,
      'C62',
      i + 0.5,
      new Date(Date.UTC(2025, 2, 1)),
    ]);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/**
 * «Prislister» in Chromium against the real server (60 demo contracts and the demo spend, which
 * imports four price lists): the agreements with and without a price list, the filter and the
 * «only with a price list» switch, one agreement's items with Norwegian prices, a CSV upload for an
 * agreement without a list (count and items follow), a CSV with a bad price on line 3 (the issue
 * names the line, nothing changes), an Excel list that replaces a demo list (120 items, «Vis
 * alle»), a file over 32 MiB refused before sending, hostile text as text, nynorsk and English,
 * axe-core in light and dark, and a contract owner without the section.
 */
describe('Tab: Prislister (price lists)', () => {
  let s: TestServer;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  let withList: Summary[];
  let withoutList: Summary[];
  /** The agreement that gets the CSV in the test. */
  let target: Summary;
  const violations: { screen: string; list: AxeViolation[] }[] = [];
  const posts: string[] = [];

  const api = async <T>(path: string): Promise<T> => {
    const r = await s.request('kontraktservice', 'GET', path);
    assert.equal(r.status, 200, r.text);
    return r.json() as T;
  };
  const summaries = async () =>
    (await api<{ agreements: Summary[] }>('/api/spend/pricelists')).agreements;
  const row = (id: string) => page.locator(`[data-testid=pricelists-row][data-agreement="${id}"]`);
  const rows = () => page.locator('[data-testid=pricelists-row]');
  const check = async (screen: string) => {
    violations.push({ screen, list: await seriousViolations(page) });
  };

  before(async () => {
    ensureTabBuilt();
    s = await startTestServer({}, { seed: false });
    await seedDemo(s.services, { contracts: 60 });
    await loadDemoSpend(s.services);
    const all = await summaries();
    withList = all.filter((a) => a.items > 0);
    withoutList = all.filter((a) => a.items === 0);
    assert.equal(withList.length, 4, 'the demo spend imports four price lists');
    assert.ok(withoutList.length >= 2, 'agreements without a price list');
    target = withoutList[0] as Summary;

    browser = await launchChromium();
    mkdirSync(SCREENSHOTS, { recursive: true });
    ctx = await devContext(browser, 'kontraktservice');
    page = await ctx.newPage();
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().includes('/api/spend/pricelists/')) posts.push(r.url());
    });
  });
  after(async () => {
    await browser?.close();
    await s?.close();
  });

  it('lists the agreements with and without price lists; the filter and the switch work', async () => {
    await page.goto(`${s.url}/tab/#/spend/pricelists`);
    await page.getByRole('tab', { name: 'Prislister', selected: true }).waitFor();
    // Placed right after «Kurser og indekser».
    const tabs = await page
      .getByRole('tablist', { name: 'Deler av innkjøpsanalysen' })
      .getByRole('tab')
      .allTextContents();
    // (Fluent renders a tab's text twice: once hidden, to reserve the bold width.)
    const rates = tabs.findIndex((x) => x.startsWith('Kurser og indekser'));
    assert.match(tabs[rates + 1] ?? '', /^(Prislister)+$/);
    await page.getByRole('heading', { name: 'Avtalenes prislister' }).waitFor();
    const table = page.getByTestId('pricelists-table');
    await table.waitFor();
    for (const h of [
      'Avtalenummer',
      'Tittel',
      'Varer',
      'Første «gyldig fra»',
      'Siste «gyldig fra»',
      'Valuta',
    ]) {
      await table.getByRole('columnheader', { name: h, exact: true }).waitFor();
    }
    const all = withList.length + withoutList.length;
    assert.equal(await rows().count(), all);
    // The agreements that have a price list come first.
    const counts = await rows().getByTestId('pricelists-count').allTextContents();
    assert.ok(
      counts.slice(0, withList.length).every((c) => c !== 'Ingen prisliste'),
      String(counts),
    );
    await page.getByText(`Viser ${all} av ${all} avtaler.`).waitFor();
    for (const a of withList) {
      const r = row(a.agreementId);
      await r.getByTestId('pricelists-count').getByText(String(a.items), { exact: true }).waitFor();
      await r
        .getByText(nbDate(a.firstValidFrom as string))
        .first()
        .waitFor();
      await r.getByText(a.currencies.join(', '), { exact: true }).waitFor();
    }
    await row(target.agreementId)
      .getByTestId('pricelists-count')
      .getByText('Ingen prisliste', { exact: true })
      .waitFor();

    // Filter by reference number, then by a part of a title, then only those with a list.
    const filter = page.getByRole('searchbox', { name: /Søk etter avtale/ });
    const first = withList[0] as Summary;
    await filter.fill(first.referenceNumber.toLowerCase());
    await row(first.agreementId).waitFor();
    const byRef = [...withList, ...withoutList].filter((a) =>
      a.referenceNumber.toLowerCase().includes(first.referenceNumber.toLowerCase()),
    );
    assert.equal(await rows().count(), byRef.length);
    const word = (first.title ?? '').split(/\s+/).find((w) => w.length > 4) ?? '';
    assert.ok(word, `a word in «${first.title}»`);
    await filter.fill(word.toUpperCase());
    const byTitle = [...withList, ...withoutList].filter(
      (a) =>
        (a.title ?? '').toLowerCase().includes(word.toLowerCase()) ||
        a.referenceNumber.toLowerCase().includes(word.toLowerCase()),
    );
    await page.getByText(`Viser ${byTitle.length} av ${byTitle.length} avtaler.`).waitFor();
    assert.equal(await rows().count(), byTitle.length);
    await filter.fill('finnes-ikke-zzz');
    await page.getByText('Ingen avtaler passer til søket.').waitFor();
    assert.equal(await rows().count(), 0);
    await filter.fill('');
    await page.getByRole('switch', { name: 'Bare avtaler med prisliste' }).check();
    await page.getByText(`Viser ${withList.length} av ${withList.length} avtaler.`).waitFor();
    assert.deepEqual(
      (await rows().evaluateAll((els) => els.map((e) => e.getAttribute('data-agreement')))).sort(),
      withList.map((a) => a.agreementId).sort(),
    );
    await page.getByRole('switch', { name: 'Bare avtaler med prisliste' }).uncheck();
    await page.getByText(`Viser ${all} av ${all} avtaler.`).waitFor();
  });

  it('selecting an agreement with a price list shows its items with Norwegian prices', async () => {
    const a = withList[0] as Summary;
    const list = await api<Items>(`/api/spend/pricelists/${a.agreementId}`);
    assert.equal(list.items.length, a.items);
    await page.getByRole('button', { name: `Vis prislisten til ${a.referenceNumber}` }).click();
    const section = page.getByTestId('pricelists-items');
    await section.getByRole('heading', { name: `Prisliste for ${a.referenceNumber}` }).waitFor();
    assert.equal(await row(a.agreementId).getAttribute('aria-current'), 'true');
    const table = section.getByTestId('pricelists-items-table');
    for (const h of ['Varenummer', 'GTIN', 'Beskrivelse', 'Enhet', 'Pris', 'Gyldig fra']) {
      await table.getByRole('columnheader', { name: h, exact: true }).waitFor();
    }
    const items = table.locator('[data-testid=pricelists-item]');
    assert.equal(await items.count(), Math.min(100, list.items.length));
    const item = list.items[0] as Items['items'][number];
    const nb = new Intl.NumberFormat('nb-NO', { minimumFractionDigits: 2 }).format(
      Number(item.price),
    );
    assert.match(nb, /,\d\d/);
    const firstRow = items.first();
    await firstRow.getByText(`${nb} ${item.currency}`, { exact: true }).waitFor();
    await firstRow.getByText(nbDate(item.validFrom), { exact: true }).waitFor();
    if (item.itemNumber) await firstRow.getByText(item.itemNumber, { exact: true }).waitFor();

    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme });
      await page.waitForTimeout(150);
      await page.screenshot({
        path: join(SCREENSHOTS, `spend-pricelists-${theme}.png`),
        fullPage: true,
      });
      await check(`pricelists/${theme}`);
    }
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('uploads a CSV for an agreement without a price list: count and items follow', async () => {
    const form = page.getByTestId('pricelists-upload');
    await form
      .getByText('Opplastingen erstatter hele den nåværende prislisten til avtalen.')
      .waitFor();
    await form.getByText(/varenummer, GTIN, beskrivelse, enhet, pris og gyldig fra/).waitFor();
    await form.getByRole('combobox', { name: /Avtale/ }).selectOption(target.agreementId);
    // Choosing in the form shows that agreement's (empty) list.
    await page
      .getByTestId('pricelists-items')
      .getByText(`${target.referenceNumber} har ingen prisliste.`)
      .waitFor();
    await form.getByLabel(/Prisliste \(CSV eller Excel/).setInputFiles({
      name: 'prisliste.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(GOOD_CSV),
    });
    await form.getByRole('button', { name: 'Last opp prislisten' }).click();
    await form
      .getByTestId('pricelists-upload-status')
      .getByText(`3 priser lest inn for ${target.referenceNumber}.`)
      .waitFor();
    await row(target.agreementId)
      .getByTestId('pricelists-count')
      .getByText('3', { exact: true })
      .waitFor();
    await row(target.agreementId).getByText('01.01.2025').waitFor();
    await row(target.agreementId).getByText('01.07.2025').waitFor();
    const items = page.getByTestId('pricelists-items').locator('[data-testid=pricelists-item]');
    await items.nth(2).waitFor();
    assert.equal(await items.count(), 3);
    const pl1 = items.and(page.locator('[data-item="PL-1"]'));
    await pl1.getByText(`1${NBSP}234,50 NOK`, { exact: true }).waitFor();
    await pl1.getByText('7038010000010', { exact: true }).waitFor();
    await pl1.getByText(HOSTILE_DESCRIPTION, { exact: true }).waitFor();
    await pl1.getByText('PK', { exact: true }).waitFor();
    await items
      .and(page.locator('[data-item="PL-2"]'))
      .getByText('0,125 NOK', { exact: true })
      .waitFor();
    await items
      .and(page.locator('[data-item="PL-3"]'))
      .getByText('89,90 NOK', { exact: true })
      .waitFor();
    assert.equal(await page.evaluate('window.__p'), undefined);
    const stored = await api<Items>(`/api/spend/pricelists/${target.agreementId}`);
    assert.deepEqual(
      stored.items.map((i) => [i.itemNumber, i.price, i.validFrom]),
      [
        ['PL-1', '1234.50', '2025-01-01'],
        ['PL-2', '0.125', '2025-01-01'],
        ['PL-3', '89.90', '2025-07-01'],
      ],
    );
  });

  it('a CSV with a bad price on line 3 lists the issue by line; nothing changes', async () => {
    const form = page.getByTestId('pricelists-upload');
    await form.getByLabel(/Prisliste \(CSV eller Excel/).setInputFiles({
      name: HOSTILE_FILE,
      mimeType: 'text/csv',
      buffer: Buffer.from(BAD_CSV),
    });
    await form.getByRole('button', { name: 'Last opp prislisten' }).click();
    const issues = form.getByTestId('pricelists-issues');
    await issues.getByText(`Feil i «${HOSTILE_FILE}» (ingenting er lagret):`).waitFor();
    const listed = await issues.getByRole('listitem').allTextContents();
    assert.deepEqual(listed, ['rad 3: ugyldig pris']);
    await form.getByRole('alert').getByText('Prislisten har feil').waitFor();
    assert.equal(await form.getByTestId('pricelists-upload-status').textContent(), '');
    assert.equal(await page.evaluate('window.__f'), undefined);
    await check('pricelists/issues');
    await page.screenshot({
      path: join(SCREENSHOTS, 'spend-pricelists-errors.png'),
      fullPage: true,
    });
    const stored = await api<Items>(`/api/spend/pricelists/${target.agreementId}`);
    assert.deepEqual(
      stored.items.map((i) => i.itemNumber),
      ['PL-1', 'PL-2', 'PL-3'],
    );
    await row(target.agreementId)
      .getByTestId('pricelists-count')
      .getByText('3', { exact: true })
      .waitFor();
  });

  it('an Excel price list replaces a demo list; 100 items shown, then «Vis alle»', async () => {
    const a = withList[1] as Summary;
    const form = page.getByTestId('pricelists-upload');
    await page.getByRole('button', { name: `Vis prislisten til ${a.referenceNumber}` }).click();
    assert.equal(
      await form.getByRole('combobox', { name: /Avtale/ }).inputValue(),
      a.agreementId,
      'the form follows the table',
    );
    // Chosen in the (long) table: the items are scrolled into view.
    await page
      .getByTestId('pricelists-items')
      .getByRole('heading', { name: `Prisliste for ${a.referenceNumber}` })
      .waitFor();
    const box = await page.getByTestId('pricelists-items').boundingBox();
    assert.ok(box && box.y >= -1 && box.y < 200, `items at y=${box?.y}`);
    await form.getByLabel(/Prisliste \(CSV eller Excel/).setInputFiles({
      name: 'prisliste.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: await priceListXlsx(),
    });
    await form.getByRole('button', { name: 'Last opp prislisten' }).click();
    await form
      .getByTestId('pricelists-upload-status')
      .getByText(`${XLSX_ITEMS} priser lest inn for ${a.referenceNumber}.`)
      .waitFor();
    assert.equal(await form.getByTestId('pricelists-issues').count(), 0, 'old issues cleared');
    await row(a.agreementId)
      .getByTestId('pricelists-count')
      .getByText(String(XLSX_ITEMS), { exact: true })
      .waitFor();
    const section = page.getByTestId('pricelists-items');
    const items = section.locator('[data-testid=pricelists-item]');
    await items
      .and(page.locator('[data-item="XL-001"]'))
      .getByText('1,50 NOK', { exact: true })
      .waitFor();
    assert.equal(await items.count(), 100);
    await section.getByText(`Viser 100 av ${XLSX_ITEMS} varer.`).waitFor();
    const showAll = section.getByRole('button', { name: `Vis alle (${XLSX_ITEMS})` });
    assert.equal(await showAll.getAttribute('aria-expanded'), 'false');
    await showAll.click();
    assert.equal(await items.count(), XLSX_ITEMS);
    await items
      .and(page.locator('[data-item="XL-120"]'))
      .getByText('120,50 NOK', { exact: true })
      .waitFor();
    await items.and(page.locator('[data-item="XL-120"]')).getByText('01.03.2025').waitFor();
    await section.getByRole('button', { name: 'Vis de første 100' }).click();
    assert.equal(await items.count(), 100);
    // Asked only now: the browser's reads are done (see PriceLists.tsx on concurrent reads).
    const stored = await api<Items>(`/api/spend/pricelists/${a.agreementId}`);
    assert.equal(stored.items.length, XLSX_ITEMS, 'the demo list was replaced');
    assert.ok(stored.items.every((i) => i.itemNumber?.startsWith('XL-')));
  });

  it('refuses a file over 32 MiB before sending it', async () => {
    const before = posts.length;
    const form = page.getByTestId('pricelists-upload');
    // A sparse file on disk: the browser is given its path, not 32 MiB over the wire (which took
    // up to the locator's timeout under load).
    const dir = mkdtempSync(join(tmpdir(), 'stor-prisliste-'));
    const big = join(dir, 'stor.csv');
    writeFileSync(big, '');
    truncateSync(big, 32 * 1024 * 1024 + 1);
    await form.getByLabel(/Prisliste \(CSV eller Excel/).setInputFiles(big);
    await form.getByRole('button', { name: 'Last opp prislisten' }).click();
    await form.getByRole('alert').getByText('«stor.csv» er større enn 32 MiB.').waitFor();
    assert.equal(posts.length, before, 'nothing was sent');
    rmSync(dir, { recursive: true, force: true });
  });

  it('renders in nynorsk and English', async () => {
    await page.getByRole('combobox', { name: 'Språk' }).selectOption('nn');
    await page.getByRole('tab', { name: 'Prislister', selected: true }).waitFor();
    await page.getByRole('heading', { name: 'Prislistene til avtalane' }).waitFor();
    await page.getByRole('switch', { name: 'Berre avtalar med prisliste' }).waitFor();
    await page.getByRole('button', { name: 'Last opp prislista' }).waitFor();
    await page.getByTestId('pricelists-table').getByText('Inga prisliste').first().waitFor();
    await page.getByTestId('pricelists-items').getByText('1,50 NOK', { exact: true }).waitFor();

    await page.getByRole('combobox', { name: 'Språk' }).selectOption('en');
    await page.getByRole('tab', { name: 'Price lists', selected: true }).waitFor();
    await page.getByRole('heading', { name: 'Agreement price lists' }).waitFor();
    await page.getByRole('switch', { name: 'Only agreements with a price list' }).waitFor();
    await page.getByRole('button', { name: 'Upload the price list' }).waitFor();
    await page
      .getByTestId('pricelists-table')
      .getByRole('columnheader', { name: 'Reference number' })
      .waitFor();
    await page
      .getByTestId('pricelists-items-table')
      .getByRole('columnheader', { name: 'Item number' })
      .waitFor();
    await page.getByTestId('pricelists-items').getByText('1.50 NOK', { exact: true }).waitFor();
    await page.getByTestId('pricelists-items').getByText('01/03/2025').first().waitFor();

    await page.getByRole('combobox', { name: 'Language' }).selectOption('nb');
    await page.getByRole('tab', { name: 'Prislister', selected: true }).waitFor();
  });

  it('a contract owner has no «Prislister»; the link falls back and the API refuses', async () => {
    await ownerLacksSpendSection(
      browser,
      s,
      { hash: 'pricelists', tab: 'Prislister', testId: 'pricelists-table' },
      [
        { method: 'GET', path: '/api/spend/pricelists' },
        { method: 'GET', path: `/api/spend/pricelists/${target.agreementId}` },
        {
          method: 'POST',
          path: `/api/spend/pricelists/${target.agreementId}?name=p.csv`,
          body: GOOD_CSV,
          headers: { 'content-type': 'text/csv' },
        },
      ],
    );
  });

  it('no serious or critical axe violations (light, dark, with the issues)', () => {
    const summary = axeSummary(violations);
    assert.deepEqual(summary, []);
    assert.equal(violations.length, 3);
  });
});
