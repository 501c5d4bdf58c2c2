/**
 * What the bot does, without the bot framework: chat commands, card actions, install and the
 * cards for proactive reminders. `teams-bot.ts` feeds it from botbuilder activities; a move to the
 * Microsoft 365 Agents SDK replaces that file, not this one.
 */
import { type ActionData, actionDataSchema } from '../cards/actions.ts';
import {
  type ContractCardInput,
  contractCard,
  SEARCH_LIMIT,
  searchCard,
} from '../cards/contracts.ts';
import { formatDate, type Lang, langFromLocale, localText, messages } from '../cards/i18n.ts';
import type { AdaptiveCardJson, TabLinkConfig } from '../cards/render.ts';
import { clip } from '../cards/render.ts';
import { helpCard, messageCard, unknownCommandCard } from '../cards/simple.ts';
import { LIST_LIMIT, type Notice, type Person, taskCard, taskListCard } from '../cards/tasks.ts';
import { addDays, addMonths, osloToday } from '../core/dates.ts';
import {
  asViewer,
  type Contract,
  contractStatus,
  currentEndDate,
  DomainError,
  isAdmin,
  PUBLIC,
  projectContract,
  type User,
  type Viewer,
} from '../core/index.ts';
import type {
  ConversationRefStore,
  Notification,
  TaskService,
  TaskView,
} from '../followup/followup.port.ts';
import type { RegisterStore } from '../store/register.port.ts';
import { parseCommand } from './commands.ts';
import { type TeamsIdentity, UserResolver } from './users.ts';

export type ConversationKind = 'personal' | 'channel' | 'groupChat';

/**
 * The language of an answer: the language the command was written in ("my deadlines" → English,
 * "mine frister" → Norwegian, bokmål or nynorsk as the client prefers), else the client's locale.
 */
export function answerLanguage(commandLang: Lang | null, locale: string | undefined): Lang {
  const client = langFromLocale(locale);
  if (commandLang === 'en') return 'en';
  if (commandLang === 'nb' || commandLang === 'nn') return client === 'nn' ? 'nn' : commandLang;
  return client;
}

/** One incoming turn, as the logic needs it. */
export interface TurnInfo {
  readonly from: TeamsIdentity;
  readonly conversationKind: ConversationKind;
  readonly conversationId: string;
  readonly locale: string | undefined;
  /** Asks Teams for the user's e-mail (only called when the object id is not a known user). */
  readonly lookupEmail: () => Promise<string | null>;
}

export type LogFn = (level: 'error' | 'info' | 'debug', message: string, extra?: unknown) => void;

export interface BotLogicDeps {
  readonly tasks: TaskService;
  readonly register: Pick<RegisterStore, 'contracts' | 'directory'>;
  readonly refs: ConversationRefStore;
  readonly clock: () => Date;
  readonly expiringWindowDays: number;
  /** Deep links into the app's tabs (null when the Teams app id is not configured). */
  readonly tabs: TabLinkConfig | null;
  /** Development only: the directory user an unknown Teams user acts as. */
  readonly devUserId?: string | null | undefined;
  readonly log: LogFn;
  /**
   * Outbox notifications that are not task reminders (e.g. a finished purchasing analysis, task id
   * `spend-order:<id>`): the first source whose prefix matches builds the card (null: nothing to send).
   */
  readonly notificationCards?: readonly NotificationCardSource[] | undefined;
}

export interface NotificationCardSource {
  readonly taskIdPrefix: string;
  card(n: Notification, lang: Lang, tabs: TabLinkConfig | null): Promise<AdaptiveCardJson | null>;
}

/** Deadlines further ahead than this are in the tab, not in "mine frister". */
export const MY_TASKS_HORIZON_DAYS = 90;

type TaskVerb = 'complete' | 'snooze' | 'reassign';

export class BotLogic {
  private readonly users: UserResolver;

  constructor(private readonly d: BotLogicDeps) {
    this.users = new UserResolver(d.register.directory, d.clock, d.devUserId ?? null);
  }

