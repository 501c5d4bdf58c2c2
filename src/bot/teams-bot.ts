import {
  type Activity,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  CardFactory,
  MessageFactory,
  TeamsActivityHandler,
  TeamsInfo,
  TurnContext,
} from 'botbuilder';
import { langFromLocale, messages } from '../cards/i18n.ts';
import type { AdaptiveCardJson } from '../cards/render.ts';
import { CARD_CONTENT_TYPE } from '../cards/render.ts';
import { helpCard, messageCard } from '../cards/simple.ts';
import type { BotLogic, ConversationKind, LogFn, TurnInfo } from './logic.ts';

/** A message activity carrying one Adaptive Card. */
export function cardActivity(card: AdaptiveCardJson): Partial<Activity> {
  return MessageFactory.attachment(CardFactory.adaptiveCard(card));
}

function conversationKind(activity: Activity): ConversationKind {
  const type = activity.conversation?.conversationType;
  if (type === 'channel') return 'channel';
  if (type === 'groupChat' || activity.conversation?.isGroup) return 'groupChat';
  return 'personal';
}

/** What the framework-free logic needs to know about this turn. */
export function turnInfo(context: TurnContext): TurnInfo {
  const a = context.activity;
  return {
    from: { id: a.from?.id ?? '', aadObjectId: a.from?.aadObjectId, name: a.from?.name },
    conversationKind: conversationKind(a),
    conversationId: a.conversation?.id ?? '',
    locale: a.locale ?? undefined,
    lookupEmail: async () => {
      if (a.channelId !== 'msteams' || !a.from?.id) return null;
      const member = await TeamsInfo.getMember(context, a.from.id);
      return member.email ?? member.userPrincipalName ?? null;
    },
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The Teams face of the bot: turns activities into calls on `BotLogic` and its cards into
 * activities. This is the only class that knows botbuilder's activity handler.
 */
export class KontraktBot extends TeamsActivityHandler {
  constructor(
    private readonly logic: BotLogic,
    private readonly log: LogFn,
  ) {
    super();

    this.onMessage(async (context, next) => {
      await this.handleMessage(context);
      await next();
    });

    // Teams sends `installationUpdate` (add/remove) and `conversationUpdate` (members added).
    this.onInstallationUpdateAdd(async (context, next) => {
      await this.saveReference(context);
      await next();
    });
    this.onInstallationUpdateRemove(async (context, next) => {
      const turn = turnInfo(context);
      await this.logic.removeReference(turn, await this.logic.resolveUser(turn));
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      const botId = context.activity.recipient?.id;
      const botAdded = (context.activity.membersAdded ?? []).some((m) => m.id === botId);
      if (botAdded) {
        await this.saveReference(context);
        if (conversationKind(context.activity) === 'personal') {
          const lang = langFromLocale(context.activity.locale);
          await context.sendActivity(cardActivity(helpCard(lang, { welcome: true })));
        }
      }
      await next();
    });
  }

  /**
   * In a personal chat there are no threads: replies are sent to the conversation
   * (`POST /v3/conversations/{id}/activities`). In channels and group chats they stay replies to the
   * user's message (`…/activities/{replyToId}`), which keeps them in the thread.
   */
  override async run(context: TurnContext): Promise<void> {
    if (conversationKind(context.activity) === 'personal') {
      context.onSendActivities(async (_context, activities, next) => {
        for (const activity of activities) activity.replyToId = undefined;
        return next();
      });
    }
    await super.run(context);
  }

  private async saveReference(context: TurnContext) {
    const turn = turnInfo(context);
    const user = await this.logic.resolveUser(turn);
    const reference = TurnContext.getConversationReference(context.activity);
    await this.logic.saveReference(turn, JSON.stringify(reference), user);
  }

  private async handleMessage(context: TurnContext) {
    const a = context.activity;
    const turn = turnInfo(context);
    // Action.Submit fallback (clients without Action.Execute): the card's data comes as `value`.
    if (isRecord(a.value) && typeof a.value.verb === 'string') {
      await context.sendActivity(cardActivity(await this.logic.onAction(turn, a.value)));
      return;
    }
    if (turn.conversationKind === 'personal') {
      // Keeps the stored reference fresh (service URL changes, reinstalls).
      await this.saveReference(context).catch((error: unknown) =>
        this.log('error', 'Bot: kunne ikke lagre samtalereferansen', error),
      );
    }
    const text = TurnContext.removeRecipientMention(a) ?? a.text ?? '';
    await context.sendActivity(cardActivity(await this.logic.onMessage(turn, text)));
  }

  /** `Action.Execute` and card refresh: answer with the card that replaces the one acted on. */
  protected override async onAdaptiveCardInvoke(
    context: TurnContext,
    value: AdaptiveCardInvokeValue,
  ): Promise<AdaptiveCardInvokeResponse> {
    const turn = turnInfo(context);
    let card: AdaptiveCardJson;
    try {
      const data = isRecord(value.action?.data) ? value.action.data : {};
      card = await this.logic.onAction(turn, { ...data, verb: value.action?.verb });
    } catch (error) {
      this.log('error', 'Bot: kortet kunne ikke behandles', error);
      const m = messages(langFromLocale(turn.locale));
      card = messageCard(langFromLocale(turn.locale), m.appName, m.error, 'attention');
    }
    return { statusCode: 200, type: CARD_CONTENT_TYPE, value: card };
  }
}
