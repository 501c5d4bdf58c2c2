// Kontraktservice's channel announcements in SharePoint lists (STORE=sharepoint), shared by every
// API instance: *Kunngjøringer* (one item per announcement, with the channels it goes to) and
// *Kanalutboks* (one item per announcement and channel), claimed with ETags exactly as the reminder
// outbox (`SharePointOutbox`): a claim writes ClaimedBy/ClaimedUntil with If-Match, so when two
// instances race for the same delivery one claim succeeds and the other gets 412; every later step
// (begin attempt, sent, failed, dead) is an ETag write by the claim holder only. A channel post is
// therefore sent once whichever instance's sender claims it.
//
// SharePoint has no transactions, so "an announcement with its deliveries, all or nothing" is a
// commit order: the announcement item is written first (State `enqueuing`, the target channels in
// `Targets`), then the deliveries (unique IdempotencyKey: writing one twice stores it once), then
// State `enqueued`. An announcement left `enqueuing` by a crash is completed by any instance's
// channel sender (`claimDue`) once it is older than `repairAfterMs`, so once the announcement
// exists, each of its deliveries will exist exactly once.
import { createHash } from 'node:crypto';
import type { Announcement } from '../../core/followup/index.ts';
import {
  type AnnouncementStore,
  announcementData,
  type ChannelDeliveryStatus,
  type ChannelRefRow,
  type ChannelTarget,
  toAnnouncement,
} from '../../followup/announcement-store.port.ts';
import type { ChannelDelivery, OutboxState } from '../../followup/followup.port.ts';
import type { LeasedOutbox } from '../../followup/sender.ts';
import { EtagClaims } from './etag-claims.ts';
import { KeyedList } from './followup-store.ts';
import { etagOf, type Graph, GraphHttpError, type ListItem, subError } from './graph.ts';
import type { MirroredItem } from './mirror.ts';
import { filterOn, fromChunks, type ListKey, SMALL_CHUNKS, toChunks } from './schema.ts';

export interface SharePointAnnouncementOptions {
  readonly graph: Graph;
  readonly siteId: string;
  readonly lists: Readonly<Record<ListKey, string>>;
  readonly pageSize?: number;
  /** Channel references are read from the delta mirror when it is younger than this (default 2 s). */
  readonly maxStalenessMs?: number;
  /** An announcement still `enqueuing` after this long is completed by a sender (default 60 s). */
  readonly repairAfterMs?: number;
}

type Fields = Record<string, unknown>;

type RawItem = ListItem & { readonly fields: Fields };

/** The key column value of a delivery: the conversation id hashed (a key column holds 255 characters). */
export function deliveryKey(announcementId: string, conversationId: string): string {
  const hash = createHash('sha256').update(conversationId).digest('base64url');
  return `${announcementId}|${hash}`;
}

function announcementOf(fields: Fields): Announcement | null {
  const data = fromChunks('Data', fields, SMALL_CHUNKS);
  if (!data) return null;
  return toAnnouncement(
    String(fields.AnnouncementId),
    fields.Kind as Announcement['kind'],
    data,
    String(fields.CreatedAt),
    String(fields.CreatedBy),
  );
}

function deliveryFields(a: Announcement, c: ChannelTarget, notBefore: string): Fields {
  return {
    Title: a.title.slice(0, 255),
    IdempotencyKey: deliveryKey(a.id, c.conversationId),
    AnnouncementId: a.id,
    State: 'pending',
    ConversationId: c.conversationId,
    ChannelName: c.name?.slice(0, 255) ?? null,
    NotBefore: notBefore,
    Attempts: 0,
  };
}

function statusOf(fields: Fields): ChannelDeliveryStatus {
  return {
    conversationId: String(fields.ConversationId),
    channelName: typeof fields.ChannelName === 'string' ? fields.ChannelName : null,
    state: fields.State as OutboxState,
    attempts: Number(fields.Attempts ?? 0),
    sentAt: typeof fields.SentAt === 'string' && fields.SentAt ? fields.SentAt : null,
    lastError: typeof fields.LastError === 'string' && fields.LastError ? fields.LastError : null,
  };
}

/** The lists and mirrors both halves (store and outbox) share. */
class AnnouncementLists {
  readonly announcements: KeyedList;
  readonly deliveries: KeyedList;
  readonly conversations: KeyedList;

  constructor(
    readonly graph: Graph,
    o: SharePointAnnouncementOptions,
  ) {
    const opts = { pageSize: o.pageSize ?? 1000, maxStalenessMs: o.maxStalenessMs ?? 2000 };
    this.announcements = new KeyedList(
      o.graph,
      o.siteId,
      o.lists.announcements,
      'announcements',
      'AnnouncementId',
      opts,
    );
    this.deliveries = new KeyedList(
      o.graph,
      o.siteId,
      o.lists.channelOutbox,
      'channelOutbox',
      'IdempotencyKey',
      opts,
    );
    // The bot's conversation references (written by SharePointConversationRefs): read only here.
    this.conversations = new KeyedList(
      o.graph,
      o.siteId,
      o.lists.conversations,
      'conversations',
      'RefKey',
      opts,
    );
  }

