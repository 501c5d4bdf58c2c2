import { type Contract, type ContractStatus, currentEndDate } from './contract.ts';
import { addDays, type IsoDate } from './dates.ts';

/** Default window in which an active contract counts as expiring (configurable per installation). */
export const DEFAULT_EXPIRING_WINDOW_DAYS = 180;

/**
 * Status is derived, never stored: from the draft flag, the termination date and the *current*
 * end date after exercised options, as seen on `today` (Oslo calendar date).
 */
export function contractStatus(
  c: Pick<Contract, 'draft' | 'terminatedOn' | 'endDate' | 'options'> & {
    readonly currentEndDate?: string | null;
  },
  today: IsoDate,
  expiringWindowDays = DEFAULT_EXPIRING_WINDOW_DAYS,
): ContractStatus {
  if (c.draft) return 'draft';
  if (c.terminatedOn && c.terminatedOn <= today) return 'terminated';
  const end = currentEndDate(c);
  if (!end) return 'active';
  if (end < today) return 'expired';
  if (end <= addDays(today, expiringWindowDays)) return 'expiring';
  return 'active';
}
