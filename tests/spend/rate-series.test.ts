// Rate series files: the product's own `currency;date;rate` format and Norges Bank's CSV download
// (SDMX columns, UNIT_MULT for currencies quoted per 100), read through the CLI into a real DuckDB file.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadRates, parseRateSeries } from '../../src/spend/context.ts';
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
});
