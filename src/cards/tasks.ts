import type { LocalText, NotificationKind, TaskView } from '../followup/followup.port.ts';
import type { ActionDataInput, Origin } from './actions.ts';
import { formatDate, type Lang, localText, messages } from './i18n.ts';
import {
  type AdaptiveCardJson,
  cardBytes,
  clip,
  clipMultiline,
  expand,
  MAX_CARD_BYTES,
  type TabLinkConfig,
  tabDeepLink,
} from './render.ts';
import taskBlock from './templates/task-block.json' with { type: 'json' };
import tasksTemplate from './templates/tasks.json' with { type: 'json' };

/** The tasks card template: the shared task block repeated over `tasks`. */
const TEMPLATE = {
  ...tasksTemplate,
  // biome-ignore lint/suspicious/noTemplateCurlyInString: an adaptivecards-templating expression
  body: [...tasksTemplate.body, { ...taskBlock, $data: '${tasks}' }],
};

export type NoticeStyle = 'good' | 'attention' | 'warning';
export interface Notice {
  readonly text: string;
  readonly style: NoticeStyle;
}

export interface Person {
  readonly id: string;
  readonly name: string;
}

export interface TaskCardContext {
  readonly lang: Lang;
  /** Users whose Teams client refreshes the card automatically (MRIs, at most 60). */
  readonly refreshUserIds: readonly string[];
  /** Display names of the people the tasks mention (assignees, completers). */
  readonly names: ReadonlyMap<string, string>;
  readonly tabs: TabLinkConfig | null;
  /** A result or refusal to show at the top. */
  readonly notice?: Notice | undefined;
}

export interface SingleTaskContext extends TaskCardContext {
  /** People the task may be reassigned to (only shown if the viewer may reassign). */
  readonly candidates?: readonly Person[] | undefined;
  /** The proactive reminder this card is sent for. */
  readonly notification?: NotificationKind | undefined;
  /** Opened from the list card: offer a way back. */
  readonly fromList?: boolean | undefined;
}

/** At most this many tasks in the list card (the rest are in the tab). */
export const LIST_LIMIT = 10;
/** At most this many people in the reassign choice list. */
export const CANDIDATE_LIMIT = 30;

type Color = 'default' | 'attention' | 'warning' | 'good';

function dueColor(t: TaskView): Color {
  if (t.state !== 'open' && t.state !== 'snoozed') return 'default';
  if (t.overdue || t.daysUntilDue < 0) return 'attention';
  if (t.daysUntilDue <= 7) return 'warning';
  return 'default';
}

function name(ctx: TaskCardContext, id: string | null): string {
  if (!id) return messages(ctx.lang).team;
  return clip(ctx.names.get(id) ?? id, 100);
}

function taskTitle(t: TaskView, lang: Lang): string {
  return clip(localText(t.title, lang), 200);
}

function contractLine(t: TaskView, lang: Lang): string {
  const m = messages(lang);
  const title = t.contract.title ? clip(t.contract.title, 150) : m.withheldTitle;
  return `${m.contract} ${clip(t.contract.referenceNumber, 64)} – ${title}`;
}

/** Labels of the task's guidance (what to do, what to document), per language. */
const GUIDANCE: Record<
  Lang,
  { whatToDo: string; evidence: string; showMore: string; showLess: string }
> = {
  nb: {
    whatToDo: 'Hva skal gjøres',
    evidence: 'Dokumentasjon',
    showMore: 'Vis hele beskrivelsen',
    showLess: 'Vis mindre',
  },
  nn: {
    whatToDo: 'Kva skal gjerast',
    evidence: 'Dokumentasjon',
    showMore: 'Vis heile skildringa',
    showLess: 'Vis mindre',
  },
  en: {
    whatToDo: 'What to do',
    evidence: 'Documentation',
    showMore: 'Show the full description',
    showLess: 'Show less',
  },
};

/** A description up to this length is shown whole; a longer one as a preview that expands. */
export const DESCRIPTION_PREVIEW = 300;
/** At most this much of a description goes into a card (routines allow 4,000 characters). */
export const DESCRIPTION_MAX = 2000;
const MAX_PARAGRAPHS = 20;

/**
 * Routine texts are written by Kontraktservice, but are still shown as plain text: control and
 * format characters (bidi overrides, zero-width) are removed (line breaks kept), and the text only
 * ever goes into `TextRun`s, which Adaptive Cards never render as markdown.
 */
function plain(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}]/gu, (ch) => (ch === '\n' || ch === '\t' ? ch : ''));
}

function paragraphs(text: string): { text: string }[] {
  const all = text
    .split('\n')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  // Paragraphs beyond the limit are folded into the last one (the text is already bounded).
  const kept =
    all.length > MAX_PARAGRAPHS
      ? [...all.slice(0, MAX_PARAGRAPHS - 1), all.slice(MAX_PARAGRAPHS - 1).join(' ')]
      : all;
  return kept.map((p) => ({ text: p }));
}

