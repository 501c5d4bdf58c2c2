import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import type { TestServer } from '../support/server.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DIST = join(ROOT, 'dist/tab');
export const SCREENSHOTS = join(ROOT, 'test-output/screenshots');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    newest = Math.max(newest, s.isDirectory() ? newestMtime(p) : s.mtimeMs);
  }
  return newest;
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Builds the tab unless dist/tab is newer than every file of src/tab (and the shared core types).
 * The browser test files run in parallel: a lock folder lets one build while the others wait.
 */
export function ensureTabBuilt(): void {
  const index = join(DIST, 'index.html');
  const isFresh = () =>
    existsSync(index) && statSync(index).mtimeMs >= newestMtime(join(ROOT, 'src/tab'));
  if (isFresh()) return;
  const lock = join(ROOT, 'test-output/.tab-build-lock');
  mkdirSync(join(ROOT, 'test-output'), { recursive: true });
  for (let waited = 0; ; waited += 200) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another process builds; a lock older than two minutes is left over from a crash.
      if (waited > 120_000 || Date.now() - statSync(lock).mtimeMs > 120_000) {
        rmSync(lock, { recursive: true, force: true });
      }
      sleep(200);
    }
  }
  try {
    if (!isFresh()) buildTab();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function buildTab(): void {
  const r = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'src/tab/vite.config.ts'],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_ENV: 'production' } },
  );
  if (r.status !== 0) throw new Error(`Bygging av fanen feilet:\n${r.stdout}\n${r.stderr}`);
  const line = r.stdout.split('\n').find((l) => l.startsWith('Initial JS'));
  if (line) console.log(line);
}

/** A browser context signed in as a dev user (the tab's dev picker choice, set before load). */
export async function devContext(
  browser: Browser,
  userId: string,
  options: { colorScheme?: 'light' | 'dark' } = {},
): Promise<BrowserContext> {
  // bypassCSP: only so the tests can inject axe-core; the CSP itself is checked in tab.test.ts.
  const ctx = await browser.newContext({
    viewport: { width: 1366, height: 900 },
    locale: 'nb-NO',
    bypassCSP: true,
    acceptDownloads: true,
    colorScheme: options.colorScheme ?? 'light',
  });
  ctx.setDefaultTimeout(10_000);
  await ctx.addInitScript(
    `try { if (!sessionStorage.getItem('ko.test.init')) { sessionStorage.setItem('ko.test.init', '1'); localStorage.setItem('ko.devUser', ${JSON.stringify(userId)}); localStorage.setItem('ko.language', 'nb'); } } catch {}`,
  );
  return ctx;
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
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
}

const AXE = readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; html: string }[];
}

/** Runs axe-core on the page; returns the serious and critical violations. */
/** One line per violation found on a screen (empty when none), for one assertion at the end. */
export function axeSummary(
  found: readonly { screen: string; theme?: string; list: readonly AxeViolation[] }[],
): string[] {
  return found.flatMap((v) =>
    v.list.map(
      (x) =>
        `${v.screen}${v.theme ? `/${v.theme}` : ''}: ${x.id} (${x.impact}) ${x.nodes.map((n) => n.html).join(' | ')}`,
    ),
  );
}

export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.mouse.move(1, 1); // no hover state on whatever the last click touched
  // …and no colour half-way through a transition (a button fading out of its hover or pressed
  // state measured as low contrast now and then on a busy machine). Spinners' endless animations
  // are not transitions and do not count.
  await page
    .waitForFunction(
      `document.getAnimations().every((a) => !(a instanceof CSSTransition) || a.playState !== 'running')`,
      undefined,
      { timeout: 2000 },
    )
    .catch(() => {});
  if (!(await page.evaluate(`'axe' in window`))) await page.addScriptTag({ content: AXE });
  const result = (await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as { axe: { run: (c: unknown, o: unknown) => Promise<unknown> } }
    ).axe;
    // Tabster's focus sentinels (<i data-tabster-dummy aria-hidden tabindex=0>) are how Fluent UI
    // keeps Tab order right around TabList, Toolbar and Dialog: they pass focus on at once and are
    // deliberately hidden from assistive technology. axe reports them as aria-hidden-focus; they
    // are left out so every real element is still checked.
    return axe.run(
      { include: [['body']], exclude: [['[data-tabster-dummy]']] },
      { resultTypes: ['violations'] },
    );
  })) as { violations: AxeViolation[] };
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      ...v,
      nodes: v.nodes.slice(0, 3).map((n) => ({ target: n.target, html: n.html.slice(0, 200) })),
    }));
}

/**
 * A Kontraktservice-only spend section, seen by a contract owner: no tab for it, `#/spend/<hash>`
 * falls back to the orders, and each of the section's API calls answers 403.
 */
export async function ownerLacksSpendSection(
  browser: Browser,
  server: TestServer,
  section: { hash: string; tab: string; testId: string },
  calls: readonly {
    method: string;
    path: string;
    body?: unknown;
    headers?: Record<string, string>;
  }[],
): Promise<void> {
  const owner = await devContext(browser, 'eier1');
  try {
    const page = await owner.newPage();
    await page.goto(`${server.url}/tab/#/spend/${section.hash}`);
    await page.getByTestId('order-form').waitFor();
    assert.equal(await page.getByRole('tab', { name: section.tab }).count(), 0);
    assert.equal(await page.getByTestId(section.testId).count(), 0);
    for (const c of calls) {
      const r = await server.request('eier1', c.method, c.path, c.body, c.headers ?? {});
      assert.equal(r.status, 403, `${c.method} ${c.path}`);
    }
  } finally {
    await owner.close();
  }
}
