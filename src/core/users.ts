import { z } from 'zod';

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

const id = z
  .string()
  .trim()
  .min(1, 'mangler')
  .max(100, 'kan ha høyst 100 tegn')
  .regex(/^[\w.@-]+$/, 'kan bare inneholde bokstaver, tall og . _ - @');

export const unitSchema = z
  .object({
    id,
    name: z.string().trim().min(1, 'mangler navn').max(200),
    parentId: id.nullable().default(null),
    sector: z.string().trim().max(200).nullable().default(null),
  })
  .strict();

export const userSchema = z
  .object({
    id,
    name: z.string().trim().min(1, 'mangler navn').max(200),
    email: z.email('er ikke en gyldig e-postadresse'),
    role: z.enum(ROLES),
    unitId: id.nullable().default(null),
  })
  .strict();
