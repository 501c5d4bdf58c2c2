import { type ContractInput, contractInputSchema } from '../../src/core/index.ts';

/** A valid contract input; override any field. Parsed through the real schema. */
export function contractInput(overrides: Partial<Record<keyof ContractInput, unknown>> = {}) {
  return contractInputSchema.parse({
    referenceNumber: 'BK-2025-0001',
    title: 'Rammeavtale om kontorrekvisita',
    description: 'Levering av kontorrekvisita til alle enheter i kommunen.',
    kind: 'framework',
    type: 'goods',
    procedure: 'open',
    cpvCodes: ['30192000-1'],
    owningUnitId: 'u-innkjop',
    ownerId: 'eier1',
    managerId: null,
    suppliers: [{ orgnr: '123456785', name: 'Kontorleverandøren AS', rank: 1, terms: null }],
    startDate: '2025-01-01',
    endDate: '2027-12-31',
    options: [
      { newEndDate: '2028-12-31', decisionDeadline: '2027-06-30' },
      { newEndDate: '2029-12-31', decisionDeadline: '2028-06-30' },
    ],
    estimatedValueOre: 500_000_000,
    maxValueOre: 800_000_000,
    ...overrides,
  }) as ContractInput;
}

/** Valid organisation numbers for tests (MOD11-checked). */
export const ORGNRS = ['123456785', '974760673', '986105174', '923609016', '914994780'] as const;
