import {
  CONFIDENTIAL_FIELDS,
  type ContractInput,
  contractInputSchema,
} from '../../src/core/index.ts';

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

/** Marker values of a contract with every field confidential, and where to look for them. */
export interface SecretMarkers {
  readonly text: string;
  /** øre: an unusual number to look for (the estimate is one øre less). */
  readonly value: number;
  readonly date: string;
}

export const LEGAL_BASIS = 'Offl. § 13 jf. fvl. § 13 første ledd nr. 2';

/** A contract whose every confidential field holds a marker and is marked confidential. */
export function secretContractInput(referenceNumber: string, m: SecretMarkers) {
  return contractInput({
    referenceNumber,
    title: `Tittel ${m.text}`,
    description: `Beskrivelse ${m.text}`,
    owningUnitId: 'u-helse',
    ownerId: 'eier1',
    suppliers: [
      { orgnr: '914994780', name: `Leverandør ${m.text}`, rank: 1, terms: `Vilkår ${m.text}` },
    ],
    estimatedValueOre: m.value - 1,
    maxValueOre: m.value,
    priceAdjustment: {
      index: `Indeks ${m.text}`,
      basePeriod: '2025-01',
      adjustmentMonth: 1,
      sharePercent: 100,
    },
    endDate: '2030-12-31',
    options: [{ newEndDate: m.date, decisionDeadline: '2030-06-30' }],
    confidential: Object.fromEntries(
      CONFIDENTIAL_FIELDS.map((f) => [f, { legalBasis: LEGAL_BASIS }]),
    ),
    published: true,
  });
}

/** The markers found in a text (empty: nothing leaked). */
export const leakedMarkers = (text: string, m: SecretMarkers): string[] =>
  [m.text, String(m.value), String(m.value - 1), m.date].filter((x) => text.includes(x));
