import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConfigurationServiceClientCredentialFactory,
} from 'botbuilder';
import type { BotAuth } from './config.ts';
import type { LogFn } from './logic.ts';

/**
 * The Bot Framework adapter. In dev mode it has no app id: botbuilder then accepts activities
 * without a token (the Agents Playground sends none) and sends replies without one. Otherwise every
 * incoming request must carry a Bot Framework JWT for the app id, and outgoing calls get a token
 * from Entra ID for the app id / password (single-tenant with the tenant id when given).
 */
export function createAdapter(auth: Exclude<BotAuth, { mode: 'disabled' }>, log: LogFn) {
  const options =
    auth.mode === 'dev'
      ? {}
      : {
          MicrosoftAppId: auth.appId,
          MicrosoftAppPassword: auth.password,
          MicrosoftAppType: auth.appType,
          ...(auth.tenantId ? { MicrosoftAppTenantId: auth.tenantId } : {}),
        };
  const credentials = new ConfigurationServiceClientCredentialFactory(options);
  const authentication = new ConfigurationBotFrameworkAuthentication(options, credentials);
  const adapter = new CloudAdapter(authentication);
  adapter.onTurnError = async (context, error) => {
    log('error', 'Bot: feil i en tur', error);
    // Messages get a short apology; invokes are answered by the handler itself.
    if (context.activity.type === 'message') {
      await context
        .sendActivity('Noe gikk galt hos meg. Prøv igjen om litt. / Something went wrong.')
        .catch(() => undefined);
    }
  };
  return adapter;
}
