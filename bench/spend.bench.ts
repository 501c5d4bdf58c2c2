/**
 * `npm run bench:spend` — spend analysis figures, in one run on one generated corpus:
 *  1. the EHF parser in MB/s beside saxes (local names, and with namespaces) on one core;
 *  2. end-to-end ingest MB/s (files on disk → workers → DuckDB) with two workers and with one;
 *  3. the three reports over 5 million invoice lines and 2,000 agreements;
 *  4. peak memory (max RSS of the process, workers and DuckDB included).
 * Prints figures; never fails on timing. BENCH_INVOICES sets the corpus size (default 4,000
 * generated invoices ≈ 43 MB).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SaxesParser } from 'saxes';
import { AgreementMatcher, agreementFromContract } from '../src/core/spend/matching.ts';
import { RateTable } from '../src/core/spend/rates.ts';
import { ensureAggregates } from '../src/spend/aggregates.ts';
import { refreshAllowedPrices, savePriceList, syncAgreements } from '../src/spend/context.ts';
import { parseEhf } from '../src/spend/ehf/parser.ts';
import { IngestSink, ingestFiles } from '../src/spend/ingest/ingest.ts';
import { ParsePool } from '../src/spend/ingest/pool.ts';
import { pathSource } from '../src/spend/ingest/sources.ts';
import { leakageReport, priceControlReport, turnoverReport } from '../src/spend/reports.ts';
import { DuckSpendStore } from '../src/spend/store/duckdb-store.ts';
import { generateYear, toEhfXml } from '../src/spend/synthetic.ts';

const quick = process.argv.includes('--quick');
/** `--only=parser|ingest|reports` runs one part (for tuning); default all. */
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7) ?? 'all';
const part = (name: string) => only === 'all' || only === name;
const fmt = (n: number, d = 1) => n.toFixed(d);
const line = (label: string, value: string) => console.log(`  ${label.padEnd(44)} ${value}`);

function bestOf(runs: number, fn: () => void): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    best = Math.min(best, performance.now() - t);
  }
  return best / 1000;
}

async function timeAsync<T>(fn: () => Promise<T>): Promise<{ secs: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { secs: (performance.now() - t) / 1000, value };
}

