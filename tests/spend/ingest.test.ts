import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SaxesParser } from 'saxes';
import { RateTable } from '../../src/core/spend/rates.ts';
import { ingestFiles } from '../../src/spend/ingest/ingest.ts';
import { pathSource, uploadSource } from '../../src/spend/ingest/sources.ts';
import { DuckSpendStore } from '../../src/spend/store/duckdb-store.ts';
import { makeZip } from './zip-writer.ts';

const EHF_DIR = fileURLToPath(new URL('../../../shared/data/ehf/', import.meta.url));
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const CBC = 'urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2';
const CAC = 'urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2';

/** Independent reading of each file with saxes: document type, number, supplier, currency, total. */
function expectedFromFiles(): { totals: Record<string, number>; duplicates: number; docs: number } {
  const seen = new Set<string>();
  const totalsCents: Record<string, number> = {};
  let duplicates = 0;
  for (const f of readdirSync(EHF_DIR)) {
    const p = new SaxesParser({ xmlns: true });
    const path: string[] = [];
    let root = '';
    let id = '';
    let supplier = '';
    let amount = '';
    let currency = '';
    let text = '';
    p.on('opentag', (t) => {
      if (!root) root = t.local;
      path.push(`${t.uri === CBC ? 'cbc' : t.uri === CAC ? 'cac' : 'doc'}:${t.local}`);
      text = '';
      if (path.join('/').endsWith('cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount')) {
        currency = String(t.attributes.currencyID?.value ?? '');
      }
    });
    p.on('text', (t) => {
      text += t;
    });
    p.on('closetag', () => {
      const joined = path.join('/');
      if (path.length === 2 && joined.endsWith('/cbc:ID')) id = text.trim();
      if (joined.endsWith('cac:AccountingSupplierParty/cac:Party/cbc:EndpointID'))
        supplier = text.trim();
      if (joined.endsWith('cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount')) amount = text.trim();
      path.pop();
    });
    p.write(readFileSync(join(EHF_DIR, f), 'utf8')).close();
    const key = `${supplier}|${root}|${id}`;
    if (seen.has(key)) {
      duplicates++;
      continue;
    }
    seen.add(key);
    const [int, frac = ''] = amount.split('.');
    const cents = Number(int) * 100 + Math.sign(Number(`${int}1`)) * Number(frac.padEnd(2, '0'));
    totalsCents[currency] = (totalsCents[currency] ?? 0) + (root === 'CreditNote' ? -cents : cents);
  }
  const totals = Object.fromEntries(Object.entries(totalsCents).map(([c, v]) => [c, v / 100]));
  return { totals, duplicates, docs: seen.size };
}

