import { randomUUID } from 'node:crypto';
import { isAdmin } from '../core/access.ts';
import { DomainError, forbidden, notFound } from '../core/errors.ts';
import {
  type Announcement,
  type AnnouncementInput,
  announcementInputSchema,
  type Routine,
} from '../core/followup/index.ts';
import type { User } from '../core/users.ts';
import type { Db } from '../store/sqlite/db.ts';
import type { Channel, ChannelDelivery, OutboxState } from './followup.port.ts';
import type { LeasedOutbox } from './sender.ts';

/** A channel's conversation id without the thread part (`19:…@thread.tacv2;messageid=…`). */
export const baseConversationId = (id: string): string => id.split(';')[0] as string;

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

type AnnouncementData = Omit<Announcement, 'id' | 'kind' | 'createdAt' | 'createdBy'>;

const toAnnouncement = (
  id: string,
  kind: Announcement['kind'],
  data: string,
  createdAt: string,
  createdBy: string,
): Announcement => ({ id, kind, ...(JSON.parse(data) as AnnouncementData), createdAt, createdBy });

/**
 * The channel outbox: one row per announcement and channel (idempotency key UNIQUE), claimed with
 * a lease exactly like the reminder outbox (`SqliteOutbox`), so the same `OutboxSender` sends it
 * with the same per-conversation rate limits, retries and exactly-once guarantees. A claimed item
 * carries the announcement and the channel's current conversation reference.
 */
export class SqliteChannelOutbox implements LeasedOutbox<ChannelDelivery> {
  constructor(private readonly db: Db) {}

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

  async beginAttempt(id: number, workerId: string, at: Date, leaseMs: number): Promise<boolean> {
    const t = at.getTime();
    return (
      this.db
        .prepare(
          `UPDATE followup_channel_outbox SET attempts = attempts + 1, last_attempt_at = ?, lease_until = ?
           WHERE id = ? AND lease_owner = ? AND lease_until > ? AND state = 'pending'`,
        )
        .run(t, t + leaseMs, id, workerId, t).changes > 0
    );
  }

  async markSent(id: number, workerId: string, at: Date): Promise<boolean> {
    return (
      this.db
        .prepare(
          `UPDATE followup_channel_outbox SET state = 'sent', sent_at = ?, lease_owner = NULL,
           lease_until = NULL, last_error = NULL WHERE id = ? AND lease_owner = ? AND state = 'pending'`,
        )
        .run(at.getTime(), id, workerId).changes > 0
    );
  }

  async markFailed(id: number, workerId: string, retryAt: Date, error: string): Promise<boolean> {
    return (
      this.db
        .prepare(
          `UPDATE followup_channel_outbox SET not_before = ?, lease_owner = NULL, lease_until = NULL,
           last_error = ? WHERE id = ? AND lease_owner = ? AND state = 'pending'`,
        )
        .run(retryAt.getTime(), error.slice(0, 1000), id, workerId).changes > 0
    );
  }