const work = mkdtempSync(join(tmpdir(), 'spend-bench-'));
try {
  console.log('Innkjøpsanalyse (spend) — benchmark');
  const load = () =>
    loadavg()
      .map((l) => l.toFixed(1))
      .join(' ');
  console.log(`${cpus().length} CPUs, load average at start ${load()}`);

  // ------------------------------------------------------------------ 1. parser vs saxes
  const corpusYear = generateYear({
    invoices: quick ? 800 : Number(process.env.BENCH_INVOICES ?? 4000),
    seed: 11,
    agreements: 60,
  });
  const files = corpusYear.documents.map((d) => Buffer.from(toEhfXml(d)));
  const corpusMb = files.reduce((a, b) => a + b.length, 0) / 1e6;
  if (part('parser')) {
    console.log(
      `\n1. Parser, ${files.length} generated EHF invoices, ${fmt(corpusMb)} MB (avg ${fmt((corpusMb * 1000) / files.length)} KB), one core`,
    );
    let events = 0;
    const saxes = (xmlns: boolean) => () => {
      for (const b of files) {
        const p = new SaxesParser({ xmlns });
        p.on('opentag', () => {
          events++;
        });
        p.on('text', () => {
          events++;
        });
        p.write(b.toString('utf8')).close();
      }
    };
    const ours = () => {
      for (const b of files) parseEhf(b);
    };
    // Interleaved rounds, best of each: the machine's load changes over time, so the three
    // candidates take turns instead of running one after another.
    const runs = quick ? 3 : 6;
    let oursSecs = Number.POSITIVE_INFINITY;
    let saxesSecs = Number.POSITIVE_INFINITY;
    let saxesNsSecs = Number.POSITIVE_INFINITY;
    for (let r = 0; r < runs; r++) {
      oursSecs = Math.min(oursSecs, bestOf(1, ours));
      saxesSecs = Math.min(saxesSecs, bestOf(1, saxes(false)));
      saxesNsSecs = Math.min(saxesNsSecs, bestOf(1, saxes(true)));
    }
    if (events === 0) throw new Error('saxes saw no events');
    const oursMbs = corpusMb / oursSecs;
    line('product parser (fields extracted, by URI)', `${fmt(oursMbs)} MB/s`);
    line('saxes, local names, parse only', `${fmt(corpusMb / saxesSecs)} MB/s`);
    line('saxes, xmlns: true, parse only', `${fmt(corpusMb / saxesNsSecs)} MB/s`);
    line('ratio vs saxes (local names)', `${fmt(saxesSecs / oursSecs, 2)}× (target ≥ 2×)`);
    line('ratio vs saxes (xmlns)', `${fmt(saxesNsSecs / oursSecs, 2)}×`);
  }

  // ------------------------------------------------------------------ 2. end-to-end ingest
  if (part('ingest')) {
    const folder = join(work, 'ehf');
    mkdirSync(folder);
    files.forEach((b, i) => {
      writeFileSync(join(folder, `${String(i).padStart(6, '0')}.xml`), b);
    });
    const agreements = corpusYear.contracts.map(agreementFromContract).filter((a) => a !== null);
    // The corpus now lives on disk. Let go of its in-memory copies (the generated documents and
    // the parsed-for-saxes buffers): the bench's own heap would otherwise be marked by every GC of
    // the main thread during ingest, which the product's CLI does not have.
    const sample = files[0] as Buffer;
    files.length = 0;
    corpusYear.documents.length = 0;
    console.log(`\n2. End-to-end ingest (disk → parse → match → DuckDB), same corpus`);
    // Workers are started and warmed up first: start-up (module loading) is paid once per
    // process, not per file, and would otherwise dominate a corpus this small; and each pool
    // ingests the corpus twice untimed, so V8 has compiled the workers' hot code (measured per
    // thread: in the first rounds V8's compiler threads took ≈ 10 % beside the workers, and
    // more of it in the two-worker runs, which have no idle core for it). The machine's speed
    // changes from one second to the next (the CPU time of the same one-worker run has measured
    // anywhere from 0.6 to 1.2 s, with nothing else running in the machine), so the speed-up is
    // taken per round from four runs back to back, one worker, two, two, one (or the other way
    // round, alternating): a change of speed that runs through the round weighs the same on
    // both sides. The median of the rounds is printed (24 by default; single back-to-back pairs
    // ranged from 1.0× to 2.9×, the median of eight pairs moved by ±0.2 from one bench run to the
    // next, and that of twelve rounds of four by ±0.15); the MB/s figures are the best of each. Each round also runs the workers alone
    // (no store: parse, convert, match), which shows what storing the rows costs.
    const matcher = new AgreementMatcher(agreements);
    const pools: Record<number, ParsePool> = {};
    type Best = { mbs: number; cpu: string };
    const best: Record<string, Best> = {};
    const pairs: Record<string, number[]> = { stored: [], alone: [] };
    const closeMs: number[] = [];
    const absorbMs: number[] = [];
    for (const workers of [1, 2]) {
      const pool = new ParsePool(workers, { rates: [], agreements });
      await pool.warmUp(sample);
      pools[workers] = pool;
      for (let i = 0; i < 2; i++)
        await ingestFiles(pathSource(folder), { workers, rates: new RateTable([]), matcher, pool });
    }
    let runs = 0;
    const run = async (workers: number, stored: boolean) => {
      const store = stored
        ? await DuckSpendStore.open(join(work, `ingest-${workers}-${++runs}.duckdb`))
        : undefined;
      const cpu0 = process.cpuUsage();
      const { secs, value } = await timeAsync(() =>
        ingestFiles(pathSource(folder), {
          workers,
          rates: new RateTable([]),
          matcher,
          store,
          pool: pools[workers],
        }),
      );
      const cpu = process.cpuUsage(cpu0);
      if (value.summary.errors.length > 0)
        throw new Error(`ingest errors: ${value.summary.errors[0]?.reason}`);
      // Work an ingest leaves behind, after it has committed and outside its MB/s, printed too:
      // absorbing the segments into the tables (done when the store next opens, or before
      // lines are changed), and the checkpoint at close (from the write-ahead log into the file).
      if (store) {
        const absorbStart = performance.now();
        await store.absorbSegments();
        absorbMs.push(performance.now() - absorbStart);
        const closeStart = performance.now();
        store.close();
        closeMs.push(performance.now() - closeStart);
      }
      const key = `${workers}${stored ? '' : '-alone'}`;
      if (corpusMb / secs > (best[key]?.mbs ?? 0)) {
        const cpuSecs = (cpu.user + cpu.system) / 1e6;
        best[key] = {
          mbs: corpusMb / secs,
          cpu: `CPU ${fmt(cpuSecs, 2)} s in ${fmt(secs, 2)} s = ${fmt(cpuSecs / secs, 2)} cores busy`,
        };
      }
      return corpusMb / secs;
    };
    for (let r = 0; r < (quick ? 1 : Number(process.env.BENCH_ROUNDS ?? 24)); r++) {
      for (const stored of [true, false]) {
        const order = r % 2 === 0 ? [1, 2, 2, 1] : [2, 1, 1, 2];
        const secs: Record<number, number> = { 1: 0, 2: 0 };
        for (const workers of order)
          secs[workers] = (secs[workers] as number) + corpusMb / (await run(workers, stored));
        (pairs[stored ? 'stored' : 'alone'] as number[]).push(
          (secs[1] as number) / (secs[2] as number),
        );
      }
    }
    const median = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      return ((s[(s.length - 1) >> 1] as number) + (s[s.length >> 1] as number)) / 2;
    };
    const spread = (xs: number[]) =>
      `${fmt(Math.min(...xs), 2)}–${fmt(Math.max(...xs), 2)}× over ${xs.length} rounds of four runs`;
    for (const workers of [1, 2]) {
      await (pools[workers] as ParsePool).close();
      const b = best[String(workers)] as Best;
      line(`${workers} worker${workers > 1 ? 's' : ''} (best)`, `${fmt(b.mbs)} MB/s (${b.cpu})`);
    }
    const stored = pairs.stored as number[];
    const alone = pairs.alone as number[];
    line(
      'speed-up 2 vs 1 worker (median)',
      `${fmt(median(stored), 2)}× (target ≥ 1.7×; ${spread(stored)})`,
    );
    const secs = (ms: number[]) =>
      `${fmt(median(ms) / 1000, 3)} s median (${fmt(Math.min(...ms) / 1000, 3)}–${fmt(Math.max(...ms) / 1000, 3)} s)`;
    line('absorbing the segments (deferred)', `${secs(absorbMs)}, not in the MB/s above`);
    line('checkpoint at close (after the ingest)', `${secs(closeMs)}, not in the MB/s above`);
    line(
      'workers alone (nothing stored)',
      `${fmt((best['1-alone'] as Best).mbs)} / ${fmt((best['2-alone'] as Best).mbs)} MB/s, speed-up ${fmt(median(alone), 2)}× (${spread(alone)})`,
    );
  }

  // ------------------------------------------------------------------ 3. reports at scale
  if (part('reports')) {
    const targetLines = quick ? 1_000_000 : 5_000_000;
    const big = generateYear({
      invoices: quick ? 5000 : 20_000,
      agreements: 2000,
      suppliers: 5000,
      seed: 5,
      itemsPerAgreement: 25,
    });
    console.log(
      `\n3. Reports over ${(targetLines / 1e6).toFixed(0)} million invoice lines and ${big.contracts.length} agreements (DuckDB)`,
    );
    const store = await DuckSpendStore.open(join(work, 'reports.duckdb'));
    const bigAgreements = big.contracts.map(agreementFromContract).filter((a) => a !== null);
    await syncAgreements(store, bigAgreements);
    for (const [period, v] of big.index.values) {
      await store.run(
        `INSERT INTO spend_index_value VALUES ('${big.index.name}', '${period}', ${v}, 'bench')`,
      );
    }
    await savePriceList(store, big.priceLists);
    await refreshAllowedPrices(store, new Map(big.contracts.map((c) => [c.id, c])), 2025);
    const sink = await IngestSink.create({
      workers: 0,
      rates: new RateTable([]),
      matcher: new AgreementMatcher(bigAgreements),
      store,
      batchSize: 5000,
    });
    for (const d of big.documents) await sink.add(d, 'ehf', null);
    await sink.drain();
    const seedLines = big.truth.lines;
    const copies = Math.ceil(targetLines / seedLines) - 1;
    const setup = await timeAsync(async () => {
      // Copies of the documents (a key of their own) and of their lines, under new numbers.
      await store.run(`INSERT INTO spend_document_data
        SELECT d.* REPLACE (d.doc_id + r.k * 10000000 AS doc_id, d.doc_key || '#' || r.k AS doc_key)
          FROM spend_document d, range(1, ${copies + 1}) AS r(k)`);
      await store.run(`INSERT INTO spend_line_data
        SELECT l.* REPLACE (l.doc_id + r.k * 10000000 AS doc_id)
          FROM spend_line_data l, range(1, ${copies + 1}) AS r(k)`);
    });
    const [{ n }] = (await store.rows<{ n: bigint }>('SELECT count(*) AS n FROM spend_line')) as [
      { n: bigint },
    ];
    line('lines in store', `${Number(n).toLocaleString('en')} (built in ${fmt(setup.secs)} s)`);
    const agg = await timeAsync(() => ensureAggregates(store));
    line(
      'pre-aggregated tables (rebuilt once after a change)',
      `${fmt(agg.secs, 2)} s (${agg.value.mode})`,
    );
    const reports: [string, () => Promise<unknown>][] = [
      ['turnover per agreement (month, unit, supplier)', () => turnoverReport(store)],
      [
        'contract leakage (classes, categories, units)',
        () => leakageReport(store, { today: '2024-12-31' }),
      ],
      [
        'price control (index-adjusted price lists)',
        () => priceControlReport(store, { toleranceBp: 0 }),
      ],
    ];
    for (const [name, fn] of reports) {
      await fn(); // warm
      let best = Number.POSITIVE_INFINITY;
      for (let r = 0; r < 3; r++) best = Math.min(best, (await timeAsync(fn)).secs);
      line(name, `${fmt(best, 3)} s (target ≤ 0.5 s)`);
    }
    store.close();
  }

  // ------------------------------------------------------------------ 4. memory
  const peakMb = process.resourceUsage().maxRSS / 1024;
  console.log(`\n4. Memory (load average at the end ${load()})`);
  line('peak RSS (process, workers, DuckDB)', `${fmt(peakMb, 0)} MB (target ≤ 1536 MB)`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
