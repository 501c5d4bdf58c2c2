import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CONFIDENTIAL_FIELDS } from '../../src/core/index.ts';
import { escapeHtml, html } from '../../src/public/html.ts';
import { contrastRatio, loadPublicSettings } from '../../src/public/settings.ts';
import { editDistance, Vocabulary } from '../../src/public/spelling.ts';
import type { TestServer } from '../support/server.ts';
import { BASIS, create, startCatalogue, XSS_TITLE } from './helpers.ts';

describe('public pages over HTTP', () => {
  let s: TestServer;
  const page = async (path: string) => {
    const res = await fetch(s.url + path);
    return { status: res.status, text: await res.text(), res };
  };
  before(async () => {
    s = await startCatalogue({
      PUBLIC_CONTACT_EMAIL: 'innkjop@testby.kommune.no',
      PUBLIC_BRAND_COLOUR: '#7a1f5c',
    });
    await create(s, {
      referenceNumber: 'RA-XSS-1',
      title: XSS_TITLE,
      description: '"><img src=x onerror=alert(1)>',
      suppliers: [{ orgnr: '914994780', name: '<i>Skurk</i> AS', rank: null, terms: null }],
      published: true,
    });
    await create(s, {
      referenceNumber: 'RA-KONF-1',
      title: 'Skjermet avtale',
      caseNumber: '2025/1234',
      allowedUnitIds: ['u-helse', 'u-skole'],
      partnerOrganisations: ['Askøy kommune'],
      confidential: Object.fromEntries(
        CONFIDENTIAL_FIELDS.filter((f) => f !== 'title').map((f) => [f, { legalBasis: BASIS }]),
      ),
      published: true,
    });
  });
  after(() => s.close());

  it('the search page: landmarks, form labels, bokmål by default', async () => {
    const { status, text } = await page('/rammeavtaler');
    assert.equal(status, 200);
    assert.match(text, /<html lang="nb">/);
    assert.match(text, /<a class="skip-link" href="#main">Hopp til hovedinnholdet<\/a>/);
    assert.match(text, /<header class="site-header">/);
    assert.match(text, /<main id="main"/);
    assert.match(text, /<footer class="site-footer">/);
    assert.match(text, /<form class="search" role="search"/);
    for (const id of ['q', 'category', 'supplier', 'sort', 'partners']) {
      assert.match(text, new RegExp(`<label for="${id}">`), id);
    }
    assert.match(text, /Testby kommune/);
    assert.match(text, /<h2 id="results-heading">25 avtaler<\/h2>/);
  });

  it('nynorsk and English with the right lang attributes; links keep the language', async () => {
    const nn = await page('/rammeavtaler?lang=nn&q=skole');
    assert.match(nn.text, /<html lang="nn">/);
    assert.match(nn.text, /Rammeavtalar/);
    assert.match(nn.text, /<input type="hidden" name="lang" value="nn">/);
    assert.match(nn.text, /href="\/rammeavtaler\/avtale\/RA-2025-002\?lang=nn"/);
    assert.match(
      nn.text,
      /<a href="\/rammeavtaler\?q=skole&amp;lang=en" lang="en" hreflang="en">English<\/a>/,
    );
    const en = await page('/rammeavtaler/avtale/RA-2025-001?lang=en');
    assert.match(en.text, /<html lang="en">/);
    assert.match(en.text, /Agreement period/);
    const bad = await page('/rammeavtaler?lang=%3Cx%3E');
    assert.match(bad.text, /<html lang="nb">/);
  });

  it('escapes everything: a title with <script> is text', async () => {
    const list = await page('/rammeavtaler?q=fet');
    assert.equal(list.status, 200);
    assert.ok(!list.text.includes('<script>'), 'no script element');
    assert.ok(list.text.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'), 'escaped');
    const one = await page('/rammeavtaler/avtale/RA-XSS-1');
    assert.ok(!one.text.includes('<script>') && !one.text.includes('<img src=x'), 'no markup');
    assert.ok(!one.text.includes('<i>Skurk</i>'), 'supplier name escaped');
    assert.ok(one.text.includes('&lt;i&gt;Skurk&lt;/i&gt; AS'), 'supplier name shown');
    assert.match(one.text, /<title>Rammeavtale &lt;script&gt;/);
  });

  it('hostile query strings are answered calmly, reflected only escaped', async () => {
    const hostile = [
      `?q=${encodeURIComponent('"><script>alert(1)</script>')}`,
      `?q=${encodeURIComponent('NEAR(a b) OR * " ^ title:x')}`,
      `?q=${encodeURIComponent("' OR 1=1; DROP TABLE contracts; --")}`,
      `?q=${'x'.repeat(5_000)}`,
      `?q=${encodeURIComponent('a\u0000b\u202Ec\u200Bd')}`,
      '?q[]=x&q[]=y',
      '?q[a]=b',
      '?page=-1',
      '?page=99999999999999999999',
      '?pageSize=100000',
      '?category=..%2F..%2Fetc',
      '?category=45%25',
      '?supplier=%27%20OR%201%3D1',
      '?sort=__proto__',
      '?status[]=expired',
      '?partners=%3Cb%3E',
      '?lang=en&lang=nn',
      '?__proto__[polluted]=1',
    ];
    for (const qs of hostile) {
      const r = await page(`/rammeavtaler${qs}`);
      assert.equal(r.status, 200, `${qs.slice(0, 60)} → ${r.status}`);
      assert.ok(!r.text.includes('<script>'), `no script for ${qs.slice(0, 40)}`);
      assert.ok(!r.text.includes('\u202E'), 'bidi override removed');
    }
    // a request line over Node's header limit is refused before it reaches the catalogue
    assert.equal((await page(`/rammeavtaler?q=${'x'.repeat(20_000)}`)).status, 431);
    const reflected = await page(`/rammeavtaler?q=${encodeURIComponent('"><b>x</b>')}`);
    assert.ok(reflected.text.includes('value="&quot;&gt;&lt;b&gt;x&lt;/b&gt;"'), 'value escaped');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    for (const path of [
      '/rammeavtaler/avtale/..%2F..%2Fetc%2Fpasswd',
      '/rammeavtaler/avtale/%00',
      `/rammeavtaler/avtale/${encodeURIComponent('<script>alert(1)</script>')}`,
      '/rammeavtaler/avtale/RA-INTERN-1',
      '/rammeavtaler/finnes-ikke',
    ]) {
      const r = await page(path);
      assert.equal(r.status, 404, path);
      assert.match(r.text, /Fant ikke siden/);
      assert.ok(!r.text.includes('<script>alert'), path);
    }
  });

  it('the agreement page: suppliers, period, options, users, contact, withheld with basis', async () => {
    const { text } = await page('/rammeavtaler/avtale/RA-2025-001');
    assert.match(text, /Østlandske Kontor AS/);
    assert.match(text, /974 760 673/);
    assert.match(text, /Rangering/);
    assert.match(text, /1\. januar 2025/);
    assert.match(text, /31\. desember 2028/);
    assert.match(text, /innkjop@testby\.kommune\.no/);
    assert.match(text, /Innkjøp konsern, Testby kommune/);
    assert.match(text, /<li>Skole<\/li>/);
    assert.match(
      (await page('/rammeavtaler/avtale/RA-2025-002')).text,
      /Alle enheter i Testby kommune/,
    );
    assert.ok(!text.includes('eier1') && !text.includes('u-innkjop'), 'no internal ids');
    const konf = await page('/rammeavtaler/avtale/RA-KONF-1');
    const withheld = konf.text.match(/Unntatt offentlighet/g) ?? [];
    assert.ok(withheld.length >= 6, `withheld shown ${withheld.length} times`);
    const summary = konf.text.split('class="withheld-table"')[1] ?? '';
    assert.equal((summary.match(/<tr><th scope="row">/g) ?? []).length, 7, 'every withheld field');
    assert.ok(konf.text.includes(BASIS), 'legal basis shown');
    assert.match(konf.text, /Helse og omsorg/);
    assert.match(konf.text, /Askøy kommune/);
    assert.match(konf.text, /2025\/1234/);
    assert.ok(!konf.text.includes('u-helse'), 'unit ids never shown');
    assert.ok(!konf.text.includes('Kontorleverandøren'), 'withheld supplier absent');
  });

  it('paging links keep the search; the theme colour is configurable', async () => {
    const first = await page('/rammeavtaler?sort=reference');
    assert.match(first.text, /href="\/rammeavtaler\?sort=reference&amp;page=2" rel="next"/);
    assert.match(first.text, /aria-current="page" aria-label="Side 1"/);
    const second = await page('/rammeavtaler?sort=reference&page=2');
    assert.match(second.text, /<ol class="results" start="21">/);
    assert.match(second.text, /rel="prev"/);
    const theme = await page('/rammeavtaler/assets/theme.css');
    assert.match(theme.text, /--brand:#7a1f5c/);
    assert.match(theme.res.headers.get('content-type') ?? '', /text\/css/);
  });
});

describe('catalogue building blocks', () => {
  it('html escapes interpolations and keeps nested templates', () => {
    assert.equal(
      html`<p title="${'"x"'}">${'<b>'}${html`<i>ok</i>`}${['a', '&']}</p>`.value,
      '<p title="&quot;x&quot;">&lt;b&gt;<i>ok</i>a&amp;</p>',
    );
    assert.equal(escapeHtml("'`"), '&#39;&#96;');
  });

  it('edit distance counts swaps as one and stops early', () => {
    assert.equal(editDistance('tolk', 'tolk'), 0);
    assert.equal(editDistance('tlok', 'tolk'), 1);
    assert.equal(editDistance('brøyting', 'brøytnig'), 1);
    assert.equal(editDistance('kontor', 'kantine'), 4);
    assert.equal(editDistance('abcdef', 'uvwxyz', 2), 3);
  });

  it('vocabulary: prefixes, Norwegian letters, nearest words, no short-word guessing', () => {
    const v = new Vocabulary(['Skolemøbler og tavler', 'Rengjøringsmidler', 'Tolketjenester']);
    assert.ok(v.hasPrefix('skolem'));
    assert.ok(v.hasPrefix('rengjø'));
    assert.equal(v.nearest('skolemøbbler'), 'skolemøbler');
    assert.equal(v.nearest('rengjorings'), 'rengjøringsmidler');
    assert.equal(v.nearest('tav'), null);
    assert.deepEqual(v.correct('tolketjnester skolemøbler'), {
      text: 'tolketjenester skolemøbler',
      changed: true,
    });
    assert.deepEqual(v.complete('T', 5), ['tavler', 'tolketjenester']);
  });

  it('settings: brand colour must keep 4.5:1 against white; URLs must be http(s) or paths', () => {
    const base = { ORGANISATION_NAME: 'X', PUBLIC_BASE_URL: 'https://x.example/' };
    const ok = loadPublicSettings(base, { PUBLIC_BRAND_COLOUR: '#005a9c' });
    assert.equal(ok.brandColour, '#005a9c');
    assert.equal(ok.baseUrl, 'https://x.example');
    const pale = loadPublicSettings(base, { PUBLIC_BRAND_COLOUR: '#ffdd00' });
    assert.equal(pale.brandColour, '#1f4e79');
    assert.equal(pale.warnings.length, 1);
    const js = loadPublicSettings(base, { PUBLIC_LOGO_URL: 'javascript:alert(1)' });
    assert.equal(js.logoUrl, null);
    assert.ok(contrastRatio('#1f4e79', '#ffffff') >= 4.5);
  });
});
