import { z } from 'zod';
import type { TabLinkConfig } from '../cards/render.ts';

/**
 * How the bot authenticates with the Bot Framework.
 * - `dev` (only with `AUTH_MODE=dev`, which the server allows on loopback only): no Bot Framework
 *   authentication at all — the Agents Playground sends no token, and replies go unauthenticated to
 *   the `serviceUrl` of the incoming activity.
 * - `botframework`: incoming requests must carry a valid Bot Framework JWT for `appId`; replies and
 *   proactive messages use a token for `appId` / `password` from Entra ID.
 * - `disabled`: production without a bot registration: `/api/messages` answers 503.
 */
export type BotAuth =
  | { readonly mode: 'dev'; readonly appId: string }
  | {
      readonly mode: 'botframework';
      readonly appId: string;
      readonly password: string;
      readonly tenantId: string | null;
      readonly appType: 'SingleTenant' | 'MultiTenant' | 'UserAssignedMSI';
    }
  | { readonly mode: 'disabled'; readonly reason: string };

export interface BotSettings {
  readonly auth: BotAuth;
  readonly tabs: TabLinkConfig | null;
  /** Development only: the demo user an unknown Teams user (e.g. the playground's) acts as. */
  readonly devUserId: string | null;
}

const empty = (v: string | undefined) => (v?.trim() ? v.trim() : undefined);

const envSchema = z.object({
  AUTH_MODE: z.enum(['entra', 'dev']).default('entra'),
  MicrosoftAppId: z.string().optional(),
  MicrosoftAppPassword: z.string().optional(),
  MicrosoftAppTenantId: z.string().optional(),
  MicrosoftAppType: z.enum(['SingleTenant', 'MultiTenant', 'UserAssignedMSI']).optional(),
  /** Names the Microsoft 365 Agents Toolkit writes (m365agents.yml). */
  BOT_ID: z.string().optional(),
  BOT_PASSWORD: z.string().optional(),
  AAD_APP_TENANT_ID: z.string().optional(),
  TEAMS_APP_ID: z.string().optional(),
  BOT_DEV_USER: z.string().optional(),
});

/** Reads the bot's settings from the environment (see docs/bot.md). */
export function loadBotSettings(env: NodeJS.ProcessEnv = process.env): BotSettings {
  const e = envSchema.parse(env);
  const appId = empty(e.MicrosoftAppId) ?? empty(e.BOT_ID) ?? '';
  const password = empty(e.MicrosoftAppPassword) ?? empty(e.BOT_PASSWORD) ?? '';
  const tenantId = empty(e.MicrosoftAppTenantId) ?? empty(e.AAD_APP_TENANT_ID) ?? null;
  const teamsAppId = empty(e.TEAMS_APP_ID);
  const tabs: TabLinkConfig | null = teamsAppId
    ? { teamsAppId, tasksEntityId: 'tasks', registerEntityId: 'register' }
    : null;
  let auth: BotAuth;
  if (e.AUTH_MODE === 'dev') {
    auth = { mode: 'dev', appId };
  } else if (!appId || (!password && e.MicrosoftAppType !== 'UserAssignedMSI')) {
    auth = {
      mode: 'disabled',
      reason: 'MicrosoftAppId og MicrosoftAppPassword (eller BOT_ID og BOT_PASSWORD) er ikke satt',
    };
  } else {
    auth = {
      mode: 'botframework',
      appId,
      password,
      tenantId,
      appType: e.MicrosoftAppType ?? (tenantId ? 'SingleTenant' : 'MultiTenant'),
    };
  }
  return {
    auth,
    tabs,
    devUserId: e.AUTH_MODE === 'dev' ? (empty(e.BOT_DEV_USER) ?? null) : null,
  };
}
