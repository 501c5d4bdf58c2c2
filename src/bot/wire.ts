import type { Router } from 'express';
import { followUpFor } from '../followup/wire.ts';
import type { Services } from '../services.ts';
import { ORDER_TASK_PREFIX } from '../spend/orders.ts';
import { orderNotificationCard } from '../spend/wire.ts';
import { loadBotSettings } from './config.ts';
import { createTeamsBot, type TeamsBot } from './index.ts';

const instances = new WeakMap<Services, TeamsBot>();

/**
 * The Teams bot of a `Services` object (one per process, created on first use), on the follow-up
 * engine's task service and conversation references. Settings come from the environment
 * (`AUTH_MODE`, `MicrosoftAppId`/`BOT_ID`, `MicrosoftAppPassword`/`BOT_PASSWORD`,
 * `MicrosoftAppTenantId`, `TEAMS_APP_ID`, `BOT_DEV_USER`; see docs/bot.md).
 */
export function teamsBotFor(services: Services, env: NodeJS.ProcessEnv = process.env): TeamsBot {
  const existing = instances.get(services);
  if (existing) return existing;
  const followUp = followUpFor(services);
  const settings = loadBotSettings({ ...env, AUTH_MODE: services.config.AUTH_MODE });
  const bot = createTeamsBot(
    {
      tasks: followUp.service,
      register: services.store,
      refs: followUp.conversations,
      clock: services.clock,
      expiringWindowDays: services.config.EXPIRING_WINDOW_DAYS,
      log: services.log,
      notificationCards: [
        {
          taskIdPrefix: ORDER_TASK_PREFIX,
          card: (n, lang, tabs) => orderNotificationCard(services, n, lang, tabs),
        },
      ],
    },
    settings,
  );
  followUp.setChannelDeliver(bot.deliverToChannel);
  instances.set(services, bot);
  return bot;
}

/** `POST /api/messages` for `createApp` (an open route: the Bot Framework authenticates it). */
export function botRoutes(services: Services): Router {
  return teamsBotFor(services).router();
}
