import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { SaxesParser } from 'saxes';
import { EhfError, parseEhf, parseEhfText } from '../../src/spend/ehf/parser.ts';

const EHF_DIR = new URL('../../../shared/data/ehf/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, EHF_DIR));
const text = (name: string) => read(name).toString('utf8');

function refusal(input: string | Uint8Array): EhfError {
  try {
    if (typeof input === 'string') parseEhf(Buffer.from(input, 'utf8'));
    else parseEhf(input);
  } catch (e) {
    assert.ok(e instanceof EhfError, `expected EhfError, got ${String(e)}`);
    return e;
  }
  assert.fail('the file was accepted');
}

describe('EHF parser', () => {
  it('reads every official example', () => {
    for (const f of readdirSync(EHF_DIR)) {
      const doc = parseEhf(read(f));
      assert.ok(doc.number.length > 0, f);
      assert.ok(doc.lines.length > 0, f);
    }
  });

  it('extracts the spend fields of the Norwegian example exactly', () => {
    const d = parseEhf(read('Norwegian-example-1.xml'));
    assert.equal(d.type, 'invoice');
    assert.equal(d.number, 'TOSL108');
    assert.equal(d.issueDate, '2013-06-30');
    assert.equal(d.currency, 'NOK');
    assert.equal(d.supplierOrgnr, '123456785');
    assert.equal(d.buyerOrgnr, '987654325');
    assert.equal(d.buyerReference, '3150bdn');
    assert.equal(d.orderReference, '123');
    assert.equal(d.contractReference, 'Contract321');
    assert.equal(d.taxExclusiveMinor, 143650);
    assert.equal(d.lines.length, 5);
    const [l1, l2, , , l5] = d.lines;
    assert.deepEqual(
      { ...l1 },
      {
        lineId: '1',
        quantityMicro: 1_000_000,
        unitCode: 'NAR',
        netMinor: 127300,
        priceMicro: 1_273_000_000,
        baseQuantityMicro: 1_000_000,
        baseQuantityUnit: null,
        itemName: 'Laptop computer',
        sellersItemId: 'JB007',
        gtin: null,
        classifications: ['MP:12344321', 'STI:65434568'],
        accountingCost: 'BookingCode001',
      },
    );
    assert.equal(l2?.quantityMicro, -1_000_000);
    assert.equal(l2?.netMinor, -396);
    assert.equal(l2?.itemName, 'Returned "Advanced computing" book');
    assert.equal(l5?.unitCode, 'MTR');
    assert.equal(l5?.priceMicro, 750_000);
    // Line totals equal the document's line extension amount (1436.50 + 100 allowance − 100 charge).
    assert.equal(
      d.lines.reduce((a, l) => a + l.netMinor, 0),
      143650,
    );
  });

  it('reads a credit note with CreditedQuantity', () => {
    const d = parseEhf(read('base-creditnote-correction.xml'));
    assert.equal(d.type, 'creditNote');
    assert.equal(d.taxExclusiveMinor, 132500);
    assert.equal(d.lines[0]?.quantityMicro, 7_000_000);
    assert.equal(d.lines[0]?.unitCode, 'DAY');
  });

  it('matches namespaces by URI, not by prefix', () => {
    const original = text('base-example.xml');
    const renamed = original
      .replaceAll('cbc:', 'b:')
      .replaceAll('xmlns:cbc=', 'xmlns:b=')
      .replaceAll('cac:', 'agg:')
      .replaceAll('xmlns:cac=', 'xmlns:agg=');
    assert.deepEqual(parseEhfText(renamed), parseEhfText(original));
    // Prefixed root with default namespace for components swapped.
    const prefixedRoot = original
      .replace('<Invoice ', '<inv:Invoice ')
      .replace('</Invoice>', '</inv:Invoice>')
      .replace('xmlns="urn:oasis', 'xmlns:inv="urn:oasis');
    assert.equal(parseEhfText(prefixedRoot).taxExclusiveMinor, 132500);
    // The right prefix with the wrong URI is not the UBL element: the total is then missing.
    const wrongCbc = original.replace(
      'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"',
      'xmlns:cbc="urn:example:not-ubl"',
    );
    assert.throws(
      () => parseEhfText(wrongCbc),
      (e: unknown) => e instanceof EhfError && e.code === 'invalid',
    );
  });

  it('decodes entities and CDATA in kept text', () => {
    const t = text('base-example.xml').replace(
      '<cbc:BuyerReference>0150abc</cbc:BuyerReference>',
      '<cbc:BuyerReference>A&amp;B &#x41;<![CDATA[<x>]]></cbc:BuyerReference>',
    );
    assert.equal(parseEhfText(t).buyerReference, 'A&B A<x>');
  });

  it('reads UTF-8 bytes exactly as the decoded text: kept values, refusals and their messages', () => {
    const base = text('base-example.xml');
    const outcome = (f: () => unknown): string => {
      try {
        return JSON.stringify(f());
      } catch (e) {
        assert.ok(e instanceof EhfError, String(e));
        return `${e.code}: ${e.message}`;
      }
    };
    const ref = '<cbc:BuyerReference>0150abc</cbc:BuyerReference>';
    const variants: string[] = [
      base,
      `\uFEFF${base}`,
      base.replace(
        ref,
        '<cbc:BuyerReference>Ærø Å\u00a0å &amp; ø<![CDATA[ «é» ]]>😀\u0085</cbc:BuyerReference>',
      ),
      base.replace(ref, '<cbc:BuyerReference>\u00a0Ås\u00a0</cbc:BuyerReference>'),
      base.replace('unitCode="', 'unitCode="Ø'),
      base.replace(ref, '<cbc:BuyerReference>&øøøøøøøøøøø;</cbc:BuyerReference>'),
      base.replace(ref, '<cbc:BuyerReference>&øøøøøøøøøøøøøøøøøø;</cbc:BuyerReference>'),
      base.replace(ref, '<cbc:BuyerReference>&ærlig;</cbc:BuyerReference>'),
      base.replace(ref, '<cbc:BuyerReference>x</cbc:BuyerReferenceØ>'),
      base.replace(ref, `${ref}<cbc:Ærø a="1" a="2"/>`),
      base.replace(ref, `${ref}<cbc:Ærø ææ="1" ææ="2"/>`),
      base.replace(ref, `${ref}<ønsket:Ting/>`),
      base.replace(ref, `${ref}<?xml\u00a0x?>`),
      base.replace(ref, `${ref}<Åpen>`),
      base.replace(/<Invoice\b/, '<Fåktura').replace(/<\/Invoice>/, '</Fåktura>'),
      base.replace(
        'xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"',
        'xmlns="urn:øst:Invoice-2"',
      ),
      `ø${base}`,
      `${base}ø`,
    ];
    for (const v of variants) {
      assert.equal(
        outcome(() => parseEhf(Buffer.from(v, 'utf8'))),
        outcome(() => parseEhfText(v)),
      );
    }
    const kept = parseEhf(Buffer.from(variants[2] as string, 'utf8'));
    assert.equal(kept.buyerReference, 'Ærø Å\u00a0å & ø «é» 😀\u0085'); // JS trim keeps NEL
  });

  it('agrees with saxes on the elements it keeps', () => {
    const t = text('Norwegian-example-1.xml');
    const names: string[] = [];
    const p = new SaxesParser({ xmlns: true });
    p.on('opentag', (tag) => {
      if (tag.local === 'LineExtensionAmount' && tag.uri.endsWith('CommonBasicComponents-2'))
        names.push(tag.local);
    });
    p.write(t).close();
    // 5 lines + the document total
    assert.equal(names.length, 6);
    assert.equal(parseEhfText(t).lines.length, 5);
  });

  describe('refuses hostile and broken files with a clear reason', () => {
    const base = text('base-example.xml');
    const cases: [string, string | Uint8Array, string, RegExp][] = [
      ['empty', '', 'empty', /tom/],
      ['only whitespace', '  \n ', 'empty', /tom/],
      [
        'XXE',
        `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>${base.slice(base.indexOf('<Invoice'))}`,
        'doctype',
        /DOCTYPE/,
      ],
      [
        'billion laughs',
        `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><lolz>&lol2;</lolz>`,
        'doctype',
        /DOCTYPE/,
      ],
      ['undeclared entity', base.replace('<cbc:Note>', '<cbc:Note>&lol9;'), 'entity', /entitet/],
      ['truncated', base.slice(0, Math.floor(base.length / 2)), 'truncated', /avkortet/],
      [
        'truncated in a tag',
        base.slice(0, base.indexOf('<cbc:IssueDate') + 6),
        'truncated',
        /avkortet/,
      ],
      [
        'mismatched tags',
        base.replace('</cbc:IssueDate>', '</cbc:DueDate>'),
        'malformed',
        /passer ikke/,
      ],
      [
        'wrong namespace',
        base.replace(
          'xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"',
          'xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-1"',
        ),
        'wrong_namespace',
        /navnerom/,
      ],
      [
        'not UBL',
        '<?xml version="1.0"?><Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"/>',
        'not_ubl',
        /ikke en EHF/,
      ],
      ['not XML', '{"invoice": 1}', 'not_xml', /ikke XML/],
      ['PDF', Buffer.from('%PDF-1.7\n...'), 'not_xml', /PDF/],
      ['invalid UTF-8', Buffer.from([0x3c, 0x61, 0xff, 0xfe, 0x3e]), 'encoding', /UTF-8/],
      [
        'other encoding',
        '<?xml version="1.0" encoding="ISO-8859-1"?><Invoice/>',
        'encoding',
        /ISO-8859-1/,
      ],
      ['two roots', `${base}<Invoice/>`, 'malformed', /rotelement/],
      [
        'unbound prefix',
        base.replace('<cbc:Note>', '<zz:Note>').replace('</cbc:Note>', '</zz:Note>'),
        'malformed',
        /prefikset/,
      ],
      [
        'amount with too many decimals',
        base.replace(
          '<cbc:TaxExclusiveAmount currencyID="EUR">1325</cbc:TaxExclusiveAmount>',
          '<cbc:TaxExclusiveAmount currencyID="EUR">1325.001</cbc:TaxExclusiveAmount>',
        ),
        'invalid',
        /TaxExclusiveAmount/,
      ],
      [
        'deep nesting',
        `<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">${'<a>'.repeat(500)}`,
        'too_deep',
        /nestet/,
      ],
      [
        'script in a name is kept as text, missing total refused',
        '<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><script>alert(1)</script></Invoice>',
        'invalid',
        /mangler/,
      ],
    ];
    for (const [name, input, code, reason] of cases) {
      it(name, () => {
        const e = refusal(input);
        assert.equal(e.code, code, e.message);
        assert.match(e.message, reason);
      });
    }
  });

  it('never expands a large number of nested references (no DTD, so no entities)', () => {
    const big = `<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">${'&amp;'.repeat(100_000)}</Invoice>`;
    const e = refusal(big);
    assert.equal(e.code, 'invalid'); // parsed in linear time; missing fields are the only complaint
  });
});