describe('ingest', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'spend-ingest-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('ingests every official example with two workers; totals and duplicates match the files', async () => {
    const store = await DuckSpendStore.open(join(dir, 'a.duckdb'));
    try {
      const r = await ingestFiles(pathSource(EHF_DIR), {
        workers: 2,
        rates: new RateTable([]),
        store,
      });
      const expected = expectedFromFiles();
      assert.deepEqual(r.summary.errors, []);
      assert.equal(r.summary.files, readdirSync(EHF_DIR).length);
      assert.equal(r.summary.duplicates, expected.duplicates);
      assert.equal(r.summary.duplicates, 1);
      assert.equal(r.summary.invoices + r.summary.creditNotes, expected.docs);
      assert.deepEqual(r.summary.totals, expected.totals);
      const [row] = await store.rows<{ n: bigint }>('SELECT count(*) AS n FROM spend_document');
      assert.equal(Number(row?.n), expected.docs);
      // A second run stores nothing new: every file is a duplicate of a stored one.
      const again = await ingestFiles(pathSource(EHF_DIR), {
        workers: 2,
        rates: new RateTable([]),
        store,
      });
      assert.equal(again.summary.duplicates, readdirSync(EHF_DIR).length);
      assert.deepEqual(again.summary.totals, {});
    } finally {
      store.close();
    }
  });

  it('reports each bad file with its reason and stores the rest of the batch', async () => {
    const folder = join(dir, 'mixed');
    const base = readFileSync(join(EHF_DIR, 'Norwegian-example-1.xml'), 'utf8');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(folder);
    writeFileSync(join(folder, '01-good.xml'), base);
    writeFileSync(join(folder, '02-empty.xml'), '');
    writeFileSync(join(folder, '03-truncated.xml'), base.slice(0, 3000));
    writeFileSync(
      join(folder, '04-xxe.xml'),
      `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>`,
    );
    writeFileSync(
      join(folder, '05-laughs.xml'),
      `<!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><l>&b;</l>`,
    );
    writeFileSync(join(folder, '06-wrongns.xml'), base.replace('xsd:Invoice-2"', 'xsd:Invoice-9"'));
    writeFileSync(join(folder, '07-notubl.xml'), '<html><body>Faktura</body></html>');
    writeFileSync(join(folder, '08-malformed.xml'), base.replace('</cbc:ID>', '</cbc:Id>'));
    writeFileSync(
      join(folder, '09-good-credit.xml'),
      readFileSync(join(EHF_DIR, 'base-creditnote-correction.xml')),
    );
    const store = await DuckSpendStore.open(':memory:');
    try {
      const r = await ingestFiles(pathSource(folder), {
        workers: 2,
        rates: new RateTable([]),
        store,
      });
      assert.equal(r.summary.files, 9);
      assert.equal(r.summary.invoices, 1);
      assert.equal(r.summary.creditNotes, 1);
      const reasons = Object.fromEntries(r.summary.errors.map((e) => [e.file, e.reason]));
      assert.deepEqual(Object.keys(reasons).sort(), [
        '02-empty.xml',
        '03-truncated.xml',
        '04-xxe.xml',
        '05-laughs.xml',
        '06-wrongns.xml',
        '07-notubl.xml',
        '08-malformed.xml',
      ]);
      assert.match(reasons['02-empty.xml'] as string, /tom/);
      assert.match(reasons['03-truncated.xml'] as string, /avkortet/);
      assert.match(reasons['04-xxe.xml'] as string, /DOCTYPE/);
      assert.match(reasons['05-laughs.xml'] as string, /DOCTYPE/);
      assert.match(reasons['06-wrongns.xml'] as string, /navnerom/);
      assert.match(reasons['07-notubl.xml'] as string, /ikke en EHF/);
      assert.match(reasons['08-malformed.xml'] as string, /passer ikke/);
      assert.deepEqual(r.summary.totals, { EUR: -1325, NOK: 1436.5 });
    } finally {
      store.close();
    }
  });

  it('names the files of a folder relative to it, subfolders included, sorted, hidden files left out', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'walk-'));
    try {
      mkdirSync(join(folder, 'b', 'c'), { recursive: true });
      mkdirSync(join(folder, '.skjult'));
      for (const f of [
        'z.xml',
        'a.XML',
        'b/c/d.xml',
        'b/e.xml',
        'b/notat.txt',
        '.x.xml',
        '.skjult/f.xml',
      ])
        writeFileSync(join(folder, f), '<x/>');
      for (const root of [folder, `${folder}/`]) {
        const files: { name: string; path?: string }[] = [];
        for await (const f of pathSource(root)) files.push({ name: f.name, path: f.path });
        assert.deepEqual(files, [
          { name: 'a.XML', path: join(folder, 'a.XML') },
          { name: 'b/c/d.xml', path: join(folder, 'b/c/d.xml') },
          { name: 'b/e.xml', path: join(folder, 'b/e.xml') },
          { name: 'z.xml', path: join(folder, 'z.xml') },
        ]);
      }
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('reads zip files and refuses bombs, traversal names and nested archives per entry', async () => {
    const good = readFileSync(join(EHF_DIR, 'base-example.xml'));
    const zipPath = join(dir, 'batch.zip');
    writeFileSync(
      zipPath,
      makeZip([
        { name: 'a/good.xml', data: good, deflate: true },
        { name: '../../etc/evil.xml', data: good },
        { name: '/abs/evil2.xml', data: good },
        { name: 'bomb.xml', data: Buffer.alloc(20 * 1024 * 1024, 0x20), deflate: true },
        { name: 'inner.zip', data: makeZip([{ name: 'x.xml', data: good }]) },
        { name: 'readme.txt', data: Buffer.from('ignored') },
        { name: 'credit.xml', data: readFileSync(join(EHF_DIR, 'base-creditnote-correction.xml')) },
      ]),
    );
    const r = await ingestFiles(pathSource(zipPath), { workers: 1, rates: new RateTable([]) });
    const reasons = Object.fromEntries(r.summary.errors.map((e) => [e.file, e.reason]));
    assert.equal(r.summary.invoices, 1);
    assert.equal(r.summary.creditNotes, 1);
    assert.match(reasons['batch.zip/../../etc/evil.xml'] as string, /Ugyldig filnavn/);
    assert.match(reasons['batch.zip//abs/evil2.xml'] as string, /Ugyldig filnavn/);
    assert.match(reasons['batch.zip/bomb.xml'] as string, /komprimering/);
    assert.match(reasons['batch.zip/inner.zip'] as string, /inne i zip/);
    assert.equal(Object.keys(reasons).length, 4);

    // The same archive as an upload (buffer); a corrupt upload is one clear error.
    const up = await ingestFiles(uploadSource('opplasting.zip', readFileSync(zipPath)), {
      workers: 0,
      rates: new RateTable([]),
    });
    assert.equal(up.summary.invoices, 1);
    const broken = await ingestFiles(uploadSource('x.zip', Buffer.from('PK\u0003\u0004garbage')), {
      workers: 0,
      rates: new RateTable([]),
    });
    assert.equal(broken.summary.errors.length, 1);
    assert.match(broken.summary.errors[0]?.reason as string, /zip/);
  });

  it('CLI: `ingest <folder> --json` prints exactly the summary object', () => {
    const dataDir = join(dir, 'cli-data');
    const res = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'ingest', EHF_DIR, '--json'],
      {
        cwd: REPO,
        env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
        encoding: 'utf8',
      },
    );
    assert.equal(res.status, 0, res.stderr);
    const out = JSON.parse(res.stdout);
    assert.deepEqual(Object.keys(out), [
      'files',
      'invoices',
      'creditNotes',
      'lines',
      'duplicates',
      'errors',
      'totals',
    ]);
    assert.deepEqual(out.totals, expectedFromFiles().totals);
    assert.equal(out.duplicates, 1);
    assert.equal(out.lines, 12);
  });
});
