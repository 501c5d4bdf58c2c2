import type { Db } from '../store/sqlite/db.ts';
import type { JobLease, LeaseGrant } from './followup.port.ts';

const DDL = `CREATE TABLE IF NOT EXISTS job_leases (
  key TEXT PRIMARY KEY,
  holder TEXT,
  expires_at INTEGER,                 -- epoch ms; NULL when released
  fence INTEGER NOT NULL DEFAULT 0    -- +1 per acquisition
)`;

/**
 * The scheduler lease in the embedded database: one row per job key with a holder and an expiry,
 * taken in one immediate transaction. Several processes sharing one data folder exclude each other
 * exactly like instances sharing a SharePoint site (`SharePointLease`), so the scheduler has one
 * code path in both modes.
 */
export class SqliteJobLease implements JobLease {
  constructor(private readonly db: Db) {
    db.exec(DDL);
  }

  async tryAcquire(
    key: string,
    holder: string,
    now: Date,
    ttlMs: number,
  ): Promise<LeaseGrant | null> {
    const t = now.getTime();
    return this.db
      .transaction((): LeaseGrant | null => {
        const row = this.db
          .prepare('SELECT holder, expires_at, fence FROM job_leases WHERE key = ?')
          .get(key) as
          | { holder: string | null; expires_at: number | null; fence: number }
          | undefined;
        const free = !row || row.holder === null || row.expires_at === null || row.expires_at <= t;
        if (!free && row?.holder !== holder) return null;
        const fence = (row?.fence ?? 0) + 1;
        this.db
          .prepare(
            `INSERT INTO job_leases (key, holder, expires_at, fence) VALUES (?, ?, ?, ?)
           ON CONFLICT (key) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at,
           fence = excluded.fence`,
          )
          .run(key, holder, t + ttlMs, fence);
        return { key, holder, expiresAt: new Date(t + ttlMs), fence };
      })
      .immediate();
  }

  async release(key: string, holder: string): Promise<void> {
    this.db
      .prepare(
        'UPDATE job_leases SET holder = NULL, expires_at = NULL WHERE key = ? AND holder = ?',
      )
      .run(key, holder);
  }
}

export interface LeasedRun<T> {
  /** False when another instance held the lease: the job did not run here. */
  readonly ran: boolean;
  readonly result?: T;
}

export interface LeasedJobOptions {
  readonly lease: JobLease;
  readonly key: string;
  readonly holder: string;
  /** How long a grant lasts; renewed every third of it while the job runs. */
  readonly ttlMs: number;
  readonly clock: () => Date;
  readonly onError?: (message: string, error: unknown) => void;
}

/**
 * Runs `job` only if this instance gets the lease, renewing it while the job runs and giving it up
 * afterwards. A holder that dies leaves the lease to expire after `ttlMs`.
 */
export async function runLeased<T>(
  o: LeasedJobOptions,
  job: () => Promise<T>,
): Promise<LeasedRun<T>> {
  const grant = await o.lease.tryAcquire(o.key, o.holder, o.clock(), o.ttlMs);
  if (!grant) return { ran: false };
  const renew = setInterval(
    () => {
      o.lease
        .tryAcquire(o.key, o.holder, o.clock(), o.ttlMs)
        .then((g) => {
          if (!g) o.onError?.(`Mistet leien ${o.key} under kjøringen`, null);
        })
        .catch((e) => o.onError?.(`Kunne ikke fornye leien ${o.key}`, e));
    },
    Math.max(1000, Math.floor(o.ttlMs / 3)),
  );
  renew.unref();
  try {
    return { ran: true, result: await job() };
  } finally {
    clearInterval(renew);
    await o.lease
      .release(o.key, o.holder)
      .catch((e) => o.onError?.(`Kunne ikke frigi leien ${o.key}`, e));
  }
}