  async markDead(id: number, workerId: string, error: string): Promise<boolean> {
    return (
      this.db
        .prepare(
          `UPDATE followup_channel_outbox SET state = 'dead', lease_owner = NULL, lease_until = NULL,
           last_error = ? WHERE id = ? AND lease_owner = ? AND state = 'pending'`,
        )
        .run(error.slice(0, 1000), id, workerId).changes > 0
    );
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

export interface ChannelDeliveryStatus {
  readonly conversationId: string;
  readonly channelName: string | null;
  readonly state: OutboxState;
  readonly attempts: number;
  readonly sentAt: string | null;
  readonly lastError: string | null;
}

export interface AnnouncementView extends Announcement {
  readonly deliveries: readonly ChannelDeliveryStatus[];
  readonly counts: { readonly pending: number; readonly sent: number; readonly dead: number };
}

/**
 * Kontraktservice's announcements to the Teams channels where the bot is installed: validated,
 * stored, and written to the channel outbox (one item per channel) in one transaction.
 */
export class AnnouncementService {
  constructor(
    private readonly db: Db,
    private readonly clock: () => Date,
    private readonly onEnqueued: () => void = () => {},
  ) {}

  private requireAdmin(user: User): void {
    if (!isAdmin(user)) throw forbidden('Bare Kontraktservice kan sende kunngjøringer til kanaler');
  }

  /** Team channels with a saved reference (group chats are not channels and are left out). */
  async channels(user: User): Promise<Channel[]> {
    this.requireAdmin(user);
    return this.installedChannels();
  }

  private installedChannels(): Channel[] {
    const rows = this.db
      .prepare(
        `SELECT conversation_id, reference_json, updated_at FROM conversation_refs
         WHERE kind = 'channel' ORDER BY updated_at DESC`,
      )
      .all() as { conversation_id: string; reference_json: string; updated_at: string }[];
    const byId = new Map<string, Channel>();
    for (const r of rows) {
      let conversation: { conversationType?: unknown; name?: unknown } = {};
      try {
        conversation =
          (JSON.parse(r.reference_json) as { conversation?: typeof conversation }).conversation ??
          {};
      } catch {
        continue;
      }
      if (conversation.conversationType !== 'channel') continue;
      const id = baseConversationId(r.conversation_id);
      if (byId.has(id)) continue;
      byId.set(id, {
        conversationId: id,
        name: typeof conversation.name === 'string' ? conversation.name.slice(0, 200) : null,
        updatedAt: r.updated_at,
      });
    }
    return [...byId.values()];
  }

  /** Posts an announcement to the chosen channels (default: every channel); 201 with its status. */
  async create(user: User, input: unknown): Promise<AnnouncementView> {
    this.requireAdmin(user);
    const parsed = announcementInputSchema.safeParse(input);
    if (!parsed.success) {
      throw new DomainError(
        'validation',
        'Kunngjøringen er ugyldig',
        parsed.error.issues.map((i) => ({
          field: i.path.map(String).join('.'),
          message: i.message,
        })),
      );
    }
    return this.post(user, parsed.data);
  }

  private post(user: User, a: AnnouncementInput): AnnouncementView {
    const installed = this.installedChannels();
    let targets: Channel[];
    if (a.channelIds) {
      const byId = new Map(installed.map((c) => [c.conversationId, c]));
      const issues: { field: string; message: string }[] = [];
      targets = [];
      for (const [i, raw] of a.channelIds.entries()) {
        const c = byId.get(baseConversationId(raw));
        if (!c)
          issues.push({ field: `channelIds.${i}`, message: 'boten er ikke installert i kanalen' });
        else if (!targets.includes(c)) targets.push(c);
      }
      if (issues.length > 0) throw new DomainError('validation', 'Ukjent kanal', issues);
    } else {
      targets = installed;
    }
    if (targets.length === 0) {
      throw new DomainError('validation', 'Boten er ikke installert i noen kanal', [
        { field: 'channelIds', message: 'ingen kanaler å sende til' },
      ]);
    }
    const now = this.clock();
    const at = now.toISOString();
    const announcement: Announcement = {
      id: randomUUID(),
      kind: a.kind,
      title: a.title,
      text: a.text,
      link: a.link ?? null,
      course: a.course ?? null,
      routineId: a.routineId ?? null,
      createdAt: at,
      createdBy: user.id,
    };
    const { id, kind, createdAt, createdBy, ...data } = announcement;
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO followup_announcements (id, kind, data, created_at, created_by) VALUES (?, ?, ?, ?, ?)`,
        )
        .run(id, kind, JSON.stringify(data), createdAt, createdBy);
      const item = this.db.prepare(
        `INSERT INTO followup_channel_outbox (idempotency_key, announcement_id, conversation_id,
         channel_name, not_before, created_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (idempotency_key) DO NOTHING`,
      );
      for (const c of targets)
        item.run(`${id}|${c.conversationId}`, id, c.conversationId, c.name, now.getTime(), at);
    })();
    this.onEnqueued();
    return this.viewOf(announcement);
  }

  /** Announces a routine change (routines API, `announce=true`) to every channel. */
  async announceRoutine(user: User, routine: Routine, text?: string): Promise<AnnouncementView> {
    this.requireAdmin(user);
    const name = routine.name.nb;
    const activities = routine.activities.map((x) => `• ${x.title.nb}`).join('\n');
    const input = {
      kind: 'routine_update',
      title: `Oppdatert rutine: ${name}`.slice(0, 200),
      text: (
        text?.trim() ||
        `Kontraktservice har oppdatert rutinen «${name}» (versjon ${routine.version}).\n\n${activities}`
      ).slice(0, 4000),
      routineId: routine.id,
    };
    return this.create(user, input);
  }

  async list(user: User, limit = 50): Promise<AnnouncementView[]> {
    this.requireAdmin(user);
    const rows = this.db
      .prepare(
        `SELECT id, kind, data, created_at, created_by FROM followup_announcements
         ORDER BY created_at DESC, id DESC LIMIT ?`,
      )
      .all(Math.min(Math.max(limit, 1), 500)) as {
      id: string;
      kind: Announcement['kind'];
      data: string;
      created_at: string;
      created_by: string;
    }[];
    return rows.map((r) =>
      this.viewOf(toAnnouncement(r.id, r.kind, r.data, r.created_at, r.created_by)),
    );
  }

  async get(user: User, id: string): Promise<AnnouncementView> {
    this.requireAdmin(user);
    const r = this.db
      .prepare(
        'SELECT id, kind, data, created_at, created_by FROM followup_announcements WHERE id = ?',
      )
      .get(id) as
      | {
          id: string;
          kind: Announcement['kind'];
          data: string;
          created_at: string;
          created_by: string;
        }
      | undefined;
    if (!r) throw notFound('Kunngjøringen');
    return this.viewOf(toAnnouncement(r.id, r.kind, r.data, r.created_at, r.created_by));
  }

  private viewOf(a: Announcement): AnnouncementView {
    const rows = this.db
      .prepare(
        `SELECT conversation_id, channel_name, state, attempts, sent_at, last_error
         FROM followup_channel_outbox WHERE announcement_id = ? ORDER BY id`,
      )
      .all(a.id) as {
      conversation_id: string;
      channel_name: string | null;
      state: OutboxState;
      attempts: number;
      sent_at: number | null;
      last_error: string | null;
    }[];
    const deliveries = rows.map((r) => ({
      conversationId: r.conversation_id,
      channelName: r.channel_name,
      state: r.state,
      attempts: r.attempts,
      sentAt: r.sent_at === null ? null : new Date(r.sent_at).toISOString(),
      lastError: r.last_error,
    }));
    const count = (s: OutboxState) => deliveries.filter((d) => d.state === s).length;
    return {
      ...a,
      deliveries,
      counts: { pending: count('pending'), sent: count('sent'), dead: count('dead') },
    };
  }
}
