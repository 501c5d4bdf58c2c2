// Follow-up engine at municipal scale: plan generation and the daily reminder scan over 20,000
// contracts in a real SQLite file. Prints times and memory; never fails on timing.
// Usage: npm run bench:followup [-- <contracts>]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Contract, type ContractInput, contractInputSchema } from '../src/core/contract.ts';
import { addDays, addMonths, osloToday } from '../src/core/dates.ts';
import { generatePlan } from '../src/core/followup/index.ts';
import { FollowUpService } from '../src/followup/followup-service.ts';
import { SqliteFollowUpStore } from '../src/followup/sqlite-followup-store.ts';
import { SqliteOutbox } from '../src/followup/sqlite-outbox.ts';
import { openSqliteRegister } from '../src/store/sqlite/register-store.ts';

const COUNT = Number(process.argv[2] ?? 20_000);
const dir = mkdtempSync(join(tmpdir(), 'ko-bench-followup-'));
const now = new Date();
const today = osloToday(now);
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;
const memory = () => {
  const m = process.memoryUsage();
  return `heap ${mb(m.heapUsed)}, rss ${mb(m.rss)}`;
};
async function timed<T>(label: string, f: () => Promise<T> | T): Promise<T> {
  const t0 = performance.now();
  const r = await f();
  console.log(
    `${label.padEnd(44)} ${(performance.now() - t0).toFixed(0).padStart(7)} ms   ${memory()}`,
  );
  return r;
}

// A deterministic pseudo-random portfolio: kinds, types, risk, options, price clauses, no-end contracts.
let seed = 42;
const rnd = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
function contract(i: number): ContractInput {
  const start = addDays(today, -Math.floor(rnd() * 1500));
  const noEnd = rnd() < 0.05;
  const end = noEnd ? null : addMonths(start, 12 + Math.floor(rnd() * 60));
  const options =
    end && rnd() < 0.5
      ? [
          { newEndDate: addMonths(end, 12), decisionDeadline: addMonths(end, -3) },
          { newEndDate: addMonths(end, 24), decisionDeadline: addMonths(end, 9) },
        ]
      : [];
  return contractInputSchema.parse({
    referenceNumber: `B-${i}`,
    title: `Avtale ${i}`,
    kind: pick(['framework', 'single'] as const),
    type: pick(['goods', 'services', 'construction', 'health_social'] as const),
    procedure: 'open',
    owningUnitId: `u${i % 120}`,
    ownerId: `user${i % 900}`,
    managerId: rnd() < 0.7 ? `user${(i * 7) % 900}` : null,
    startDate: start,
    endDate: end,
    options,
    maxValueOre: Math.floor(rnd() * 1_000_000_000),
    priceAdjustment:
      rnd() < 0.4
        ? {
            index: 'KPI',
            basePeriod: '2024-01',
            adjustmentMonth: 1 + Math.floor(rnd() * 12),
            sharePercent: 100,
          }
        : null,
    riskLevel: pick(['low', 'medium', 'high'] as const),
    sector: rnd() < 0.1 ? 'renhold' : null,
  }) as ContractInput;
}

try {
  console.log(`Follow-up bench: ${COUNT} contracts, today ${today}, Node ${process.version}`);
  const register = openSqliteRegister(join(dir, 'bench.db'), () => now);
  const inputs = Array.from({ length: COUNT }, (_, i) => contract(i));
  await timed('setup: import contracts (register)', () =>
    register.contracts.importMany(inputs, 'bench'),
  );
  const store = new SqliteFollowUpStore(register.db);
  const outbox = new SqliteOutbox(register.db, () => now);
  const service = new FollowUpService({ store, outbox, register, clock: () => now });
  await service.ensureDefaults();
  const routines = service.listRoutines();
  const settings = service.settings();

  const all: Contract[] = [];
  for await (const c of register.contracts.all()) all.push(c);
  const planned = await timed('plan generation, pure (all contracts)', () =>
    all.reduce((n, c) => n + generatePlan(c, routines, settings, today).length, 0),
  );
  const first = await timed('regenerate all: first run (writes tasks)', () =>
    service.regenerateAll(),
  );
  const again = await timed('regenerate all: nothing changed', () => service.regenerateAll());
  const forced = await timed('regenerate all: forced (as after a routine edit)', () =>
    service.regenerateAll(undefined, { force: true }),
  );
  const scan = await timed('daily scan: reminders to the outbox', () => service.scan(now));
  const rescan = await timed('daily scan again (idempotent, no new rows)', () => service.scan(now));
  const one = all[0] as Contract;
  await timed('one contract changed (plan + scan)', () => service.onContractChanged(one, one.id));
  const tasks = (
    register.db.prepare('SELECT count(*) AS n FROM followup_tasks').get() as { n: number }
  ).n;
  console.log(
    `planned ${planned} task occurrences; stored ${tasks} tasks (created ${first.created}, ` +
      `second run planned ${again.contracts}, skipped ${again.skipped}, changed ${again.changed}; ` +
      `forced run planned ${forced.contracts}, changed ${forced.changed}); ` +
      `reminders ${scan.reminders}, outbox rows ${scan.enqueued}, ` +
      `rescan wrote ${rescan.enqueued}`,
  );
  await register.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
