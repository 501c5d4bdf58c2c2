import { useMemo } from 'react';
import { useGet } from './hooks.ts';

/** Turnover of an agreement from the spend analysis (`GET /api/spend/reports/turnover`). */
export interface SpendTurnover {
  readonly agreementId: string;
  readonly referenceNumber: string;
  readonly title: string;
  readonly turnoverOre: number;
  readonly maxOre: number | null;
}

/**
 * Ceiling usage from real invoice turnover. The dashboard API has no spend source composed yet
 * (`spendConnected: false`), so for Kontraktservice — the only role the spend API serves — the tab
 * reads the turnover report directly. `enabled` false: nothing is loaded.
 */
export function useSpendTurnover(enabled: boolean, agreementId?: string) {
  const path = enabled
    ? `/api/spend/reports/turnover${agreementId ? `?agreementId=${encodeURIComponent(agreementId)}` : ''}`
    : null;
  const r = useGet<{ agreements: SpendTurnover[] }>(path);
  return useMemo(() => {
    if (!r.data) return null;
    return new Map(r.data.agreements.map((a) => [a.agreementId, a]));
  }, [r.data]);
}
