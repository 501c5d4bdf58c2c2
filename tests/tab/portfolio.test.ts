import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asViewer, projectContract } from '../../src/core/index.ts';
import { summarisePortfolio } from '../../src/core/portfolio.ts';
import { contractInput } from '../support/fixtures.ts';

const contract = (id: string, over: Record<string, unknown>) => ({
  ...contractInput(over),
  id,
  options: [],
  version: 1,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
});
const reader = { id: 'leser', name: 'Leser', email: 'l@x', role: 'reader' as const, unitId: null };
const admin = { ...reader, id: 'ks', role: 'kontraktservice' as const };
/** Kontraktservice's view: every field, as the dashboard route sees it. */
const asAdminView = (list: ReturnType<typeof contract>[]) =>
  list.map((c) => projectContract(asViewer(admin), c));

describe('portfolio summary (dashboard figures)', () => {
  const today = '2026-01-15';
  const contracts = [
    contract('a', {
      kind: 'framework',
      endDate: '2026-03-31',
      options: [],
      cpvCodes: ['45000000-7'],
    }),
    contract('b', { kind: 'single', endDate: '2026-03-01', options: [], cpvCodes: ['45200000-9'] }),
    contract('c', { kind: 'single', endDate: '2025-12-31', options: [], cpvCodes: ['90910000-9'] }),
    contract('d', { kind: 'framework', endDate: '2030-12-31', options: [], cpvCodes: [] }),
    contract('e', { kind: 'single', endDate: '2026-06-30', options: [], draft: true }),
    contract('f', {
      kind: 'framework',
      endDate: '2028-01-01',
      options: [],
      maxValueOre: 900_000_000,
      confidential: { maxValueOre: { legalBasis: 'Offl. § 23 første ledd' } },
    }),
  ];

  it('counts by status, kind and CPV division, and buckets expiries by month', () => {
    const s = summarisePortfolio(asAdminView(contracts), {
      today,
      expiringWindowDays: 180,
      turnover: null,
      overdueTaskUnits: null,
    });
    assert.equal(s.total, 6);
    assert.deepEqual(s.byStatus, { draft: 1, active: 2, expiring: 2, expired: 1, terminated: 0 });
    assert.deepEqual(s.byKind, { framework: 3, single: 3 });
    assert.deepEqual(s.byCategory[0], { division: '30', count: 2 });
    assert.ok(
      s.byCategory.some((c) => c.division === '' && c.count === 1),
      'no CPV code',
    );
    assert.ok(s.byCategory.some((c) => c.division === '45' && c.count === 2));
    assert.equal(s.expiries.length, 12);
    assert.equal(s.expiries[0]?.month, '2026-01');
    assert.deepEqual(s.expiries[2], { month: '2026-03', count: 2, framework: 1 });
    assert.equal(
      s.expiries.reduce((n, e) => n + e.count, 0),
      2,
      'drafts and expired do not count',
    );
    assert.equal(s.spendConnected, false);
    assert.equal(s.overdue, null);
  });

  it('ceiling usage uses turnover against the maximum; a withheld maximum never counts', () => {
    const turnover = new Map([
      ['a', 760_000_000],
      ['f', 100_000_000],
    ]);
    const asAdmin = summarisePortfolio(asAdminView(contracts), {
      today,
      expiringWindowDays: 180,
      turnover,
      overdueTaskUnits: ['u-a', 'u-b', 'u-a'],
    });
    assert.equal(asAdmin.ceiling[0]?.contractId, 'a');
    assert.equal(asAdmin.ceiling[0]?.ratio, 0.95);
    assert.deepEqual(asAdmin.overdue, {
      total: 3,
      byUnit: [
        { unitId: 'u-a', count: 2 },
        { unitId: 'u-b', count: 1 },
      ],
    });
    const asReader = summarisePortfolio(
      contracts.map((c) => projectContract(asViewer(reader), c)),
      { today, expiringWindowDays: 180, turnover, overdueTaskUnits: [] },
    );
    const f = asReader.ceiling.find((c) => c.contractId === 'f');
    assert.equal(f?.maxValueOre, null);
    assert.equal(f?.ratio, null);
    // Spend against a withheld ceiling would tell how much of it is left: withheld too.
    assert.equal(f?.spentOre, null);
    assert.equal(asAdmin.ceiling.find((c) => c.contractId === 'f')?.spentOre, 100_000_000);
  });
});
