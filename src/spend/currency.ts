/**
 * Exchange rates after the fact: what the rate tables cover, which documents still miss a rate,
 * and re-converting stored documents when rates were added or changed.
 */
import { dateValue } from '@duckdb/node-api';
import { type RatePoint, type RateTable, toNokOre } from '../core/spend/rates.ts';
import { changingSpendData } from './aggregates.ts';
import { shippedRates } from './context.ts';
import type { DuckSpendStore } from './store/duckdb-store.ts';
import { toDays } from './store/row-format.ts';

export interface CurrencyCoverage {
  readonly currency: string;
  readonly from: string;
  readonly to: string;
  /** Days with a rate from any source. */
  readonly days: number;
  /** Rates per source ('shipped', 'norges-bank', 'series-file', 'manual'). */
  readonly sources: Readonly<Record<string, number>>;
}

export interface MissingRates {
  readonly currency: string;
  readonly documents: number;
  readonly from: string;
  readonly to: string;
}

/** Per currency: the period the rates cover and where they came from. */
export async function rateCoverage(store: DuckSpendStore): Promise<CurrencyCoverage[]> {
  const stored = await store.rows<{ c: string; d: string; s: string }>(
    `SELECT currency AS c, strftime(rate_date, '%Y-%m-%d') AS d, source AS s FROM spend_rate`,
  );
  const points: Pick<RatePoint, 'currency' | 'date' | 'source'>[] = [
    ...stored.map((r) => ({ currency: r.c, date: r.d, source: r.s })),
    ...shippedRates(),
  ];
  const by = new Map<string, { dates: Set<string>; sources: Record<string, number> }>();
  for (const p of points) {
    let c = by.get(p.currency);
    if (!c) {
      c = { dates: new Set(), sources: {} };
      by.set(p.currency, c);
    }
    c.dates.add(p.date);
    c.sources[p.source] = (c.sources[p.source] ?? 0) + 1;
  }
  return [...by]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([currency, c]) => {
      const dates = [...c.dates].sort();
      return {
        currency,
        from: dates[0] as string,
        to: dates[dates.length - 1] as string,
        days: dates.length,
        sources: c.sources,
      };
    });
}

/** Documents stored without a NOK value because no rate was in force on their date. */
export async function missingRates(store: DuckSpendStore): Promise<MissingRates[]> {
  const rows = await store.rows<{ c: string; n: bigint; f: string; t: string }>(
    `SELECT currency AS c, count(*) AS n, strftime(min(issue_date), '%Y-%m-%d') AS f,
            strftime(max(issue_date), '%Y-%m-%d') AS t
       FROM spend_document WHERE nok_ore IS NULL GROUP BY 1 ORDER BY 1`,
  );
  return rows.map((r) => ({ currency: r.c, documents: Number(r.n), from: r.f, to: r.t }));
}

/**
 * Gives every document and line in another currency the NOK value at the rate now in force on
 * its date — the rule of the ingest (`RateTable.rateOn`, `toNokOre`) — after rates were added or
 * changed; without a rate it is NULL again. Only documents whose rate changed are written.
 */
export function reconvert(
  store: DuckSpendStore,
  rates: RateTable,
): Promise<{ converted: number; missing: number }> {
  return changingSpendData(store, async () => {
    const docs = await store.rows<{
      id: number;
      c: string;
      d: string;
      m: bigint;
      r: bigint | null;
      rd: string | null;
    }>(
      `SELECT doc_id AS id, currency AS c, strftime(issue_date, '%Y-%m-%d') AS d,
              tax_exclusive_minor AS m, rate_micro AS r, strftime(rate_date, '%Y-%m-%d') AS rd
         FROM spend_document WHERE currency <> 'NOK'`,
    );
    const changed = new Map<number, { currency: string; rate: RatePoint | null }>();
    let missing = 0;
    for (const doc of docs) {
      const rate = rates.rateOn(doc.c, doc.d);
      if (!rate) missing++;
      const same =
        rate === null
          ? doc.r === null
          : doc.r !== null && Number(doc.r) === rate.nokPerUnitMicro && doc.rd === rate.date;
      if (!same) changed.set(Number(doc.id), { currency: doc.c, rate });
    }
    if (changed.size === 0) return { converted: 0, missing };
    const nok = (minor: number, c: { currency: string; rate: RatePoint | null }) =>
      c.rate ? toNokOre(minor, c.currency, c.rate.nokPerUnitMicro) : null;

    await store.run(`CREATE OR REPLACE TEMP TABLE conv_doc (doc_id INTEGER, nok_ore BIGINT,
        rate_micro BIGINT, rate_date DATE)`);
    const docRows = await store.connection.createAppender('conv_doc');
    for (const doc of docs) {
      const c = changed.get(Number(doc.id));
      if (!c) continue;
      const ore = nok(Number(doc.m), c);
      docRows.appendInteger(Number(doc.id));
      if (ore === null || !c.rate) {
        docRows.appendNull();
        docRows.appendNull();
        docRows.appendNull();
      } else {
        docRows.appendBigInt(BigInt(ore));
        docRows.appendBigInt(BigInt(c.rate.nokPerUnitMicro));
        docRows.appendDate(dateValue(toDays(c.rate.date)));
      }
      docRows.endRow();
    }
    docRows.closeSync();
    await store.run(`UPDATE spend_document_data AS d SET nok_ore = c.nok_ore, rate_micro = c.rate_micro,
        rate_date = c.rate_date FROM conv_doc c WHERE d.doc_id = c.doc_id`);

    const lines = await store.rows<{ id: number; n: number; m: bigint }>(
      `SELECT l.doc_id AS id, l.line_no AS n, l.net_minor AS m
         FROM spend_line_data l SEMI JOIN conv_doc c ON c.doc_id = l.doc_id`,
    );
    await store.run(
      'CREATE OR REPLACE TEMP TABLE conv_line (doc_id INTEGER, line_no INTEGER, nok_ore BIGINT)',
    );
    const lineRows = await store.connection.createAppender('conv_line');
    for (const l of lines) {
      // Line amounts are stored signed (credit notes negative); the rounding is symmetric.
      const c = changed.get(Number(l.id)) as { currency: string; rate: RatePoint | null };
      const ore = nok(Number(l.m), c);
      lineRows.appendInteger(Number(l.id));
      lineRows.appendInteger(Number(l.n));
      if (ore === null) lineRows.appendNull();
      else lineRows.appendBigInt(BigInt(ore));
      lineRows.endRow();
    }
    lineRows.closeSync();
    await store.run(`UPDATE spend_line_data AS l SET net_nok_ore = c.nok_ore
        FROM conv_line c WHERE l.doc_id = c.doc_id AND l.line_no = c.line_no`);
    await store.run('DROP TABLE conv_doc');
    await store.run('DROP TABLE conv_line');
    return { converted: changed.size, missing };
  });
}