  /** Writes the deliveries of an announcement (a 409 is one that exists already), then `enqueued`. */
  async enqueue(a: Announcement, targets: readonly ChannelTarget[], notBefore: string) {
    const responses = await this.graph.batch(
      targets.map((c) => this.deliveries.create(deliveryFields(a, c, notBefore))),
    );
    for (const r of responses) if (r.status >= 300 && r.status !== 409) throw subError(r);
  }

  async markEnqueued(item: RawItem | MirroredItem): Promise<void> {
    const etag = 'etag' in item ? item.etag : etagOf(item);
    try {
      await this.graph.request(
        'PATCH',
        `${this.announcements.path}/${item.id}/fields`,
        { State: 'enqueued' },
        { 'If-Match': etag },
      );
    } catch (e) {
      // Another instance completed it first (412), or it is gone (404): nothing left to do.
      if (!(e instanceof GraphHttpError && (e.status === 412 || e.status === 404))) throw e;
    }
  }
}

/** `AnnouncementStore` on the *Kunngjøringer* and *Kanalutboks* lists. */
export class SharePointAnnouncementStore implements AnnouncementStore {
  constructor(private readonly lists: AnnouncementLists) {}

  async channelRefs(): Promise<ChannelRefRow[]> {
    // Forced (one delta request): a channel the bot was just added to or removed from counts.
    await this.lists.conversations.mirror.sync(true);
    const out: ChannelRefRow[] = [];
    for (const i of this.lists.conversations.mirror.values()) {
      if (i.fields.Kind !== 'channel') continue;
      out.push({
        conversationId: String(i.fields.ConversationId ?? ''),
        referenceJson: String(i.fields.Reference ?? ''),
        updatedAt: String(i.fields.UpdatedAt ?? ''),
      });
    }
    return out.sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0));
  }

  async create(a: Announcement, targets: readonly ChannelTarget[], now: Date): Promise<void> {
    const { body } = await this.lists.graph.request<RawItem>(
      'POST',
      this.lists.announcements.path,
      {
        fields: {
          Title: a.title.slice(0, 255),
          AnnouncementId: a.id,
          Kind: a.kind,
          State: 'enqueuing',
          CreatedAt: a.createdAt,
          CreatedBy: a.createdBy,
          ...toChunks('Data', announcementData(a), SMALL_CHUNKS),
          Targets: JSON.stringify({ notBefore: now.toISOString(), targets }),
        },
      },
    );
    this.lists.announcements.mirror.put(body);
    await this.lists.enqueue(a, targets, now.toISOString());
    await this.lists.markEnqueued(body);
  }

  async list(limit: number): Promise<Announcement[]> {
    // Forced: an announcement made on another instance a moment ago is listed (one delta request).
    await this.lists.announcements.mirror.sync(true);
    const all: Announcement[] = [];
    for (const i of this.lists.announcements.mirror.values()) {
      const a = announcementOf(i.fields);
      if (a) all.push(a);
    }
    // The SQLite order: created_at DESC, id DESC.
    all.sort((x, y) =>
      x.createdAt === y.createdAt
        ? x.id < y.id
          ? 1
          : x.id > y.id
            ? -1
            : 0
        : x.createdAt < y.createdAt
          ? 1
          : -1,
    );
    return all.slice(0, Math.min(Math.max(limit, 1), 500));
  }

  async get(id: string): Promise<Announcement | null> {
    const item = await this.lists.announcements.fetch(id);
    return item ? announcementOf(item.fields) : null;
  }

  async deliveries(ids: readonly string[]): Promise<Map<string, ChannelDeliveryStatus[]>> {
    const out = new Map<string, ChannelDeliveryStatus[]>(ids.map((id) => [id, []]));
    if (ids.length === 0) return out;
    if (ids.length === 1) {
      // One announcement (create, get): read its deliveries fresh by the indexed column.
      const id = ids[0] as string;
      const items = await this.lists.graph.all<RawItem>(
        `${this.lists.deliveries.path}?$expand=fields&$top=500&$filter=${encodeURIComponent(filterOn('channelOutbox', 'AnnouncementId', 'eq', id))}`,
      );
      items.sort((x, y) => Number(x.id) - Number(y.id));
      out.set(
        id,
        items.map((i) => statusOf(i.fields)),
      );
      return out;
    }
    await this.lists.deliveries.mirror.sync(true);
    const items = [...this.lists.deliveries.mirror.values()].sort(
      (x, y) => Number(x.id) - Number(y.id),
    );
    for (const i of items) out.get(String(i.fields.AnnouncementId))?.push(statusOf(i.fields));
    return out;
  }
}

