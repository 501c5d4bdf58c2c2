import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

export type Db = Database.Database;

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

/** Opens (and creates) the SQLite file in WAL mode and applies the numbered migrations. */
export function openDatabase(file: string): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

/**
 * Applies every migration file not yet recorded in `schema_migrations`, in number order, each in a
 * transaction. Recording names (not only the highest number) means a migration that lands after a
 * higher-numbered one is still applied. `PRAGMA user_version` mirrors the highest number applied.
 */
export function migrate(db: Db, dir = MIGRATIONS_DIR): number {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)',
  );
  const recorded = db.prepare('SELECT count(*) AS n FROM schema_migrations').get() as { n: number };
  const legacyVersion = db.pragma('user_version', { simple: true }) as number;
  if (recorded.n === 0 && legacyVersion > 0) {
    // A database from before names were recorded: what its user_version covers was applied.
    const insert = db.prepare('INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)');
    for (const file of readdirSync(dir).filter((f) => /^\d{3}_/.test(f))) {
      if (Number(file.slice(0, 3)) <= legacyVersion) insert.run(file, new Date().toISOString());
    }
  }
  const applied = new Set(
    (db.prepare('SELECT name FROM schema_migrations').all() as { name: string }[]).map(
      (r) => r.name,
    ),
  );
  const files = readdirSync(dir)
    .filter((f) => /^\d{3}_[\w-]+\.sql$/.test(f))
    .sort();
  let version = db.pragma('user_version', { simple: true }) as number;
  for (const file of files) {
    if (applied.has(file)) continue;
    const sql = readFileSync(join(dir, file), 'utf8');
    version = Math.max(version, Number(file.slice(0, 3)));
    db.transaction(() => {
      db.exec(sql);
      db.prepare('INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)').run(
        file,
        new Date().toISOString(),
      );
      db.pragma(`user_version = ${version}`);
    })();
  }
  return version;
}