/**
 * The activity's description (what to do) for a single-task card: short texts whole; longer ones
 * as a preview with «Vis hele beskrivelsen», which toggles (`Action.ToggleVisibility`) to the whole
 * text and back. Element ids carry the block's index, so they are unique in the card.
 */
function descriptionPart(
  description: LocalText | null,
  lang: Lang,
  index: number,
): Record<string, unknown>[] {
  const text = description
    ? clipMultiline(plain(localText(description, lang)), DESCRIPTION_MAX)
    : '';
  if (!text) return [];
  const labels = GUIDANCE[lang];
  const full = paragraphs(text);
  const shortId = `task-${index}-what`;
  if (text.length <= DESCRIPTION_PREVIEW) {
    return [{ label: labels.whatToDo, shortId, preview: full, more: [], full: [] }];
  }
  const fullId = `task-${index}-what-full`;
  const show = (whole: boolean) => [
    { elementId: shortId, isVisible: !whole },
    { elementId: fullId, isVisible: whole },
  ];
  return [
    {
      label: labels.whatToDo,
      shortId,
      preview: [{ text: clip(text, DESCRIPTION_PREVIEW) }],
      more: [{ title: labels.showMore, targets: show(true) }],
      full: [
        { id: fullId, paragraphs: full, less: [{ title: labels.showLess, targets: show(false) }] },
      ],
    },
  ];
}

/** «Dokumentasjon: …» — what the activity says must be documented or archived. */
function evidencePart(evidence: LocalText | null, lang: Lang): Record<string, unknown>[] {
  const text = evidence ? clip(plain(localText(evidence, lang)), 300) : '';
  return text ? [{ label: `${GUIDANCE[lang].evidence}: `, text }] : [];
}

function facts(t: TaskView, ctx: TaskCardContext, compact: boolean) {
  const m = messages(ctx.lang);
  const open = t.state === 'open' || t.state === 'snoozed';
  const rows: { label: string; value: string; color: Color }[] = [
    {
      label: m.dueDate,
      value: open
        ? `${formatDate(t.dueDate, ctx.lang)} (${m.dueIn(t.daysUntilDue)})`
        : formatDate(t.dueDate, ctx.lang),
      color: dueColor(t),
    },
  ];
  if (!compact || !open) rows.push({ label: m.state, value: m.states[t.state], color: 'default' });
  if (t.state === 'snoozed' && t.snoozedUntil) {
    rows.push({
      label: m.snoozedUntil,
      value: formatDate(t.snoozedUntil, ctx.lang),
      color: 'default',
    });
  }
  if (!compact) rows.push({ label: m.assignee, value: name(ctx, t.assigneeId), color: 'default' });
  if (t.state === 'done') {
    if (t.completedBy)
      rows.push({ label: m.completedBy, value: name(ctx, t.completedBy), color: 'default' });
    if (t.comment)
      rows.push({ label: m.comment, value: clipMultiline(t.comment, 500), color: 'default' });
  }
  if ((t.state === 'skipped' || t.state === 'cancelled') && t.reason) {
    rows.push({ label: m.reason, value: clipMultiline(t.reason, 500), color: 'default' });
  }
  return rows;
}

interface BlockOptions {
  readonly index: number;
  readonly origin: Origin;
  readonly compact: boolean;
  readonly candidates: readonly Person[];
}

function block(t: TaskView, ctx: TaskCardContext, o: BlockOptions) {
  const m = messages(ctx.lang);
  const open = t.state === 'open' || t.state === 'snoozed';
  const p = t.permissions;
  const complete: ActionDataInput = {
    verb: 'task.complete',
    lang: ctx.lang,
    taskId: t.id,
    version: t.version,
    origin: o.origin,
    commentField: `comment-${o.index}`,
  };
  const completeActions =
    open && p.canComplete
      ? [
          {
            title: m.markDone,
            confirm: m.confirmDone,
            inputId: `comment-${o.index}`,
            label: m.commentLabel,
            placeholder: m.commentPlaceholder,
            errorMessage: m.commentRequired,
            data: complete,
          },
        ]
      : [];
  const snooze = (period: 'week' | 'month', title: string) => ({
    title,
    data: {
      verb: 'task.snooze',
      lang: ctx.lang,
      taskId: t.id,
      version: t.version,
      origin: o.origin,
      period,
    } satisfies ActionDataInput,
  });
  const snoozeActions =
    open && p.canSnooze
      ? o.compact
        ? [snooze('week', m.snoozeWeek)]
        : [snooze('week', m.snoozeWeek), snooze('month', m.snoozeMonth)]
      : [];
  const candidates = o.candidates
    .filter((c) => c.id !== t.assigneeId)
    .slice(0, CANDIDATE_LIMIT)
    .map((c) => ({ title: clip(c.name, 80), value: c.id }));
  const reassignActions =
    open && p.canReassign && !o.compact && candidates.length > 0
      ? [
          {
            title: m.reassign,
            confirm: m.confirmReassign,
            inputId: `assignee-${o.index}`,
            label: m.reassignLabel,
            errorMessage: m.reassignRequired,
            choices: candidates,
            data: {
              verb: 'task.reassign',
              lang: ctx.lang,
              taskId: t.id,
              version: t.version,
              origin: o.origin,
              assigneeField: `assignee-${o.index}`,
            } satisfies ActionDataInput,
          },
        ]
      : [];
  // Teams shows at most 5 actions in a set: the block keeps the task's own actions, the card-level
  // set carries the navigation (back to the list, open in the tab).
  const navActions = o.compact
    ? [
        {
          title: m.details,
          data: { verb: 'task.show', lang: ctx.lang, taskId: t.id } satisfies ActionDataInput,
        },
      ]
    : [];
  const linkActions: { title: string; url: string }[] = [];
  return {
    title: taskTitle(t, ctx.lang),
    contractLine: contractLine(t, ctx.lang),
    facts: facts(t, ctx, o.compact),
    // The list card stays short: what to do and what to document are on the task's own card.
    descriptions: o.compact ? [] : descriptionPart(t.description, ctx.lang, o.index),
    evidences: o.compact ? [] : evidencePart(t.evidence ?? null, ctx.lang),
    completeActions,
    snoozeActions,
    reassignActions,
    navActions,
    linkActions,
    hasActions:
      completeActions.length +
        snoozeActions.length +
        reassignActions.length +
        navActions.length +
        linkActions.length >
      0,
  };
}

