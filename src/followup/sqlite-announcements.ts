import type { Announcement } from '../core/followup/index.ts';
import type { Db } from '../store/sqlite/db.ts';
import {
  type AnnouncementStore,
  announcementData,
  type ChannelDeliveryStatus,
  type ChannelRefRow,
  type ChannelTarget,
  toAnnouncement,
} from './announcement-store.port.ts';
import type { ChannelDelivery, OutboxState } from './followup.port.ts';
import type { LeasedOutbox } from './sender.ts';
import { SqliteClaims } from './sqlite-claims.ts';

interface AnnouncementRow {
  id: string;
  kind: Announcement['kind'];
  data: string;
  created_at: string;
  created_by: string;
}

/** Announcements in the embedded database (`followup_announcements`, migration 004). */
export class SqliteAnnouncementStore implements AnnouncementStore {
  constructor(private readonly db: Db) {}

  async channelRefs(): Promise<ChannelRefRow[]> {
    const rows = this.db
      .prepare(
        `SELECT conversation_id, reference_json, updated_at FROM conversation_refs
         WHERE kind = 'channel' ORDER BY updated_at DESC`,
      )
      .all() as { conversation_id: string; reference_json: string; updated_at: string }[];
    return rows.map((r) => ({
      conversationId: r.conversation_id,
      referenceJson: r.reference_json,
      updatedAt: r.updated_at,
    }));
  }

  async create(a: Announcement, targets: readonly ChannelTarget[], now: Date): Promise<void> {
    const at = now.toISOString();
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO followup_announcements (id, kind, data, created_at, created_by) VALUES (?, ?, ?, ?, ?)`,
        )
        .run(a.id, a.kind, announcementData(a), a.createdAt, a.createdBy);
      const item = this.db.prepare(
        `INSERT INTO followup_channel_outbox (idempotency_key, announcement_id, conversation_id,
         channel_name, not_before, created_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (idempotency_key) DO NOTHING`,
      );
      for (const c of targets)
        item.run(`${a.id}|${c.conversationId}`, a.id, c.conversationId, c.name, now.getTime(), at);
    })();
  }

  async list(limit: number): Promise<Announcement[]> {
    const rows = this.db
      .prepare(
        `SELECT id, kind, data, created_at, created_by FROM followup_announcements
         ORDER BY created_at DESC, id DESC LIMIT ?`,
      )
      .all(Math.min(Math.max(limit, 1), 500)) as AnnouncementRow[];
    return rows.map((r) => toAnnouncement(r.id, r.kind, r.data, r.created_at, r.created_by));
  }

  async get(id: string): Promise<Announcement | null> {
    const r = this.db
      .prepare(
        'SELECT id, kind, data, created_at, created_by FROM followup_announcements WHERE id = ?',
      )
      .get(id) as AnnouncementRow | undefined;
    return r ? toAnnouncement(r.id, r.kind, r.data, r.created_at, r.created_by) : null;
  }

  async deliveries(ids: readonly string[]): Promise<Map<string, ChannelDeliveryStatus[]>> {
    const read = this.db.prepare(
      `SELECT conversation_id, channel_name, state, attempts, sent_at, last_error
       FROM followup_channel_outbox WHERE announcement_id = ? ORDER BY id`,
    );
    const out = new Map<string, ChannelDeliveryStatus[]>();
    for (const id of ids) {
      const rows = read.all(id) as {
        conversation_id: string;
        channel_name: string | null;
        state: OutboxState;
        attempts: number;
        sent_at: number | null;
        last_error: string | null;
      }[];
      out.set(
        id,
        rows.map((r) => ({
          conversationId: r.conversation_id,
          channelName: r.channel_name,
          state: r.state,
          attempts: r.attempts,
          sentAt: r.sent_at === null ? null : new Date(r.sent_at).toISOString(),
          lastError: r.last_error,
        })),
      );
    }
    return out;
  }
}

interface ChannelRow {
  id: number;
  idempotency_key: string;
  conversation_id: string;
  attempts: number;
  a_id: string;
  a_kind: Announcement['kind'];
  a_data: string;
  a_created_at: string;
  a_created_by: string;
  reference_json: string | null;
}

/**
 * The channel outbox: one row per announcement and channel (idempotency key UNIQUE), claimed with
 * a lease exactly like the reminder outbox (`SqliteOutbox`), so the same `OutboxSender` sends it
 * with the same per-conversation rate limits, retries and exactly-once guarantees. A claimed item
 * carries the announcement and the channel's current conversation reference.
 */
export class SqliteChannelOutbox extends SqliteClaims implements LeasedOutbox<ChannelDelivery> {
  constructor(db: Db) {
    super(db, 'followup_channel_outbox');
  }

  async claimDue(
    now: Date,
    limit: number,
    leaseMs: number,
    workerId: string,
  ): Promise<ChannelDelivery[]> {
    const t = now.getTime();
    return this.db.transaction(() => {
      const ids = this.db
        .prepare(
          `SELECT id FROM followup_channel_outbox WHERE state = 'pending' AND not_before <= ?
           AND (lease_until IS NULL OR lease_until <= ?) ORDER BY not_before, id LIMIT ?`,
        )
        .pluck()
        .all(t, t, limit) as number[];
      const claim = this.db.prepare(
        'UPDATE followup_channel_outbox SET lease_owner = ?, lease_until = ? WHERE id = ?',
      );
      const read = this.db.prepare(
        `SELECT o.id, o.idempotency_key, o.conversation_id, o.attempts, a.id AS a_id, a.kind AS a_kind,
           a.data AS a_data, a.created_at AS a_created_at, a.created_by AS a_created_by,
           (SELECT r.reference_json FROM conversation_refs r WHERE r.kind = 'channel'
              AND (r.conversation_id = o.conversation_id OR substr(r.conversation_id, 1, length(o.conversation_id) + 1) = o.conversation_id || ';')
              ORDER BY r.updated_at DESC LIMIT 1) AS reference_json
         FROM followup_channel_outbox o JOIN followup_announcements a ON a.id = o.announcement_id
         WHERE o.id = ?`,
      );
      return ids.map((id) => {
        claim.run(workerId, t + leaseMs, id);
        const r = read.get(id) as ChannelRow;
        return {
          id: r.id,
          idempotencyKey: r.idempotency_key,
          conversationId: r.conversation_id,
          attempts: r.attempts,
          announcement: toAnnouncement(r.a_id, r.a_kind, r.a_data, r.a_created_at, r.a_created_by),
          referenceJson: r.reference_json,
        };
      });
    })();
  }

  /** Attempt times per channel (`recipientUserId` is the channel's conversation id: the rate-limit key). */
  async recentAttempts(since: Date): Promise<{ recipientUserId: string; at: number }[]> {
    const rows = this.db
      .prepare(
        `SELECT conversation_id AS r, last_attempt_at AS a FROM followup_channel_outbox
         WHERE last_attempt_at >= ? ORDER BY last_attempt_at`,
      )
      .all(since.getTime()) as { r: string; a: number }[];
    return rows.map((x) => ({ recipientUserId: x.r, at: x.a }));
  }
}
