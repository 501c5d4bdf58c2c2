/**
 * Ledger CSV upload over HTTP on the product's app: a non-default column mapping given as query
 * parameters, the job's progress and summary (per-row errors with line numbers, a duplicate counted
 * once), the reports seeing the postings, the header preview with its suggested mapping, and the
 * refusals: bad mapping (400 naming the field), missing column (400 naming it), non-admins (403),
 * binary/zip/XML bodies, too large bodies (413); formula and script strings stored as text and
 * neutralised in the Excel export.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import express from 'express';
import { errorHandler } from '../../src/api/errors.ts';
import { spendRoutes } from '../../src/api/routes/spend.ts';
import { type Contract, DomainError, type User } from '../../src/core/index.ts';
import { DEFAULT_LEDGER_MAPPING, ledgerEncoding, ledgerStream } from '../../src/spend/ledger.ts';
import { lineDrilldown } from '../../src/spend/reports.ts';
import { SpendService } from '../../src/spend/service.ts';
import { contractInput, ORGNRS } from '../support/fixtures.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { makeZip } from './zip-writer.ts';

const AGREEMENT_SUPPLIER = '123456785';
const OTHER_SUPPLIER = '974760673';
const FORMULA = "=cmd|' /C calc'!A0";
const SCRIPT = '<script>alert(1)</script> Utenfor AS';

/** Tab-separated, with column names a ledger export might use (none of the defaults). */
const HEADER = [
  'Lev.orgnr',
  'Levnavn',
  'Fakturadato',
  'Nettobeløp',
  'Fakturanr',
  'Koststed',
  'Beskrivelse',
  'CPV-kode',
  'Avtalenr',
  'Art',
];
const ROWS = [
  // line 2: on the agreement by its reference
  [
    AGREEMENT_SUPPLIER,
    'Kontorleverandøren AS',
    '15.03.2024',
    '10 000,00',
    'F-1',
    'Helse',
    'Papir',
    '30192000',
    'RA-2024-0007',
    '6700',
  ],
  // line 3: a credit
  [
    AGREEMENT_SUPPLIER,
    'Kontorleverandøren AS',
    '2024-03-20',
    '-1 000,00',
    'F-2',
    'Helse',
    'Kreditnota',
    '30192000',
    'RA-2024-0007',
    '6700',
  ],
  // line 4: the same posting as line 2 (duplicate)
  [
    AGREEMENT_SUPPLIER,
    'Kontorleverandøren AS',
    '15.03.2024',
    '10 000,00',
    'F-1',
    'Helse',
    'Papir',
    '30192000',
    'RA-2024-0007',
    '6700',
  ],
  // line 5: another supplier in the agreement's category: leakage; script and formula as text
  [
    OTHER_SUPPLIER,
    SCRIPT,
    '20.03.2024',
    '5 000,00',
    'F-3',
    FORMULA,
    '=HYPERLINK("http://x")',
    '30192000',
    '',
    '6700',
  ],
  // line 6: bad organisation number
  ['12345678', 'Feil AS', '20.03.2024', '10,00', 'F-4', 'Helse', 'x', '', '', '6700'],
  // line 7: bad date
  [OTHER_SUPPLIER, 'Dato AS', '32.13.2024', '10,00', 'F-5', 'Helse', 'x', '', '', '6700'],
  // line 8: bad amount
  [OTHER_SUPPLIER, 'Beløp AS', '2024-03-21', 'ti kroner', 'F-6', 'Helse', 'x', '', '', '6700'],
];
const CSV = `${[HEADER, ...ROWS].map((r) => r.join('\t')).join('\r\n')}\r\n`;

const MAPPING = {
  supplierOrgnr: 'Lev.orgnr',
  supplierName: 'Levnavn',
  date: 'Fakturadato',
  amount: 'Nettobeløp',
  documentNumber: 'Fakturanr',
  unit: 'Koststed',
  description: 'Beskrivelse',
  cpv: 'CPV-kode',
  contractReference: 'Avtalenr',
  account: 'Art',
};

interface Job {
  id: string;
  kind: string;
  state: 'running' | 'done' | 'failed';
  files: number;
  bytes: number;
  totalBytes: number;
  error: string | null;
  summary: {
    files: number;
    invoices: number;
    creditNotes: number;
    lines: number;
    duplicates: number;
    errors: { file: string; reason: string }[];
    totals: Record<string, number>;
  } | null;
}
interface Issues {
  error: string;
  issues: { field: string; message: string }[];
}

