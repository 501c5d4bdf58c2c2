import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import AjvDraft04Module from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import { parse } from 'csv-parse/sync';
import { contractInput } from '../support/fixtures.ts';
import type { TestServer } from '../support/server.ts';
import { BASIS, create, startCatalogue, XSS_TITLE } from './helpers.ts';

const AjvDraft04 = AjvDraft04Module.default;
const addFormats = addFormatsModule.default;

const OCDS_DIR = new URL('../../../shared/data/ocds-1.1/', import.meta.url);
const schema = (name: string) => JSON.parse(readFileSync(new URL(name, OCDS_DIR), 'utf8'));

interface ListBody {
  items: { reference: string; title: string | null; status: string; openToPartners: boolean }[];
  total: number;
  page: number;
  pages: number;
  pageSize: number;
  correctedText: string | null;
  suggestion: string | null;
  links: { next: string | null; prev: string | null };
}

describe('public open data: JSON, CSV, OCDS', () => {
  let s: TestServer;
  const get = async (path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(s.url + path, { headers });
    return { res, text: await res.text() };
  };
  const list = async (qs: string) => {
    const { res, text } = await get(`/api/public/agreements${qs}`);
    assert.equal(res.status, 200, text);
    return JSON.parse(text) as ListBody;
  };

  before(async () => {
    s = await startCatalogue();
    await create(s, {
      referenceNumber: 'RA-XSS-1',
      title: XSS_TITLE,
      description: '=HYPERLINK("http://evil.example","klikk")',
      published: true,
    });
    await create(s, {
      referenceNumber: 'RA-KONF-1',
      title: 'Avtale med hemmelige priser',
      maxValueOre: 7_777_777_700,
      confidential: { maxValueOre: { legalBasis: BASIS } },
      published: true,
    });
  });
  after(() => s.close());

  it('lists only published framework agreements, paged', async () => {
    const first = await list('?pageSize=10');
    assert.equal(first.total, 25); // 23 current of the seeded 24 + 2 above; expired one hidden
    assert.equal(first.pages, 3);
    assert.equal(first.items.length, 10);
    assert.ok(first.links.next?.includes('page=2'));
    assert.equal(first.links.prev, null);
    const all = await list('?pageSize=100&status=current');
    const refs = all.items.map((i) => i.reference);
    assert.ok(!refs.includes('RA-INTERN-1'), 'unpublished must not appear');
    assert.ok(!refs.includes('EK-2025-1'), 'single contracts are not in the catalogue');
    const third = await list('?pageSize=10&page=3');
    assert.equal(third.items.length, 5);
    const seen = new Set([...first.items, ...third.items].map((i) => i.reference));
    assert.equal(seen.size, 15);
  });

  it('filters by status, category, supplier and partners, and sorts', async () => {
    const expired = await list('?status=expired');
    assert.deepEqual(
      expired.items.map((i) => i.reference),
      ['RA-2025-024'],
    );
    const expiring = await list('?status=expiring&pageSize=100');
    assert.ok(expiring.total > 0);
    assert.ok(expiring.items.every((i) => i.status === 'expiring'));
    const schoolFurniture = await list('?category=39160000-1&pageSize=100');
    assert.equal(schoolFurniture.total, 3);
    const division = await list('?category=39&pageSize=100');
    assert.equal(division.total, 6); // 39160000 and 39830000
    const supplier = await list('?supplier=923609016&pageSize=100');
    assert.ok(supplier.total > 0 && supplier.total < 25);
    const partners = await list('?partners=1&pageSize=100');
    assert.ok(partners.total > 0);
    assert.ok(partners.items.every((i) => i.openToPartners));
    const partnersPage2 = await list('?partners=1&pageSize=2&page=2');
    assert.equal(partnersPage2.total, partners.total);
    assert.deepEqual(
      partnersPage2.items.map((i) => i.reference),
      partners.items.slice(2, 4).map((i) => i.reference),
    );
    const byRef = await list('?sort=reference&pageSize=3');
    assert.deepEqual(
      byRef.items.map((i) => i.reference),
      ['RA-2025-001', 'RA-2025-002', 'RA-2025-003'],
    );
  });

  it('the partner filter (answered from the public snapshot) agrees with the store search', async () => {
    for (const qs of [
      '',
      '&q=skole',
      '&q=bj%C3%B8rnstad',
      '&q=974760673',
      '&q=RA-2025-01',
      '&category=39',
      '&supplier=986105174',
      '&status=expiring',
      '&status=expired',
      '&q=tolk&status=active',
    ]) {
      const store = await list(`?pageSize=100&sort=reference${qs}`);
      const snap = await list(`?pageSize=100&sort=reference&partners=1${qs}`);
      assert.deepEqual(
        snap.items.map((i) => i.reference),
        store.items.filter((i) => i.openToPartners).map((i) => i.reference),
        qs,
      );
    }
    const byTitle = await list('?pageSize=100&partners=1');
    const titles = byTitle.items.map((i) => i.title ?? '');
    assert.deepEqual(
      titles,
      [...titles].sort((a, b) => a.localeCompare(b, 'nb')),
    );
  });

  it('full-text search: prefixes, Norwegian letters, supplier names, typos corrected', async () => {
    assert.equal((await list('?q=skolemøb')).total, 3);
    assert.ok((await list('?q=R%C3%B8rlegger')).total >= 1);
    assert.ok((await list('?q=bj%C3%B8rnstad')).total >= 1, 'supplier names are searched');
    const typo = await list('?q=tolketjnester');
    assert.equal(typo.correctedText, 'tolketjenester');
    assert.equal(typo.total, 3);
    const swapped = await list('?q=snøbrøytnig');
    assert.equal(swapped.correctedText, 'snøbrøyting');
    const nothing = await list('?q=xqzvwk');
    assert.equal(nothing.total, 0);
    assert.equal(nothing.correctedText, null);
  });

  it('suggestions come from public words', async () => {
    const { res, text } = await get('/api/public/suggest?q=sko');
    assert.equal(res.status, 200);
    const body = JSON.parse(text) as { completions: string[]; correction: string | null };
    assert.ok(body.completions.includes('skolemøbler'), text);
    const fix = JSON.parse((await get('/api/public/suggest?q=kontorrekvisitta')).text) as {
      correction: string | null;
    };
    assert.equal(fix.correction, 'kontorrekvisita');
  });

  it('refuses bad parameters in the JSON API with field errors', async () => {
    for (const qs of [
      '?page=0',
      '?page=abc',
      '?pageSize=1000',
      '?status=all',
      '?sort=secret',
      '?supplier=123456789',
      '?category=45%25',
      '?lang=de',
      '?page=1&page=2',
      `?q=${'a'.repeat(300)}`,
    ]) {
      const { res, text } = await get(`/api/public/agreements${qs}`);
      assert.equal(res.status, 400, `${qs}: ${text}`);
      const body = JSON.parse(text) as { issues: { field: string }[] };
      assert.ok(body.issues.length > 0, qs);
    }
  });

  it('one agreement as JSON without internal ids, withheld fields with legal basis', async () => {
    const { res, text } = await get('/api/public/agreements/RA-KONF-1');
    assert.equal(res.status, 200, text);
    const a = JSON.parse(text) as Record<string, unknown>;
    assert.equal(a.maxValueOre, null);
    assert.deepEqual(a.withheld, [{ field: 'maxValueOre', legalBasis: BASIS }]);
    for (const key of [
      'id',
      'ownerId',
      'managerId',
      'owningUnitId',
      'allowedUnitIds',
      'riskLevel',
    ]) {
      assert.ok(!(key in a), `${key} must not be public`);
    }
    assert.ok(!text.includes('77777777'), 'withheld value absent');
    assert.ok(!text.includes('eier1') && !text.includes('@kommune.example'));
    assert.equal((await get('/api/public/agreements/RA-INTERN-1')).res.status, 404);
    assert.equal((await get('/api/public/agreements/EK-2025-1')).res.status, 404);
  });

  it('CSV: every public agreement, formula cells defused', async () => {
    const { res, text } = await get('/api/public/agreements.csv');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/csv/);
    assert.equal(
      Buffer.from(await (await fetch(`${s.url}/api/public/agreements.csv`)).arrayBuffer())
        .subarray(0, 3)
        .toString('hex'),
      'efbbbf',
    );
    const rows = parse(text, { columns: true, bom: true }) as Record<string, string>[];
    assert.equal(rows.length, 26); // every published framework agreement, expired included
    const xss = rows.find((r) => r.avtalenummer === 'RA-XSS-1');
    assert.ok(xss?.beskrivelse?.startsWith("'="), 'formula is prefixed');
    const konf = rows.find((r) => r.avtalenummer === 'RA-KONF-1');
    assert.equal(konf?.maksimal_verdi_nok, '');
    assert.match(konf?.unntatt_offentlighet ?? '', /maxValueOre: Offl\. § 13/);
    assert.ok(!rows.some((r) => r.avtalenummer === 'RA-INTERN-1'));
  });

  it('ETag and Cache-Control on every open-data answer; 304 when unchanged', async () => {
    for (const path of [
      '/api/public/agreements',
      '/api/public/agreements.csv',
      '/api/public/ocds',
      '/api/public/agreements/RA-2025-001',
      '/rammeavtaler',
      '/rammeavtaler/avtale/RA-2025-001',
    ]) {
      const first = await get(path);
      const etag = first.res.headers.get('etag');
      assert.ok(etag, path);
      assert.match(first.res.headers.get('cache-control') ?? '', /public, max-age=\d+/);
      const again = await get(path, { 'if-none-match': etag });
      assert.equal(again.res.status, 304, path);
      assert.equal(again.text, '');
      const other = await get(path, { 'if-none-match': '"nope"' });
      assert.equal(other.res.status, 200);
    }
  });

  it('a change shows up at once (new ETag, new content)', async () => {
    const before = await get('/api/public/agreements.csv');
    // cached answers (pages and JSON lists) belong to one catalogue generation
    assert.equal((await list('?q=sykler')).total, 0);
    const pageBefore = await get('/rammeavtaler?q=sykler');
    assert.match(pageBefore.text, /0 avtaler/);
    await create(s, { referenceNumber: 'RA-NY-1', title: 'Ny avtale om sykler', published: true });
    assert.equal((await list('?q=sykler')).total, 1);
    assert.match((await get('/rammeavtaler?q=sykler')).text, /1 avtale</);
    const after = await get('/api/public/agreements.csv');
    assert.notEqual(after.res.headers.get('etag'), before.res.headers.get('etag'));
    assert.ok(after.text.includes('Ny avtale om sykler'));
  });

  it('a change made outside the contract service (an import) shows up after the audit check', async () => {
    await s.services.store.contracts.importMany(
      [
        contractInput({
          referenceNumber: 'RA-IMP-1',
          title: 'Importert avtale om ferjer',
          published: true,
        }),
      ],
      'test',
    );
    // the store finds it at once; the snapshot (CSV, OCDS, facets, cached answers) within seconds
    assert.equal((await list('?q=ferjer')).total, 1);
    let csv = '';
    for (let i = 0; i < 50 && !csv.includes('ferjer'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      csv = (await get('/api/public/agreements.csv')).text;
    }
    assert.ok(csv.includes('Importert avtale om ferjer'), 'the snapshot picked up the import');
  });

  it('OCDS: a release package that validates against the OCDS 1.1 schema', async () => {
    const { res, text } = await get('/api/public/ocds');
    assert.equal(res.status, 200);
    const pkg = JSON.parse(text) as {
      version: string;
      releases: {
        ocid: string;
        contracts: { period?: unknown; value?: { amount: number }; items: unknown[] }[];
        parties: { roles: string[]; identifier?: { id: string } }[];
      }[];
    };
    const ajv = new AjvDraft04({ allErrors: true, strict: false });
    addFormats(ajv);
    ajv.addSchema(schema('release-schema.json'));
    const validate = ajv.compile(schema('release-package-schema.json'));
    const ok = validate(pkg);
    assert.ok(ok, JSON.stringify(validate.errors?.slice(0, 5), null, 2));
    assert.equal(pkg.version, '1.1');
    assert.ok(pkg.releases.length >= 28, `${pkg.releases.length} releases`);
    const konf = pkg.releases.find((r) => r.ocid.endsWith('RA-KONF-1'));
    assert.ok(konf);
    // max value withheld: the estimated value (public) is given instead, never the max
    assert.equal(konf.contracts[0]?.value?.amount, 5_000_000);
    assert.ok(!text.includes('77777777'));
    const first = pkg.releases.find((r) => r.ocid.endsWith('RA-2025-001'));
    assert.ok(first?.contracts[0]?.period);
    assert.ok(first.parties.some((p) => p.roles.includes('supplier') && p.identifier?.id));
    assert.ok(!pkg.releases.some((r) => r.ocid.includes('INTERN') || r.ocid.includes('EK-2025')));
    // the validator is real: a broken package fails
    assert.equal(validate({ ...pkg, version: 'one' }), false);
  });

  it('security headers and CORS on the public paths', async () => {
    const { res } = await get('/api/public/agreements');
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    const page = await get('/rammeavtaler');
    const csp = page.res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /style-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline|script-src/);
    assert.equal(page.res.headers.get('x-frame-options'), 'DENY');
    assert.equal(page.res.headers.get('x-content-type-options'), 'nosniff');
    assert.ok(page.res.headers.get('strict-transport-security'));
    assert.doesNotMatch(page.text, /<script|style=/, 'no inline script or style');
  });
});

describe('public rate limiting', () => {
  let s: TestServer;
  before(async () => {
    s = await startCatalogue({ PUBLIC_RATE_LIMIT: '5' });
  });
  after(() => s.close());

  it('answers 429 after the per-client limit, in JSON and HTML', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push((await fetch(`${s.url}/api/public/agreements`)).status);
    }
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429]);
    const api = await fetch(`${s.url}/api/public/ocds`);
    assert.equal(api.status, 429);
    assert.match(api.headers.get('content-type') ?? '', /json/);
    const page = await fetch(`${s.url}/rammeavtaler?lang=en`);
    assert.equal(page.status, 429);
    assert.match(await page.text(), /Too many requests/);
    // clients behind another address have their own budget (trust proxy: loopback)
    const other = await fetch(`${s.url}/api/public/agreements`, {
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    assert.equal(other.status, 200);
    // the signed-in API is not limited by the public limiter
    const health = await fetch(`${s.url}/api/health`);
    assert.equal(health.status, 200);
  });
});
