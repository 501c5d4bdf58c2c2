/** Drives the Teams bot through botbuilder's TestAdapter (no network: replies land in a queue). */
import { type Activity, TestAdapter } from 'botbuilder';
import { BotLogic, type BotLogicDeps } from '../../src/bot/logic.ts';
import { KontraktBot } from '../../src/bot/teams-bot.ts';
import type { TabLinkConfig } from '../../src/cards/render.ts';
import { cardProblems } from './validate-card.ts';

export type Kind = 'personal' | 'channel' | 'groupChat';

export interface Who {
  readonly userId: string;
  readonly kind?: Kind;
  readonly locale?: string;
}

export interface TurnResult {
  readonly activities: Partial<Activity>[];
  /** Adaptive Cards sent as messages or returned in the invoke response, in order. */
  readonly cards: Record<string, unknown>[];
  readonly invokeStatus: number | null;
}

export class BotDriver {
  readonly adapter: TestAdapter;
  /** Every card the bot produced in this driver, for the SDK validation test. */
  readonly allCards: Record<string, unknown>[] = [];

  constructor(deps: Omit<BotLogicDeps, 'tabs' | 'devUserId'>, tabs: TabLinkConfig | null = null) {
    const logic = new BotLogic({ ...deps, tabs });
    const bot = new KontraktBot(logic, deps.log);
    this.adapter = new TestAdapter((context) => bot.run(context));
  }

  private envelope(who: Who): Partial<Activity> {
    const kind = who.kind ?? 'personal';
    return {
      channelId: 'msteams',
      serviceUrl: 'https://smba.example/teams/',
      locale: who.locale ?? 'nb-NO',
      from: { id: `29:${who.userId}`, name: who.userId, aadObjectId: who.userId },
      recipient: { id: '28:bot', name: 'Kontrakter' },
      conversation: {
        id: kind === 'personal' ? `a:personal-${who.userId}` : '19:channel@thread.tacv2',
        conversationType: kind,
        isGroup: kind !== 'personal',
        name: '',
      },
    };
  }

  async run(who: Who, activity: Partial<Activity>): Promise<TurnResult> {
    this.adapter.activeQueue.splice(0);
    await this.adapter.processActivity({ ...this.envelope(who), ...activity });
    const activities = this.adapter.activeQueue.splice(0);
    const cards: Record<string, unknown>[] = [];
    let invokeStatus: number | null = null;
    for (const a of activities) {
      for (const att of a.attachments ?? []) {
        if (att.contentType === 'application/vnd.microsoft.card.adaptive')
          cards.push(att.content as Record<string, unknown>);
      }
      if (a.type === 'invokeResponse') {
        const v = a.value as { status: number; body?: { type?: string; value?: unknown } };
        invokeStatus = v.status;
        if (v.body?.type === 'application/vnd.microsoft.card.adaptive')
          cards.push(v.body.value as Record<string, unknown>);
      }
    }
    for (const card of cards) {
      const problems = cardProblems(card);
      if (problems.length > 0) throw new Error(`card has problems: ${problems.join('; ')}`);
    }
    this.allCards.push(...cards);
    return { activities, cards, invokeStatus };
  }

  say(who: Who, text: string): Promise<TurnResult> {
    return this.run(who, { type: 'message', text });
  }

  /** Presses an Action.Execute: Teams sends an `adaptiveCard/action` invoke with data + inputs. */
  execute(
    who: Who,
    action: { verb?: string; data?: Record<string, unknown> },
    inputs: Record<string, string> = {},
    trigger: 'manual' | 'automatic' = 'manual',
  ): Promise<TurnResult> {
    return this.run(who, {
      type: 'invoke',
      name: 'adaptiveCard/action',
      value: {
        action: { type: 'Action.Execute', verb: action.verb, data: { ...action.data, ...inputs } },
        trigger,
      },
    });
  }

  /** Presses the Action.Submit fallback: old clients send a message whose value is data + inputs. */
  submit(
    who: Who,
    action: { data?: Record<string, unknown> },
    inputs: Record<string, string> = {},
  ): Promise<TurnResult> {
    return this.run(who, { type: 'message', value: { ...action.data, ...inputs } });
  }
}
