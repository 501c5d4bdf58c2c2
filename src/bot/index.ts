/**
 * The Teams bot behind one small interface. Everything that imports botbuilder lives in this
 * folder (adapter.ts, teams-bot.ts, proactive.ts, router.ts); the rest of the product sees only
 * `TeamsBot`: an Express router for `/api/messages` and `deliver` for the outbox sender.
 */
import type { Router } from 'express';
import type { Deliver, DeliverToChannel } from '../followup/followup.port.ts';
import { createAdapter } from './adapter.ts';
import type { BotSettings } from './config.ts';
import { BotLogic, type BotLogicDeps } from './logic.ts';
import { createChannelDeliver, createDeliver } from './proactive.ts';
import { botRouter, disabledBotRouter } from './router.ts';
import { KontraktBot } from './teams-bot.ts';

export type { BotSettings } from './config.ts';
export { loadBotSettings } from './config.ts';
export type { BotLogicDeps } from './logic.ts';

export interface TeamsBot {
  /** Express router with `POST /api/messages` (mount at the root of the app). */
  router(): Router;
  /** Posts one reminder card proactively; returns the connector's HTTP status. */
  readonly deliver: Deliver;
  /** Posts one announcement card to a channel (Kontraktservice's announcements). */
  readonly deliverToChannel: DeliverToChannel;
}

export function createTeamsBot(
  deps: Omit<BotLogicDeps, 'tabs' | 'devUserId'>,
  settings: BotSettings,
): TeamsBot {
  const { auth } = settings;
  if (auth.mode === 'disabled') {
    deps.log('info', `Teams-boten er slått av: ${auth.reason}`);
    return {
      router: () => disabledBotRouter(auth.reason),
      deliver: async () => ({ status: 503 }),
      deliverToChannel: async () => ({ status: 503 }),
    };
  }
  const logic = new BotLogic({ ...deps, tabs: settings.tabs, devUserId: settings.devUserId });
  const adapter = createAdapter(auth, deps.log);
  const bot = new KontraktBot(logic, deps.log);
  return {
    router: () => botRouter(adapter, bot),
    deliver: createDeliver(adapter, auth.appId, logic, deps.refs, deps.log),
    deliverToChannel: createChannelDeliver(adapter, auth.appId, deps.log),
  };
}
