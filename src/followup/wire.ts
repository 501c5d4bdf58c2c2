import { hostname } from 'node:os';
import type { Services } from '../services.ts';
import type { Deliver } from './followup.port.ts';
import { FollowUpService } from './followup-service.ts';
import { DailyScheduler } from './scheduler.ts';
import { OutboxSender } from './sender.ts';
import { SqliteFollowUpStore } from './sqlite-followup-store.ts';
import { SqliteConversationRefs, SqliteOutbox } from './sqlite-outbox.ts';

export interface FollowUp {
  readonly service: FollowUpService;
  readonly outbox: SqliteOutbox;
  readonly conversations: SqliteConversationRefs;
  /**
   * Starts the daily scheduler and the outbox sender with the bot's `deliver` function.
   * Returns a function that stops both.
   */
  start(deliver: Deliver): () => Promise<void>;
}

const instances = new WeakMap<Services, FollowUp>();

/**
 * The follow-up engine of a `Services` object (one per process, created on first use): the service,
 * its outbox and conversation references on the SQLite database, the default routines stored on first
 * start, and plan regeneration subscribed to every contract change (`ContractService.onChange`).
 */
export function followUpFor(services: Services): FollowUp {
  const existing = instances.get(services);
  if (existing) return existing;
  if (!services.sqlite) throw new Error('Oppfølging krever SQLite-lageret');
  const db = services.sqlite;
  let sender: OutboxSender | null = null;
  const store = new SqliteFollowUpStore(db);
  const outbox = new SqliteOutbox(db, services.clock);
  const service = new FollowUpService({
    store,
    outbox,
    register: services.store,
    clock: services.clock,
    onEnqueued: () => sender?.kick(),
  });
  void service.ensureDefaults();
  services.contracts.onChange((contract, id) => service.onContractChanged(contract, id));
  const followUp: FollowUp = {
    service,
    outbox,
    conversations: new SqliteConversationRefs(db, services.clock),
    start(deliver) {
      const onError = (message: string, error: unknown) => services.log('error', message, error);
      sender = new OutboxSender({
        outbox,
        deliver,
        workerId: `${hostname()}:${process.pid}:${Date.now()}`,
        clock: services.clock,
        onError,
      });
      const scheduler = new DailyScheduler({
        runDaily: () => service.runDaily(),
        clock: services.clock,
        onError,
        onRun: (r) => services.log('info', 'Daglig oppfølging kjørt', r),
      });
      sender.start();
      scheduler.start();
      return async () => {
        await scheduler.stop();
        await sender?.stop();
      };
    },
  };
  instances.set(services, followUp);
  return followUp;
}
