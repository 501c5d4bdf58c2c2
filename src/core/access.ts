import type { ConfidentialField, Contract } from './contract.ts';
import { CONFIDENTIAL_FIELDS, currentEndDate } from './contract.ts';
import type { IsoDate } from './dates.ts';
import type { User } from './users.ts';

/**
 * Who is looking: a signed-in user, or the public (anonymous catalogue, channel posts, open data).
 * Every outward path passes its viewer here; nothing else decides what may be seen.
 */
export type Viewer = { readonly kind: 'user'; readonly user: User } | { readonly kind: 'public' };

export const PUBLIC: Viewer = { kind: 'public' };
export const asViewer = (user: User): Viewer => ({ kind: 'user', user });

type Ownership = Pick<Contract, 'ownerId' | 'managerId'>;

export function isOwnerOrManager(user: User, c: Ownership): boolean {
  return c.ownerId === user.id || c.managerId === user.id;
}

export function canSeeConfidential(viewer: Viewer, c: Ownership): boolean {
  if (viewer.kind === 'public') return false;
  return viewer.user.role === 'kontraktservice' || isOwnerOrManager(viewer.user, c);
}

export function canEditContract(user: User, c: Ownership): boolean {
  if (user.role === 'kontraktservice') return true;
  return user.role === 'contract_owner' && isOwnerOrManager(user, c);
}

export function canCreateContract(user: User): boolean {
  return user.role === 'kontraktservice' || user.role === 'contract_owner';
}

export const isAdmin = (user: User): boolean => user.role === 'kontraktservice';

export interface Withheld {
  readonly field: ConfidentialField;
  readonly legalBasis: string;
}

/** A contract as a given viewer may see it: withheld fields are null and listed with their basis. */
export type ContractView = Omit<Contract, 'confidential'> & {
  readonly confidential: Contract['confidential'] | null;
  readonly withheld: readonly Withheld[];
  /** The end date in force, kept even when the options are withheld (see `currentEndDate`). */
  readonly currentEndDate?: IsoDate | null;
};

export function withheldFields(viewer: Viewer, c: Contract): Withheld[] {
  if (canSeeConfidential(viewer, c)) return [];
  return CONFIDENTIAL_FIELDS.flatMap((field) => {
    const mark = c.confidential[field];
    return mark ? [{ field, legalBasis: mark.legalBasis }] : [];
  });
}

/** The one projection: removes every confidential value the viewer may not see. */
export function projectContract(viewer: Viewer, c: Contract): ContractView {
  const withheld = withheldFields(viewer, c);
  const end = currentEndDate(c);
  if (withheld.length === 0) {
    const confidential = canSeeConfidential(viewer, c) ? c.confidential : null;
    return { ...c, confidential, withheld, currentEndDate: end };
  }
  const hidden = new Set(withheld.map((w) => w.field));
  const suppliers = hidden.has('suppliers')
    ? []
    : c.suppliers.map((s) => (hidden.has('supplierTerms') ? { ...s, terms: null } : s));
  return {
    ...c,
    title: hidden.has('title') ? '' : c.title,
    description: hidden.has('description') ? '' : c.description,
    suppliers,
    estimatedValueOre: hidden.has('estimatedValueOre') ? null : c.estimatedValueOre,
    maxValueOre: hidden.has('maxValueOre') ? null : c.maxValueOre,
    priceAdjustment: hidden.has('priceAdjustment') ? null : c.priceAdjustment,
    options: hidden.has('options') ? [] : c.options,
    confidential: null,
    withheld,
    currentEndDate: end,
  };
}

/** Which confidential field a changed contract field belongs to (for audit entries and search). */
export function confidentialFieldOf(field: string): ConfidentialField | null {
  if (field.startsWith('suppliers')) {
    return field.endsWith('.terms') ? 'supplierTerms' : 'suppliers';
  }
  const top = field.split('.')[0] as ConfidentialField;
  return (CONFIDENTIAL_FIELDS as readonly string[]).includes(top) ? top : null;
}
