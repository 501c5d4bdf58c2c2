import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Services } from '../services.ts';
import type { AnnouncementStore } from './announcement-store.port.ts';
import { AnnouncementService } from './announcements.ts';
import type {
  ChannelDelivery,
  ConversationRefStore,
  Deliver,
  DeliverToChannel,
  JobLease,
  OutboxStore,
} from './followup.port.ts';
import { FollowUpService } from './followup-service.ts';
import type { FollowUpStore } from './followup-store.port.ts';
import { DailyScheduler } from './scheduler.ts';
import { type LeasedOutbox, OutboxSender } from './sender.ts';
import { SqliteAnnouncementStore, SqliteChannelOutbox } from './sqlite-announcements.ts';
import { SqliteFollowUpStore } from './sqlite-followup-store.ts';
import { type LeasedRun, runLeased, SqliteJobLease } from './sqlite-lease.ts';
import { SqliteConversationRefs, SqliteOutbox } from './sqlite-outbox.ts';

/** The key of the daily scan's lease, and how long a grant lasts (renewed while the scan runs). */
export const DAILY_LEASE_KEY = 'followup-daily';
export const DAILY_LEASE_TTL_MS = 10 * 60_000;

export interface FollowUp {
  readonly service: FollowUpService;
  /** The engine's store (SharePoint with STORE=sharepoint): event tasks such as ceiling alerts go here. */
  readonly store: FollowUpStore;
  /** The reminder outbox: SharePoint list (STORE=sharepoint, shared by instances) or SQLite. */
  readonly outbox: OutboxStore;
  readonly conversations: ConversationRefStore;
  /** The scheduler lease: SharePoint list item (STORE=sharepoint) or SQLite row. */
  readonly lease: JobLease;
  /** This instance's name on leases and outbox claims (host, pid, a random part). */
  readonly instanceId: string;
  /**
   * The daily run (regenerate plans, scan reminders) under the scheduler lease: `ran: false` when
   * another instance is running it. The scheduler calls this.
   */
  daily(): Promise<LeasedRun<Awaited<ReturnType<FollowUpService['runDaily']>>>>;
  /** Kontraktservice's announcements to channels (API: src/api/routes/announcements.ts). */
  readonly announcements: AnnouncementService;
  /** The channel outbox: SharePoint list (STORE=sharepoint, claimed with ETags) or SQLite. */
  readonly channelOutbox: LeasedOutbox<ChannelDelivery>;
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
  const store: FollowUpStore = services.sharePoint?.followUp ?? new SqliteFollowUpStore(db);
  // STORE=sharepoint: the outbox and the lease are shared by every instance on the site, so a
  // reminder is claimed (ETag) and sent once and one instance scans at a time.
  const outbox: OutboxStore = services.sharePoint?.outbox ?? new SqliteOutbox(db, services.clock);
  const lease: JobLease = services.sharePoint?.lease ?? new SqliteJobLease(db);
  const instanceId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const onError = (message: string, error: unknown) => services.log('error', message, error);
  const service = new FollowUpService({
    store,
    outbox,
    register: services.store,
    clock: services.clock,
    onEnqueued: () => sender?.kick(),
  });
  void service.ensureDefaults();
  services.contracts.onChange((contract, id) => service.onContractChanged(contract, id));
  // STORE=sharepoint: announcements and their channel outbox are shared lists too, so any
  // instance lists them and each channel post is claimed (ETag) and sent once.
  const announcementStore: AnnouncementStore =
    services.sharePoint?.announcements ?? new SqliteAnnouncementStore(db);
  const channelOutbox: LeasedOutbox<ChannelDelivery> =
    services.sharePoint?.channelOutbox ?? new SqliteChannelOutbox(db);
  const daily: FollowUp['daily'] = () =>
    runLeased(
      {
        lease,
        key: DAILY_LEASE_KEY,
        holder: instanceId,
        ttlMs: DAILY_LEASE_TTL_MS,
        clock: services.clock,
        onError,
      },
      () => service.runDaily(),
    );
  const followUp: FollowUp = {
    service,
    store,
    outbox,
    lease,
    instanceId,
    daily,
    conversations:
      services.sharePoint?.conversations ?? new SqliteConversationRefs(db, services.clock),
    channelOutbox,
    announcements: new AnnouncementService(announcementStore, services.clock, () =>
      channelSender?.kick(),
    ),
    setChannelDeliver(deliver) {
      registeredChannelDeliver = deliver;
    },
    start(deliver, deliverToChannel) {
      sender = new OutboxSender({
        outbox,
        deliver,
        workerId: instanceId,
        clock: services.clock,
        onError,
      });
      const scheduler = new DailyScheduler({
        runDaily: daily,
        clock: services.clock,
        onError,
        onRun: (r) =>
          (r as LeasedRun<unknown>).ran
            ? services.log('info', 'Daglig oppfølging kjørt', (r as LeasedRun<unknown>).result)
            : services.log('info', 'Daglig oppfølging kjøres av en annen instans'),
      });
      const toChannel = deliverToChannel ?? registeredChannelDeliver;
      if (toChannel) {
        // A second sender on the channel outbox: channels are their own conversations, so the
        // per-conversation rate limits never overlap with the personal reminders.
        channelSender = new OutboxSender<ChannelDelivery>({
          outbox: channelOutbox,
          deliver: toChannel,
          conversationKey: (d) => d.conversationId,
          workerId: `${instanceId}:channels`,
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
