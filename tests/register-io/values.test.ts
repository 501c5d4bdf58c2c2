import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  escapeFormula,
  formatOreAsNok,
  nokNumberToOre,
  parseDateText,
  parseNokToOre,
  splitLines,
  unescapeFormula,
} from '../../src/register-io/values.ts';

const ore = (s: string) => {
  const r = parseNokToOre(s);
  return r.ok ? r.value : r.reason;
};

describe('cell values', () => {
  it('reads Norwegian amounts to øre exactly, without floats', () => {
    assert.equal(ore('1 250 000,50'), 125_000_050);
    assert.equal(ore('1\u00a0250\u00a0000,5'), 125_000_050);
    assert.equal(ore('1.250.000,05'), 125_000_005);
    assert.equal(ore('kr 999,99'), 99_999);
    assert.equal(ore('2 000 000'), 200_000_000);
    assert.equal(ore('1250000.50'), 125_000_050);
    assert.equal(ore('1.250'), 125_000);
    assert.equal(ore('0,1'), 10);
    assert.equal(ore('-5'), -500);
    assert.equal(ore('90071992547409,91'), 9_007_199_254_740_991);
    assert.match(String(ore('90071992547409,92')), /for stort/);
    assert.match(String(ore('12,345')), /to desimaler/);
    assert.match(String(ore('1,2,3')), /ikke et beløp/);
    assert.match(String(ore('tolv')), /ikke et beløp/);
  });

  it('formats øre back as NOK and converts spreadsheet numbers', () => {
    assert.equal(formatOreAsNok(125_000_050), '1 250 000,50');
    assert.equal(formatOreAsNok(5), '0,05');
    const r = nokNumberToOre(1234567.89);
    assert.deepEqual(r, { ok: true, value: 123_456_789 });
    assert.equal(nokNumberToOre(0.125).ok, false);
  });

  it('reads dates as DD.MM.ÅÅÅÅ or ISO and refuses impossible ones', () => {
    assert.deepEqual(parseDateText('1.2.2026'), { ok: true, value: '2026-02-01' });
    assert.deepEqual(parseDateText('2026-02-28'), { ok: true, value: '2026-02-28' });
    assert.equal(parseDateText('31.02.2026').ok, false);
    assert.equal(parseDateText('31.12.26').ok, false);
  });

  it('escapes formula starts on export and removes the escape on import', () => {
    for (const s of ['=1+1', '+47 123', '-2', '@SUM(A1)', '\tx']) {
      assert.equal(escapeFormula(s), `'${s}`);
      assert.equal(unescapeFormula(escapeFormula(s)), s);
    }
    assert.equal(escapeFormula('Renhold'), 'Renhold');
    assert.equal(unescapeFormula("'vanlig"), "'vanlig");
  });

  it('splits free-text lists by line, falling back to semicolons when the count fits', () => {
    assert.deepEqual(splitLines('A; B AS\nC', 2), ['A; B AS', 'C']);
    assert.deepEqual(splitLines('A AS; B AS', 2), ['A AS', 'B AS']);
    assert.deepEqual(splitLines('A; B; C', 2), ['A; B; C']);
  });
});
