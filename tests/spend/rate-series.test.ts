// Rate series files: the product's own `currency;date;rate` format, Norges Bank's CSV download
// (SDMX columns, UNIT_MULT for currencies quoted per 100) and the wide `dato;EUR;100 SEK` table,
// read through the CLI into a real DuckDB file; and the Norges Bank series shipped with the product.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadRates, parseRateSeries, saveRates, shippedRates } from '../../src/spend/context.ts';
import { SpendService } from '../../src/spend/service.ts';
import { DuckSpendStore } from '../../src/spend/store/duckdb-store.ts';

const HEADER =
  'FREQ;Frequency;BASE_CUR;Base Currency;QUOTE_CUR;Quote Currency;TENOR;Tenor;DECIMALS;CALCULATED;UNIT_MULT;Unit Multiplier;COLLECTION;Collection Indicator;TIME_PERIOD;OBS_VALUE';
const row = (cur: string, name: string, mult: string, day: string, value: string) =>
  `B;Business;${cur};${name};NOK;Norwegian krone;SP;Spot;4;false;${mult};${mult === '2' ? 'Hundreds' : 'Units'};C;ECB concertation time 14:15 CET;${day};${value}`;

describe('rate series files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rate-series-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads Norges Bank CSV with unit multipliers and decimal commas', () => {
    const text = [
      `\uFEFF${HEADER}`,
      row('EUR', 'Euro', '0', '2024-03-01', '11.4235'),
      row('SEK', 'Swedish krona', '2', '2024-03-01', '102,87'),
      '',
    ].join('\r\n');
    assert.deepEqual(parseRateSeries(text), [
      { currency: 'EUR', date: '2024-03-01', nokPerUnitMicro: 11_423_500, source: 'norges-bank' },
      { currency: 'SEK', date: '2024-03-01', nokPerUnitMicro: 1_028_700, source: 'norges-bank' },
    ]);
  });

  it('names the line of a bad row, and a file without the SDMX columns', () => {
    assert.throws(
      () => parseRateSeries([HEADER, row('EUR', 'Euro', '0', '2024-03-01', 'NaN')].join('\n')),
      /linje 2/,
    );
    assert.throws(
      () => parseRateSeries([HEADER, row('EUR', 'Euro', 'x', '2024-03-01', '11.2')].join('\n')),
      /linje 2/,
    );
    assert.throws(() => parseRateSeries('TIME_PERIOD;OBS_VALUE\n2024-03-01;11.2\n'), /BASE_CUR/);
  });

  it('the CLI imports a Norges Bank download, and the rates are used', async () => {
    const file = join(dir, 'EXR.csv');
    writeFileSync(
      file,
      [
        HEADER,
        row('EUR', 'Euro', '0', '2024-03-01', '11.4235'),
        row('EUR', 'Euro', '0', '2024-03-04', '11.5'),
      ].join('\n'),
    );
    const dataDir = join(dir, 'data');
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'spend', 'rates', 'import', file],
      {
        cwd: new URL('../..', import.meta.url).pathname,
        env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
        encoding: 'utf8',
      },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /2 kurser lest inn/);
    const store = await DuckSpendStore.open(join(dataDir, 'spend.duckdb'));
    try {
      const table = await loadRates(store);
      // Saturday 2 March takes Friday's rate.
      assert.equal(table.rateOn('EUR', '2024-03-02')?.nokPerUnitMicro, 11_423_500);
      assert.equal(table.rateOn('EUR', '2024-03-04')?.nokPerUnitMicro, 11_500_000);
    } finally {
      store.close();
    }
  });

  it('reads the wide table: one column per currency, «100 X» quoted per 100 units', () => {
    const text = '# kommentar\ndato;EUR;100 SEK\n2024-03-01;11.4235;102.87\n2024-03-04;11.5;\n';
    assert.deepEqual(parseRateSeries(text), [
      { currency: 'EUR', date: '2024-03-01', nokPerUnitMicro: 11_423_500, source: 'series-file' },
      { currency: 'SEK', date: '2024-03-01', nokPerUnitMicro: 1_028_700, source: 'series-file' },
      { currency: 'EUR', date: '2024-03-04', nokPerUnitMicro: 11_500_000, source: 'series-file' },
    ]);
    assert.throws(() => parseRateSeries('dato;EURO\n2024-03-01;11.2\n'), /kolonne «EURO».*linje 1/);
    assert.throws(() => parseRateSeries('dato;EUR\n2024-03-01;-1\n'), /EUR på linje 2/);
    assert.throws(() => parseRateSeries('dato;EUR\n1.3.2024;11.2\n'), /linje 2/);
    assert.throws(() => parseRateSeries('dato;EUR\n2024-02-30;11.2\n'), /linje 2/);
    assert.throws(() => parseRateSeries('EUR;2024-13-01;11.2\n'), /kursfilen/);
  });

  it("ships Norges Bank's daily rates 2021–2024 for EUR, USD, SEK, DKK, GBP and CHF", async () => {
    const points = shippedRates();
    assert.equal(points.length, 1010 * 6);
    const store = await DuckSpendStore.open(':memory:');
    try {
      const table = await loadRates(store);
      assert.deepEqual(table.currencies, ['CHF', 'DKK', 'EUR', 'GBP', 'SEK', 'USD']);
      const on = (c: string, d: string) => table.rateOn(c, d)?.nokPerUnitMicro;
      assert.equal(on('EUR', '2021-01-04'), 10_444_000);
      assert.equal(on('EUR', '2024-12-31'), 11_795_000);
      assert.equal(on('SEK', '2024-12-31'), 1_029_300); // 102.93 per 100
      assert.equal(on('CHF', '2024-12-31'), 12_531_900); // 1253.19 per 100
      assert.equal(on('USD', '2022-11-12'), 9_956_800); // Saturday: Friday's rate
      assert.equal(on('EUR', '2020-12-31'), undefined); // before the series
      assert.equal(on('EUR', '2025-01-14'), undefined); // more than 10 days after its end
      // A rate stored by fetch or import wins over the shipped one on the same day; manual too.
      await saveRates(store, [
        { currency: 'EUR', date: '2024-12-31', nokPerUnitMicro: 11_800_000, source: 'norges-bank' },
      ]);
      assert.equal(
        (await loadRates(store)).rateOn('EUR', '2024-12-31')?.nokPerUnitMicro,
        11_800_000,
      );
    } finally {
      store.close();
    }
  });

  it('an EUR invoice from 2022 is converted with the shipped rate of its date', async () => {
    // The official example invoice (EUR), dated a Saturday: Friday 11 November 2022's rate.
    const xml = readFileSync(
      new URL('../../../shared/data/ehf/base-example.xml', import.meta.url),
      'utf8',
    ).replaceAll('2017-11-13', '2022-11-12');
    const spend = await SpendService.open({ file: ':memory:', contracts: { async *all() {} } });
    try {
      const bytes = Buffer.from(xml);
      const { summary } = await spend.ingest(
        (async function* () {
          yield { name: 'eur.xml', sourceBytes: bytes.length, bytes };
        })(),
        { workers: 0 },
      );
      assert.deepEqual(summary.errors, []);
      const [doc] = await spend.store.rows<{ minor: bigint; ore: bigint; rate: bigint; d: string }>(
        `SELECT tax_exclusive_minor AS minor, nok_ore AS ore, rate_micro AS rate,
                strftime(rate_date, '%Y-%m-%d') AS d FROM spend_document`,
      );
      assert.equal(doc?.d, '2022-11-11');
      assert.equal(Number(doc?.rate), 10_263_500);
      // øre = cents × 10.2635, rounded half away from zero.
      assert.equal(Number(doc?.ore), Math.round((Number(doc?.minor) * 10_263_500) / 1_000_000));
    } finally {
      spend.close();
    }
  });
});
