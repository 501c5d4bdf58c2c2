import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  addMonths,
  type Contract,
  contractInputSchema,
  contractStatus,
  currentEndDate,
  DomainError,
  decideOption,
  maximumEndDate,
  norwegianSortKey,
  osloToday,
  PUBLIC,
  projectContract,
} from '../../src/core/index.ts';
import { contractInput } from '../support/fixtures.ts';

const contract = (over: Partial<Contract> = {}): Contract => ({
  ...contractInput(),
  options: [
    {
      id: 'o1',
      newEndDate: '2028-12-31',
      decisionDeadline: '2027-06-30',
      state: 'open',
      decidedAt: null,
      decidedBy: null,
    },
    {
      id: 'o2',
      newEndDate: '2029-12-31',
      decisionDeadline: '2028-06-30',
      state: 'open',
      decidedAt: null,
      decidedBy: null,
    },
  ],
  id: 'c1',
  version: 1,
  createdAt: '2025-01-01T00:00:00Z',
  updatedAt: '2025-01-01T00:00:00Z',
  ...over,
});

describe('contract status', () => {
  it('derives draft, active, expiring, expired and terminated from the current end date', () => {
    const c = contract({ endDate: '2027-12-31' });
    assert.equal(contractStatus(c, '2026-01-01'), 'active');
    assert.equal(contractStatus(c, '2027-07-05'), 'expiring'); // 179 days before
    assert.equal(contractStatus(c, '2027-12-31'), 'expiring'); // last day still in force
    assert.equal(contractStatus(c, '2028-01-01'), 'expired');
    assert.equal(contractStatus(c, '2027-05-01', 365), 'expiring', 'configurable window');
    assert.equal(contractStatus({ ...c, draft: true }, '2026-01-01'), 'draft');
    assert.equal(contractStatus({ ...c, terminatedOn: '2026-06-01' }, '2026-05-31'), 'active');
    assert.equal(contractStatus({ ...c, terminatedOn: '2026-06-01' }, '2026-06-01'), 'terminated');
    assert.equal(contractStatus({ ...c, endDate: null, options: [] }, '2040-01-01'), 'active');
  });

  it('counts only exercised options, in order; declining lets later options lapse', () => {
    const c = contract();
    assert.equal(currentEndDate(c), '2027-12-31');
    assert.equal(maximumEndDate(c), '2029-12-31');
    assert.throws(
      () => decideOption(c, 'o2', 'exercised', '2027-01-01', 'u'),
      (e: unknown) => e instanceof DomainError && e.code === 'conflict',
    );
    const one = decideOption(c, 'o1', 'exercised', '2027-01-01', 'u');
    assert.equal(currentEndDate({ ...c, options: one }), '2028-12-31');
    assert.equal(contractStatus({ ...c, options: one }, '2028-01-01'), 'active');
    const declined = decideOption(c, 'o1', 'declined', '2027-01-01', 'u');
    assert.deepEqual(
      declined.map((o) => o.state),
      ['declined', 'declined'],
    );
    assert.equal(maximumEndDate({ ...c, options: declined }), '2027-12-31');
    assert.throws(() =>
      decideOption({ ...c, terminatedOn: '2026-01-01' }, 'o1', 'exercised', '2026-02-01', 'u'),
    );
    assert.throws(
      () => decideOption(c, 'nope', 'exercised', '2026-02-01', 'u'),
      (e: unknown) => e instanceof DomainError && e.code === 'not_found',
    );
  });
});

