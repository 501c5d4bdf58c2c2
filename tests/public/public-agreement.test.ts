import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Contract } from '../../src/core/index.ts';
import { isPubliclyListed, publicAgreement } from '../../src/core/public-agreement.ts';
import { contractInput } from '../support/fixtures.ts';

const BASIS = 'Offl. § 13 jf. fvl. § 13 første ledd nr. 2';
const ctx = {
  today: '2026-01-15',
  expiringWindowDays: 180,
  unitNames: new Map([
    ['u-innkjop', 'Innkjøp konsern'],
    ['u-skole', 'Skole'],
  ]),
};

function contract(overrides: Parameters<typeof contractInput>[0] = {}): Contract {
  const input = contractInput({ published: true, managerId: 'leder7', ...overrides });
  return {
    ...input,
    id: 'c-internal-42',
    version: 3,
    createdAt: '2025-01-01T10:00:00.000Z',
    updatedAt: '2025-02-01T10:00:00.000Z',
    options: input.options.map((o, i) => ({ ...o, id: `opt-${i}`, decidedBy: 'eier1' })),
  };
}

describe('PublicAgreement (core)', () => {
  it('has exactly the public fields: no ids, people, risk or follow-up data', () => {
    const a = publicAgreement(contract({ allowedUnitIds: ['u-skole', 'u-ukjent'] }), ctx);
    assert.ok(a);
    assert.deepEqual(Object.keys(a).sort(), [
      'caseNumber',
      'cpvCodes',
      'currentEndDate',
      'description',
      'endDate',
      'estimatedValueOre',
      'maxValueOre',
      'maximumEndDate',
      'noticePeriodMonths',
      'openToPartners',
      'options',
      'owningUnit',
      'priceAdjustment',
      'procedure',
      'reference',
      'startDate',
      'status',
      'suppliers',
      'terminatedOn',
      'title',
      'type',
      'updatedAt',
      'usableBy',
      'withheld',
    ]);
    const text = JSON.stringify(a);
    for (const internal of ['c-internal-42', 'eier1', 'leder7', 'u-innkjop', 'u-skole', 'opt-0']) {
      assert.ok(!text.includes(internal), `${internal} must not be public`);
    }
    assert.deepEqual(a.usableBy, { allUnits: false, units: ['Skole'], partners: [] });
    assert.equal(a.owningUnit, 'Innkjøp konsern');
    assert.deepEqual(a.options, [
      { newEndDate: '2028-12-31', state: 'open' },
      { newEndDate: '2029-12-31', state: 'open' },
    ]);
    assert.equal(a.maximumEndDate, '2029-12-31');
  });

  it('withheld fields are null and listed with their legal basis', () => {
    const a = publicAgreement(
      contract({
        suppliers: [{ orgnr: '123456785', name: 'Lev AS', rank: 1, terms: 'Rabatt 12 %' }],
        confidential: {
          supplierTerms: { legalBasis: BASIS },
          maxValueOre: { legalBasis: BASIS },
          options: { legalBasis: BASIS },
        },
      }),
      ctx,
    );
    assert.ok(a);
    assert.deepEqual(a.suppliers, [{ name: 'Lev AS', orgnr: '123456785', rank: 1, terms: null }]);
    assert.equal(a.maxValueOre, null);
    assert.equal(a.estimatedValueOre, 500_000_000);
    assert.equal(a.options, null);
    assert.equal(a.maximumEndDate, null, 'open options do not leak through the end date');
    assert.equal(a.currentEndDate, '2027-12-31');
    assert.deepEqual(
      a.withheld.map((w) => w.field),
      ['supplierTerms', 'maxValueOre', 'options'],
    );
    assert.ok(!JSON.stringify(a).includes('Rabatt'));
  });

  it('only published, non-draft framework agreements are public', () => {
    assert.equal(publicAgreement(contract({ published: false }), ctx), null);
    assert.equal(publicAgreement(contract({ kind: 'single' }), ctx), null);
    assert.equal(publicAgreement(contract({ draft: true }), ctx), null);
    assert.equal(isPubliclyListed(contract()), true);
  });
});
