import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isValidOrgnr, orgnrCheckDigit } from '../../src/core/orgnr.ts';

describe('orgnr (MOD11)', () => {
  it('accepts the documented example and real-looking numbers', () => {
    assert.equal(isValidOrgnr('123456785'), true);
    assert.equal(isValidOrgnr('974760673'), true); // Brønnøysundregistrene
  });
  it('refuses a wrong check digit, wrong length and letters', () => {
    assert.equal(isValidOrgnr('123456784'), false);
    assert.equal(isValidOrgnr('12345678'), false);
    assert.equal(isValidOrgnr('12345678a'), false);
  });
  it('treats remainder 1 as invalid', () => {
    // find an eight-digit stem whose weighted sum leaves remainder 1
    let stem = 10000000;
    while (orgnrCheckDigit(String(stem)) !== null) stem++;
    for (let d = 0; d <= 9; d++) assert.equal(isValidOrgnr(`${stem}${d}`), false);
  });
});
