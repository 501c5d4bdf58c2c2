/** Global roles. Ownership of a single contract comes from the contract (owner / manager). */
export const ROLES = ['kontraktservice', 'contract_owner', 'reader'] as const;
export type Role = (typeof ROLES)[number];

export interface User {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly role: Role;
  readonly unitId: string | null;
}

export interface Unit {
  readonly id: string;
  readonly name: string;
  /** Parent unit (etat/sektor) or null for the top. */
  readonly parentId: string | null;
  /** The sector the unit belongs to, e.g. "Helse og omsorg". */
  readonly sector: string | null;
}

export interface Supplier {
  readonly orgnr: string;
  readonly name: string;
}