  resolveUser(turn: TurnInfo): Promise<User | null> {
    return this.users.resolve(turn.from, turn.lookupEmail);
  }

  /** The answer to a chat message: always a card, never silence. */
  async onMessage(turn: TurnInfo, text: string): Promise<AdaptiveCardJson> {
    const command = parseCommand(text);
    const lang = answerLanguage(command.lang, turn.locale);
    const m = messages(lang);
    switch (command.kind) {
      case 'help':
        return helpCard(lang);
      case 'unknown':
        return unknownCommandCard(lang, command.text);
      case 'myTasks':
        return this.myTasksCard(turn, lang);
      case 'search': {
        if (!command.text) return messageCard(lang, m.searchTitle(''), m.searchMissingText);
        return this.searchCard(turn, lang, command.text);
      }
      case 'contract': {
        if (!command.reference)
          return messageCard(lang, m.contractHeading, m.contractMissingRef, 'warning');
        return this.contractCard(turn, lang, command.reference);
      }
    }
  }

  /**
   * A card action (`Action.Execute` invoke or `Action.Submit` fallback): `payload` is the action's
   * data merged with the card's inputs. Returns the card that replaces (or answers) the card.
   */
  async onAction(turn: TurnInfo, payload: unknown): Promise<AdaptiveCardJson> {
    const parsed = actionDataSchema.safeParse(payload);
    if (!parsed.success) {
      const lang = langFromLocale(turn.locale);
      return messageCard(lang, messages(lang).badInput, messages(lang).helpIntro, 'attention');
    }
    const data = parsed.data;
    const lang = data.lang ?? langFromLocale(turn.locale);
    const inputs = (payload ?? {}) as Record<string, unknown>;
    switch (data.verb) {
      case 'search':
        return this.searchCard(turn, lang, data.text);
      case 'contract.show':
        return this.contractCard(turn, lang, data.reference);
      case 'tasks.list':
        return this.myTasksCard(turn, lang);
      default:
        return this.taskAction(turn, lang, data, inputs);
    }
  }

  /** Saves where to reach the user (install, and every personal message keeps it fresh). */
  async saveReference(
    turn: TurnInfo,
    referenceJson: string,
    user: User | null,
  ): Promise<string | null> {
    const userId = user?.id ?? turn.from.aadObjectId ?? null;
    if (!userId) {
      this.d.log('info', 'Bot: fant ikke brukeren; samtalereferansen er ikke lagret', turn.from);
      return null;
    }
    await this.d.refs.save({
      userId,
      conversationId: turn.conversationId,
      kind: turn.conversationKind === 'personal' ? 'personal' : 'channel',
      referenceJson,
    });
    return userId;
  }

  async removeReference(turn: TurnInfo, user: User | null): Promise<void> {
    const userId = user?.id ?? turn.from.aadObjectId;
    if (userId) await this.d.refs.remove(userId, turn.conversationId);
  }

  /** The card of a proactive reminder, or null when there is nothing to send any more. */
  async notificationCard(
    n: Notification,
    refreshUserId: string,
    locale: string | undefined,
  ): Promise<AdaptiveCardJson | null> {
    const source = this.d.notificationCards?.find((c) => n.taskId.startsWith(c.taskIdPrefix));
    if (source) return source.card(n, langFromLocale(locale), this.d.tabs);
    const user = await this.d.register.directory.getUser(n.recipientUserId);
    if (!user) return null;
    let task: TaskView;
    try {
      task = await this.d.tasks.getTask(user, n.taskId);
    } catch (error) {
      if (
        error instanceof DomainError &&
        (error.code === 'not_found' || error.code === 'forbidden')
      )
        return null;
      throw error;
    }
    if (task.state !== 'open' && task.state !== 'snoozed') return null;
    const lang = langFromLocale(locale);
    return taskCard(task, {
      ...(await this.taskContext(lang, [task], refreshUserId)),
      candidates: await this.candidates(user, task),
      notification: n.kind,
    });
  }

  // --- commands ------------------------------------------------------------------------------