const query = (params: Record<string, string>) => `?${new URLSearchParams(params).toString()}`;

describe('ledger CSV upload (API)', () => {
  let s: TestServer;
  let agreementId: string;

  const upload = (
    params: Record<string, string>,
    body: string | Uint8Array,
    user: string | null = 'kontraktservice',
  ) =>
    s.request(user, 'POST', `/api/spend/uploads${query(params)}`, body, {
      'content-type': 'text/csv',
    });

  const finish = async (first: Job): Promise<Job> => {
    let job = first;
    for (let i = 0; i < 400 && job.state === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 25));
      const r = await s.request('kontraktservice', 'GET', `/api/spend/uploads/${job.id}`);
      assert.equal(r.status, 200, r.text);
      job = r.json() as Job;
    }
    return job;
  };

  before(async () => {
    s = await startTestServer({}, { clock: () => new Date('2024-12-31T10:00:00Z') });
    const c = await s.services.store.contracts.create(
      contractInput({
        referenceNumber: 'RA-2024-0007',
        startDate: '2024-01-01',
        endDate: '2026-12-31',
        options: [],
        suppliers: [
          { orgnr: AGREEMENT_SUPPLIER, name: 'Kontorleverandøren AS', rank: 1, terms: null },
        ],
      }),
      'test',
    );
    agreementId = c.id;
  });
  after(async () => {
    await s?.close();
  });

  it('previews the header and first rows with a suggested mapping', async () => {
    const r = await s.request('kontraktservice', 'POST', '/api/spend/uploads/ledger-preview', CSV, {
      'content-type': 'text/csv',
    });
    assert.equal(r.status, 200, r.text);
    const p = r.json() as {
      delimiter: string;
      encoding: string;
      columns: string[];
      rows: string[][];
      suggestion: Record<string, string>;
      fields: { name: string; required: boolean }[];
    };
    assert.equal(p.delimiter, '\t');
    assert.equal(p.encoding, 'utf-8');
    assert.deepEqual(p.columns, HEADER);
    assert.equal(p.rows.length, 5);
    assert.deepEqual(p.rows[3], ROWS[3]);
    assert.deepEqual(p.suggestion, MAPPING);
    assert.deepEqual(
      p.fields.filter((f) => f.required).map((f) => f.name),
      ['supplierOrgnr', 'date', 'amount', 'documentNumber'],
    );

    // The default Norwegian names, in other letter case, semicolon-separated, Windows-1252.
    const latin = Buffer.from(
      'ORGNR;Leverandør;BILAGSDATO;Beløp;Bilagsnummer;Valuta;Ansvar;Tekst;CPV;Konto\n',
      'latin1',
    );
    const r2 = await s.request(
      'kontraktservice',
      'POST',
      '/api/spend/uploads/ledger-preview',
      latin,
      { 'content-type': 'text/csv' },
    );
    assert.equal(r2.status, 200, r2.text);
    const p2 = r2.json() as { encoding: string; delimiter: string; suggestion: object };
    assert.equal(p2.encoding, 'windows-1252');
    assert.equal(p2.delimiter, ';');
    assert.deepEqual(p2.suggestion, {
      supplierOrgnr: 'ORGNR',
      supplierName: 'Leverandør',
      date: 'BILAGSDATO',
      amount: 'Beløp',
      documentNumber: 'Bilagsnummer',
      currency: 'Valuta',
      unit: 'Ansvar',
      description: 'Tekst',
      cpv: 'CPV',
      account: 'Konto',
    });
  });

  it('ingests with a non-default mapping as a job: progress, summary, per-row errors, reports', async () => {
    const r = await upload({ kind: 'ledger', name: 'hovedbok 2024.csv', ...MAPPING }, CSV);
    assert.equal(r.status, 202, r.text);
    const first = r.json() as Job;
    assert.equal(r.headers.get('location'), `/api/spend/uploads/${first.id}`);
    assert.equal(first.kind, 'ledger');
    assert.equal(first.totalBytes, Buffer.byteLength(CSV));
    const job = await finish(first);
    assert.equal(job.state, 'done', job.error ?? '');
    assert.equal(job.bytes, job.totalBytes);
    const sum = job.summary;
    assert.ok(sum);
    assert.equal(sum.files, 7, 'every row read');
    assert.equal(sum.invoices, 2);
    assert.equal(sum.creditNotes, 1);
    assert.equal(sum.duplicates, 1);
    assert.deepEqual(sum.totals, { NOK: 14000 });
    assert.deepEqual(
      sum.errors.map((e) => e.file),
      ['hovedbok 2024.csv, linje 6', 'hovedbok 2024.csv, linje 7', 'hovedbok 2024.csv, linje 8'],
    );
    assert.match(sum.errors[0]?.reason ?? '', /organisasjonsnummer «12345678»/);
    assert.match(sum.errors[1]?.reason ?? '', /dato «32\.13\.2024»/);
    assert.match(sum.errors[2]?.reason ?? '', /beløp «ti kroner»/);

    // Turnover: 10 000 − 1 000 kr on the agreement, the duplicate not counted.
    const t = await s.request(
      'kontraktservice',
      'GET',
      `/api/spend/reports/turnover?agreementId=${agreementId}`,
    );
    assert.equal(t.status, 200, t.text);
    const turnover = t.json() as {
      agreements: { agreementId: string; turnoverOre: number }[];
      byUnit: { agreementId: string; key: string; ore: number }[];
    };
    assert.equal(
      turnover.agreements.find((a) => a.agreementId === agreementId)?.turnoverOre,
      900_000,
    );
    // Leakage: the other supplier in the agreement's category.
    const l = await s.request(
      'kontraktservice',
      'GET',
      '/api/spend/reports/leakage?today=2024-12-31',
    );
    assert.equal(l.status, 200, l.text);
    const leakage = l.json() as {
      byClass: { unmatchedClass: string; last12MonthsOre: number }[];
      byUnit: { unit: string; unmatchedClass: string; ore: number }[];
    };
    assert.equal(
      leakage.byClass.find((c) => c.unmatchedClass === 'other_supplier_in_category')
        ?.last12MonthsOre,
      500_000,
    );
    // Formula and script strings are stored as text, exactly as given.
    assert.ok(leakage.byUnit.some((u) => u.unit === FORMULA));
    const lines = s.request(
      'kontraktservice',
      'GET',
      `/api/spend/lines?supplier=${OTHER_SUPPLIER}`,
    );
    const items = ((await lines).json() as { items: Record<string, unknown>[] }).items;
    assert.equal(items.length, 1);
    assert.equal(items[0]?.unit, FORMULA);
    assert.equal(items[0]?.item_name, '=HYPERLINK("http://x")');
    assert.equal(items[0]?.file, 'hovedbok 2024.csv');

    // …and neutralised in the Excel export: text cells, never formulas, prefixed with '.
    const x = await fetch(`${s.url}/api/spend/reports/leakage.xlsx?today=2024-12-31`, {
      headers: { 'x-dev-user': 'kontraktservice' },
    });
    assert.equal(x.status, 200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await x.arrayBuffer()) as unknown as ExcelJS.Buffer);
    const texts: string[] = [];
    let formulas = 0;
    wb.eachSheet((ws) =>
      ws.eachRow((row) =>
        row.eachCell((cell) => {
          if (cell.type === ExcelJS.ValueType.Formula) formulas++;
          if (typeof cell.value === 'string') texts.push(cell.value);
        }),
      ),
    );
    assert.equal(formulas, 0);
    assert.ok(texts.includes(`'${FORMULA}`), 'the formula is kept as text with a leading quote');
    assert.ok(!texts.includes(FORMULA));
  });

  it('a second upload of the same postings stores nothing twice', async () => {
    const r = await upload({ kind: 'ledger', ...MAPPING }, CSV);
    assert.equal(r.status, 202, r.text);
    const job = await finish(r.json() as Job);
    assert.equal(job.state, 'done');
    assert.equal(job.summary?.duplicates, 4);
    assert.equal(job.summary?.invoices, 0);
    const t = await s.request(
      'kontraktservice',
      'GET',
      `/api/spend/reports/turnover?agreementId=${agreementId}`,
    );
    const turnover = t.json() as { agreements: { agreementId: string; turnoverOre: number }[] };
    assert.equal(
      turnover.agreements.find((a) => a.agreementId === agreementId)?.turnoverOre,
      900_000,
    );
  });

  it('a bad mapping is a 400 naming the field', async () => {
    const { amount: _amount, ...withoutAmount } = MAPPING;
    const missing = await upload({ kind: 'ledger', ...withoutAmount }, CSV);
    assert.equal(missing.status, 400, missing.text);
    assert.deepEqual(
      (missing.json() as Issues).issues.map((i) => i.field),
      ['amount'],
    );
    const delimiter = await upload({ kind: 'ledger', ...MAPPING, delimiter: 'x' }, CSV);
    assert.equal(delimiter.status, 400);
    assert.equal((delimiter.json() as Issues).issues[0]?.field, 'delimiter');
    const unknown = await upload({ kind: 'ledger', ...MAPPING, belop: 'Nettobeløp' }, CSV);
    assert.equal(unknown.status, 400);
    assert.equal((unknown.json() as Issues).issues[0]?.field, 'belop');
    const empty = await upload({ kind: 'ledger', ...MAPPING, date: ' ' }, CSV);
    assert.equal(empty.status, 400);
    assert.equal((empty.json() as Issues).issues[0]?.field, 'date');
    const kind = await upload({ kind: 'excel', ...MAPPING }, CSV);
    assert.equal(kind.status, 400);
    assert.equal((kind.json() as Issues).issues[0]?.field, 'kind');
  });

  it('a column the file does not have is a 400 naming the field and the column', async () => {
    const r = await upload(
      { kind: 'ledger', ...MAPPING, date: 'Bilagsdato', documentNumber: 'Bilagsnummer' },
      CSV,
    );
    assert.equal(r.status, 400, r.text);
    const body = r.json() as Issues;
    assert.deepEqual(
      body.issues.map((i) => i.field),
      ['date', 'documentNumber'],
    );
    assert.match(body.issues[0]?.message ?? '', /«Bilagsdato»/);
    assert.match(body.error, /Kolonnene «Bilagsdato», «Bilagsnummer» finnes ikke/);
    assert.match(body.error, /«Fakturadato»/, 'names the columns the file has');
    // Column names match regardless of letter case.
    const lower = await upload(
      { kind: 'ledger', ...MAPPING, date: 'fakturadato', delimiter: '\t' },
      CSV,
    );
    assert.equal(lower.status, 202, lower.text);
    assert.equal((await finish(lower.json() as Job)).state, 'done');
  });

  it('refuses binary, zip, PDF and XML bodies with a clear reason', async () => {
    const cases: [string, Uint8Array | string, RegExp][] = [
      ['binary', Buffer.from([0x4f, 0x72, 0x67, 0x00, 0x01, 0x02, 0xff, 0x0a]), /binært/],
      ['zip', makeZip([{ name: 'a.csv', data: Buffer.from(CSV), deflate: true }]), /zip/],
      ['pdf', Buffer.from('%PDF-1.7\n1 0 obj\n'), /PDF/],
      ['xml', '<?xml version="1.0"?><Invoice/>', /XML/],
      ['control', 'orgnr;dato\x07\n', /kontrolltegn/],
    ];
    for (const [what, body, reason] of cases) {
      const r = await upload({ kind: 'ledger', ...MAPPING }, body);
      assert.equal(r.status, 400, `${what}: ${r.text}`);
      const b = r.json() as Issues;
      assert.equal(b.issues[0]?.field, 'body', what);
      assert.match(b.error, reason, what);
      const p = await s.request(
        'kontraktservice',
        'POST',
        '/api/spend/uploads/ledger-preview',
        body,
        {
          'content-type': 'text/csv',
        },
      );
      assert.equal(p.status, 400, `preview ${what}`);
    }
    const none = await upload({ kind: 'ledger', ...MAPPING }, '');
    assert.equal(none.status, 400);
  });

  it('only Kontraktservice may upload or preview', async () => {
    for (const user of ['eier1', 'leser']) {
      assert.equal((await upload({ kind: 'ledger', ...MAPPING }, CSV, user)).status, 403);
      const p = await s.request(user, 'POST', '/api/spend/uploads/ledger-preview', CSV, {
        'content-type': 'text/csv',
      });
      assert.equal(p.status, 403);
    }
    assert.equal((await upload({ kind: 'ledger', ...MAPPING }, CSV, null)).status, 401);
  });

  it('refuses an upload over the size limit (413)', async () => {
    const app = express();
    const ks: User = {
      id: 'kontraktservice',
      name: 'Kari',
      email: 'k@example.no',
      role: 'kontraktservice',
      unitId: null,
    };
    app.use((req, _res, next) => {
      req.user = ks;
      next();
    });
    app.use('/api', spendRoutes(s.services, { maxUploadBytes: 512 }));
    app.use(errorHandler(() => {}));
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const big = `${HEADER.join('\t')}\n${ROWS.map((r) => r.join('\t'))
        .join('\n')
        .repeat(4)}`;
      assert.ok(Buffer.byteLength(big) > 512);
      const r = await fetch(`${base}/api/spend/uploads${query({ kind: 'ledger', ...MAPPING })}`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv' },
        body: big,
      });
      assert.equal(r.status, 413);
    } finally {
      server.close();
    }
  });
});

