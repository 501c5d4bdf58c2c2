import { z } from 'zod';
import { CONTRACT_KINDS, CONTRACT_TYPES, RISK_LEVELS } from '../contract.ts';
import { RESPONSIBLE_ROLES } from './task.ts';

/**
 * Routines as data. A routine is a checklist (basic or advanced level) of activities; each activity
 * says when it falls due (a due-date rule), which contracts it applies to, who answers for it and
 * when reminders go out. Figures the sources leave open (UNCONFIRMED) are settings referenced by name
 * (`{ "setting": "statusMeetingEveryMonths" }`), so Kontraktservice can change them in one place.
 */

const id = z
  .string()
  .trim()
  .regex(
    /^[a-z0-9][a-z0-9-]{0,63}$/,
    'må være små bokstaver, siffer og bindestrek (høyst 64 tegn)',
  );
const text = (max: number) =>
  z.string().trim().min(1, 'mangler tekst').max(max, `høyst ${max} tegn`);

export const localTextSchema = z
  .object({ nb: text(300), nn: text(300).optional(), en: text(300).optional() })
  .strict();
const longTextSchema = z
  .object({ nb: text(4000), nn: text(4000).optional(), en: text(4000).optional() })
  .strict();

/** A number, or the name of a setting holding the number (optionally one per risk level). */
export const paramSchema = z.union([
  z.number().int().min(0).max(1200),
  z.object({ setting: z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,63}$/) }).strict(),
]);
export type Param = z.infer<typeof paramSchema>;

/** Same as `paramSchema` for values that may exceed 1200 (money in øre). */
export const bigParamSchema = z.union([
  z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  z.object({ setting: z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,63}$/) }).strict(),
]);

export const DUE_RULE_KINDS = [
  'after_start',
  'before_end',
  'before_option_deadline',
  'price_adjustment',
  'recurring',
] as const;

export const dueRuleSchema = z.discriminatedUnion('kind', [
  /** Start date + months + days (kick-off, risk assessment, supplier self-report). */
  z
    .object({
      kind: z.literal('after_start'),
      months: paramSchema.default(0),
      days: paramSchema.default(0),
    })
    .strict(),
  /** Current end date (after exercised options, or the termination date) − months − days. */
  z
    .object({
      kind: z.literal('before_end'),
      months: paramSchema.default(0),
      days: paramSchema.default(0),
    })
    .strict(),
  /** One task per open option: its decision deadline − months − days. */
  z
    .object({
      kind: z.literal('before_option_deadline'),
      months: paramSchema.default(0),
      days: paramSchema.default(0),
    })
    .strict(),
  /** One task per price-adjustment anniversary (adjustment month), `monthsBefore` it. */
  z
    .object({
      kind: z.literal('price_adjustment'),
      monthsBefore: paramSchema.default(0),
    })
    .strict(),
  /** Every N months from the start date (+ `firstAfterMonths`), until the current end date. */
  z
    .object({
      kind: z.literal('recurring'),
      everyMonths: paramSchema,
      firstAfterMonths: paramSchema.optional(),
    })
    .strict(),
]);
export type DueRule = z.infer<typeof dueRuleSchema>;

/** All given fields must match (AND); an activity applies when any of its conditions matches (OR). */
export const conditionSchema = z
  .object({
    kinds: z.array(z.enum(CONTRACT_KINDS)).min(1).optional(),
    types: z.array(z.enum(CONTRACT_TYPES)).min(1).optional(),
    riskLevels: z.array(z.enum(RISK_LEVELS)).min(1).optional(),
    /** Contract sector, matched case-insensitively; or a setting holding a list of sectors. */
    sectors: z
      .union([
        z.array(z.string().trim().min(1).max(100)).min(1).max(100),
        z.object({ setting: z.string() }).strict(),
      ])
      .optional(),
    /** The contract's maximum (else estimated) value must be at least this (øre). */
    minValueOre: bigParamSchema.optional(),
    /** The contract is flagged for pay-and-working-conditions control. */
    payConditionsControl: z.boolean().optional(),
  })
  .strict();
export type Condition = z.infer<typeof conditionSchema>;

export const activitySchema = z
  .object({
    id,
    title: localTextSchema,
    description: longTextSchema.optional(),
    /** What documents the work (minutes, decision, report). */
    evidence: localTextSchema.optional(),
    rule: dueRuleSchema,
    /** Empty: applies to every contract the routine applies to. */
    appliesWhen: z.array(conditionSchema).max(20).default([]),
    responsible: z.enum(RESPONSIBLE_ROLES),
    /** Reminder lead times in days before the due date; default from settings. */
    leadTimesDays: z
      .union([
        z.array(z.number().int().min(1).max(730)).max(10),
        z.object({ setting: z.string() }).strict(),
      ])
      .default({ setting: 'defaultLeadTimesDays' }),
  })
  .strict();
export type Activity = z.infer<typeof activitySchema>;

export const ROUTINE_LEVELS = ['basic', 'advanced'] as const;
export type RoutineLevel = (typeof ROUTINE_LEVELS)[number];

export const routineSchema = z
  .object({
    id,
    name: localTextSchema,
    description: longTextSchema.optional(),
    /** `advanced` routines apply where settings say so (all contracts, or the listed risk levels). */
    level: z.enum(ROUTINE_LEVELS),
    enabled: z.boolean().default(true),
    /** Routine-wide conditions, combined with each activity's own (both must hold). */
    appliesWhen: z.array(conditionSchema).max(20).default([]),
    activities: z.array(activitySchema).min(1).max(100),
  })
  .strict()
  .superRefine((r, ctx) => {
    const seen = new Set<string>();
    r.activities.forEach((a, i) => {
      if (seen.has(a.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['activities', i, 'id'],
          message: 'aktiviteten finnes allerede i rutinen',
        });
      }
      seen.add(a.id);
    });
  });
export type RoutineInput = z.input<typeof routineSchema>;
export type RoutineData = z.output<typeof routineSchema>;

/** A stored routine. */
export interface Routine extends RoutineData {
  readonly version: number;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

const byRisk = z.object({ low: z.number(), medium: z.number(), high: z.number() }).strict();
const settingValue = z.union([
  z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  byRisk,
  z.array(z.number().int().min(0).max(730)).max(10),
  z.array(z.string().trim().min(1).max(100)).max(100),
]);

/** Installation-wide follow-up settings. Every UNCONFIRMED figure of the sources lives here. */
export const settingsSchema = z
  .object({
    /** `advanced`: advanced routines apply to every contract; `basic`: only to `advancedForRisk`. */
    level: z.enum(ROUTINE_LEVELS),
    advancedForRisk: z.array(z.enum(RISK_LEVELS)).max(3),
    /** Tasks due more than this many days before today are not created (no flood of old tasks). */
    backfillDays: z.number().int().min(0).max(3650),
    /** Occurrences later than today + this many months are created by a later regeneration. */
    horizonMonths: z.number().int().min(1).max(240),
    /** Overdue reminders repeat every N days, at most M times. */
    overdueRepeatDays: z.number().int().min(1).max(365),
    overdueMaxReminders: z.number().int().min(0).max(100),
    /** Reminders are sent from this hour (Oslo time). */
    sendHourOslo: z.number().int().min(0).max(23),
    /** Named values that routines reference (`{ "setting": name }`). */
    values: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,63}$/), settingValue),
  })
  .strict();
export type FollowUpSettings = z.output<typeof settingsSchema>;
