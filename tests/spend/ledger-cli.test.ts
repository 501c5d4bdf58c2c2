// `npm run cli -- ingest <file.csv> --ledger [--mapping m.json] [--json]` as a user runs it: a real
// process, a real DuckDB file in a temp data folder.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli } from '../support/cli.ts';

describe('CLI: ingest --ledger', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-cli-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the default Norwegian columns, names bad rows by line, counts duplicates once', () => {
    const file = join(dir, 'hovedbok.csv');
    writeFileSync(
      file,
      [
        'orgnr;leverandør;bilagsdato;beløp;bilagsnummer;ansvar',
        '974760673;Leverandør AS;2024-03-01;1000,50;B1;4100',
        '974760673;Leverandør AS;2024-03-02;-200,25;B2;4100',
        '123;Feil AS;2024-03-02;10;B3;4100',
        '974760673;Leverandør AS;2024-03-01;1000,50;B1;4100',
      ].join('\n'),
    );
    const r = runCli(['ingest', file, '--ledger', '--json'], join(dir, 'a'));
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.files, 4);
    assert.equal(out.invoices + out.creditNotes, 2);
    assert.equal(out.duplicates, 1);
    assert.deepEqual(out.totals, { NOK: 800.25 });
    assert.equal(out.errors.length, 1);
    assert.match(out.errors[0].file, /hovedbok\.csv, linje 4/);
  });

  it('takes a column mapping from a file, and refuses a bad mapping with a message', () => {
    const file = join(dir, 'export.csv');
    writeFileSync(file, 'Org.nr,Dato,Sum,Bilag\n974760673,2024-05-01,250.00,X1\n');
    const mapping = join(dir, 'mapping.json');
    writeFileSync(
      mapping,
      JSON.stringify({
        supplierOrgnr: 'Org.nr',
        date: 'Dato',
        amount: 'Sum',
        documentNumber: 'Bilag',
        delimiter: ',',
      }),
    );
    const ok = runCli(['ingest', file, '--ledger', '--mapping', mapping, '--json'], join(dir, 'b'));
    assert.equal(ok.status, 0, ok.stderr);
    assert.deepEqual(JSON.parse(ok.stdout).totals, { NOK: 250 });

    writeFileSync(mapping, JSON.stringify({ supplierOrgnr: 'Org.nr', date: 'Dato' }));
    const bad = runCli(['ingest', file, '--ledger', '--mapping', mapping], join(dir, 'c'));
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /Feil i koblingsfilen .*mapping\.json:\n {2}amount: påkrevd/);
  });
});
