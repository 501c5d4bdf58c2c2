import { hostname } from 'node:os';
import type { Services } from '../services.ts';
import { AnnouncementService, SqliteChannelOutbox } from './announcements.ts';
import type { ChannelDelivery, Deliver, DeliverToChannel } from './followup.port.ts';
import { FollowUpService } from './followup-service.ts';
import { DailyScheduler } from './scheduler.ts';
import { OutboxSender } from './sender.ts';
import { SqliteFollowUpStore } from './sqlite-followup-store.ts';
import { SqliteConversationRefs, SqliteOutbox } from './sqlite-outbox.ts';

export interface FollowUp {
  readonly service: FollowUpService;
  readonly outbox: SqliteOutbox;
  readonly conversations: SqliteConversationRefs;
  /** Kontraktservice's announcements to channels (API: src/api/routes/announcements.ts). */
  readonly announcements: AnnouncementService;
  readonly channelOutbox: SqliteChannelOutbox;
  /** The bot registers how it posts an announcement to a channel (`teamsBotFor` does). */
  setChannelDeliver(deliver: DeliverToChannel): void;
  /**
   * Starts the daily scheduler and the outbox senders: reminders with the bot's `deliver`, channel
   * announcements with `deliverToChannel` (default: the one the bot registered; without one,
   * announcements wait in their outbox). Returns a function that stops them.
   */
  start(deliver: Deliver, deliverToChannel?: DeliverToChannel): () => Promise<void>;
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
  let channelSender: OutboxSender<ChannelDelivery> | null = null;
  let registeredChannelDeliver: DeliverToChannel | null = null;
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
  const channelOutbox = new SqliteChannelOutbox(db);
  const followUp: FollowUp = {
    service,
    outbox,
    conversations: new SqliteConversationRefs(db, services.clock),
    channelOutbox,
    announcements: new AnnouncementService(db, services.clock, () => channelSender?.kick()),
    setChannelDeliver(deliver) {
      registeredChannelDeliver = deliver;
    },
    start(deliver, deliverToChannel) {
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
      const toChannel = deliverToChannel ?? registeredChannelDeliver;
      if (toChannel) {
        // A second sender on the channel outbox: channels are their own conversations, so the
        // per-conversation rate limits never overlap with the personal reminders.
        channelSender = new OutboxSender<ChannelDelivery>({
          outbox: channelOutbox,
          deliver: toChannel,
          conversationKey: (d) => d.conversationId,
          workerId: `${hostname()}:${process.pid}:${Date.now()}:channels`,
          clock: services.clock,
          onError,
        });
        channelSender.start();
      }
      sender.start();
      scheduler.start();
      return async () => {
        await scheduler.stop();
        await sender?.stop();
        await channelSender?.stop();
      };
    },
  };
  instances.set(services, followUp);
  return followUp;
}
