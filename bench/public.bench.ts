/**
 * Public catalogue benchmark: 2,000 published framework agreements (plus 1,000 unpublished
 * contracts that must stay out) in a temp data folder, the real server on loopback in its own
 * process, and the /rammeavtaler search page under 50 concurrent connections (autocannon) over a
 * mix of searches a visitor makes. Runs the mix twice — with the response cache (the default) and
 * with it off, so the search and rendering work itself is measured too — and each page uncached.
 * Prints p50/p95/p99 and requests/s.
 *
 *   npm run bench:public
 *   BENCH_AGREEMENTS=5000 BENCH_SECONDS=10 npm run bench:public
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from '../src/api/app.ts';
import { type AppConfig, loadConfig } from '../src/config.ts';
import type { ContractInput } from '../src/core/index.ts';
import { generateDemoPortfolio } from '../src/demo/portfolio.ts';
import { DEMO_ACTOR } from '../src/demo/seed.ts';
import { createServices } from '../src/services.ts';
import { type Figures, load, ms, startServer } from './load.ts';

const AGREEMENTS = Number(process.env.BENCH_AGREEMENTS ?? 2_000);
const UNPUBLISHED = Number(process.env.BENCH_UNPUBLISHED ?? 1_000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const PER_PAGE_SECONDS = Number(process.env.BENCH_PAGE_SECONDS ?? 4);
const TARGET_P95_MS = 100;

const configFor = (dataDir: string): AppConfig =>
  loadConfig({
    AUTH_MODE: 'dev',
    DATA_DIR: dataDir,
    DEMO_DATA: 'off',
    LOG_LEVEL: 'error',
    HOST: '127.0.0.1',
    PORT: '0',
  });

/** Child mode: serve the data folder (no rate limit: all load comes from one client). */
async function serve(dataDir: string, responseCache: string): Promise<void> {
  process.env.PUBLIC_RATE_LIMIT = '1000000';
  process.env.PUBLIC_RESPONSE_CACHE = responseCache;
  const services = await createServices(configFor(dataDir));
  const app = createApp(services);
  const server = app.listen(0, '127.0.0.1', () => {
    process.stdout.write(`PORT ${(server.address() as AddressInfo).port}\n`);
  });
  process.on('SIGTERM', () => {
    server.close();
    void services.close().then(() => process.exit(0));
  });
}

interface Page {
  readonly name: string;
  readonly path: string;
}

const PAGES: readonly Page[] = [
  { name: 'first page (sorted by title)', path: '/rammeavtaler' },
  { name: 'text "renhold"', path: '/rammeavtaler?q=renhold' },
  { name: 'prefix "skol"', path: '/rammeavtaler?q=skol' },
  { name: 'Norwegian letters "grønt"', path: '/rammeavtaler?q=gr%C3%B8nt' },
  { name: 'typo "rengjoring" (corrected)', path: '/rammeavtaler?q=rengjoring' },
  { name: 'two words, nynorsk', path: '/rammeavtaler?q=bergen%20drift&lang=nn' },
  { name: 'category 45', path: '/rammeavtaler?category=45' },
  { name: 'expiring, by end date', path: '/rammeavtaler?status=expiring&sort=endDate' },
  { name: 'open to partners', path: '/rammeavtaler?partners=1' },
  { name: 'page 10 by reference', path: '/rammeavtaler?sort=reference&page=10' },
  { name: 'no hits "xqzvwk"', path: '/rammeavtaler?q=xqzvwk' },
];

const serverFor = (dataDir: string, responseCache: number) =>
  startServer(fileURLToPath(import.meta.url), [dataDir, String(responseCache)]);

/** The demo portfolio, reshaped: the first AGREEMENTS are published framework agreements. */
async function seed(dataDir: string): Promise<void> {
  const services = await createServices(configFor(dataDir));
  const portfolio = generateDemoPortfolio({
    today: services.contracts.today(),
    contracts: AGREEMENTS + UNPUBLISHED,
  });
  for (const unit of portfolio.units) await services.store.directory.saveUnit(unit, DEMO_ACTOR);
  for (const user of portfolio.users) await services.store.directory.saveUser(user, DEMO_ACTOR);
  const inputs: ContractInput[] = portfolio.contracts.map((c, i) =>
    i < AGREEMENTS
      ? { ...c, kind: 'framework', published: true, draft: false }
      : { ...c, published: false },
  );
  const started = performance.now();
  await services.store.contracts.importMany(inputs, DEMO_ACTOR);
  const published = await services.store.contracts.search(
    { published: true, kind: 'framework', includeExpired: true, limit: 1 },
    services.contracts.scopeFor({ kind: 'public' }),
  );
  console.log(
    `Seeded ${inputs.length} contracts (${published.total} published framework agreements) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  await services.close();
}

async function stop(child: ChildProcess | null): Promise<void> {
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

function report(label: string, f: Figures): void {
  console.log(
    `  ${label.padEnd(32)} p50 ${ms(f.p50)}  p95 ${ms(f.p95)}  p99 ${ms(f.p99)}  ${f.rps.toFixed(0).padStart(5)} req/s` +
      `  (${f.requests} requests${f.errors ? `, ${f.errors} errors/timeouts` : ''}${f.non2xx ? `, ${f.non2xx} non-2xx` : ''})`,
  );
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ko-bench-public-'));
  let child: ChildProcess | null = null;
  try {
    await seed(dataDir);
    const results: [string, Figures][] = [];
    for (const [label, entries] of [
      ['with the response cache (default)', 500],
      ['response cache off', 0],
    ] as const) {
      const server = await serverFor(dataDir, entries);
      child = server.child;
      let started = performance.now();
      const first = await fetch(`${server.url}/rammeavtaler`);
      await first.text();
      console.log(
        `\n[${label}] first request (builds the catalogue snapshot and vocabulary): ${(performance.now() - started).toFixed(0)} ms, status ${first.status}`,
      );
      await load(server.url, PAGES, 2, CONNECTIONS); // warm-up
      console.log(
        `Search page /rammeavtaler, mix of ${PAGES.length} searches, ${CONNECTIONS} connections, ${SECONDS} s, loopback:`,
      );
      const all = await load(server.url, PAGES, SECONDS, CONNECTIONS);
      report('mix', all);
      results.push([label, all]);
      if (entries === 0) {
        console.log(`Per page, uncached (${CONNECTIONS} connections, ${PER_PAGE_SECONDS} s each):`);
        for (const p of PAGES) {
          await new Promise((r) => setTimeout(r, 1000));
          report(p.name, await load(server.url, [p], PER_PAGE_SECONDS, CONNECTIONS));
        }
        for (const path of ['/api/public/agreements.csv', '/api/public/ocds']) {
          started = performance.now();
          const r = await fetch(server.url + path);
          const body = await r.arrayBuffer();
          console.log(
            `  ${path.padEnd(32)} one request: ${(performance.now() - started).toFixed(0)} ms, ${(body.byteLength / 1024).toFixed(0)} KiB`,
          );
        }
      }
      await stop(child);
      child = null;
    }
    console.log(`\nSummary (target p95 ≤ ${TARGET_P95_MS} ms, mix of ${PAGES.length} searches):`);
    for (const [label, f] of results) {
      console.log(
        `  ${label.padEnd(36)} p50 ${ms(f.p50)}  p95 ${ms(f.p95)}  p99 ${ms(f.p99)}  ${f.p95 <= TARGET_P95_MS ? 'MET' : 'MISSED'}`,
      );
    }
  } finally {
    await stop(child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--serve') {
  void serve(process.argv[3] as string, process.argv[4] ?? '500');
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
