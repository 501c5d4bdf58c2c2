/**
 * Where Kontraktservice's channel announcements are kept: the announcements, one delivery per
 * channel (the channel outbox, sent by `OutboxSender` through a `LeasedOutbox<ChannelDelivery>`)
 * and the channels the bot is installed in. Adapters: `SqliteAnnouncementStore` (the embedded
 * database, one instance) and `SharePointAnnouncementStore` (STORE=sharepoint: lists shared by
 * every instance; src/store/sharepoint/announcements.ts).
 */
import type { Announcement } from '../core/followup/index.ts';
import type { OutboxState } from './followup.port.ts';

/** A saved channel conversation reference (kind `channel`). */
export interface ChannelRefRow {
  readonly conversationId: string;
  /** The serialised Bot Framework `ConversationReference`. */
  readonly referenceJson: string;
  readonly updatedAt: string;
}

/** A channel an announcement goes to. */
export interface ChannelTarget {
  /** Without a thread's `;messageid=`. */
  readonly conversationId: string;
  readonly name: string | null;
}

export interface ChannelDeliveryStatus {
  readonly conversationId: string;
  readonly channelName: string | null;
  readonly state: OutboxState;
  readonly attempts: number;
  readonly sentAt: string | null;
  readonly lastError: string | null;
}

export interface AnnouncementStore {
  /** Every saved channel reference, newest first (the service keeps the real Teams channels). */
  channelRefs(): Promise<ChannelRefRow[]>;
  /**
   * Stores the announcement and one pending delivery per target, due at `now`, as one unit: once
   * this resolves, every delivery exists (or will, see the SharePoint adapter); when it throws,
   * nothing is sent. The delivery's idempotency key is `${announcement.id}|${conversationId}`.
   */
  create(announcement: Announcement, targets: readonly ChannelTarget[], now: Date): Promise<void>;
  /** Newest first (created time, then id descending); `limit` 1–500. */
  list(limit: number): Promise<Announcement[]>;
  get(id: string): Promise<Announcement | null>;
  /** The deliveries of each announcement, in the order they were created. */
  deliveries(announcementIds: readonly string[]): Promise<Map<string, ChannelDeliveryStatus[]>>;
}

/** The stored part of an announcement besides its identity columns. */
export type AnnouncementData = Omit<Announcement, 'id' | 'kind' | 'createdAt' | 'createdBy'>;

export const toAnnouncement = (
  id: string,
  kind: Announcement['kind'],
  data: string,
  createdAt: string,
  createdBy: string,
): Announcement => ({ id, kind, ...(JSON.parse(data) as AnnouncementData), createdAt, createdBy });

/** The JSON of an announcement's data (everything but id, kind, created at/by). */
export function announcementData(a: Announcement): string {
  const { id: _id, kind: _kind, createdAt: _at, createdBy: _by, ...data } = a;
  return JSON.stringify(data);
}

/** A channel's conversation id without the thread part (`19:…@thread.tacv2;messageid=…`). */
export const baseConversationId = (id: string): string => id.split(';')[0] as string;
