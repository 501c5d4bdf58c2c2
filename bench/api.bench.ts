/**
 * API benchmark: 20,000 generated contracts in a temp data folder, the real server on loopback in
 * its own process, and search under 50 concurrent connections (autocannon) over a mix of realistic
 * queries and users. Prints p50/p95/p99 and requests/s for the mix and for each query, and the
 * SQLite plan of any query whose p95 misses the target.
 *
 *   npm run bench:api                       (defaults)
 *   BENCH_CONTRACTS=5000 BENCH_SECONDS=10 npm run bench:api
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from '../src/api/app.ts';
import { toContractQuery } from '../src/api/routes/contracts.ts';
import { type AppConfig, loadConfig } from '../src/config.ts';
import { asViewer } from '../src/core/index.ts';
import { seedDemo } from '../src/demo/seed.ts';
import { createServices, type Services } from '../src/services.ts';
import { load, ms, startServer } from './load.ts';

const CONTRACTS = Number(process.env.BENCH_CONTRACTS ?? 20_000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const PER_QUERY_SECONDS = Number(process.env.BENCH_QUERY_SECONDS ?? 4);
const TARGET_P95_MS = 50;

const configFor = (dataDir: string): AppConfig =>
  loadConfig({
    AUTH_MODE: 'dev',
    DATA_DIR: dataDir,
    DEMO_DATA: 'off',
    LOG_LEVEL: 'error',
    HOST: '127.0.0.1',
    PORT: '0',
  });

/** Child mode: serve the given data folder and print the port. */
async function serve(dataDir: string): Promise<void> {
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

interface Query {
  readonly name: string;
  readonly user: string;
  readonly path: string;
}

const targets = (mix: readonly Query[]) =>
  mix.map((q) => ({ path: q.path, headers: { 'x-dev-user': q.user } }));

function queries(services: Services): Query[] {
  // A supplier that is on many contracts, as a person would pick from the supplier list.
  const busiest = services.sqlite
    ?.prepare('SELECT orgnr FROM contract_suppliers GROUP BY orgnr ORDER BY count(*) DESC LIMIT 1')
    .get() as { orgnr: string } | undefined;
  const busy = busiest?.orgnr ?? '';
  return [
    { name: 'list (default sort by title)', user: 'leser', path: '/api/contracts' },
    { name: 'text "renhold"', user: 'leser', path: '/api/contracts?q=renhold' },
    { name: 'prefix "berg"', user: 'eier1', path: '/api/contracts?q=berg' },
    {
      name: 'two words "vestland elektro"',
      user: 'kontraktservice',
      path: '/api/contracts?q=vestland%20elektro',
    },
    {
      name: 'Norwegian letters "grøntanlegg"',
      user: 'leser',
      path: '/api/contracts?q=gr%C3%B8ntanlegg',
    },
    { name: 'status expiring', user: 'kontraktservice', path: '/api/contracts?status=expiring' },
    {
      name: 'expiring within 90 days',
      user: 'eier1',
      path: '/api/contracts?expiringWithinDays=90&sort=endDate',
    },
    { name: 'category 45 (construction)', user: 'leser', path: '/api/contracts?category=45' },
    { name: 'unit u-skole', user: 'leser', path: '/api/contracts?unit=u-skole' },
    { name: 'supplier orgnr', user: 'eier2', path: `/api/contracts?supplier=${busy}` },
    { name: 'my contracts (owner=me)', user: 'eier1', path: '/api/contracts?owner=me' },
    {
      name: 'text + sort by end date',
      user: 'kontraktservice',
      path: '/api/contracts?q=rammeavtale&sort=endDate',
    },
    {
      name: 'all incl. expired by max value',
      user: 'kontraktservice',
      path: '/api/contracts?includeExpired=true&sort=maxValue&order=desc',
    },
    { name: 'text, page 5', user: 'leser', path: '/api/contracts?q=skole&offset=200' },
    {
      name: 'framework agreements, published',
      user: 'leser',
      path: '/api/contracts?kind=framework&published=true',
    },
  ];
}

/** Runs a query in-process with the SQL captured, and prints SQLite's plan for each statement. */
async function explain(services: Services, q: Query): Promise<void> {
  const db = services.sqlite;
  if (!db) return;
  const user = await services.store.directory.getUser(q.user);
  if (!user) return;
  const url = new URL(q.path, 'http://x');
  const query = toContractQuery(Object.fromEntries(url.searchParams), user.id);
  // Cold: a fresh connection to the same file has neither prepared statements nor cached results.
  const cold = await createServices(configFor(services.config.dataDir));
  const coldStart = performance.now();
  await cold.contracts.search(asViewer(user), query);
  const coldMs = performance.now() - coldStart;
  await cold.close();
  await services.contracts.search(asViewer(user), { ...query, limit: (query.limit ?? 50) + 1 }); // statements prepared, this result not cached
  const captured: { sql: string; params: unknown }[] = [];
  const prepare = db.prepare.bind(db);
  db.prepare = ((sql: string) => {
    const stmt = prepare(sql);
    if (!/contracts/.test(sql)) return stmt;
    const run = (method: 'all' | 'get') => {
      const original = stmt[method].bind(stmt) as (...a: unknown[]) => unknown;
      (stmt as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
        const started = performance.now();
        const out = original(...args);
        captured.push({
          sql: `/* ${(performance.now() - started).toFixed(1)} ms */ ${sql}`,
          params: args[0],
        });
        return out;
      };
    };
    run('all');
    run('get');
    return stmt;
  }) as typeof db.prepare;
  const started = performance.now();
  await services.contracts.search(asViewer(user), query);
  const total = performance.now() - started;
  const cachedStart = performance.now();
  await services.contracts.search(asViewer(user), query);
  const cachedMs = performance.now() - cachedStart;
  db.prepare = prepare;
  console.log(
    `\n  ${q.name} (${q.path} as ${q.user}): in-process ${coldMs.toFixed(1)} ms cold (new connection), ${total.toFixed(1)} ms uncached, ${cachedMs.toFixed(2)} ms cached`,
  );
  for (const { sql, params } of captured) {
    console.log(`    ${sql.replace(/\s+/g, ' ').slice(0, 400)}`);
    const plan = db
      .prepare(`EXPLAIN QUERY PLAN ${sql.replace(/^\/\*.*?\*\/ /, '')}`)
      .all(params as object) as {
      detail: string;
    }[];
    for (const p of plan) console.log(`      plan: ${p.detail}`);
  }
}

const serverFor = (dataDir: string) => startServer(fileURLToPath(import.meta.url), [dataDir]);

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ko-bench-api-'));
  let child: ChildProcess | null = null;
  try {
    const services = await createServices(configFor(dataDir));
    let started = performance.now();
    await seedDemo(services, { contracts: CONTRACTS });
    console.log(
      `Seeded ${await services.store.contracts.count()} contracts in ${((performance.now() - started) / 1000).toFixed(1)} s (one importMany transaction)`,
    );
    const mix = queries(services);
    const server = await serverFor(dataDir);
    child = server.child;
    // Warm-up: page cache and statement caches.
    await load(server.url, targets(mix), 2, CONNECTIONS);

    console.log(
      `\nMixed search load: ${mix.length} queries, ${CONNECTIONS} connections, ${SECONDS} s, loopback`,
    );
    started = performance.now();
    const all = await load(server.url, targets(mix), SECONDS, CONNECTIONS);
    console.log(
      `  p50 ${ms(all.p50)}   p95 ${ms(all.p95)}   p99 ${ms(all.p99)}   ${all.rps.toFixed(0)} req/s   ` +
        `(${all.requests} requests, ${all.errors} errors, ${all.non2xx} non-2xx)`,
    );
    console.log(
      `  target p95 ≤ ${TARGET_P95_MS} ms: ${all.p95 <= TARGET_P95_MS ? 'MET' : 'MISSED'}`,
    );

    console.log(`\nPer query (${CONNECTIONS} connections, ${PER_QUERY_SECONDS} s each):`);
    const slow: Query[] = [];
    for (const q of mix) {
      await new Promise((r) => setTimeout(r, 1500)); // let the server drain the previous run
      const f = await load(server.url, targets([q]), PER_QUERY_SECONDS, CONNECTIONS);
      console.log(
        `  ${q.name.padEnd(36)} p50 ${ms(f.p50)}  p95 ${ms(f.p95)}  p99 ${ms(f.p99)}  ${f.rps.toFixed(0).padStart(5)} req/s${f.non2xx ? `  (${f.non2xx} non-2xx)` : ''}${f.errors ? `  (${f.errors} errors/timeouts)` : ''}`,
      );
      if (!(f.p95 <= TARGET_P95_MS)) slow.push(q);
    }
    console.log('\nIn-process search time and SQLite plans for every query (no HTTP):');
    for (const q of mix) await explain(services, q);
    if (slow.length > 0) {
      console.log(
        `\nQueries over the p95 target under load: ${slow.map((q) => q.name).join('; ')}`,
      );
    }
    await services.close();
  } finally {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child?.once('exit', r));
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--serve') {
  void serve(process.argv[3] as string);
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
