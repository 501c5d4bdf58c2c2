import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { DEFAULT_ROUTINES } from '../../src/core/followup/defaults.ts';
import type { Routine } from '../../src/core/followup/routine.ts';
import { contractInput } from '../support/fixtures.ts';
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

const kickoff = DEFAULT_ROUTINES.flatMap((r) => r.activities).find((a) => a.id === 'oppstartsmote');
if (!kickoff?.description?.nn || !kickoff.evidence?.nn) throw new Error('kick-off has no texts');
const DESCRIPTION = kickoff.description;
const EVIDENCE = kickoff.evidence;
const HOSTILE = '<script>window.__xss = 1</script> **fet** [lenke](javascript:alert(1))';

/** Today's calendar date in Oslo plus `days` (the server plans on the Oslo day). */
function osloDate(days: number): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Oslo' }).format(new Date());
  const d = new Date(`${today}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** My tasks, the contract page's plan and the complete dialog show what to do and what to document. */
describe('Tab: a task’s description and evidence', () => {
  let s: TestServer;
  let browser: Browser;
  let page: Page;
  let contractId: string;
  let taskId: string;
  const violations: { screen: string; theme: string; list: AxeViolation[] }[] = [];

  const kickoffCard = (): Locator =>
    page.locator(`[data-testid="task-card"][data-task-id="${taskId}"]`);

  before(async () => {
    ensureTabBuilt();
    s = await startTestServer();
    // Started three days ago: the kick-off meeting (14 days after start) is due in 11 days.
    const r = await s.request(
      'kontraktservice',
      'POST',
      '/api/contracts',
      contractInput({
        referenceNumber: 'BK-2026-0777',
        title: 'Renhold av barnehager',
        ownerId: 'eier1',
        owningUnitId: 'u-helse',
        startDate: osloDate(-3),
        endDate: osloDate(700),
        options: [],
      }),
    );
    assert.equal(r.status, 201, r.text);
    contractId = (r.json() as { id: string }).id;
    taskId = `${contractId}|oppstartsmote|1`;
    browser = await launchChromium();
    mkdirSync(SCREENSHOTS, { recursive: true });
    page = await (await devContext(browser, 'eier1')).newPage();
  });
  after(async () => {
    await browser?.close();
    await s?.close();
  });

  it('My tasks: «Dokumentasjon» is shown, «Hva skal gjøres» opens the description (bokmål)', async () => {
    await page.goto(`${s.url}/tab/#/tasks`);
    const card = kickoffCard();
    await card.waitFor();
    await card.getByTestId('task-evidence').waitFor();
    assert.equal(
      (await card.getByTestId('task-evidence').textContent())?.trim(),
      `Dokumentasjon: ${EVIDENCE.nb}`,
    );
    const toggle = card.getByRole('button', { name: 'Hva skal gjøres' });
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    assert.equal(await card.getByTestId('task-description').isVisible(), false);
    await toggle.click();
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    const description = card.getByTestId('task-description');
    await description.waitFor({ state: 'visible' });
    assert.equal((await description.textContent())?.trim(), DESCRIPTION.nb);
    // The button controls the description (screen readers announce what it opens).
    assert.equal(await toggle.getAttribute('aria-controls'), await description.getAttribute('id'));
    await page.screenshot({ path: join(SCREENSHOTS, 'task-guidance-light.png'), fullPage: true });
    violations.push({ screen: 'tasks', theme: 'light', list: await seriousViolations(page) });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.mouse.move(1, 1);
    await page.waitForTimeout(400); // Fluent's colour transitions settle
    await page.screenshot({ path: join(SCREENSHOTS, 'task-guidance-dark.png'), fullPage: true });
    violations.push({ screen: 'tasks', theme: 'dark', list: await seriousViolations(page) });
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('the complete dialog says what must be documented', async () => {
    await kickoffCard().getByRole('button', { name: 'Utført' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByTestId('evidence-hint').waitFor();
    assert.equal(
      (await dialog.getByTestId('evidence-hint').textContent())?.trim(),
      `Dokumentasjon: ${EVIDENCE.nb}`,
    );
    await dialog.getByRole('button', { name: 'Avbryt' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('in nynorsk: the nynorsk description and evidence', async () => {
    await page.getByRole('combobox', { name: 'Språk' }).selectOption('nn');
    const card = kickoffCard();
    const toggle = card.getByRole('button', { name: 'Kva skal gjerast' });
    await toggle.waitFor();
    if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
    await card
      .getByTestId('task-description')
      .getByText(DESCRIPTION.nn as string)
      .waitFor();
    assert.equal(
      (await card.getByTestId('task-evidence').textContent())?.trim(),
      `Dokumentasjon: ${EVIDENCE.nn}`,
    );
  });

  it('in English, a routine text with script and markdown is shown as text', async () => {
    // Kontraktservice edits the routine: English description with script, English evidence.
    const get = await s.request('kontraktservice', 'GET', '/api/followup/routines/basis-felles');
    const routine = get.json() as Routine;
    const { version: _v, updatedAt: _u, updatedBy: _b, ...data } = routine;
    const put = await s.request(
      'kontraktservice',
      'PUT',
      '/api/followup/routines/basis-felles',
      {
        ...data,
        activities: routine.activities.map((a) =>
          a.id === 'oppstartsmote'
            ? {
                ...a,
                description: { ...DESCRIPTION, en: `${HOSTILE}\nSecond line.` },
                evidence: { nb: EVIDENCE.nb, nn: EVIDENCE.nn },
              }
            : a,
        ),
      },
      { 'if-match': get.headers.get('etag') as string },
    );
    assert.equal(put.status, 200, put.text);
    await page.getByRole('combobox', { name: 'Språk' }).selectOption('en');
    await page.reload();
    const card = kickoffCard();
    const toggle = card.getByRole('button', { name: 'What to do' });
    await toggle.waitFor();
    if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
    const description = card.getByTestId('task-description');
    await description.waitFor({ state: 'visible' });
    // Shown as written, line break kept; nothing ran, no link was made.
    assert.equal((await description.textContent())?.trim(), `${HOSTILE}\nSecond line.`);
    assert.equal(await description.locator('script, a, strong').count(), 0);
    assert.equal(await page.evaluate('window.__xss'), undefined);
    // No English evidence written: the bokmål text, under the English label.
    assert.equal(
      (await card.getByTestId('task-evidence').textContent())?.trim(),
      `Documentation: ${EVIDENCE.nb}`,
    );
    await page.getByRole('combobox', { name: 'Language' }).selectOption('nb');
    await page.getByRole('heading', { name: 'Mine oppgaver' }).waitFor();
  });

  it('a deep link to the task opens its description at once', async () => {
    await page.goto(`${s.url}/tab/#/tasks/${encodeURIComponent(taskId)}`);
    const card = kickoffCard();
    await card.getByTestId('task-description').waitFor({ state: 'visible' });
    assert.equal(
      await card.getByRole('button', { name: 'Hva skal gjøres' }).getAttribute('aria-expanded'),
      'true',
    );
  });

  it('the contract page’s plan shows the same for each task', async () => {
    await page.goto(`${s.url}/tab/#/contracts/${contractId}`);
    const item = page
      .getByTestId('plan-item')
      .filter({ has: page.getByRole('link', { name: kickoff.title.nb }) });
    await item.waitFor();
    assert.equal(
      (await item.getByTestId('task-evidence').textContent())?.trim(),
      `Dokumentasjon: ${EVIDENCE.nb}`,
    );
    await item.getByRole('button', { name: 'Hva skal gjøres' }).click();
    assert.equal(
      (await item.getByTestId('task-description').textContent())?.trim(),
      DESCRIPTION.nb,
    );
    violations.push({ screen: 'plan', theme: 'light', list: await seriousViolations(page) });
  });

  it('a deleted routine: its tasks show neither, and the screens still work', async () => {
    const del = await s.request('kontraktservice', 'DELETE', '/api/followup/routines/basis-felles');
    assert.equal(del.status, 204, del.text);
    await page.reload();
    const item = page.getByTestId('plan-item').filter({ hasText: kickoff.title.nb }).first();
    await item.waitFor();
    assert.equal(await item.getByTestId('task-evidence').count(), 0);
    await page.goto(`${s.url}/tab/#/tasks`);
    await page.getByRole('heading', { name: 'Mine oppgaver' }).waitFor();
    await page.getByTestId('task-card').first().waitFor();
    assert.equal(await kickoffCard().count(), 0, 'the cancelled task is no longer listed');
  });

  it('no serious or critical axe violations', () => {
    const summary = axeSummary(violations);
    assert.deepEqual(summary, []);
  });
});
