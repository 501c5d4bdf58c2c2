/**
 * `npm run cli -- ingest <folder|file.zip|file.xml> [--json] [--workers N] [--db FILE]`
 * `npm run cli -- ingest --ledger <file.csv> [--mapping mapping.json] [--json]`
 * Ingests EHF invoices and credit notes (or ledger rows) into the spend store, with a progress bar
 * (files, MB/s, time left) on a terminal. `--json` prints exactly one summary object on stdout.
 */
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import cliProgress from 'cli-progress';
import type { AppConfig } from '../../config.ts';
import { createServices } from '../../services.ts';
import type { IngestProgress } from '../../spend/ingest/ingest.ts';
import { pathSource, sourceSize } from '../../spend/ingest/sources.ts';
import {
  DEFAULT_LEDGER_MAPPING,
  type LedgerMapping,
  ledgerMappingSchema,
} from '../../spend/ledger.ts';
import { SpendService } from '../../spend/service.ts';
import { afterSpendChange } from '../../spend/wire.ts';
import type { CliCommand } from '../command.ts';

export function parseFlags(args: string[]): {
  positional: string[];
  flags: Map<string, string | true>;
} {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a.startsWith('--')) {
      const [k, v] = a.slice(2).split('=', 2) as [string, string | undefined];
      const next = args[i + 1];
      if (v !== undefined) flags.set(k, v);
      else if (
        ['workers', 'db', 'mapping', 'xlsx', 'tolerance', 'today'].includes(k) &&
        next !== undefined
      ) {
        flags.set(k, next);
        i++;
      } else flags.set(k, true);
    } else positional.push(a);
  }
  return { positional, flags };
}

/**
 * Opens the spend service on the services of the data folder: the register's agreements for
 * matching, and the follow-up engine for the ceiling alerts raised after data changed.
 */
export async function openSpendFromConfig(config: AppConfig, db?: string, quiet = false) {
  const services = await createServices(quiet ? { ...config, LOG_LEVEL: 'error' } : config);
  const spend = await SpendService.open({
    file: db ?? SpendService.defaultFile(config.dataDir),
    contracts: services.store.contracts,
    clock: services.clock,
  });
  return {
    spend,
    services,
    /** Report tables and follow-up tasks for ceiling alerts, after an ingest or refresh. */
    afterChange: () => afterSpendChange(services, spend),
    async close() {
      spend.close();
      await services.close();
    },
  };
}

const mb = (bytes: number) => (bytes / 1e6).toFixed(1);

/** A `--mapping` file: JSON naming the ledger's columns; errors name the file and the field. */
function readMapping(file: string): LedgerMapping {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`Koblingsfilen ${file} er ikke gyldig JSON: ${(e as Error).message}`);
  }
  const parsed = ledgerMappingSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(filen)'}: ${i.message}`);
    throw new Error(`Feil i koblingsfilen ${file}:\n  ${issues.join('\n  ')}`);
  }
  return parsed.data;
}

export const ingestCommand: CliCommand = {
  name: 'ingest',
  summary:
    'Les inn EHF-fakturaer (mappe, zip eller fil) eller regnskapsdata (--ledger) til innkjøpsanalysen',
  async run(args, config) {
    const { positional, flags } = parseFlags(args);
    const path = positional[0];
    if (!path)
      throw new Error('Bruk: npm run cli -- ingest <mappe|fil.zip|fil.xml> [--json] [--workers 2]');
    if (!existsSync(path)) throw new Error(`Finner ikke «${path}»`);
    const json = flags.has('json');
    const workers = flags.has('workers') ? Number(flags.get('workers')) : 2;
    if (!Number.isInteger(workers) || workers < 0 || workers > 16)
      throw new Error('--workers må være 0–16');
    const ctx = await openSpendFromConfig(
      config,
      typeof flags.get('db') === 'string' ? (flags.get('db') as string) : undefined,
      json,
    );
    try {
      let details: Awaited<ReturnType<typeof ctx.spend.ingest>>;
      const started = Date.now();
      // Progress bar on a terminal: files (rows for a ledger), MB/s and time left.
      const showBar = process.stderr.isTTY === true;
      const bar = new cliProgress.SingleBar(
        {
          format: `Innlesing |{bar}| {percentage}% | {files} ${flags.has('ledger') ? 'rader' : 'filer'} | {speed} MB/s | gjenstår {eta_formatted}`,
          stream: process.stderr,
          hideCursor: true,
          etaBuffer: 50,
        },
        cliProgress.Presets.shades_classic,
      );
      const total = await sourceSize(path);
      if (showBar) bar.start(Math.max(1, total), 0, { files: 0, speed: '0.0' });
      const onProgress = (p: IngestProgress) => {
        if (!showBar) return;
        const secs = Math.max(0.001, (Date.now() - started) / 1000);
        bar.update(Math.min(p.bytes, total), { files: p.files, speed: mb(p.bytes / secs) });
      };
      try {
        if (flags.has('ledger')) {
          const mappingFile = flags.get('mapping');
          const mapping =
            typeof mappingFile === 'string' ? readMapping(mappingFile) : DEFAULT_LEDGER_MAPPING;
          details = await ctx.spend.ingestLedger(createReadStream(path), mapping, { onProgress });
        } else {
          details = await ctx.spend.ingest(pathSource(path), { workers, onProgress });
        }
      } finally {
        if (showBar) bar.stop();
      }
      const s = details.summary;
      const after = await ctx.afterChange();
      if (json) {
        process.stdout.write(
          `${JSON.stringify({
            files: s.files,
            invoices: s.invoices,
            creditNotes: s.creditNotes,
            lines: s.lines,
            duplicates: s.duplicates,
            errors: s.errors,
            totals: s.totals,
          })}\n`,
        );
      } else {
        const secs = (Date.now() - started) / 1000;
        const speed = `${secs.toFixed(1)} s (${mb(details.bytes / Math.max(secs, 0.001))} MB/s)`;
        console.log(
          flags.has('ledger')
            ? `${s.files} rader på ${speed}: ${s.invoices + s.creditNotes} posteringer (${s.creditNotes} kreditposteringer), ${s.duplicates} duplikater, ${s.errors.length} feil.`
            : `${s.files} filer på ${speed}: ${s.invoices} fakturaer, ${s.creditNotes} kreditnotaer, ${s.lines} linjer, ${s.duplicates} duplikater, ${s.errors.length} feil.`,
        );
        for (const [c, v] of Object.entries(s.totals)) console.log(`  Netto ${c}: ${v}`);
        if (after.ceilingTasks > 0)
          console.log(
            `  ${after.ceilingTasks} oppfølgingsoppgave(r) opprettet for avtaler over 80 % av maksimalverdien.`,
          );
        for (const [c, n] of Object.entries(details.missingRates)) {
          console.log(
            `  Mangler valutakurs for ${n} dokument(er) i ${c}: kjør «npm run cli -- spend rates fetch ${c} …» eller legg inn kurs for hånd.`,
          );
        }
        for (const e of s.errors.slice(0, 50)) console.log(`  Feil i ${e.file}: ${e.reason}`);
        if (s.errors.length > 50)
          console.log(`  … og ${s.errors.length - 50} feil til (bruk --json for alle).`);
      }
      return 0;
    } finally {
      await ctx.close();
    }
  },
};

export default ingestCommand;
