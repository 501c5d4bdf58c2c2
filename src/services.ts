import { join } from 'node:path';
import type { AppConfig } from './config.ts';
import { ContractService } from './register/contract-service.ts';
import type { RegisterStore } from './store/register.port.ts';
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
  /** The SQLite database of the embedded default (null when another store is configured). */
  readonly sqlite: Db | null;
  readonly contracts: ContractService;
  readonly log: (level: 'error' | 'info' | 'debug', message: string, extra?: unknown) => void;
  close(): Promise<void>;
}

export interface ServiceOptions {
  readonly clock?: () => Date;
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
  if (config.STORE !== 'sqlite') {
    throw new Error(
      `STORE=${config.STORE} er ikke tilgjengelig i denne utgaven; bruk STORE=sqlite`,
    );
  }
  const sqlite = openSqliteRegister(join(config.dataDir, 'register.db'), clock);
  const contracts = new ContractService({
    store: sqlite,
    clock,
    expiringWindowDays: config.EXPIRING_WINDOW_DAYS,
    onError: (e) => log('error', 'Etterarbeid etter endring feilet', e),
  });
  return {
    config,
    clock,
    store: sqlite,
    sqlite: sqlite.db,
    contracts,
    log,
    async close() {
      await sqlite.close();
    },
  };
}
