import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { seedDemoDocuments, simplePdf } from '../../src/archive/demo/seed-documents.ts';
import { documentsOf, outboxDir } from '../../src/archive/documents/compose.ts';
import type { Contract } from '../../src/core/index.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { followUpFor } from '../../src/followup/wire.ts';
import { exe } from '../archive/samples.ts';
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

interface DocView {
  id: string;
  title: string;
  taskId: string | null;
  status: string;
  archiveReference: string | null;
  screening: { accessCode: string; legalBasis: string } | null;
  correspondent: { orgnr: string } | null;
  entryType: string;
  documentType: string;
}

/**
 * Documents on the contract page and evidence on My tasks, in Chromium against the real server
 * (SQLite and the folder archive in a temp folder, demo portfolio with its filed documents).
 */
describe('Tab: documents and archive status', () => {
  let s: TestServer;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  let contract: Contract;
  let screenedDoc: DocView;
  const violations: { screen: string; theme: string; list: AxeViolation[] }[] = [];

  const api = async <T>(path: string, user = 'kontraktservice'): Promise<T> => {
    const r = await s.request(user, 'GET', path);
    assert.equal(r.status, 200, r.text);
    return r.json() as T;
  };
  const docsOf = async (id: string, user = 'kontraktservice') =>
    (await api<{ items: DocView[] }>(`/api/contracts/${id}/documents`, user)).items;
  const row = (title: string | RegExp) =>
    page.getByTestId('document-row').filter({ has: page.getByText(title) });

  before(async () => {
    ensureTabBuilt();
    s = await startTestServer({}, { seed: false });
    await seedDemo(s.services, { contracts: 60 });
    await followUpFor(s.services).service.regenerateAll();
    const admin = await s.services.store.directory.getUser('kontraktservice');
    assert.ok(admin);
    const contracts: Contract[] = [];
    for await (const c of s.services.store.contracts.all()) contracts.push(c);
    const seeded = await seedDemoDocuments(documentsOf(s.services), contracts, admin);
    const screened = seeded.find((d) => d.screening !== null);
    assert.ok(screened, 'the demo has a screened document');
    const c = contracts.find((x) => x.id === screened.contractId);
    assert.ok(c);
    contract = c;
    screenedDoc = (await docsOf(c.id)).find((d) => d.id === screened.id) as DocView;
    browser = await launchChromium();
    mkdirSync(SCREENSHOTS, { recursive: true });
    ctx = await devContext(browser, 'kontraktservice');
    page = await ctx.newPage();
  });
  after(async () => {
    await browser?.close();
    await s?.close();
  });

  it('lists the documents with archive status and reference; Kontraktservice sees the full title', async () => {
    await page.goto(`${s.url}/tab/#/contracts/${contract.id}`);
    const r = row(screenedDoc.title);
    await r.waitFor();
    assert.match(screenedDoc.title, /prisbilag/i);
    await r.getByText('Arkivert', { exact: true }).waitFor();
    await r.getByText(`Arkivreferanse: ${screenedDoc.archiveReference}`).waitFor();
    await r.getByTestId('confidential-mark').waitFor();
    assert.ok((await r.getByRole('button').count()) >= 1, 'a download link');
  });

  it('upload: the API field errors appear next to the fields, then a good upload is filed', async () => {
    const supplier = contract.suppliers[0];
    assert.ok(supplier);
    await page.getByRole('button', { name: 'Last opp dokument' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Fil').setInputFiles({
      name: 'referat.pdf',
      mimeType: 'application/pdf',
      buffer: exe(),
    });
    const title = 'Referat <b>oppfølgingsmøte</b> & «prisbilag» vår';
    await dialog.getByTestId('document-title').fill(title);
    await dialog.getByRole('combobox', { name: 'Journalposttype' }).selectOption('I');
    await dialog.getByRole('combobox', { name: 'Dokumenttype' }).selectOption('PROTOKOLL');
    await dialog.getByRole('combobox', { name: 'Avsender/mottaker' }).selectOption(supplier.orgnr);
    await dialog.getByRole('checkbox', { name: /Skjermet/ }).check();
    await dialog.getByTestId('document-screened-words').fill('timepris');
    await dialog.getByRole('button', { name: 'Last opp og arkiver' }).click();
    // The screened word is not in the title: the API's issue sits next to that field.
    const wordsField = dialog
      .getByTestId('document-screened-words')
      .locator('xpath=ancestor::div[contains(@class,"fui-Field")][1]');
    await wordsField.getByText('ordet finnes ikke i tittelen').waitFor();
    await dialog.getByTestId('document-errors').getByRole('alert').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'document-upload-errors-light.png') });
    violations.push({
      screen: 'upload-errors',
      theme: 'light',
      list: await seriousViolations(page),
    });

    await dialog.getByTestId('document-screened-words').fill('prisbilag');
    assert.equal(
      await dialog.getByTestId('document-public-title').textContent(),
      'Referat <b>oppfølgingsmøte</b> & «*****» vår',
    );
    await dialog.getByRole('button', { name: 'Last opp og arkiver' }).click();
    // The renamed executable: refused by content, the reason next to the file field.
    const fileField = dialog
      .getByLabel('Fil')
      .locator('xpath=ancestor::div[contains(@class,"fui-Field")][1]');
    await fileField.getByText(/Kjørbare filer/).waitFor();
    assert.equal(
      await s.request('kontraktservice', 'GET', '/api/health').then((r) => r.status),
      200,
    );
    assert.equal(
      (await docsOf(contract.id)).some((d) => d.title === title),
      false,
    );

    await dialog.getByLabel('Fil').setInputFiles({
      name: 'referat.pdf',
      mimeType: 'application/pdf',
      buffer: simplePdf(['Referat fra oppfølgingsmøte']),
    });
    await dialog.getByRole('button', { name: 'Last opp og arkiver' }).click();
    await page
      .getByRole('status')
      .getByText(/er lastet opp: Arkivert/)
      .waitFor();
    const r = row(title);
    await r.getByText('Arkivert', { exact: true }).waitFor();
    const doc = (await docsOf(contract.id)).find((d) => d.title === title);
    assert.ok(doc);
    assert.equal(doc.entryType, 'I');
    assert.equal(doc.documentType, 'PROTOKOLL');
    assert.equal(doc.correspondent?.orgnr, supplier.orgnr);
    assert.equal(doc.screening?.accessCode, '13');
    assert.equal(doc.status, 'filed');
    // The title is shown as text: no element was made of it.
    assert.equal(await page.locator('[data-testid=documents] b').count(), 0);
  });

  it('a failed filing shows the reason and the retry files it', async () => {
    const outbox = outboxDir(s.dataDir);
    const moved = `${outbox}.moved`;
    renameSync(outbox, moved);
    writeFileSync(outbox, 'not a folder'); // the archive outbox is unusable: filing fails
    try {
      await page.getByRole('button', { name: 'Last opp dokument' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Fil').setInputFiles({
        name: 'evaluering.pdf',
        mimeType: 'application/pdf',
        buffer: simplePdf(['Leverandørevaluering']),
      });
      await dialog.getByTestId('document-title').fill('Leverandørevaluering 2025');
      await dialog.getByRole('combobox', { name: 'Journalposttype' }).selectOption('N');
      await dialog.getByRole('button', { name: 'Last opp og arkiver' }).click();
      const r = row('Leverandørevaluering 2025');
      await r.getByText('Arkivering feilet').waitFor();
      await r.getByText(/^Årsak: .+/).waitFor();
      await page.screenshot({ path: join(SCREENSHOTS, 'documents-failed-light.png') });
    } finally {
      // The archive is back: retrying files the same document once.
      rmSync(outbox, { force: true });
      renameSync(moved, outbox);
    }
    const r = row('Leverandørevaluering 2025');
    await r.getByRole('button', { name: 'Prøv arkivering igjen' }).click();
    await r.getByText('Arkivert', { exact: true }).waitFor();
    await r.getByText(/Arkivreferanse: archive\/outbox\//).waitFor();
    const docs = (await docsOf(contract.id)).filter((d) => d.title === 'Leverandørevaluering 2025');
    assert.equal(docs.length, 1);
    assert.equal(docs[0]?.status, 'filed');
  });

  it('downloads a file with the signed-in user', async () => {
    const r = row('Leverandørevaluering 2025');
    const [dl] = await Promise.all([
      page.waitForEvent('download'),
      r.getByRole('button', { name: /evaluering/ }).click(),
    ]);
    const path = await dl.path();
    assert.equal(readFileSync(path).subarray(0, 5).toString(), '%PDF-');
    assert.match(dl.suggestedFilename(), /evaluering.*\.pdf$/);
  });

  it('every documents view passes axe-core in light and dark, with screenshots', async () => {
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme });
      await page.goto(`${s.url}/tab/#/contracts/${contract.id}`);
      await row(screenedDoc.title).waitFor();
      await page.waitForLoadState('networkidle');
      await page.getByTestId('documents').scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(SCREENSHOTS, `documents-${theme}.png`), fullPage: true });
      violations.push({ screen: 'documents', theme, list: await seriousViolations(page) });
      await page.getByRole('button', { name: 'Last opp dokument' }).click();
      await page
        .getByRole('dialog')
        .getByRole('checkbox', { name: /Skjermet/ })
        .check();
      await page.screenshot({ path: join(SCREENSHOTS, `document-upload-${theme}.png`) });
      violations.push({ screen: 'document-upload', theme, list: await seriousViolations(page) });
      await page.getByRole('dialog').getByRole('button', { name: 'Avbryt' }).click();
    }
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('a reader sees only the public title of a screened document, and cannot download or upload', async () => {
    const reader = await devContext(browser, 'leser');
    const rp = await reader.newPage();
    await rp.goto(`${s.url}/tab/#/contracts/${contract.id}`);
    const masked = screenedDoc.title.replace(/prisbilag/gi, '*****');
    const r = rp.getByTestId('document-row').filter({ hasText: masked });
    await r.waitFor();
    const text = (await rp.getByTestId('documents').textContent()) ?? '';
    assert.ok(!/prisbilag/i.test(text), 'no screened word reaches the reader');
    await r.getByText('Unntatt offentlighet').waitFor();
    assert.equal(await rp.getByRole('button', { name: 'Last opp dokument' }).count(), 0);
    const view = (await docsOf(contract.id, 'leser')).find((d) => d.id === screenedDoc.id);
    assert.equal(view?.title, masked);
    await rp.screenshot({ path: join(SCREENSHOTS, 'reader-documents-light.png'), fullPage: true });
    await reader.close();
  });

  it('completing a task attaches an evidence document, filed on the contract and linked to the task', async () => {
    await page.goto(`${s.url}/tab/#/tasks`);
    const card = page
      .getByTestId('task-card')
      .filter({ has: page.getByRole('button', { name: 'Utført' }) })
      .first();
    await card.waitFor();
    const id = (await card.getAttribute('data-task-id')) as string;
    const task = await api<{ contractId: string }>(`/api/followup/tasks/${encodeURIComponent(id)}`);
    await card.getByRole('button', { name: 'Utført' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox', { name: /Kommentar/ }).fill('Gjennomført, referat vedlagt.');
    await dialog.getByLabel('Dokumentasjon (valgfritt)').setInputFiles({
      name: 'referat-oppstart.pdf',
      mimeType: 'application/pdf',
      buffer: simplePdf(['Referat oppstartsmøte']),
    });
    await dialog.getByTestId('document-title').fill('Referat oppstartsmøte');
    await page.screenshot({ path: join(SCREENSHOTS, 'task-evidence-light.png') });
    violations.push({
      screen: 'task-evidence',
      theme: 'light',
      list: await seriousViolations(page),
    });
    await dialog.getByRole('button', { name: 'Utført' }).click();
    await page
      .getByRole('status')
      .getByText(/er markert som utført/)
      .waitFor();
    const done = await api<{ state: string; evidenceDocumentId: string | null }>(
      `/api/followup/tasks/${encodeURIComponent(id)}`,
    );
    assert.equal(done.state, 'done');
    assert.ok(done.evidenceDocumentId);
    const docs = await docsOf(task.contractId);
    const evidence = docs.find((d) => d.id === done.evidenceDocumentId);
    assert.ok(evidence, 'the evidence is among the contract documents');
    assert.equal(evidence.title, 'Referat oppstartsmøte');
    assert.equal(evidence.taskId, id);
    assert.equal(evidence.entryType, 'N');
    assert.equal(evidence.status, 'filed');
  });

  it('no serious or critical axe violations', () => {
    const summary = axeSummary(violations);
    assert.deepEqual(summary, []);
  });
});
