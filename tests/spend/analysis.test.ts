import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import type { Contract } from '../../src/core/contract.ts';
import { parseScaled } from '../../src/core/spend/decimal.ts';
import {
  AgreementMatcher,
  agreementFromContract,
  cpvPrefix,
} from '../../src/core/spend/matching.ts';
import { allowedPrices, invoicedUnitPrice, overpaymentOre } from '../../src/core/spend/pricing.ts';
import { RateTable, toNokOre } from '../../src/core/spend/rates.ts';
import { priceControlWorkbook, turnoverWorkbook } from '../../src/spend/excel.ts';
import { DEFAULT_LEDGER_MAPPING } from '../../src/spend/ledger.ts';
import { NorgesBankRates } from '../../src/spend/rates/norges-bank.ts';
import { SpendService } from '../../src/spend/service.ts';
import { generateYear, toEhfXml } from '../../src/spend/synthetic.ts';

const contractsOf = (list: Contract[]) => ({
  async *all() {
    yield* list;
  },
});

async function* docsAsFiles(docs: ReturnType<typeof generateYear>['documents']) {
  for (const d of docs) {
    const bytes = Buffer.from(toEhfXml(d));
    yield { name: `${d.number}.xml`, sourceBytes: bytes.length, bytes };
  }
}

describe('decimals and rates', () => {
  it('parses amounts exactly and refuses precision loss', () => {
    assert.equal(parseScaled('1436.5', 2), 143650);
    assert.equal(parseScaled('-3.96', 2), -396);
    assert.equal(parseScaled('0.1', 2), 10);
    assert.equal(parseScaled('1.005', 2), null);
    assert.equal(parseScaled('1.000', 2), 100);
    assert.equal(parseScaled('1e3', 2), null);
    assert.equal(parseScaled('99999999999999999', 2), null);
  });

  it('converts to NOK with the rate in force (previous business day), half away from zero', () => {
    const t = new RateTable([
      { currency: 'EUR', date: '2024-03-01', nokPerUnitMicro: 11_423_500, source: 'norges-bank' },
      { currency: 'EUR', date: '2024-03-04', nokPerUnitMicro: 11_500_000, source: 'norges-bank' },
      { currency: 'EUR', date: '2024-03-04', nokPerUnitMicro: 11_000_000, source: 'manual' },
    ]);
    assert.equal(t.rateOn('EUR', '2024-03-03')?.nokPerUnitMicro, 11_423_500); // Sunday → Friday
    assert.equal(t.rateOn('EUR', '2024-03-04')?.source, 'manual');
    assert.equal(t.rateOn('EUR', '2024-02-01'), null);
    assert.equal(t.rateOn('EUR', '2024-04-30'), null); // too old
    assert.equal(toNokOre(590000, 'EUR', 11_423_500), 6_739_865); // 5900 € × 11.4235
    assert.equal(toNokOre(1, 'EUR', 11_423_500), 11); // 0.01 € = 0.114235 kr → 11 øre
    assert.equal(toNokOre(100, 'JPY', 70_000), 700); // 100 ¥ × 0.07 = 7 kr = 700 øre
  });

  it('Norges Bank adapter reads SDMX-JSON with UNIT_MULT from a real HTTP server', async () => {
    let seenUrl = '';
    const server = createServer((req, res) => {
      seenUrl = req.url ?? '';
      res.setHeader('content-type', 'application/vnd.sdmx.data+json; charset=utf-8');
      res.end(
        JSON.stringify({
          meta: {},
          data: {
            dataSets: [
              {
                series: {
                  '0:0:0:0': {
                    attributes: [0, 0, 0, 0],
                    observations: { '0': ['11.4235'], '1': ['11.5010'] },
                  },
                  '0:1:0:0': { attributes: [0, 0, 1, 0], observations: { '0': ['99.85'] } },
                },
              },
            ],
            structure: {
              dimensions: {
                series: [
                  { id: 'FREQ', values: [{ id: 'B' }] },
                  { id: 'BASE_CUR', values: [{ id: 'EUR' }, { id: 'SEK' }] },
                  { id: 'QUOTE_CUR', values: [{ id: 'NOK' }] },
                  { id: 'TENOR', values: [{ id: 'SP' }] },
                ],
                observation: [
                  { id: 'TIME_PERIOD', values: [{ id: '2024-03-01' }, { id: '2024-03-04' }] },
                ],
              },
              attributes: {
                series: [
                  { id: 'DECIMALS', values: [{ id: '4' }] },
                  { id: 'CALCULATED', values: [{ id: 'false' }] },
                  { id: 'UNIT_MULT', values: [{ id: '0' }, { id: '2' }] },
                  { id: 'COLLECTION', values: [{ id: 'C' }] },
                ],
              },
            },
          },
        }),
      );
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const port = (server.address() as AddressInfo).port;
      const points = await new NorgesBankRates(`http://127.0.0.1:${port}/api`).fetch(
        ['EUR', 'SEK'],
        '2024-03-01',
        '2024-03-04',
      );
      assert.match(
        seenUrl,
        /^\/api\/data\/EXR\/B\.EUR\+SEK\.NOK\.SP\?format=sdmx-json&startPeriod=2024-03-01&endPeriod=2024-03-04/,
      );
      assert.deepEqual(
        points.map((p) => [p.currency, p.date, p.nokPerUnitMicro]),
        [
          ['EUR', '2024-03-01', 11_423_500],
          ['EUR', '2024-03-04', 11_501_000],
          ['SEK', '2024-03-01', 998_500], // 99.85 per 100 SEK
        ],
      );
    } finally {
      server.close();
    }
  });
});

describe('matching (pure)', () => {
  const y = generateYear({ invoices: 10 });
  const c1 = y.contracts[0] as Contract;
  const agreements = y.contracts.map(agreementFromContract).filter((a) => a !== null);
  const m = new AgreementMatcher(agreements);
  const supplier = c1.suppliers[0]?.orgnr as string;

  it('contract reference first, then order reference, then supplier + period + category', () => {
    const byRef = m.match({
      supplierOrgnr: '999999999',
      issueDate: '2024-05-01',
      contractReference: ` ${c1.referenceNumber.toLowerCase()} `,
      orderReference: null,
      cpv: null,
    });
    assert.equal(byRef.agreementId, c1.id);
    assert.equal(byRef.reason, 'contract_reference');
    const byOrder = m.match({
      supplierOrgnr: null,
      issueDate: '2024-05-01',
      contractReference: 'ukjent',
      orderReference: c1.referenceNumber,
      cpv: null,
    });
    assert.equal(byOrder.reason, 'order_reference');
    const bySupplier = m.match({
      supplierOrgnr: supplier,
      issueDate: '2024-05-01',
      contractReference: null,
      orderReference: null,
      cpv: c1.cpvCodes[0] as string,
    });
    assert.equal(bySupplier.agreementId, c1.id);
    assert.equal(bySupplier.reason, 'supplier_period_category');
    assert.match(bySupplier.explanation, /avtaleperioden/);
  });

  it('classifies unmatched spend', () => {
    const other = m.match({
      supplierOrgnr: '123456785',
      issueDate: '2024-05-01',
      contractReference: null,
      orderReference: null,
      cpv: c1.cpvCodes[0] as string,
    });
    assert.equal(other.unmatched, 'other_supplier_in_category');
    const none = m.match({
      supplierOrgnr: '123456785',
      issueDate: '2024-05-01',
      contractReference: null,
      orderReference: null,
      cpv: '71300000',
    });
    assert.equal(none.unmatched, 'no_agreement');
    const expiring = y.contracts.find((c) => c.endDate === '2024-06-30') as Contract;
    const after = m.match({
      supplierOrgnr: expiring.suppliers[0]?.orgnr as string,
      issueDate: '2024-08-01',
      contractReference: null,
      orderReference: null,
      cpv: '71300000',
    });
    assert.equal(after.unmatched, 'after_expiry');
    assert.equal(after.relatedAgreementId, expiring.id);
    assert.equal(cpvPrefix('45210000-2'), '4521');
    assert.equal(cpvPrefix('30192000'), '30192');
  });
});

describe('price rules (pure)', () => {
  it('unit price is PriceAmount ÷ BaseQuantity, normalised by UN/ECE unit', () => {
    assert.deepEqual(invoicedUnitPrice(120_000_000, 12_000_000, 'C62'), {
      micro: 10_000_000,
      base: 'C62',
    });
    assert.deepEqual(invoicedUnitPrice(120_000_000, 1_000_000, 'DZN'), {
      micro: 10_000_000,
      base: 'C62',
    });
    assert.deepEqual(invoicedUnitPrice(5_000_000, 1_000_000, 'GRM'), {
      micro: 5_000_000_000,
      base: 'KGM',
    });
  });

  it('index adjustment with a share, rounded to øre, from the adjustment month', () => {
    const values = new Map([
      ['2022-06', 1228],
      ['2023-02', 1296],
    ]);
    const rows = allowedPrices(
      {
        agreementId: 'a',
        itemNumber: 'x',
        gtin: null,
        description: '',
        unit: 'C62',
        priceMicro: 100_000_000,
        currency: 'NOK',
        validFrom: '2022-07-01',
      },
      { index: 'KPI', basePeriod: '2022-06', adjustmentMonth: 3, sharePercent: 80 },
      { name: 'KPI', values },
      2024,
    );
    // 100 kr × (1 + 0.8 × (129.6 / 122.8 − 1)) = 104.4299… → 104.43
    assert.deepEqual(
      rows.map((r) => [r.validFrom, r.validTo, r.allowedMicro]),
      [
        ['2022-07-01', '2023-03-01', 100_000_000],
        ['2023-03-01', null, 104_430_000],
      ],
    );
  });

  it('over-payment beyond the tolerance', () => {
    assert.equal(overpaymentOre(10_500_000, 10_000_000, 3_000_000, 0), 150);
    assert.equal(overpaymentOre(10_050_000, 10_000_000, 3_000_000, 100), 0);
    assert.equal(overpaymentOre(9_000_000, 10_000_000, 3_000_000, 0), 0);
  });
});

describe('synthetic year: reports find exactly what was planted', () => {
  it('leakage and over-payment equal the planted amounts to the øre', async () => {
    const y = generateYear({ invoices: 600, seed: 7 });
    const spend = await SpendService.open({
      file: ':memory:',
      contracts: contractsOf(y.contracts),
      clock: () => new Date('2024-12-31T12:00:00Z'),
    });
    try {
      for (const [period, v] of y.index.values)
        await spend.store.run(
          `INSERT INTO spend_index_value VALUES ('${y.index.name}', '${period}', ${v}, 'test')`,
        );
      const { savePriceList } = await import('../../src/spend/context.ts');
      await spend.refreshAgreements();
      await savePriceList(spend.store, y.priceLists);
      await spend.refreshPrices();
      const r = await spend.ingest(docsAsFiles(y.documents), { workers: 2 });
      assert.deepEqual(r.summary.errors, []);
      assert.equal(r.summary.lines, y.truth.lines);

      const leakage = await spend.leakage({ today: '2024-12-31' });
      const cls = Object.fromEntries(
        leakage.byClass.map((c) => [c.unmatchedClass, c.last4YearsOre]),
      );
      assert.equal(cls.other_supplier_in_category, y.truth.otherSupplierOre);
      assert.equal(cls.no_agreement, y.truth.noAgreementOre);
      assert.equal(leakage.matchedOre, y.truth.matchedOre);
      assert.ok(leakage.noAgreementByCategory.length > 0);

      const prices = await spend.priceControl({ toleranceBp: 0 });
      assert.equal(prices.totalOverpaidMinor.NOK, y.truth.overpaidOre);
      assert.equal(prices.deviatingLines, y.truth.deviatingLines);
      const perAgreement = Object.fromEntries(
        prices.byAgreement.map((a) => [a.agreementId, a.overpaidMinor]),
      );
      assert.deepEqual(perAgreement, y.truth.overpaidByAgreement);
      const tolerant = await spend.priceControl({ toleranceBp: 100 });
      assert.equal(tolerant.totalOverpaidMinor.NOK, y.truth.overpaidAbove1PercentOre);

      // Re-matching from scratch (after contracts change) gives the same result.
      await spend.store.run(
        'UPDATE spend_line_data SET agreement_id = NULL, match_reason = NULL, unmatched_class = NULL',
      );
      await spend.refresh();
      const again = await spend.priceControl({ toleranceBp: 0 });
      assert.equal(again.totalOverpaidMinor.NOK, y.truth.overpaidOre);

      const turnover = await spend.turnover();
      const sum = turnover.agreements.reduce((a, x) => a + x.turnoverOre, 0);
      assert.equal(sum, y.truth.matchedOre);
      const months = turnover.byMonth.reduce((a, x) => a + x.ore, 0);
      assert.equal(months, y.truth.matchedOre);

      // Excel export opens and carries the figures.
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load((await priceControlWorkbook(prices)) as unknown as ArrayBuffer);
      assert.equal(
        wb.worksheets.map((w) => w.name).join('|'),
        'Per avtale|Per leverandør|Per vare',
      );
      const firstOver = wb.worksheets[0]?.getRow(2).getCell(4).value;
      assert.equal(firstOver, (prices.byAgreement[0]?.overpaidMinor as number) / 100);
      // The supplier sheet names each supplier beside its key.
      const bySupplier = wb.getWorksheet('Per leverandør');
      assert.ok(bySupplier);
      assert.deepEqual((bySupplier.getRow(1).values as unknown[]).slice(1), [
        'Leverandør',
        'Navn',
        'Valuta',
        'Linjer med avvik',
        'Overfakturert',
      ]);
      const byItem = wb.getWorksheet('Per vare');
      assert.ok(byItem);
      const firstItem = prices.byItem[0] as { agreementId: string; item: string };
      assert.equal(byItem.getRow(1).getCell(3).value, 'Beskrivelse');
      assert.equal(
        byItem.getRow(2).getCell(3).value,
        prices.itemNames[`${firstItem.agreementId}|${firstItem.item}`],
      );
      const topSupplier = prices.bySupplier[0]?.supplierKey as string;
      assert.equal(bySupplier.getRow(2).getCell(1).value, topSupplier);
      assert.equal(bySupplier.getRow(2).getCell(2).value, `Leverandør ${topSupplier}`);
    } finally {
      spend.close();
    }
  });

  it('alerts at 80 % and 100 % of the maximum value', async () => {
    const y = generateYear({ invoices: 300, seed: 3 });
    const contracts = y.contracts.map((c, i) =>
      i < 2 ? { ...c, maxValueOre: 1000, estimatedValueOre: 500 } : c,
    );
    const spend = await SpendService.open({ file: ':memory:', contracts: contractsOf(contracts) });
    try {
      await spend.ingest(docsAsFiles(y.documents), { workers: 0 });
      const t = await spend.turnover();
      const alerted = t.alerts.map((a) => a.agreementId).sort();
      assert.ok(alerted.includes(contracts[0]?.id as string));
      assert.equal(t.alerts.find((a) => a.agreementId === contracts[0]?.id)?.alert, 'exceeded_100');
      const book = new ExcelJS.Workbook();
      await book.xlsx.load((await turnoverWorkbook(t)) as unknown as ArrayBuffer);
      assert.equal(book.worksheets.length, 4);
      const sheet = book.getWorksheet('Per leverandør');
      assert.equal(sheet?.getRow(1).getCell(3).value, 'Navn');
      const first = t.bySupplier[0] as { key: string };
      assert.equal(sheet?.getRow(2).getCell(2).value, first.key);
      assert.equal(sheet?.getRow(2).getCell(3).value, `Leverandør ${first.key}`);
    } finally {
      spend.close();
    }
  });
});

describe('price control by GTIN', () => {
  it('falls back to GTIN when the item number is not on the price list', async () => {
    const y = generateYear({ invoices: 1, seed: 9 });
    const c = y.contracts[0] as Contract;
    const orgnr = c.suppliers[0]?.orgnr as string;
    const spend = await SpendService.open({ file: ':memory:', contracts: contractsOf([c]) });
    try {
      const { savePriceList } = await import('../../src/spend/context.ts');
      await spend.refreshAgreements();
      await savePriceList(spend.store, [
        {
          agreementId: c.id,
          itemNumber: null,
          gtin: '7038010009457',
          description: 'Melk',
          unit: 'C62',
          priceMicro: 20_000_000,
          currency: 'NOK',
          validFrom: c.startDate as string,
        },
      ]);
      await spend.refreshPrices();
      const doc = {
        ...(y.documents[0] as (typeof y.documents)[number]),
        number: 'G1',
        issueDate: '2024-05-02',
        supplierOrgnr: orgnr,
        supplierKey: orgnr,
        contractReference: c.referenceNumber,
        taxExclusiveMinor: 6600,
        lines: [
          {
            lineId: '1',
            quantityMicro: 3_000_000,
            unitCode: 'C62',
            netMinor: 6600,
            priceMicro: 22_000_000,
            baseQuantityMicro: 1_000_000,
            baseQuantityUnit: null,
            itemName: 'Melk',
            sellersItemId: 'ukjent-nr',
            gtin: '7038010009457',
            classifications: [],
            accountingCost: null,
          },
        ],
      };
      await spend.ingest(docsAsFiles([doc]), { workers: 0 });
      const r = await spend.priceControl();
      assert.equal(r.totalOverpaidMinor.NOK, 600); // (22 − 20) kr × 3
      assert.equal(r.byItem[0]?.item, 'ukjent-nr');
    } finally {
      spend.close();
    }
  });
});

describe('ledger CSV', () => {
  it('ingests postings with a column mapping; negatives are credits; duplicates once', async () => {
    const csv = [
      'orgnr;leverandør;bilagsdato;beløp;bilagsnummer;valuta;ansvar;tekst;cpv;konto',
      '123456785;Rør AS;15.03.2024;1 234,50;B1;NOK;1201;Rørlegger;45330000;6700',
      '123456785;Rør AS;2024-03-20;-200,00;B2;NOK;1201;Kreditering;45330000;6700',
      '123456785;Rør AS;2024-03-20;-200,00;B2;NOK;1201;Kreditering;45330000;6700',
      '12345678;Feil AS;2024-03-20;10;B3;NOK;1201;x;;6700',
      '=HYPERLINK("x");Injisert;2024-03-20;10;B4;NOK;1201;x;;6700',
    ].join('\n');
    const spend = await SpendService.open({ file: ':memory:', contracts: contractsOf([]) });
    try {
      const r = await spend.ingestLedger(Readable.from([csv]), DEFAULT_LEDGER_MAPPING);
      assert.equal(r.summary.invoices, 1);
      assert.equal(r.summary.creditNotes, 1);
      assert.equal(r.summary.duplicates, 1);
      assert.equal(r.summary.errors.length, 2);
      assert.deepEqual(r.summary.totals, { NOK: 1034.5 });
    } finally {
      spend.close();
    }
  });
});
