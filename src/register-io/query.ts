import { z } from 'zod';
import { CONTRACT_STATUSES } from '../core/index.ts';
import { validationError } from '../register/contract-service.ts';
import { type ContractQuery, SORT_FIELDS } from '../store/register.port.ts';

const list = z.union([z.string(), z.array(z.string())]).transform((v) =>
  (Array.isArray(v) ? v : [v])
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter(Boolean),
);
const bool = z
  .enum(['true', 'false', '1', '0', 'ja', 'nei'])
  .transform((v) => ['true', '1', 'ja'].includes(v));
const single = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? (v.at(-1) ?? '') : v));

const querySchema = z.object({
  q: single.pipe(z.string().max(500)).optional(),
  text: single.pipe(z.string().max(500)).optional(),
  status: list.pipe(z.array(z.enum(CONTRACT_STATUSES))).optional(),
  category: single
    .pipe(z.string().regex(/^\d{1,8}(-\d)?$/, 'må være en CPV-kode eller begynnelsen av en'))
    .optional(),
  unit: single.optional(),
  unitId: single.optional(),
  supplier: single.optional(),
  supplierOrgnr: single.optional(),
  owner: single.optional(),
  ownerId: single.optional(),
  kind: single.pipe(z.enum(['framework', 'single'])).optional(),
  published: single.pipe(bool).optional(),
  expiringWithinDays: single
    .pipe(z.string().regex(/^\d+$/, 'må være et helt antall dager').transform(Number))
    .pipe(z.number().int().min(0).max(3650))
    .optional(),
  includeExpired: single.pipe(bool).optional(),
  sort: single.pipe(z.enum(SORT_FIELDS)).optional(),
  order: single.pipe(z.enum(['asc', 'desc'])).optional(),
});

/**
 * The search filters as query parameters (`?q=renhold&status=active,expiring&unit=u-skole…`), the
 * same for the export as for the search. Unknown parameters are ignored; bad values are field errors.
 */
export function parseContractQuery(params: Record<string, unknown>): ContractQuery {
  const parsed = querySchema.safeParse(params);
  if (!parsed.success) throw validationError(parsed.error.issues);
  const p = parsed.data;
  const q: Record<string, unknown> = {
    text: p.q ?? p.text,
    status: p.status,
    category: p.category,
    unitId: p.unit ?? p.unitId,
    supplierOrgnr: (p.supplier ?? p.supplierOrgnr)?.replace(/\s/g, ''),
    ownerId: p.owner ?? p.ownerId,
    kind: p.kind,
    published: p.published,
    expiringWithinDays: p.expiringWithinDays,
    includeExpired: p.includeExpired,
    sort: p.sort,
    order: p.order,
  };
  return Object.fromEntries(
    Object.entries(q).filter(([, v]) => v !== undefined && v !== ''),
  ) as ContractQuery;
}
