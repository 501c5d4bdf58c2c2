import { canSeeConfidential, confidentialFieldOf, type Viewer } from './access.ts';
import type { ConfidentialField, Contract } from './contract.ts';

export interface FieldChange {
  readonly field: string;
  readonly from: unknown;
  readonly to: unknown;
}

export interface AuditEntry {
  readonly id: number;
  readonly at: string;
  readonly actorId: string;
  readonly entity: 'contract' | 'unit' | 'supplier' | 'user' | 'settings' | string;
  readonly entityId: string;
  readonly action: string;
  readonly changes: readonly FieldChange[];
  /** Confidential fields of the entity when the entry was written (before or after the change). */
  readonly sensitive: readonly string[];
}

const IGNORED = new Set(['version', 'updatedAt', 'createdAt']);

/** JSON with object keys sorted, so the same value always compares equal. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

/** Field-by-field differences between two versions (top-level fields; arrays/objects as a whole). */
export function diffFields(
  before: Record<string, unknown> | null,
  after: Record<string, unknown>,
): FieldChange[] {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after)]);
  const changes: FieldChange[] = [];
  for (const field of keys) {
    if (IGNORED.has(field)) continue;
    const from = before ? (before[field] ?? null) : null;
    const to = after[field] ?? null;
    if (canonical(from) !== canonical(to)) changes.push({ field, from, to });
  }
  return changes;
}

/** The confidential fields of either version: what an audit entry must keep masked for good. */
export function sensitiveFields(
  before: Pick<Contract, 'confidential'> | null,
  after: Pick<Contract, 'confidential'>,
): string[] {
  return [
    ...new Set([...Object.keys(before?.confidential ?? {}), ...Object.keys(after.confidential)]),
  ];
}

/** Audit entries about a contract, with confidential values masked for viewers without rights. */
export function projectAuditEntry(
  viewer: Viewer,
  contract: Pick<Contract, 'ownerId' | 'managerId' | 'confidential'>,
  entry: AuditEntry,
): AuditEntry {
  if (canSeeConfidential(viewer, contract)) return entry;
  const hidden = (f: ConfidentialField) =>
    Boolean(contract.confidential[f]) || entry.sensitive.includes(f);
  return {
    ...entry,
    changes: entry.changes.map((ch) => {
      // The confidentiality map itself, and any field that is or was confidential, are masked.
      const field = confidentialFieldOf(ch.field);
      const masked = ch.field === 'confidential' || (field !== null && hidden(field));
      if (masked) return { field: ch.field, from: null, to: null, masked: true };
      // Suppliers are open but their terms are not: the list is shown without terms, as
      // projectContract shows it.
      if (ch.field === 'suppliers' && hidden('supplierTerms')) {
        return { ...ch, from: withoutTerms(ch.from), to: withoutTerms(ch.to) };
      }
      return ch;
    }),
  };
}

const withoutTerms = (suppliers: unknown): unknown =>
  Array.isArray(suppliers)
    ? suppliers.map((s) => (s !== null && typeof s === 'object' ? { ...s, terms: null } : s))
    : suppliers;