  private async myTasksCard(turn: TurnInfo, lang: Lang, notice?: Notice) {
    const m = messages(lang);
    if (turn.conversationKind !== 'personal') {
      return messageCard(lang, m.myTasksTitle, m.personalOnly, 'default');
    }
    const user = await this.resolveUser(turn);
    if (!user) return messageCard(lang, m.myTasksTitle, m.unknownUser, 'warning');
    const today = osloToday(this.d.clock());
    const tasks = await this.d.tasks.myTasks(user, {
      states: ['open', 'snoozed'],
      dueOnOrBefore: addDays(today, MY_TASKS_HORIZON_DAYS),
    });
    tasks.sort((a, b) =>
      a.dueDate === b.dueDate ? a.id.localeCompare(b.id) : a.dueDate < b.dueDate ? -1 : 1,
    );
    const shown = tasks.slice(0, LIST_LIMIT);
    return taskListCard(shown, tasks.length, {
      ...(await this.taskContext(lang, shown, turn.from.id)),
      notice,
    });
  }

  /** Channels and group chats see what the public may see; a personal chat sees what the user may. */
  private async viewerFor(turn: TurnInfo): Promise<Viewer> {
    if (turn.conversationKind !== 'personal') return PUBLIC;
    const user = await this.resolveUser(turn);
    return user ? asViewer(user) : PUBLIC;
  }

  private cardInput(viewer: Viewer, contract: Contract): ContractCardInput {
    const view = projectContract(viewer, contract);
    const today = osloToday(this.d.clock());
    return {
      view,
      status: contractStatus(view, today, this.d.expiringWindowDays),
      currentEndDate: currentEndDate(view),
    };
  }

  private async contractCard(turn: TurnInfo, lang: Lang, reference: string) {
    const m = messages(lang);
    const contract = await this.d.register.contracts.getByReference(reference);
    if (!contract) {
      return messageCard(
        lang,
        m.contractHeading,
        m.contractNotFound(clip(reference, 64)),
        'warning',
        [{ title: m.searchFor(clip(reference, 30)), data: { verb: 'search', text: reference } }],
      );
    }
    const viewer = await this.viewerFor(turn);
    return contractCard(this.cardInput(viewer, contract), { lang, tabs: this.d.tabs });
  }

  private async searchCard(turn: TurnInfo, lang: Lang, text: string) {
    const viewer = await this.viewerFor(turn);
    const user = viewer.kind === 'user' ? viewer.user : null;
    const result = await this.d.register.contracts.search(
      { text, limit: SEARCH_LIMIT, sort: 'relevance' },
      {
        today: osloToday(this.d.clock()),
        expiringWindowDays: this.d.expiringWindowDays,
        seesAllConfidential: user ? isAdmin(user) : false,
        userId: user?.id ?? null,
      },
    );
    const items = result.items.map((c) => this.cardInput(viewer, c));
    return searchCard(text, items, result.total, { lang, tabs: this.d.tabs });
  }

  // --- task actions --------------------------------------------------------------------------

