import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LocalDate } from '@js-joda/core';
import {
  daysFrom,
  epochDay,
  fromEpochDay,
  plusDays,
  plusMonths,
  ymd,
} from '../../src/core/followup/calendar.ts';

// The planner's integer arithmetic must agree with js-joda (dates.ts) everywhere.
describe('integer calendar arithmetic', () => {
  it('clamps month ends and handles leap days like js-joda', () => {
    assert.equal(plusMonths('2027-01-31', 1), '2027-02-28');
    assert.equal(plusMonths('2028-01-31', 1), '2028-02-29');
    assert.equal(plusMonths('2028-02-29', 12), '2029-02-28');
    assert.equal(plusMonths('2028-02-29', 48), '2032-02-29');
    assert.equal(plusMonths('2100-01-31', 1), '2100-02-28'); // not a leap year
    assert.equal(plusMonths('2000-01-31', 1), '2000-02-29'); // a leap year
    assert.equal(plusMonths('2026-03-31', -1), '2026-02-28');
    assert.equal(plusMonths('2026-01-15', -13), '2024-12-15');
    assert.equal(plusDays('2028-02-28', 1), '2028-02-29');
    assert.equal(plusDays('2027-02-28', 1), '2027-03-01');
    assert.equal(plusDays('2026-01-01', -1), '2025-12-31');
    assert.equal(daysFrom('2028-02-28', '2028-03-01'), 2);
  });

  it('agrees with js-joda over 40 years of dates and offsets', () => {
    let d = LocalDate.parse('1998-12-25');
    const end = LocalDate.parse('2040-01-10');
    const offsets = [-3650, -400, -61, -31, -29, -1, 0, 1, 27, 28, 29, 30, 31, 59, 366, 1461];
    const months = [-120, -25, -13, -12, -1, 1, 2, 11, 12, 13, 24, 25, 48, 600];
    let checked = 0;
    while (d.isBefore(end)) {
      const iso = d.toString();
      const [y, m, day] = ymd(iso);
      assert.equal(fromEpochDay(epochDay(y, m, day)), iso);
      assert.equal(epochDay(y, m, day), d.toEpochDay());
      for (const n of offsets)
        assert.equal(plusDays(iso, n), d.plusDays(n).toString(), `${iso}+${n}d`);
      for (const n of months)
        assert.equal(plusMonths(iso, n), d.plusMonths(n).toString(), `${iso}+${n}m`);
      checked++;
      d = d.plusDays(checked % 7 === 0 ? 1 : 3);
    }
    assert.ok(checked > 4000);
  });
});
