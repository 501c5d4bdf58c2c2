/**
 * The reports read pre-aggregated tables appended after each ingest and rebuilt when stale: they
 * must give exactly what the invoice lines give, at any tolerance, after appends, re-matching and
 * duplicates within one run.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Contract } from '../../src/core/contract.ts';
import { ensureAggregates, whileIngesting } from '../../src/spend/aggregates.ts';
import { savePriceList } from '../../src/spend/context.ts';
import { PRICE_CHECK_SQL } from '../../src/spend/price-check-sql.ts';
import { lineDrilldown } from '../../src/spend/reports.ts';
import { SpendService } from '../../src/spend/service.ts';
import { generateYear, toEhfXml } from '../../src/spend/synthetic.ts';

const contractsOf = (list: Contract[]) => ({
  async *all() {
    yield* list;
  },
});

async function* files(docs: ReturnType<typeof generateYear>['documents']) {
  for (const d of docs) {
    const bytes = Buffer.from(toEhfXml(d));
    yield { name: `${d.number}.xml`, sourceBytes: bytes.length, bytes };
  }
}

async function rawOverpaid(spend: SpendService, tol: number): Promise<Record<string, number>> {
  const rows = await spend.store.rows<{ a: string; o: bigint }>(
    `SELECT agreement_id AS a, sum(over_minor)::BIGINT AS o FROM (${PRICE_CHECK_SQL(tol)})
      WHERE currency = 'NOK' GROUP BY 1 HAVING sum(over_minor) > 0`,
  );
  return Object.fromEntries(rows.map((r) => [r.a, Number(r.o)]));
}

async function rawTurnover(spend: SpendService, from?: string, to?: string) {
  const rows = await spend.store.rows<{ a: string; o: bigint }>(
    `SELECT agreement_id AS a, sum(net_nok_ore)::BIGINT AS o FROM spend_line
      WHERE agreement_id IS NOT NULL AND net_nok_ore IS NOT NULL
        AND issue_date >= CAST($from AS DATE) AND issue_date <= CAST($to AS DATE)
      GROUP BY 1`,
    { from: from ?? '1900-01-01', to: to ?? '2999-12-31' },
  );
  return Object.fromEntries(rows.map((r) => [r.a, Number(r.o)]));
}

type Year = ReturnType<typeof generateYear>;

/** A store with the year's agreements, price index and price lists, ready for its invoices. */
async function openWithPrices(y: Year): Promise<SpendService> {
  const spend = await SpendService.open({
    file: ':memory:',
    contracts: contractsOf(y.contracts),
    clock: () => new Date('2024-12-31T12:00:00Z'),
  });
  for (const [period, v] of y.index.values)
    await spend.store.run(
      `INSERT INTO spend_index_value VALUES ('${y.index.name}', '${period}', ${v}, 'test')`,
    );
  await spend.refreshAgreements();
  await savePriceList(spend.store, y.priceLists);
  await spend.refreshPrices();
  return spend;
}

/** The leakage report finds exactly the planted amounts over four years. */
async function assertPlantedLeakage(spend: SpendService, y: Year): Promise<void> {
  const leakage = await spend.leakage({ today: '2024-12-31' });
  const cls = Object.fromEntries(leakage.byClass.map((c) => [c.unmatchedClass, c.last4YearsOre]));
  assert.equal(cls.other_supplier_in_category, y.truth.otherSupplierOre);
  assert.equal(cls.no_agreement, y.truth.noAgreementOre);
  assert.equal(leakage.matchedOre, y.truth.matchedOre);
}

/** Turnover per agreement from the aggregates equals the sum of the lines. */
async function assertTurnoverIsTheLines(spend: SpendService): Promise<void> {
  const turnover = await spend.turnover();
  assert.deepEqual(
    Object.fromEntries(
      turnover.agreements
        .filter((a) => a.turnoverOre !== 0)
        .map((a) => [a.agreementId, a.turnoverOre]),
    ),
    await rawTurnover(spend),
  );
}

