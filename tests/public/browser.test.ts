import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import type { TestServer } from '../support/server.ts';
import { BASIS, create, startCatalogue, XSS_TITLE } from './helpers.ts';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

interface AxeResult {
  violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[];
}

async function axe(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const result = (await page.evaluate(
    `axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(WCAG_21_AA)} } })`,
  )) as AxeResult;
  return result.violations.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
}

describe('the catalogue in a real browser (Chromium)', () => {
  let s: TestServer;
  let browser: Browser;

  before(async () => {
    s = await startCatalogue({ PUBLIC_RATE_LIMIT: '100000' });
    await create(s, { referenceNumber: 'RA-XSS-1', title: XSS_TITLE, published: true });
    await create(s, {
      referenceNumber: 'RA-KONF-1',
      title: 'Avtale om skjermede priser',
      confidential: { maxValueOre: { legalBasis: BASIS }, supplierTerms: { legalBasis: BASIS } },
      published: true,
    });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  after(async () => {
    await browser?.close();
    await s?.close();
  });

  /** Search, filter, page through and open an agreement: the same steps with and without JS. */
  async function journey(context: BrowserContext) {
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
    });

    await page.goto(`${s.url}/rammeavtaler`);
    assert.equal(await page.getAttribute('html', 'lang'), 'nb');
    assert.equal(await page.textContent('h1'), 'Rammeavtaler');

    // search (typed with Norwegian letters, as a prefix)
    await page.getByLabel('Søk etter avtale, leverandør eller kategori').fill('skolemøb');
    await page.locator('.search-row button[type=submit]').click();
    await page.waitForURL(/q=skolem/);
    assert.equal(await page.textContent('#results-heading'), '3 avtaler');

    // a typo is forgiven
    await page.getByLabel('Søk etter avtale, leverandør eller kategori').fill('tolketjnester');
    await page.locator('.search-row button[type=submit]').click();
    await page.waitForURL(/q=tolketjnester/);
    assert.match((await page.textContent('.notice')) ?? '', /Viser treff for «tolketjenester»/);

    // filter: clear the text, choose a category and partners only
    await page.getByLabel('Søk etter avtale, leverandør eller kategori').fill('');
    await page.getByLabel('Kategori', { exact: true }).selectOption('30');
    await page.getByLabel('Bare avtaler som er åpne for samarbeidspartnere').check();
    await page.locator('button.secondary').click();
    await page.waitForURL(/category=30/);
    const filtered = await page.locator('.results h3 a').allTextContents();
    assert.ok(filtered.length > 0, 'filtered results');
    assert.ok(page.url().includes('partners=1'));
    const partnerTags = await page
      .locator('.results .meta dd', { hasText: 'Åpen for samarbeidspartnere' })
      .count();
    assert.equal(partnerTags, filtered.length);

    // status filter through a radio button
    await page.goto(`${s.url}/rammeavtaler`);
    await page.getByLabel('Utløpte og avsluttede').check();
    await page.locator('button.secondary').click();
    await page.waitForURL(/status=expired/);
    assert.equal(await page.textContent('#results-heading'), '1 avtale');

    // page through
    await page.goto(`${s.url}/rammeavtaler?sort=reference`);
    const firstPage = await page.locator('.results h3 a').allTextContents();
    assert.equal(firstPage.length, 20);
    await page.getByRole('link', { name: 'Neste', exact: true }).click();
    await page.waitForURL(/page=2/);
    const secondPage = await page.locator('.results h3 a').allTextContents();
    assert.ok(secondPage.length > 0 && secondPage.length <= 20);
    assert.equal(await page.locator('.pagination a[aria-current=page]').textContent(), '2');

    // open an agreement
    await page.getByRole('link', { name: 'Forrige', exact: true }).click();
    await page.waitForURL((u) => !u.search.includes('page=2'));
    await page.locator('.results h3 a').first().click();
    await page.waitForURL(/\/rammeavtaler\/avtale\//);
    assert.ok((await page.textContent('h1'))?.length, 'agreement heading');
    assert.equal(await page.locator('table.suppliers').count(), 1);

    // the script title is shown as text and never runs
    await page.goto(`${s.url}/rammeavtaler/avtale/RA-XSS-1`);
    assert.equal(await page.textContent('h1'), XSS_TITLE);

    // language switch without JavaScript: plain links
    await page.getByRole('link', { name: 'English', exact: true }).click();
    await page.waitForURL(/lang=en/);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await page.getByRole('link', { name: 'Nynorsk', exact: true }).click();
    assert.equal(await page.getAttribute('html', 'lang'), 'nn');

    // keyboard: the first Tab reaches the skip link, which leads to the main content
    await page.goto(`${s.url}/rammeavtaler`);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate('document.activeElement?.className'), 'skip-link');
    await page.keyboard.press('Enter');
    await page.waitForURL(/#main$/);

    await page.close();
    return problems;
  }

  it('search, filter, page through and open an agreement (JavaScript on)', async () => {
    const context = await browser.newContext();
    const problems = await journey(context);
    await context.close();
    assert.deepEqual(problems, [], 'no console errors and no CSP violations');
  });

  it('the same with JavaScript turned off', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    await journey(context);
    await context.close();
  });

  it('axe-core: no WCAG 2.1 AA violations on search, results and agreement pages', async () => {
    // axe is injected as a script, which the catalogue's CSP forbids: bypass it for the check
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    const pages = [
      '/rammeavtaler',
      '/rammeavtaler?q=skole',
      '/rammeavtaler?q=tolketjnester',
      '/rammeavtaler?q=xqzvwk',
      '/rammeavtaler?sort=reference&page=2&lang=nn',
      '/rammeavtaler/avtale/RA-2025-001',
      '/rammeavtaler/avtale/RA-KONF-1?lang=en',
      '/rammeavtaler/finnes-ikke',
    ];
    const violations: string[] = [];
    for (const path of pages) {
      await page.goto(s.url + path);
      for (const v of await axe(page)) violations.push(`${path}: ${v}`);
    }
    // the check is real: a page without lang and with an unlabelled image fails it
    await page.setContent('<html><body><img src="x.png"><input type="text"></body></html>');
    assert.ok((await axe(page)).length >= 2, 'axe finds violations on a broken page');
    // and at 400 % zoom (a 320 px wide viewport) nothing scrolls sideways
    await page.setViewportSize({ width: 320, height: 640 });
    for (const path of ['/rammeavtaler?q=skole', '/rammeavtaler/avtale/RA-KONF-1']) {
      await page.goto(s.url + path);
      const wide = await page.evaluate(
        'document.documentElement.scrollWidth > document.documentElement.clientWidth',
      );
      assert.equal(wide, false, `${path} reflows at 320 px`);
    }
    await context.close();
    assert.deepEqual(violations, []);
  });
});