  private async taskAction(
    turn: TurnInfo,
    lang: Lang,
    data: Extract<ActionData, { taskId: string }>,
    inputs: Record<string, unknown>,
  ): Promise<AdaptiveCardJson> {
    const m = messages(lang);
    if (turn.conversationKind !== 'personal') {
      return messageCard(lang, m.taskHeading, m.personalOnly, 'default');
    }
    const user = await this.resolveUser(turn);
    if (!user) return messageCard(lang, m.taskHeading, m.unknownUser, 'warning');
    const origin = 'origin' in data ? data.origin : 'task';
    const answer = async (notice?: Notice) =>
      origin === 'list'
        ? this.myTasksCard(turn, lang, notice)
        : this.singleTaskCard(
            turn,
            lang,
            user,
            data.taskId,
            notice,
            origin === 'detail' || data.verb === 'task.show',
          );
    const verb: TaskVerb | null =
      data.verb === 'task.complete'
        ? 'complete'
        : data.verb === 'task.snooze'
          ? 'snooze'
          : data.verb === 'task.reassign'
            ? 'reassign'
            : null;
    try {
      switch (data.verb) {
        case 'task.show':
        case 'task.refresh':
          return await answer();
        case 'task.complete': {
          const comment = inputs[data.commentField];
          if (typeof comment !== 'string' || !comment.trim()) {
            return await answer({ text: m.commentRequired, style: 'attention' });
          }
          const done = await this.d.tasks.complete(user, data.taskId, {
            comment,
            expectedVersion: data.version,
          });
          return await answer({ text: m.doneNotice(localText(done.title, lang)), style: 'good' });
        }
        case 'task.snooze': {
          const today = this.d.tasks.today();
          const until = data.period === 'week' ? addDays(today, 7) : addMonths(today, 1);
          await this.d.tasks.snooze(user, data.taskId, { until, expectedVersion: data.version });
          return await answer({ text: m.snoozedNotice(formatDate(until, lang)), style: 'good' });
        }
        case 'task.reassign': {
          const assigneeId = inputs[data.assigneeField];
          if (typeof assigneeId !== 'string' || !assigneeId.trim()) {
            return await answer({ text: m.reassignRequired, style: 'attention' });
          }
          await this.d.tasks.reassign(user, data.taskId, {
            assigneeId,
            expectedVersion: data.version,
          });
          const target = await this.d.register.directory.getUser(assigneeId.trim());
          return await answer({
            text: m.reassignedNotice(target?.name ?? assigneeId),
            style: 'good',
          });
        }
      }
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const refusal = this.refusal(error, verb, lang);
      if (error.code === 'not_found') return messageCard(lang, m.taskHeading, refusal, 'warning');
      try {
        return await answer({ text: refusal, style: 'attention' });
      } catch (again) {
        // The user may not even see the task: answer with the refusal alone.
        if (again instanceof DomainError)
          return messageCard(lang, m.taskHeading, refusal, 'attention');
        throw again;
      }
    }
  }

  private refusal(error: DomainError, verb: TaskVerb | null, lang: Lang): string {
    const m = messages(lang);
    switch (error.code) {
      case 'forbidden':
        return verb ? m.notAllowed[verb] : m.notAllowed.view;
      case 'not_found':
        return m.taskNotFound;
      case 'conflict':
        return m.taskClosed;
      case 'precondition_failed':
        return m.staleCard;
      case 'validation': {
        const details = error.issues.map((i) => i.message).join('; ');
        return details ? `${m.badInput}: ${details}` : m.badInput;
      }
      default:
        return m.error;
    }
  }

  private async singleTaskCard(
    turn: TurnInfo,
    lang: Lang,
    user: User,
    taskId: string,
    notice: Notice | undefined,
    fromList: boolean,
  ) {
    const task = await this.d.tasks.getTask(user, taskId);
    return taskCard(task, {
      ...(await this.taskContext(lang, [task], turn.from.id)),
      candidates: await this.candidates(user, task),
      notice,
      fromList,
    });
  }

  private async taskContext(lang: Lang, tasks: readonly TaskView[], refreshUserId: string) {
    const ids = new Set<string>();
    for (const t of tasks) {
      if (t.assigneeId) ids.add(t.assigneeId);
      if (t.completedBy) ids.add(t.completedBy);
    }
    const names = new Map<string, string>();
    for (const id of ids) {
      const u = await this.d.register.directory.getUser(id);
      if (u) names.set(id, u.name);
    }
    return { lang, refreshUserIds: [refreshUserId], names, tabs: this.d.tabs };
  }

  /** Who a task can be handed to: people (not readers) of the task's unit and the contract's owners. */
  private async candidates(user: User, task: TaskView): Promise<Person[]> {
    if (!task.permissions.canReassign) return [];
    const named = new Set([task.contract.ownerId, task.contract.managerId, user.id]);
    const users = await this.d.register.directory.listUsers();
    return users
      .filter(
        (u) =>
          u.role !== 'reader' &&
          u.id !== task.assigneeId &&
          (u.unitId === task.unitId || named.has(u.id)),
      )
      .map((u) => ({ id: u.id, name: u.name }))
      .sort((a, b) => a.name.localeCompare(b.name, 'nb'));
  }
}
