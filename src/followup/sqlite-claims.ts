import type { Db } from '../store/sqlite/db.ts';

/**
 * The lease transitions of an outbox table in SQLite (`followup_outbox`, `followup_channel_outbox`):
 * every change after the claim is made only by the worker holding the pending row, so a delivery
 * another worker has taken over (its lease ran out) is never marked by the first.
 */
export class SqliteClaims {
  constructor(
    protected readonly db: Db,
    private readonly table: 'followup_outbox' | 'followup_channel_outbox',
  ) {}

  /** Counts an attempt and extends the lease, if the lease is still live at `at`. */
  async beginAttempt(id: number, workerId: string, at: Date, leaseMs: number): Promise<boolean> {
    const t = at.getTime();
    return (
      this.db
        .prepare(
          `UPDATE ${this.table} SET attempts = attempts + 1, last_attempt_at = ?, lease_until = ?
           WHERE id = ? AND lease_owner = ? AND lease_until > ? AND state = 'pending'`,
        )
        .run(t, t + leaseMs, id, workerId, t).changes > 0
    );
  }

  async markSent(id: number, workerId: string, at: Date): Promise<boolean> {
    return (
      this.db
        .prepare(
          `UPDATE ${this.table} SET state = 'sent', sent_at = ?, lease_owner = NULL, lease_until = NULL,
           last_error = NULL WHERE id = ? AND lease_owner = ? AND state = 'pending'`,
        )
        .run(at.getTime(), id, workerId).changes > 0
    );
  }

  async markFailed(id: number, workerId: string, retryAt: Date, error: string): Promise<boolean> {
    return (
      this.db
        .prepare(
          `UPDATE ${this.table} SET not_before = ?, lease_owner = NULL, lease_until = NULL, last_error = ?
           WHERE id = ? AND lease_owner = ? AND state = 'pending'`,
        )
        .run(retryAt.getTime(), error.slice(0, 1000), id, workerId).changes > 0
    );
  }

  async markDead(id: number, workerId: string, error: string): Promise<boolean> {
    return (
      this.db
        .prepare(
          `UPDATE ${this.table} SET state = 'dead', lease_owner = NULL, lease_until = NULL, last_error = ?
           WHERE id = ? AND lease_owner = ? AND state = 'pending'`,
        )
        .run(error.slice(0, 1000), id, workerId).changes > 0
    );
  }
}
