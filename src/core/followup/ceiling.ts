/**
 * Ceiling alerts from spend analysis as follow-up tasks: when an agreement's invoiced turnover
 * reaches 80 % and 100 % of its maximum value, the contract's manager (else owner) gets one task per
 * threshold. These tasks come from an event, not from a routine, so plan regeneration leaves them
 * alone (`isEventTask`); the task key `contractId|tak-80|1` makes raising them idempotent.
 */
import { addDays, type IsoDate } from '../dates.ts';
import type { ResponsibleRole, Task } from './task.ts';

/** Routine id of tasks raised by spend analysis (not a stored routine). */
export const SPEND_ROUTINE_ID = 'innkjopsanalyse';

export const CEILING_THRESHOLDS = [80, 100] as const;
export type CeilingThreshold = (typeof CEILING_THRESHOLDS)[number];

/** Tasks raised by events (spend analysis), which plan regeneration must neither close nor change. */
export function isEventTask(t: Pick<Task, 'routineId'>): boolean {
  return t.routineId === SPEND_ROUTINE_ID;
}

export const ceilingActivityId = (threshold: CeilingThreshold) => `tak-${threshold}`;
export const ceilingTaskId = (contractId: string, threshold: CeilingThreshold) =>
  `${contractId}|${ceilingActivityId(threshold)}|1`;

/** The thresholds a share of the maximum value (per mille) has reached. */
export function reachedThresholds(maxUsedPermille: number | null): CeilingThreshold[] {
  if (maxUsedPermille === null || !Number.isFinite(maxUsedPermille)) return [];
  return CEILING_THRESHOLDS.filter((t) => maxUsedPermille >= t * 10);
}

/** The contract fields a ceiling task needs. */
export interface CeilingContract {
  readonly id: string;
  readonly ownerId: string;
  readonly managerId: string | null;
  readonly owningUnitId: string;
}

const TEXTS: Record<
  CeilingThreshold,
  { title: Task['title']; description: NonNullable<Task['description']>; days: number }
> = {
  80: {
    title: {
      nb: 'Omsetningen har nådd 80 % av avtalens maksimalverdi',
      nn: 'Omsetnaden har nådd 80 % av maksimalverdien til avtalen',
      en: "Turnover has reached 80 % of the agreement's maximum value",
    },
    description: {
      nb: 'Innkjøpsanalysen viser at fakturert omsetning på avtalen har passert 80 % av maksimalverdien. Vurder forbruket, planlegg ny konkurranse i tide og avklar med Kontraktservice. Tallene står i rapporten «Omsetning per avtale».',
      nn: 'Innkjøpsanalysen viser at fakturert omsetnad på avtalen har passert 80 % av maksimalverdien. Vurder forbruket, planlegg ny konkurranse i tide og avklar med Kontraktservice. Tala står i rapporten «Omsetnad per avtale».',
      en: "The spend analysis shows that invoiced turnover on the agreement has passed 80 % of its maximum value. Review consumption, plan a new competition in time and agree the next steps with Kontraktservice. The figures are in the 'Turnover per agreement' report.",
    },
    days: 14,
  },
  100: {
    title: {
      nb: 'Omsetningen har nådd avtalens maksimalverdi',
      nn: 'Omsetnaden har nådd maksimalverdien til avtalen',
      en: "Turnover has reached the agreement's maximum value",
    },
    description: {
      nb: 'Innkjøpsanalysen viser at fakturert omsetning har nådd maksimalverdien. Kjøp ut over maksimalverdien kan være en ulovlig direkte anskaffelse: stans nye avrop og avklar videre kjøp med Kontraktservice straks.',
      nn: 'Innkjøpsanalysen viser at fakturert omsetnad har nådd maksimalverdien. Kjøp ut over maksimalverdien kan vere ei ulovleg direkte anskaffing: stans nye avrop og avklar vidare kjøp med Kontraktservice straks.',
      en: 'The spend analysis shows that invoiced turnover has reached the maximum value. Purchases beyond the maximum value may be an illegal direct award: stop new call-offs and agree further purchasing with Kontraktservice at once.',
    },
    days: 7,
  },
};

/**
 * The ceiling tasks to create for a contract whose turnover has used `maxUsedPermille` of the maximum
 * value: one per reached threshold whose task does not exist yet (`existingIds`, any state — a task
 * done or skipped is never raised again). Assigned to the manager, else the owner.
 */
export function ceilingTasks(
  contract: CeilingContract,
  maxUsedPermille: number | null,
  existingIds: ReadonlySet<string>,
  today: IsoDate,
  nowIso: string,
): Task[] {
  const role: ResponsibleRole = contract.managerId ? 'manager' : 'owner';
  const assigneeId = contract.managerId ?? contract.ownerId;
  const out: Task[] = [];
  for (const threshold of reachedThresholds(maxUsedPermille)) {
    const id = ceilingTaskId(contract.id, threshold);
    if (existingIds.has(id)) continue;
    const t = TEXTS[threshold];
    const dueDate = addDays(today, t.days);
    out.push({
      id,
      contractId: contract.id,
      routineId: SPEND_ROUTINE_ID,
      activityId: ceilingActivityId(threshold),
      occurrence: '1',
      title: t.title,
      description: t.description,
      responsibleRole: role,
      assigneeId,
      unitId: contract.owningUnitId,
      dueDate,
      state: 'open',
      snoozedUntil: null,
      leadTimesDays: [t.days, 1],
      completedAt: null,
      completedBy: null,
      comment: null,
      evidenceDocumentId: null,
      reason: null,
      history: [
        {
          at: nowIso,
          actorId: 'system',
          action: 'created',
          from: null,
          to: dueDate,
          comment: `Terskelen ${threshold} % av maksimalverdien er nådd`,
        },
      ],
      version: 1,
      createdAt: nowIso,
      updatedAt: nowIso,
    });
  }
  return out;
}
