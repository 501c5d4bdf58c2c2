/** The tab's amount formats: each currency with its own decimals, Norwegian grouping and sign. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatCurrency, formatCurrencyMinor } from '../../src/tab/format.ts';

/** Intl separates groups and the code with no-break spaces: compare with plain ones. */
const plain = (s: string) => s.replace(/\s/g, ' ');

describe('formatCurrency / formatCurrencyMinor', () => {
  it('two decimals for NOK and EUR, in bokmål, nynorsk and English', () => {
    assert.equal(plain(formatCurrency(48_515_436.5, 'NOK', 'nb')), '48 515 436,50 NOK');
    assert.equal(plain(formatCurrency(5900, 'EUR', 'nn')), '5 900,00 EUR');
    assert.equal(plain(formatCurrency(5900, 'EUR', 'en')), 'EUR 5,900.00');
  });

  it('minor units by the currency: JPY has none, KWD three; negative amounts with a minus', () => {
    assert.equal(plain(formatCurrencyMinor(-280_000, 'EUR', 'nb')), '−2 800,00 EUR');
    assert.equal(plain(formatCurrencyMinor(1500, 'JPY', 'nb')), '1 500 JPY');
    assert.equal(plain(formatCurrencyMinor(1_234_567, 'KWD', 'nb')), '1 234,567 KWD');
  });

  it('a code that is not three letters is shown beside the number instead of throwing', () => {
    assert.equal(plain(formatCurrency(12.5, 'EU', 'nb')), '12,50 EU');
  });
});
