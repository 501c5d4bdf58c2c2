import { join } from 'node:path';
import type { AppConfig } from './config.ts';
import { ContractService } from './register/contract-service.ts';
import type { RegisterStore } from './store/register.port.ts';
import { openSharePointFromEnv, type SharePointConnection } from './store/sharepoint/connect.ts';
import type { EntraFetch } from './store/sharepoint/tokens.ts';
import type { Db } from './store/sqlite/db.ts';
import { openSqliteRegister } from './store/sqlite/register-store.ts';

/**
 * Everything the faces of the product (API, bot, tab, public pages, CLI, scheduler) share.
 * Areas add their services here.
 */
export interface Services {
  readonly config: AppConfig;
  readonly clock: () => Date;
  readonly store: RegisterStore;
  /** The embedded SQLite database (the register itself only when STORE=sqlite). */
  readonly sqlite: Db | null;
  /**
   * STORE=sharepoint: the Graph client, site and lists that the follow-up engine's shared stores
   * (outbox, scheduler lease, …) use; null with the SQLite default.
   */
  readonly sharePoint: SharePointConnection | null;
  readonly contracts: ContractService;
  /** See `ServiceOptions.entraFetch`; null: Entra ID over the internet. */
  readonly entraFetch: EntraFetch | null;
  readonly log: (level: 'error' | 'info' | 'debug', message: string, extra?: unknown) => void;
  close(): Promise<void>;
}

export interface ServiceOptions {
  readonly clock?: () => Date;
  /** Where adapter settings are read (SharePoint, Graph); default the process environment. */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * How Entra ID is reached (MSAL's token requests, the API's signing keys); the internet by
   * default. Tests point it at a local stand-in; a deployment could route it through a proxy.
   */
  readonly entraFetch?: EntraFetch;
}

export async function createServices(
  config: AppConfig,
  options: ServiceOptions = {},
): Promise<Services> {
  const clock = options.clock ?? (() => new Date());
  const levels = ['silent', 'error', 'info', 'debug'];
  const log: Services['log'] = (level, message, extra) => {
    if (levels.indexOf(level) > levels.indexOf(config.LOG_LEVEL)) return;
    const line =
      extra === undefined
        ? message
        : `${message} ${extra instanceof Error ? extra.stack : JSON.stringify(extra)}`;
    (level === 'error' ? console.error : console.log)(`[${level}] ${line}`);
  };
  // The embedded database always exists: in SharePoint mode it holds what is local to the instance
  // or has no SharePoint adapter yet (see docs/sharepoint.md, "What stays in SQLite"), and nothing
  // of the register or the follow-up engine's shared state.
  const sqlite = openSqliteRegister(join(config.dataDir, 'register.db'), clock);
  const sharePoint =
    config.STORE === 'sharepoint'
      ? await openSharePointFromEnv(options.env ?? process.env, clock, options.entraFetch)
      : null;
  const store: RegisterStore = sharePoint ? sharePoint.store : sqlite;
  const contracts = new ContractService({
    store,
    clock,
    expiringWindowDays: config.EXPIRING_WINDOW_DAYS,
    onError: (e) => log('error', 'Etterarbeid etter endring feilet', e),
  });
  return {
    config,
    clock,
    store,
    sqlite: sqlite.db,
    sharePoint,
    contracts,
    entraFetch: options.entraFetch ?? null,
    log,
    async close() {
      sharePoint?.close();
      if (store !== sqlite) await store.close();
      await sqlite.close();
    },
  };
}
