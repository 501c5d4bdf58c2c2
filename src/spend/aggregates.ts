/**
 * Pre-aggregated tables the three reports read instead of millions of invoice lines:
 *
 * - `spend_agg_turnover`: NOK per agreement, month, unit and supplier (matched lines);
 * - `spend_agg_leakage`: NOK per class, CPV, related agreement, unit and invoice date;
 * - `spend_agg_price`: per agreement, supplier, item, currency, invoiced unit price and allowed
 *   price: the number of lines and the sum of each line's own over-payment (rounded per line,
 *   exactly as the line-level check does). Within one row every line has the same invoiced and
 *   allowed price, so whether its lines deviate at a tolerance is decided per row: the report stays
 *   exact to the øre for any tolerance;
 * - `spend_agg_supplier`: per supplier and update, the latest invoice date and the name on it; the
 *   reports name a supplier after the latest of its rows (`supplierNames`), without reading every
 *   document.
 *
 * Every aggregate is additive, so new lines (document numbers above the watermark) are appended as
 * extra rows and the reports sum them; a change to existing lines (re-matching) or to the allowed
 * prices marks the tables stale and the next use rebuilds them. Updates are serialised per store.
 */
import { PRICE_CHECK_SQL } from './price-check-sql.ts';
import type { DuckSpendStore } from './store/duckdb-store.ts';

const fill = (docFilter: string) => [
  `INSERT INTO spend_agg_turnover
     SELECT agreement_id, (year(issue_date) * 100 + month(issue_date))::INTEGER, unit, supplier_key,
            sum(net_nok_ore)
       FROM spend_line l
      WHERE agreement_id IS NOT NULL AND net_nok_ore IS NOT NULL AND ${docFilter}
      GROUP BY ALL`,
  `INSERT INTO spend_agg_leakage
     SELECT coalesce(unmatched_class, 'matched'), cpv, related_agreement_id, unit, issue_date,
            sum(net_nok_ore)
       FROM spend_line l
      WHERE net_nok_ore IS NOT NULL AND ${docFilter}
      GROUP BY ALL`,
  `INSERT INTO spend_agg_price
     SELECT agreement_id, supplier_key, item, currency, unit_price_micro, allowed_micro, count(*),
            sum(CASE WHEN unit_price_micro > allowed_micro
                     THEN ((unit_price_micro - allowed_micro)::HUGEINT * qty_base_micro + 5000000000)
                          // 10000000000
                     ELSE 0 END)
       FROM (${PRICE_CHECK_SQL(0, docFilter)})
      GROUP BY ALL`,
  `INSERT INTO spend_agg_supplier
     SELECT supplier_key, max(issue_date), arg_max(supplier_name, issue_date)
       FROM spend_document l
      WHERE supplier_name IS NOT NULL AND ${docFilter}
      GROUP BY 1`,
];

const locks = new WeakMap<DuckSpendStore, Promise<unknown>>();
const ingests = new WeakMap<DuckSpendStore, number>();

/**
 * Runs an ingest: while it writes, the aggregates are not updated (its chunks commit in an order
 * that does not follow the document numbers, so a watermark taken half-way could skip lines);
 * reports meanwhile read the aggregates as of the last update.
 */
export async function whileIngesting<T>(store: DuckSpendStore, fn: () => Promise<T>): Promise<T> {
  ingests.set(store, (ingests.get(store) ?? 0) + 1);
  try {
    return await fn();
  } finally {
    ingests.set(store, (ingests.get(store) ?? 1) - 1);
  }
}

/**
 * Runs `fn` after every earlier aggregate update of this store has finished, with the store's
 * connection to itself (other requests' statements wait instead of running inside its transaction).
 */
function serialised<T>(store: DuckSpendStore, fn: () => Promise<T>): Promise<T> {
  const previous = locks.get(store) ?? Promise.resolve();
  const run = () => store.exclusively(fn);
  const next = previous.then(run, run);
  locks.set(
    store,
    next.catch(() => {}),
  );
  return next;
}

/**
 * Runs `fn` in one transaction on the store's connection, after every earlier aggregate update
 * (they share the connection, so their transactions must not interleave).
 */
export function inTransaction<T>(store: DuckSpendStore, fn: () => Promise<T>): Promise<T> {
  return serialised(store, () => transaction(store, fn));
}

async function transaction<T>(store: DuckSpendStore, fn: () => Promise<T>): Promise<T> {
  await store.run('BEGIN TRANSACTION');
  try {
    const result = await fn();
    await store.run('COMMIT');
    return result;
  } catch (e) {
    await store.run('ROLLBACK');
    throw e;
  }
}

/**
 * `inTransaction` for changes to stored documents or lines: the aggregates become stale with them.
 * Segments are absorbed first (in the same turn), since only the tables can be updated.
 */
export function changingSpendData<T>(store: DuckSpendStore, fn: () => Promise<T>): Promise<T> {
  return serialised(store, async () => {
    await store.absorbSegments();
    return transaction(store, async () => {
      const result = await fn();
      await store.run('INSERT OR REPLACE INTO spend_agg_state VALUES (1, 0, true)');
      return result;
    });
  });
}

export interface AggregateUpdate {
  readonly mode: 'none' | 'append' | 'rebuild' | 'deferred';
  readonly seconds: number;
}

/**
 * Brings the aggregates up to date: appends the lines of documents above the watermark, or rebuilds
 * everything when they are stale (or new). Called by every report, and after ingest and refresh.
 */
export function ensureAggregates(store: DuckSpendStore): Promise<AggregateUpdate> {
  return serialised(store, async () => {
    if ((ingests.get(store) ?? 0) > 0) return { mode: 'deferred', seconds: 0 };
    const started = performance.now();
    const [state] = await store.rows<{ upto: bigint | number; stale: boolean }>(
      'SELECT upto_doc_id AS upto, stale FROM spend_agg_state WHERE id = 1',
    );
    // Documents and their lines are committed together; lines of a document removed as a
    // duplicate may wait in a segment, but never under a number a stored document has.
    const [max] = await store.rows<{ m: number | null }>(
      'SELECT max(doc_id) AS m FROM spend_document',
    );
    const top = Number(max?.m ?? 0);
    const rebuild = !state || state.stale;
    const from = rebuild ? 0 : Number(state.upto);
    if (!rebuild && top <= from) return { mode: 'none', seconds: 0 };
    await store.run('BEGIN TRANSACTION');
    try {
      if (rebuild) {
        await store.run('DELETE FROM spend_agg_turnover');
        await store.run('DELETE FROM spend_agg_leakage');
        await store.run('DELETE FROM spend_agg_price');
        await store.run('DELETE FROM spend_agg_supplier');
      }
      const docFilter = rebuild ? 'TRUE' : `l.doc_id > ${from} AND l.doc_id <= ${top}`;
      for (const sql of fill(docFilter)) await store.run(sql);
      await store.run(`INSERT OR REPLACE INTO spend_agg_state VALUES (1, ${top}, false)`);
      await store.run('COMMIT');
    } catch (e) {
      await store.run('ROLLBACK');
      throw e;
    }
    return {
      mode: rebuild ? 'rebuild' : 'append',
      seconds: (performance.now() - started) / 1000,
    };
  });
}

/** After existing lines or the allowed prices changed: the next use rebuilds the aggregates. */
export function markAggregatesStale(store: DuckSpendStore): Promise<void> {
  return serialised(store, async () => {
    await store.run('INSERT OR REPLACE INTO spend_agg_state VALUES (1, 0, true)');
  });
}
