import type { Contract } from '../../src/core/contract.ts';
import {
  DEFAULT_ROUTINES,
  DEFAULT_SETTINGS,
  type RoutineData,
  routineSchema,
} from '../../src/core/followup/index.ts';

export const routines: RoutineData[] = DEFAULT_ROUTINES.map((r) => routineSchema.parse(r));
export const settings = DEFAULT_SETTINGS;

let n = 0;
export function contract(over: Partial<Contract> = {}): Contract {
  n++;
  return {
    id: `c${n}`,
    referenceNumber: `2026-${String(n).padStart(4, '0')}`,
    caseNumber: null,
    title: 'Renhold av skoler',
    description: '',
    kind: 'single',
    type: 'goods',
    procedure: 'open',
    cpvCodes: [],
    owningUnitId: 'u1',
    ownerId: 'owner',
    managerId: 'manager',
    suppliers: [],
    allowedUnitIds: [],
    partnerOrganisations: [],
    startDate: '2026-01-01',
    endDate: '2028-12-31',
    options: [],
    noticePeriodMonths: null,
    estimatedValueOre: null,
    maxValueOre: null,
    priceAdjustment: null,
    riskLevel: 'medium',
    payConditionsControl: false,
    sector: null,
    published: false,
    draft: false,
    terminatedOn: null,
    terminationReason: null,
    confidential: {},
    version: 1,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    ...over,
  };
}
