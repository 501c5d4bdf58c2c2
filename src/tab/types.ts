/**
 * API shapes, taken from the server's own types (type-only imports: nothing of the server is bundled).
 * The few constant lists the UI needs are repeated here and checked against the core's types.
 */
import type { ContractView } from '../core/access.ts';
import type {
  CONTRACT_KINDS,
  CONTRACT_TYPES,
  ConfidentialField,
  ContractStatus,
  PROCEDURES,
  RISK_LEVELS,
} from '../core/contract.ts';
import type { Unit, User } from '../core/users.ts';
import type { TaskView } from '../followup/followup.port.ts';

export type { ConfidentialField, ContractStatus, TaskView, Unit, User };

export type ApiContract = ContractView & {
  readonly status: ContractStatus;
  readonly currentEndDate: string | null;
  readonly maximumEndDate: string | null;
};

export interface Page<T> {
  readonly total: number;
  readonly offset: number;
  readonly limit: number;
  readonly items: T[];
}

export const STATUSES = [
  'draft',
  'active',
  'expiring',
  'expired',
  'terminated',
] as const satisfies readonly ContractStatus[];

export const KINDS = ['framework', 'single'] as const satisfies (typeof CONTRACT_KINDS)[number][];
export const TYPES = [
  'goods',
  'services',
  'construction',
  'health_social',
] as const satisfies (typeof CONTRACT_TYPES)[number][];
export const PROCEDURE_LIST = [
  'open',
  'restricted',
  'competition_with_negotiation',
  'negotiated',
  'below_threshold',
  'mini_competition',
  'direct_award',
] as const satisfies (typeof PROCEDURES)[number][];
export const RISKS = ['low', 'medium', 'high'] as const satisfies (typeof RISK_LEVELS)[number][];
export const CONFIDENTIAL = [
  'title',
  'description',
  'suppliers',
  'supplierTerms',
  'estimatedValueOre',
  'maxValueOre',
  'priceAdjustment',
  'options',
] as const satisfies readonly ConfidentialField[];

export interface AuditChange {
  readonly field: string;
  readonly from?: unknown;
  readonly to?: unknown;
}
export interface AuditEntry {
  readonly id?: number;
  readonly at: string;
  readonly actorId: string;
  readonly action: string;
  readonly changes?: readonly AuditChange[];
}

export interface TabConfig {
  readonly authMode: 'dev' | 'entra';
  readonly devUsers: readonly Pick<User, 'id' | 'name' | 'role'>[];
  readonly entra: {
    readonly clientId: string;
    readonly authority: string;
    readonly scopes: readonly string[];
  } | null;
  readonly organisationName: string;
}
