import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { Routine } from '../../src/core/followup/routine.ts';
import { seedDemo } from '../../src/demo/seed.ts';
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

/** The routine editor in Admin: due-date rules, applicability conditions, adding/removing activities. */
describe('Tab: routine editor', () => {
  let s: TestServer;
  let browser: Browser;
  let page: Page;
  const violations: { screen: string; theme: string; list: AxeViolation[] }[] = [];
  const routines = async () => {
    const r = await s.request('kontraktservice', 'GET', '/api/followup/routines');
    return (r.json() as { items: Routine[] }).items;
  };

  before(async () => {
    ensureTabBuilt();
    s = await startTestServer({}, { seed: false });
    await seedDemo(s.services, { contracts: 20 });
    browser = await launchChromium();
    mkdirSync(SCREENSHOTS, { recursive: true });
    page = await (await devContext(browser, 'kontraktservice')).newPage();
  });
  after(async () => {
    await browser?.close();
    await s?.close();
  });

  it('names the settings a rule or reminder takes its value from, with their current values', async () => {
    const withSetting = (await routines()).find((r) =>
      r.activities.some(
        (a) => a.rule.kind === 'recurring' && typeof a.rule.everyMonths === 'object',
      ),
    ) as Routine;
    assert.ok(withSetting, 'a default routine with a recurring rule from a setting');
    const r = await s.request('kontraktservice', 'GET', '/api/followup/settings');
    const values = (r.json() as { values: Record<string, unknown> }).values;
    await page.goto(`${s.url}/tab/#/admin`);
    await page.getByRole('table', { name: 'Aktiviteter' }).waitFor();
    await page.getByRole('combobox', { name: 'Rutine' }).selectOption(withSetting.id);
    const table = page.getByRole('table', { name: 'Aktiviteter' });
    await table
      .getByText(
        `hver ${values.riskUpdateEveryMonths}. måned · fra innstillingen «Oppdater risikovurderingen hver (måneder)»`,
      )
      .waitFor();
    // Reminders from the usual lead times: the value as placeholder, the setting by its label.
    await table
      .getByText('Tom: fra innstillingen «Vanlig varsling (dager før fristen)»')
      .first()
      .waitFor();
    const placeholders = await table
      .getByRole('textbox', { name: 'Dager før frist' })
      .evaluateAll((inputs) => inputs.map((i) => i.getAttribute('placeholder')));
    assert.ok(placeholders.includes((values.defaultLeadTimesDays as number[]).join(', ')));
    // No setting key in sight.
    const text = (await table.textContent()) ?? '';
    assert.doesNotMatch(text, /EveryMonths|LeadTimesDays/);
    // An activity with conditions says how many (not «Vilkår 1», the first condition's heading).
    const conditions = withSetting.activities.find((a) => a.appliesWhen.length > 0)?.appliesWhen;
    assert.ok(conditions);
    assert.match(text, new RegExp(`· ${conditions.length} vilkår`));
    assert.doesNotMatch(text, /Vilkår \d/);
    // A setting with a value per risk level says which value is which.
    const perRisk = (await routines()).find((r) =>
      r.activities.some(
        (a) =>
          a.rule.kind === 'recurring' &&
          typeof a.rule.everyMonths === 'object' &&
          a.rule.everyMonths.setting === 'statusMeetingEveryMonths',
      ),
    ) as Routine;
    assert.ok(perRisk);
    const meetings = values.statusMeetingEveryMonths as {
      low: number;
      medium: number;
      high: number;
    };
    await page.getByRole('combobox', { name: 'Rutine' }).selectOption(perRisk.id);
    await table
      .getByText(
        `hver ${meetings.low}/${meetings.medium}/${meetings.high}. måned (lav/middels/høy) · fra innstillingen «Statusmøte hver (måneder, per risikonivå)»`,
      )
      .first()
      .waitFor();
    await page.getByRole('combobox', { name: 'Rutine' }).selectOption(withSetting.id);
    // In the rule editor the field keeps the setting's name; its hint explains it.
    const risk = withSetting.activities.find(
      (a) =>
        a.rule.kind === 'recurring' &&
        typeof a.rule.everyMonths === 'object' &&
        a.rule.everyMonths.setting === 'riskUpdateEveryMonths',
    );
    assert.ok(risk);
    await page.getByRole('button', { name: `Frist og vilkår: ${risk.title.nb}` }).click();
    await page
      .getByTestId(`rules-${risk.id}`)
      .getByText(
        `Innstillingen «Oppdater risikovurderingen hver (måneder)», nå ${values.riskUpdateEveryMonths}. Skriv et tall for en egen verdi.`,
      )
      .waitFor();
    await page.getByRole('button', { name: `Frist og vilkår: ${risk.title.nb}` }).click();
  });

  it('thresholds: an amount is shown and typed in kroner and stored in øre; a bad one is refused by its field', async () => {
    const settings = async () =>
      (
        (await s.request('kontraktservice', 'GET', '/api/followup/settings')).json() as {
          values: Record<string, unknown>;
        }
      ).values;
    const before = (await settings()).payConditionsThresholdOre as number;
    await page.goto(`${s.url}/tab/#/admin`);
    await page.getByRole('tab', { name: 'Terskler og varslingstider' }).click();
    const field = page.getByRole('textbox', {
      name: 'Terskel for kontroll av lønns- og arbeidsvilkår (kr)',
    });
    await field.waitFor();
    assert.equal(await field.inputValue(), String(before / 100));
    await field.fill('2 500 000');
    await page.getByRole('button', { name: 'Lagre' }).click();
    await page.getByText('Lagret.').waitFor();
    assert.equal((await settings()).payConditionsThresholdOre, 250_000_000);
    await field.fill('mye');
    await page.getByRole('button', { name: 'Lagre' }).click();
    await field
      .locator('xpath=ancestor::div[contains(@class,"fui-Field")][1]')
      .locator('.fui-Field__validationMessage')
      .waitFor();
    assert.equal((await settings()).payConditionsThresholdOre, 250_000_000);
    await page.getByRole('tab', { name: 'Rutiner' }).click();
  });

  it('edits a due-date rule and a condition, shows a bad parameter next to its field, adds and removes activities', async () => {
    const first = (await routines())[0] as Routine;
    const activity = first.activities[0] as Routine['activities'][number];
    const count = first.activities.length;
    await page.goto(`${s.url}/tab/#/admin`);
    await page.getByRole('table', { name: 'Aktiviteter' }).waitFor();
    await page.getByRole('button', { name: `Frist og vilkår: ${activity.title.nb}` }).click();
    const box = page.getByTestId(`rules-${activity.id}`);
    await box.getByRole('combobox', { name: 'Fristregel' }).selectOption('recurring');
    await box.getByRole('textbox', { name: 'Hver N. måned' }).fill('ikke et navn!');
    await page.getByRole('button', { name: 'Lagre' }).click();
    await box
      .getByRole('textbox', { name: 'Hver N. måned' })
      .locator('xpath=ancestor::div[contains(@class,"fui-Field")][1]')
      .locator('.fui-Field__validationMessage')
      .waitFor();
    await box.getByRole('textbox', { name: 'Hver N. måned' }).fill('6');
    await box.getByRole('button', { name: 'Legg til vilkår' }).click();
    await box.getByRole('group', { name: 'Risiko' }).getByRole('checkbox', { name: 'Høy' }).check();
    await box.getByRole('textbox', { name: 'Minste verdi (kr)' }).fill('500000');
    await page.getByRole('button', { name: 'Legg til aktivitet' }).click();
    await page.screenshot({
      path: join(SCREENSHOTS, 'admin-routine-editor-light.png'),
      fullPage: true,
    });
    violations.push({
      screen: 'routine-editor',
      theme: 'light',
      list: await seriousViolations(page),
    });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.mouse.move(1, 1);
    await page.waitForTimeout(400); // Fluent's colour transitions settle
    await page.screenshot({
      path: join(SCREENSHOTS, 'admin-routine-editor-dark.png'),
      fullPage: true,
    });
    violations.push({
      screen: 'routine-editor',
      theme: 'dark',
      list: await seriousViolations(page),
    });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.getByRole('button', { name: 'Lagre' }).click();
    await page
      .getByText('Lagret.')
      .or(page.getByText(/Lagret/))
      .first()
      .waitFor();
    let saved = (await routines()).find((r) => r.id === first.id) as Routine;
    assert.equal(saved.activities.length, count + 1);
    const edited = saved.activities.find((a) => a.id === activity.id);
    assert.deepEqual(edited?.rule, { kind: 'recurring', everyMonths: 6 });
    assert.deepEqual(edited?.appliesWhen, [{ riskLevels: ['high'], minValueOre: 50_000_000 }]);
    const added = saved.activities.at(-1);
    assert.equal(added?.title.nb, 'Ny aktivitet');

    await page.getByRole('button', { name: 'Fjern aktiviteten: Ny aktivitet' }).click();
    await page.getByRole('button', { name: 'Lagre' }).click();
    await page.waitForFunction(async () => true);
    for (let i = 0; i < 50; i++) {
      saved = (await routines()).find((r) => r.id === first.id) as Routine;
      if (saved.activities.length === count) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(saved.activities.length, count);
  });

  it('no serious or critical axe violations', () => {
    const summary = axeSummary(violations);
    assert.deepEqual(summary, []);
  });
});
