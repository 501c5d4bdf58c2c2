/**
 * `npm run cli -- spend <subcommand>`: reference data and reports of the spend analysis.
 *   rates fetch <EUR,USD> <from> <to>     exchange rates from Norges Bank
 *   rates add <CUR> <YYYY-MM-DD> <rate>   manual rate (NOK per unit)
 *   rates import <file>                   series file (currency;date;rate, dato;EUR;100 SEK…, or Norges Bank's CSV)
 *   index add <name> <YYYY-MM|YYYY> <value>   index value by hand (e.g. KPI 2024-10 136.8)
 *   pricelist <agreement> <file.csv|file.xlsx>
 *   refresh                               re-match lines and recompute allowed prices
 *   report <turnover|leakage|prices> [--json] [--xlsx out.xlsx] [--tolerance bp] [--today date]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseRate } from '../../core/spend/rates.ts';
import { parseRateSeries } from '../../spend/context.ts';
import { leakageWorkbook, priceControlWorkbook, turnoverWorkbook } from '../../spend/excel.ts';
import { NorgesBankRates } from '../../spend/rates/norges-bank.ts';
import { SsbKpi } from '../../spend/rates/ssb-kpi.ts';
import type { CliCommand } from '../command.ts';
import { openSpendFromConfig, parseFlags } from './ingest.ts';

const converted = (n: number) =>
  n === 0 ? '' : `${n} dokument${n === 1 ? '' : 'er'} fikk ny verdi i NOK.`;

const USAGE = `Bruk: npm run cli -- spend <rates|index|pricelist|refresh|report> …
  spend rates fetch EUR,USD 2024-01-01 2024-12-31
  spend rates add EUR 2024-03-01 11.4235
  spend rates import kurser.csv     (currency;dato;kurs, dato;EUR;100 SEK…, eller CSV fra Norges Bank)
  spend index add KPI 2024-10 136.8
  spend index fetch [36]            (KPI per måned fra SSB)
  spend pricelist RA-2024-0001 prisliste.xlsx
  spend refresh
  spend report turnover|leakage|prices [--json] [--xlsx fil.xlsx] [--tolerance 100] [--today 2024-12-31]`;

const bigintSafe = (_k: string, v: unknown) => (typeof v === 'bigint' ? Number(v) : v);

export const spendCommand: CliCommand = {
  name: 'spend',
  summary:
    'Innkjøpsanalyse: valutakurser, indekser, prislister og rapporter (omsetning, lekkasje, priskontroll)',
  async run(args, config) {
    const { positional, flags } = parseFlags(args);
    const [sub, a1, a2, a3, a4] = positional;
    if (!sub) throw new Error(USAGE);
    const ctx = await openSpendFromConfig(
      config,
      typeof flags.get('db') === 'string' ? (flags.get('db') as string) : undefined,
    );
    const { spend } = ctx;
    try {
      if (sub === 'rates' && a1 === 'fetch' && a2 && a3 && a4) {
        const r = await spend.fetchRates(
          new NorgesBankRates(config.NORGES_BANK_API_URL),
          a2.split(','),
          a3,
          a4,
        );
        if (r.converted > 0) await ctx.afterChange();
        console.log(`${r.fetched} kurser hentet fra Norges Bank. ${converted(r.converted)}`);
      } else if (sub === 'rates' && a1 === 'add' && a2 && a3 && a4) {
        const rate = parseRate(a4.replace(',', '.'));
        if (!rate || !/^[A-Z]{3}$/.test(a2) || !/^\d{4}-\d{2}-\d{2}$/.test(a3))
          throw new Error(USAGE);
        const r = await spend.addRates([
          { currency: a2, date: a3, nokPerUnitMicro: rate, source: 'manual' },
        ]);
        if (r.converted > 0) await ctx.afterChange();
        console.log(`Kurs for ${a2} ${a3} lagret. ${converted(r.converted)}`);
      } else if (sub === 'rates' && a1 === 'import' && a2) {
        const points = parseRateSeries(readFileSync(a2, 'utf8'));
        const r = await spend.addRates(points);
        if (r.converted > 0) await ctx.afterChange();
        console.log(`${points.length} kurser lest inn. ${converted(r.converted)}`);
      } else if (sub === 'index' && a1 === 'add' && a2 && a3 && a4) {
        const m = /^(\d+)(?:[.,](\d))?$/.exec(a4);
        if (!m) throw new Error('Indeksverdien må ha høyst én desimal, f.eks. 136.8');
        await spend.addIndexValue(a2, a3, Number(m[1]) * 10 + Number(m[2] ?? '0'));
        console.log(`${a2} ${a3} = ${a4} lagret.`);
      } else if (sub === 'index' && a1 === 'fetch') {
        const months = a2 ? Number(a2) : 36;
        if (!Number.isInteger(months) || months < 1 || months > 600) throw new Error(USAGE);
        const r = await spend.fetchIndexValues(new SsbKpi(config.SSB_API_URL), months);
        console.log(
          `KPI fra SSB (tabell 03013): ${r.fetched} måneder hentet, ${r.stored} lagret (verdier lagt inn for hånd beholdes).`,
        );
      } else if (sub === 'pricelist' && a1 && a2) {
        const n = await spend.importPriceList(a1, a2, readFileSync(a2));
        console.log(`${n} priser lest inn for ${a1}.`);
      } else if (sub === 'refresh') {
        const r = await spend.refresh();
        const after = await ctx.afterChange();
        console.log(
          `Matchet ${r.matchKeys} kombinasjoner på nytt; ${r.allowedPrices} tillatte priser; ${after.ceilingTasks} nye oppfølgingsoppgaver for takvarsler. ${converted(r.converted)}`,
        );
      } else if (sub === 'report' && a1) {
        const xlsx = flags.get('xlsx');
        let report: unknown;
        let book: Buffer;
        if (a1 === 'turnover') {
          const r = await spend.turnover();
          report = r;
          book = await turnoverWorkbook(r);
        } else if (a1 === 'leakage') {
          const today = flags.get('today');
          const r = await spend.leakage({ today: typeof today === 'string' ? today : undefined });
          report = r;
          book = await leakageWorkbook(r);
        } else if (a1 === 'prices') {
          const r = await spend.priceControl({
            toleranceBp: Number(flags.get('tolerance') ?? 0) || 0,
          });
          report = r;
          book = await priceControlWorkbook(r);
        } else throw new Error(USAGE);
        if (typeof xlsx === 'string') {
          writeFileSync(xlsx, book);
          console.error(`Skrev ${xlsx}`);
        }
        if (flags.has('json') || typeof xlsx !== 'string')
          console.log(JSON.stringify(report, bigintSafe, 2));
      } else {
        throw new Error(USAGE);
      }
      return 0;
    } finally {
      await ctx.close();
    }
  },
};

export default spendCommand;