function notificationBanner(kind: NotificationKind, t: TaskView, lang: Lang) {
  const n = messages(lang).notification;
  if (kind === 'upcoming')
    return { text: n.upcoming(Math.max(1, t.daysUntilDue)), color: 'warning' };
  if (kind === 'due') return { text: n.due(), color: 'warning' };
  return { text: n.overdue(Math.max(1, -t.daysUntilDue)), color: 'attention' };
}

/** One task with every action the viewer may take; refreshes to its current state. */
export function taskCard(task: TaskView, ctx: SingleTaskContext): AdaptiveCardJson {
  const m = messages(ctx.lang);
  const data = {
    lang: ctx.lang,
    fallbackText: `${m.taskHeading}: ${taskTitle(task, ctx.lang)} – ${m.dueDate} ${task.dueDate}`,
    refresh: {
      verb: 'task.refresh',
      data: {
        verb: 'task.refresh',
        lang: ctx.lang,
        taskId: task.id,
        origin: ctx.fromList ? 'detail' : 'task',
      } satisfies ActionDataInput,
      userIds: ctx.refreshUserIds.slice(0, 60),
    },
    notices: ctx.notice ? [ctx.notice] : [],
    banners: ctx.notification ? [notificationBanner(ctx.notification, task, ctx.lang)] : [],
    heading: m.taskHeading,
    intros: [],
    tasks: [
      block(task, ctx, {
        index: 0,
        origin: ctx.fromList ? 'detail' : 'task',
        compact: false,
        candidates: ctx.candidates ?? [],
      }),
    ],
    cardActions: ctx.fromList
      ? [
          {
            title: m.backToList,
            data: { verb: 'tasks.list', lang: ctx.lang } satisfies ActionDataInput,
          },
        ]
      : [],
    cardLinks: ctx.tabs?.teamsAppId
      ? [
          {
            title: m.openInTab,
            url: tabDeepLink(ctx.tabs.teamsAppId, ctx.tabs.tasksEntityId, `task:${task.id}`),
          },
        ]
      : [],
  };
  return expand(TEMPLATE, data);
}

/** "Mine frister": the nearest open tasks, each with quick actions; refreshes to the current list. */
export function taskListCard(
  tasks: readonly TaskView[],
  total: number,
  ctx: TaskCardContext,
): AdaptiveCardJson {
  const m = messages(ctx.lang);
  let shown = Math.min(tasks.length, LIST_LIMIT);
  for (;;) {
    const card = buildList(tasks.slice(0, shown), Math.max(total, shown), ctx);
    // Long titles could in theory push a full list over Teams' limit: show fewer rather than fail.
    if (cardBytes(card) <= MAX_CARD_BYTES || shown <= 1) return card;
    shown -= 1;
  }

  function buildList(list: readonly TaskView[], count: number, c: TaskCardContext) {
    const links =
      c.tabs?.teamsAppId && count > list.length
        ? [
            {
              title: m.openInTab,
              url: tabDeepLink(c.tabs.teamsAppId, c.tabs.tasksEntityId, 'tasks'),
            },
          ]
        : [];
    return expand(TEMPLATE, {
      lang: c.lang,
      fallbackText: `${m.myTasksTitle}: ${m.myTasksIntro(count, list.length)}`,
      refresh: {
        verb: 'tasks.list',
        data: { verb: 'tasks.list', lang: c.lang } satisfies ActionDataInput,
        userIds: c.refreshUserIds.slice(0, 60),
      },
      notices: c.notice ? [c.notice] : [],
      banners: [],
      heading: m.myTasksTitle,
      intros: [{ text: m.myTasksIntro(count, list.length) }],
      tasks: list.map((t, index) =>
        block(t, c, { index, origin: 'list', compact: true, candidates: [] }),
      ),
      cardActions: [],
      cardLinks: links,
    });
  }
}
