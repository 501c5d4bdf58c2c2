import type { Statement } from 'better-sqlite3';
import type { Db } from './db.ts';

/**
 * Recent search results, kept while the register is unchanged. This connection's own writes call
 * `invalidate()`; commits by any other connection (a CLI import while the server runs) change
 * SQLite's `data_version`. Least recently used entries go first.
 */
export class SearchCache<T> {
  private readonly entries = new Map<string, T>();
  private readonly dataVersion: Statement<unknown[]>;
  private generation = 0;
  private stamp = '';

  constructor(
    db: Db,
    private readonly max = 500,
  ) {
    this.dataVersion = db.prepare('PRAGMA data_version').pluck();
  }

  invalidate(): void {
    this.generation++;
  }

  get(key: string, compute: () => T): T {
    const stamp = `${this.generation}:${this.dataVersion.get()}`;
    if (stamp !== this.stamp) {
      this.entries.clear();
      this.stamp = stamp;
    }
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const value = compute();
    this.entries.set(key, value);
    if (this.entries.size > this.max) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
    return value;
  }
}