describe('ledger CSV ingest (service): progress in bytes, Windows-1252', () => {
  const none = {
    all: async function* (): AsyncGenerator<Contract> {
      // no agreements
    },
  };

  it('reports rows and bytes taken as it goes, ending at the whole body', async () => {
    const rows = 30_000;
    const lines = ['orgnr;bilagsdato;beløp;bilagsnummer;tekst'];
    for (let i = 0; i < rows; i++) {
      lines.push(
        `${ORGNRS[i % ORGNRS.length]};2024-05-${String((i % 28) + 1).padStart(2, '0')};${i % 997},50;P-${i};Postering ${i}`,
      );
    }
    const body = Buffer.from(`${lines.join('\n')}\n`);
    const spend = await SpendService.open({ file: ':memory:', contracts: none });
    try {
      const seen: { files: number; bytes: number }[] = [];
      const r = await spend.ingestLedger(ledgerStream(body, 'utf-8'), DEFAULT_LEDGER_MAPPING, {
        fileName: 'stor.csv',
        onProgress: (p) => seen.push({ ...p }),
      });
      assert.equal(r.summary.files, rows);
      assert.equal(r.summary.invoices, rows);
      assert.deepEqual(r.summary.errors, []);
      assert.equal(r.bytes, body.length);
      assert.ok(seen.length > 10, `progress reported ${seen.length} times`);
      for (let i = 1; i < seen.length; i++) {
        assert.ok((seen[i]?.bytes ?? 0) >= (seen[i - 1]?.bytes ?? 0), 'bytes never go back');
        assert.ok((seen[i]?.files ?? 0) >= (seen[i - 1]?.files ?? 0), 'rows never go back');
      }
      assert.ok((seen[0]?.bytes ?? 0) < body.length, 'the first report comes before the end');
      assert.deepEqual(seen.at(-1), { files: rows, bytes: body.length });
    } finally {
      spend.close();
    }
  });

  it('reads a Windows-1252 file (æøå) and a mapping whose column is missing is refused', async () => {
    const body = Buffer.from(
      'orgnr;leverandør;bilagsdato;beløp;bilagsnummer;tekst\n974760673;Bjørn Rør AS;01.02.2024;100,00;W-1;Rørlegger på skolen\n',
      'latin1',
    );
    const enc = ledgerEncoding(body);
    assert.deepEqual(enc, { encoding: 'windows-1252' });
    const spend = await SpendService.open({ file: ':memory:', contracts: none });
    try {
      const r = await spend.ingestLedger(
        ledgerStream(body, 'windows-1252'),
        DEFAULT_LEDGER_MAPPING,
      );
      assert.equal(r.summary.invoices, 1, JSON.stringify(r.summary.errors));
      const [line] = await lineDrilldown(spend.store, {});
      assert.equal(line?.item_name, 'Rørlegger på skolen');
      await assert.rejects(
        spend.ingestLedger(ledgerStream(body, 'windows-1252'), {
          ...DEFAULT_LEDGER_MAPPING,
          documentNumber: 'Fakturanr',
        }),
        (e: unknown) =>
          e instanceof DomainError &&
          e.issues[0]?.field === 'documentNumber' &&
          /«Fakturanr» finnes ikke/.test(e.message),
      );
    } finally {
      spend.close();
    }
  });
});
