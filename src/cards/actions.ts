import { z } from 'zod';
import { LANGS } from './i18n.ts';

/**
 * The data a card action carries back to the bot. The same object is the `data` of an
 * `Action.Execute` (which Teams sends in an `adaptiveCard/action` invoke, merged with the card's
 * inputs) and of its `Action.Submit` fallback (which old clients send as a message whose `value` is
 * the data merged with the inputs). Everything in it comes from the client and is checked again.
 */
export const VERBS = [
  'task.complete',
  'task.snooze',
  'task.reassign',
  'task.show',
  'task.refresh',
  'tasks.list',
  'search',
  'contract.show',
] as const;
export type Verb = (typeof VERBS)[number];

/**
 * Which card the action came from, so the answer replaces it with the same kind of card: a task
 * card (`task`), the list (`list`), or a task card opened from the list (`detail`, with a way back).
 */
export const ORIGINS = ['task', 'list', 'detail'] as const;
export type Origin = (typeof ORIGINS)[number];

const taskId = z.string().min(1).max(300);
const version = z.coerce.number().int().nonnegative().optional();
const origin = z.enum(ORIGINS).default('task');
/** The language the card was shown in: the answer keeps it (whatever the client's locale). */
const lang = z.enum(LANGS).optional();
/** Input ids are ours (`comment-3`); never let the client point us at another field. */
const inputId = (prefix: string) => z.string().regex(new RegExp(`^${prefix}-\\d{1,3}$`));

export const actionDataSchema = z.discriminatedUnion('verb', [
  z.object({
    verb: z.literal('task.complete'),
    lang,
    taskId,
    version,
    origin,
    commentField: inputId('comment'),
  }),
  z.object({
    verb: z.literal('task.snooze'),
    lang,
    taskId,
    version,
    origin,
    period: z.enum(['week', 'month']),
  }),
  z.object({
    verb: z.literal('task.reassign'),
    lang,
    taskId,
    version,
    origin,
    assigneeField: inputId('assignee'),
  }),
  z.object({ verb: z.literal('task.show'), lang, taskId }),
  z.object({ verb: z.literal('task.refresh'), lang, taskId, origin }),
  z.object({ verb: z.literal('tasks.list'), lang }),
  z.object({ verb: z.literal('search'), lang, text: z.string().trim().min(1).max(200) }),
  z.object({ verb: z.literal('contract.show'), lang, reference: z.string().trim().min(1).max(64) }),
]);
export type ActionData = z.infer<typeof actionDataSchema>;

/** What a card puts in `data` (typed, before the client merges inputs into it). */
export type ActionDataInput = z.input<typeof actionDataSchema>;