describe('contract schema', () => {
  const issues = (over: Record<string, unknown>) => {
    const r = contractInputSchema.safeParse({ ...contractInput(), ...over });
    return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
  };
  it('checks cross-field rules with the field that is wrong', () => {
    assert.deepEqual(issues({ startDate: '2028-01-01' }), ['endDate']);
    assert.deepEqual(issues({ estimatedValueOre: 900_000_000 }), ['maxValueOre']);
    assert.deepEqual(
      issues({ options: [{ newEndDate: '2027-01-01', decisionDeadline: '2026-01-01' }] }),
      ['options.0.newEndDate'],
    );
    assert.deepEqual(
      issues({
        suppliers: [
          { orgnr: '123456785', name: 'A' },
          { orgnr: '123 456 785', name: 'B' },
        ],
      }),
      ['suppliers.1.orgnr'],
    );
    assert.deepEqual(issues({ startDate: '2025-02-30' }), ['startDate']);
    assert.deepEqual(issues({ estimatedValueOre: 10.5 }), ['estimatedValueOre']);
    assert.deepEqual(issues({ cpvCodes: ['4500'] }), ['cpvCodes.0']);
    assert.deepEqual(issues({ confidential: { title: { legalBasis: '' } } }), [
      'confidential.title.legalBasis',
    ]);
  });
});

describe('projection', () => {
  it('removes exactly the confidential fields and says why', () => {
    const c = contract({
      description: 'hemmelig',
      confidential: {
        description: { legalBasis: 'Offl. § 13' },
        supplierTerms: { legalBasis: 'Offl. § 13' },
      },
      suppliers: [{ orgnr: '123456785', name: 'A AS', rank: 1, terms: 'rabatt' }],
    });
    const v = projectContract(PUBLIC, c);
    assert.equal(v.description, '');
    assert.equal(v.suppliers[0]?.terms, null);
    assert.equal(v.suppliers[0]?.name, 'A AS');
    assert.equal(v.title, c.title);
    assert.equal(v.confidential, null);
    assert.deepEqual(
      v.withheld.map((w) => w.field),
      ['description', 'supplierTerms'],
    );
    const owner = projectContract(
      {
        kind: 'user',
        user: { id: 'eier1', name: '', email: '', role: 'contract_owner', unitId: null },
      },
      c,
    );
    assert.equal(owner.description, 'hemmelig');
    assert.deepEqual(owner.withheld, []);
  });
});

describe('dates and words', () => {
  it('clamps month ends, knows leap days and the Oslo calendar day', () => {
    assert.equal(addMonths('2026-01-31', 1), '2026-02-28');
    assert.equal(addMonths('2028-01-31', 1), '2028-02-29');
    assert.equal(addMonths('2028-02-29', 12), '2029-02-28');
    assert.equal(osloToday(new Date('2026-03-28T23:30:00Z')), '2026-03-29'); // UTC+1
    assert.equal(osloToday(new Date('2026-06-30T22:30:00Z')), '2026-07-01'); // UTC+2 (summer)
    assert.equal(osloToday(new Date('2026-10-25T22:30:00Z')), '2026-10-25'); // back on UTC+1
  });
  it('sorts æ, ø, å last', () => {
    const words = ['Åsane', 'Ørsta', 'Ærø', 'Zebra', 'Eple', 'éclair'];
    assert.deepEqual(
      [...words].sort((a, b) => (norwegianSortKey(a) < norwegianSortKey(b) ? -1 : 1)),
      ['éclair', 'Eple', 'Zebra', 'Ærø', 'Ørsta', 'Åsane'],
    );
  });
});

describe('withheld options', () => {
  it('keep the end date in force visible, so the status is the same for everyone', () => {
    const c = contract({
      endDate: '2026-06-30',
      options: [
        {
          id: 'o1',
          newEndDate: '2027-06-30',
          decisionDeadline: '2026-03-31',
          state: 'exercised',
          decidedAt: '2026-01-10',
          decidedBy: 'eier1',
        },
      ],
      confidential: { options: { legalBasis: 'Offl. § 23 første ledd' } },
    });
    const view = projectContract(PUBLIC, c);
    assert.deepEqual(view.options, []);
    assert.equal(view.currentEndDate, '2027-06-30');
    assert.equal(contractStatus(view, '2026-08-01'), contractStatus(c, '2026-08-01'));
    assert.equal(
      contractStatus(view, '2026-08-01'),
      'active',
      'not expired on the original end date',
    );
  });
});