describe('pre-aggregated report tables', () => {
  it('appended in parts, rebuilt when stale: always exactly what the lines give', async () => {
    const y = generateYear({ invoices: 500, seed: 13 });
    const spend = await openWithPrices(y);
    try {
      // Three ingests, a report after each (each appends to the aggregates); the last part repeats
      // 40 documents of the first, within the same run (duplicates removed from written chunks).
      const parts = [y.documents.slice(0, 150), y.documents.slice(150, 320)];
      parts.push([...y.documents.slice(320), ...y.documents.slice(0, 40)]);
      let duplicates = 0;
      for (const part of parts) {
        const r = await spend.ingest(files(part), { workers: 2 });
        duplicates += r.summary.duplicates;
        await spend.priceControl();
        await spend.turnover();
      }
      assert.equal(duplicates, 40);
      const [count] = await spend.store.rows<{ n: bigint }>('SELECT count(*) AS n FROM spend_line');
      assert.equal(Number(count?.n), y.truth.lines);

      for (const tol of [0, 50, 100, 1000]) {
        const report = await spend.priceControl({ toleranceBp: tol });
        const byAgreement = Object.fromEntries(
          report.byAgreement
            .filter((a) => a.currency === 'NOK')
            .map((a) => [a.agreementId, a.overpaidMinor]),
        );
        assert.deepEqual(byAgreement, await rawOverpaid(spend, tol), `tolerance ${tol}`);
      }
      const p0 = await spend.priceControl({ toleranceBp: 0 });
      assert.equal(p0.totalOverpaidMinor.NOK, y.truth.overpaidOre);
      assert.equal(p0.deviatingLines, y.truth.deviatingLines);

      await assertTurnoverIsTheLines(spend);
      // Whole months come from the monthly table, a mid-month period from the lines: both exact.
      for (const [from, to] of [
        ['2024-03-01', '2024-06-30'],
        ['2024-03-15', '2024-06-10'],
      ] as const) {
        const t = await spend.turnover({ from, to });
        assert.deepEqual(
          Object.fromEntries(
            t.agreements
              .filter((a) => a.turnoverOre !== 0)
              .map((a) => [a.agreementId, a.turnoverOre]),
          ),
          await rawTurnover(spend, from, to),
          `${from}..${to}`,
        );
      }

      await assertPlantedLeakage(spend, y);

      // Re-matching marks the tables stale: the next report rebuilds them, with the same result.
      await spend.refresh();
      assert.equal((await ensureAggregates(spend.store)).mode, 'rebuild');
      assert.equal((await ensureAggregates(spend.store)).mode, 'none');
      const again = await spend.priceControl({ toleranceBp: 0 });
      assert.deepEqual(again, p0);
    } finally {
      spend.close();
    }
  });

  it('a re-match beside ingests and reports: no request fails, every total exact', async () => {
    // The re-match reads the match keys, fills a temporary table through an appender and updates
    // the lines: one transaction that other requests on the connection must wait for.
    const y = generateYear({ invoices: 300, seed: 29 });
    const spend = await openWithPrices(y);
    try {
      const parts = [0, 1, 2, 3, 4, 5].map((i) => y.documents.slice(i * 50, i * 50 + 50));
      for (const part of parts) {
        const settled = await Promise.allSettled([
          spend.ingest(files(part), { workers: 1 }),
          spend.refresh(),
          spend.leakage({ today: '2024-12-31' }),
          spend.refresh(),
          spend.turnover(),
        ]);
        const failed = settled.filter((s) => s.status === 'rejected');
        assert.deepEqual(failed, []);
      }
      await assertPlantedLeakage(spend, y);
      await assertTurnoverIsTheLines(spend);
    } finally {
      spend.close();
    }
  });

  it('name the suppliers after their latest invoice: turnover, price control, drill-down', async () => {
    const y = generateYear({ invoices: 200, seed: 31 });
    // One supplier renamed itself on its latest invoice(s).
    const key = y.documents.find((d) => d.contractReference)?.supplierKey as string;
    const own = y.documents.filter((d) => d.supplierKey === key);
    const latest = own
      .map((d) => d.issueDate)
      .sort()
      .at(-1) as string;
    const docs = y.documents.map((d) =>
      d.supplierKey === key && d.issueDate === latest ? { ...d, supplierName: 'Nytt Navn' } : d,
    );
    const spend = await openWithPrices(y);
    try {
      await spend.ingest(files(docs), { workers: 1 });

      const turnover = await spend.turnover();
      assert.ok(turnover.bySupplier.length > 1);
      assert.equal(turnover.supplierNames[key], 'Nytt Navn');
      for (const b of turnover.bySupplier)
        assert.equal(
          turnover.supplierNames[b.key],
          b.key === key ? 'Nytt Navn' : `Leverandør ${b.key}`,
        );
      const prices = await spend.priceControl();
      assert.ok(prices.bySupplier.length > 0);
      for (const r of prices.bySupplier) {
        const k = r.supplierKey as string;
        assert.equal(prices.supplierNames[k], k === key ? 'Nytt Navn' : `Leverandør ${k}`);
      }
      // Items by their price list's description (item number first, then GTIN).
      assert.ok(prices.byItem.length > 0);
      for (const r of prices.byItem) {
        const listed = y.priceLists.find(
          (p) => p.agreementId === r.agreementId && (p.itemNumber === r.item || p.gtin === r.item),
        );
        assert.equal(prices.itemNames[`${r.agreementId}|${r.item}`], listed?.description);
      }
      // Each line keeps the name on its own invoice.
      const lines = await lineDrilldown(spend.store, { supplierKey: key, limit: 5000 });
      assert.equal(
        lines.filter((l) => l.supplier_name === 'Nytt Navn').length,
        docs
          .filter((d) => d.supplierKey === key && d.issueDate === latest)
          .reduce((n, d) => n + d.lines.length, 0),
      );
      assert.ok(lines.some((l) => l.supplier_name === `Leverandør ${key}`));
    } finally {
      spend.close();
    }
  });

  it('keep the latest supplier name across appends, a late older invoice and a rebuild', async () => {
    const y = generateYear({ invoices: 200, seed: 37 });
    const key = y.documents.find((d) => d.contractReference)?.supplierKey as string;
    const own = y.documents.filter((d) => d.supplierKey === key);
    const dates = own.map((d) => d.issueDate).sort();
    const latest = dates.at(-1) as string;
    const first = y.documents.filter((d) => !(d.supplierKey === key && d.issueDate === latest));
    const renamed = y.documents
      .filter((d) => d.supplierKey === key && d.issueDate === latest)
      .map((d) => ({ ...d, supplierName: 'Nytt Navn' }));
    // An invoice dated before the renaming, arriving after it, with the name of old.
    const late = {
      ...(own[0] as Year['documents'][number]),
      number: 'SEN-1',
      supplierName: 'Gammelt Navn',
    };
    assert.ok(late.issueDate < latest);
    const spend = await openWithPrices(y);
    const name = async () => (await spend.turnover()).supplierNames[key];
    try {
      await spend.ingest(files(first), { workers: 1 });
      assert.equal(await name(), `Leverandør ${key}`);
      await spend.ingest(files(renamed), { workers: 1 });
      // Added to the aggregates by appending, not by a rebuild.
      assert.equal((await ensureAggregates(spend.store)).mode, 'append');
      assert.equal(await name(), 'Nytt Navn');
      await spend.ingest(files([late]), { workers: 1 });
      assert.equal(await name(), 'Nytt Navn');
      // A store from before the names were aggregated is rebuilt once when opened.
      await spend.store.run('DELETE FROM spend_agg_supplier');
      await spend.store.run('UPDATE spend_agg_state SET stale = true');
      assert.equal(await name(), 'Nytt Navn');
      const [rows] = await spend.store.rows<{ n: bigint }>(
        'SELECT count(*) AS n FROM spend_agg_supplier WHERE supplier_key = $k',
        { k: key },
      );
      assert.equal(Number(rows?.n), 1, 'one row per supplier after a rebuild');
    } finally {
      spend.close();
    }
  });

  it('are not updated half-way through an ingest (its chunks commit out of document order)', async () => {
    const spend = await SpendService.open({ file: ':memory:', contracts: contractsOf([]) });
    try {
      await ensureAggregates(spend.store);
      const mode = await whileIngesting(spend.store, () => ensureAggregates(spend.store));
      assert.equal(mode.mode, 'deferred');
    } finally {
      spend.close();
    }
  });
});
