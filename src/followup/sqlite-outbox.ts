import type { Db } from '../store/sqlite/db.ts';
import type {
  ConversationRef,
  ConversationRefStore,
  NewNotification,
  Notification,
  OutboxState,
  OutboxStats,
  OutboxStore,
} from './followup.port.ts';
import { SqliteClaims } from './sqlite-claims.ts';

interface OutboxRow {
  id: number;
  idempotency_key: string;
  recipient_user_id: string;
  task_id: string;
  kind: Notification['kind'];
  due_date: string;
  lead_days: number;
  not_before: number;
  state: OutboxState;
  attempts: number;
  last_error: string | null;
  created_at: string;
}

const toNotification = (r: OutboxRow): Notification => ({
  id: r.id,
  idempotencyKey: r.idempotency_key,
  recipientUserId: r.recipient_user_id,
  taskId: r.task_id,
  kind: r.kind,
  dueDate: r.due_date,
  leadDays: r.lead_days,
  notBefore: new Date(r.not_before).toISOString(),
  attempts: r.attempts,
  createdAt: r.created_at,
});

/**
 * The persisted outbox in SQLite. A claim leases rows to one worker and records the attempt time
 * before anything is sent, in one transaction; `markSent` only succeeds for the lease holder.
 */
export class SqliteOutbox extends SqliteClaims implements OutboxStore {
  constructor(
    db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {
    super(db, 'followup_outbox');
  }

  async enqueue(items: readonly NewNotification[]): Promise<number> {
    const stmt = this.db.prepare(
      `INSERT INTO followup_outbox (idempotency_key, recipient_user_id, task_id, kind, due_date, lead_days,
       not_before, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING`,
    );
    const createdAt = this.now().toISOString();
    return this.db.transaction(() => {
      let n = 0;
      for (const i of items) {
        n += stmt.run(
          i.idempotencyKey,
          i.recipientUserId,
          i.taskId,
          i.kind,
          i.dueDate,
          i.leadDays,
          Date.parse(i.notBefore),
          createdAt,
        ).changes;
      }
      return n;
    })();
  }

  async claimDue(
    now: Date,
    limit: number,
    leaseMs: number,
    workerId: string,
  ): Promise<Notification[]> {
    const t = now.getTime();
    return this.db.transaction(() => {
      const rows = this.db
        .prepare(
          `SELECT id FROM followup_outbox WHERE state = 'pending' AND not_before <= ?
           AND (lease_until IS NULL OR lease_until <= ?) ORDER BY not_before, id LIMIT ?`,
        )
        .all(t, t, limit) as { id: number }[];
      const claim = this.db.prepare(
        'UPDATE followup_outbox SET lease_owner = ?, lease_until = ? WHERE id = ? RETURNING *',
      );
      return rows.map((r) => toNotification(claim.get(workerId, t + leaseMs, r.id) as OutboxRow));
    })();
  }

  async recentAttempts(since: Date): Promise<{ recipientUserId: string; at: number }[]> {
    const rows = this.db
      .prepare(
        `SELECT recipient_user_id AS r, last_attempt_at AS a FROM followup_outbox
         WHERE last_attempt_at >= ? ORDER BY last_attempt_at`,
      )
      .all(since.getTime()) as { r: string; a: number }[];
    return rows.map((x) => ({ recipientUserId: x.r, at: x.a }));
  }

  async get(
    id: number,
  ): Promise<(Notification & { state: OutboxState; lastError: string | null }) | null> {
    const r = this.db.prepare('SELECT * FROM followup_outbox WHERE id = ?').get(id) as
      | OutboxRow
      | undefined;
    return r ? { ...toNotification(r), state: r.state, lastError: r.last_error } : null;
  }

  async stats(): Promise<OutboxStats> {
    const rows = this.db
      .prepare('SELECT state, count(*) AS n FROM followup_outbox GROUP BY state')
      .all() as { state: OutboxState; n: number }[];
    const of = (s: OutboxState) => rows.find((r) => r.state === s)?.n ?? 0;
    return { pending: of('pending'), sent: of('sent'), dead: of('dead') };
  }
}

export class SqliteConversationRefs implements ConversationRefStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async save(ref: Omit<ConversationRef, 'updatedAt'>): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO conversation_refs (user_id, conversation_id, reference_json, kind, updated_at)
         VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id, conversation_id) DO UPDATE SET
         reference_json = excluded.reference_json, kind = excluded.kind, updated_at = excluded.updated_at`,
      )
      .run(ref.userId, ref.conversationId, ref.referenceJson, ref.kind, this.now().toISOString());
  }

  async get(
    userId: string,
    kind: 'personal' | 'channel' = 'personal',
  ): Promise<ConversationRef | null> {
    const r = this.db
      .prepare(
        `SELECT user_id, conversation_id, reference_json, kind, updated_at FROM conversation_refs
         WHERE user_id = ? AND kind = ? ORDER BY updated_at DESC LIMIT 1`,
      )
      .get(userId, kind) as
      | {
          user_id: string;
          conversation_id: string;
          reference_json: string;
          kind: 'personal' | 'channel';
          updated_at: string;
        }
      | undefined;
    return r
      ? {
          userId: r.user_id,
          conversationId: r.conversation_id,
          referenceJson: r.reference_json,
          kind: r.kind,
          updatedAt: r.updated_at,
        }
      : null;
  }

  async remove(userId: string, conversationId: string): Promise<void> {
    this.db
      .prepare('DELETE FROM conversation_refs WHERE user_id = ? AND conversation_id = ?')
      .run(userId, conversationId);
  }
}