/** The channel outbox on *Kanalutboks*, for `OutboxSender<ChannelDelivery>`. */
export class SharePointChannelOutbox
  extends EtagClaims<RawItem>
  implements LeasedOutbox<ChannelDelivery>
{
  private readonly repairAfterMs: number;

  constructor(
    private readonly lists: AnnouncementLists,
    repairAfterMs = 60_000,
  ) {
    super(lists.graph, 'channelOutbox', lists.deliveries.path, true);
    this.repairAfterMs = repairAfterMs;
  }

  /** Completes announcements a crash left `enqueuing` (older than `repairAfterMs`). */
  async repair(now: Date): Promise<number> {
    const stuck = await this.lists.graph.all<RawItem>(
      `${this.lists.announcements.path}?$expand=fields&$top=500&$filter=${encodeURIComponent(filterOn('announcements', 'State', 'eq', 'enqueuing'))}`,
    );
    let repaired = 0;
    for (const item of stuck) {
      if (Date.parse(String(item.fields.CreatedAt)) > now.getTime() - this.repairAfterMs) continue;
      const a = announcementOf(item.fields);
      if (!a) continue;
      const { notBefore, targets } = JSON.parse(String(item.fields.Targets ?? '{}')) as {
        notBefore?: string;
        targets?: ChannelTarget[];
      };
      await this.lists.enqueue(a, targets ?? [], notBefore ?? now.toISOString());
      await this.lists.markEnqueued(item);
      repaired++;
    }
    return repaired;
  }

  private async announcement(id: string): Promise<Announcement | null> {
    const have = this.lists.announcements.get(id) ?? (await this.lists.announcements.fetch(id));
    return have ? announcementOf(have.fields) : null;
  }

  /** The newest saved reference of a channel (also one saved from a thread in it). */
  private reference(conversationId: string): string | null {
    let best: { at: string; json: string } | null = null;
    for (const i of this.lists.conversations.mirror.values()) {
      if (i.fields.Kind !== 'channel') continue;
      const id = String(i.fields.ConversationId ?? '');
      if (id !== conversationId && !id.startsWith(`${conversationId};`)) continue;
      const at = String(i.fields.UpdatedAt ?? '');
      if (!best || at > best.at) best = { at, json: String(i.fields.Reference ?? '') };
    }
    return best?.json ?? null;
  }

  async claimDue(
    now: Date,
    limit: number,
    leaseMs: number,
    workerId: string,
  ): Promise<ChannelDelivery[]> {
    await this.repair(now);
    const won = await this.claimItems(now, limit, leaseMs, workerId);
    if (won.length === 0) return [];
    const claimed: ChannelDelivery[] = [];
    // The references as they are now (a bot removed from a channel a moment ago ends as dead).
    await this.lists.conversations.mirror.sync(true);
    for (const item of won) {
      const announcementId = String(item.fields.AnnouncementId);
      const announcement = await this.announcement(announcementId);
      const conversationId = String(item.fields.ConversationId);
      if (!announcement) {
        await this.markDead(Number(item.id), workerId, 'Kunngjøringen finnes ikke');
        continue;
      }
      claimed.push({
        id: Number(item.id),
        idempotencyKey: `${announcementId}|${conversationId}`,
        conversationId,
        attempts: Number(item.fields.Attempts ?? 0),
        announcement,
        referenceJson: this.reference(conversationId),
      });
    }
    return claimed;
  }

  /** Attempt times per channel since `since` (the channel is the rate-limit key). */
  async recentAttempts(since: Date): Promise<{ recipientUserId: string; at: number }[]> {
    await this.lists.deliveries.mirror.sync(true);
    const t = since.getTime();
    const out: { recipientUserId: string; at: number }[] = [];
    for (const i of this.lists.deliveries.mirror.values()) {
      const at = i.fields.LastAttemptAt ? Date.parse(String(i.fields.LastAttemptAt)) : Number.NaN;
      if (at >= t) out.push({ recipientUserId: String(i.fields.ConversationId), at });
    }
    return out.sort((a, b) => a.at - b.at);
  }
}

/** Both halves on one set of lists and mirrors. */
export function sharePointAnnouncements(o: SharePointAnnouncementOptions): {
  store: SharePointAnnouncementStore;
  outbox: SharePointChannelOutbox;
} {
  const lists = new AnnouncementLists(o.graph, o);
  return {
    store: new SharePointAnnouncementStore(lists),
    outbox: new SharePointChannelOutbox(lists, o.repairAfterMs),
  };
}
