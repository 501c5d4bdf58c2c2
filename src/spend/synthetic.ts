/**
 * A deterministic synthetic year of spend: suppliers, agreements (as register contracts), price
 * lists, invoices with lines (as EHF XML and as parsed documents), a planted share of contract
 * leakage and planted price deviations, with the ground truth the tests and benchmarks check.
 * Same seed, same year, byte for byte.
 */
import type { Contract } from '../core/contract.ts';
import { orgnrCheckDigit } from '../core/orgnr.ts';
import { formatScaled } from '../core/spend/decimal.ts';
import type { SpendDocument, SpendLine } from '../core/spend/model.ts';
import { allowedPrices, type IndexSeries, type PriceListEntry } from '../core/spend/pricing.ts';

export interface SyntheticOptions {
  readonly seed: number;
  readonly year: number;
  readonly invoices: number;
  readonly agreements: number;
  readonly suppliers: number;
  /** Share of invoices planted as leakage (another supplier in an agreement's category), 0–1. */
  readonly leakageShare: number;
  /** Share of agreement lines planted with a price above the agreed price, 0–1. */
  readonly deviationShare: number;
  /** Average lines per invoice. */
  readonly linesPerInvoice: number;
  readonly itemsPerAgreement: number;
}

export const DEFAULT_SYNTHETIC: SyntheticOptions = {
  seed: 42,
  year: 2024,
  invoices: 2000,
  agreements: 40,
  suppliers: 120,
  leakageShare: 0.12,
  deviationShare: 0.05,
  linesPerInvoice: 8,
  itemsPerAgreement: 25,
};

export interface GroundTruth {
  /** Spend (øre) in categories with an active agreement, with another supplier. */
  readonly otherSupplierOre: number;
  /** Spend (øre) with suppliers without agreement in categories without agreement. */
  readonly noAgreementOre: number;
  /** Spend (øre) matched to agreements. */
  readonly matchedOre: number;
  /** Planted over-payment (øre) with tolerance 0, and deviations above 1 % (tolerance 100 bp). */
  readonly overpaidOre: number;
  readonly overpaidAbove1PercentOre: number;
  readonly deviatingLines: number;
  readonly overpaidByAgreement: Readonly<Record<string, number>>;
  readonly lines: number;
}

export interface SyntheticYear {
  readonly contracts: Contract[];
  readonly priceLists: PriceListEntry[];
  readonly index: IndexSeries;
  readonly documents: SpendDocument[];
  readonly truth: GroundTruth;
}

/** mulberry32: small, fast, deterministic. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function syntheticOrgnr(i: number): string {
  for (let k = 0; ; k++) {
    const first = String(910_000_000 + i * 97 + k).slice(0, 8);
    const check = orgnrCheckDigit(first);
    if (check !== null) return `${first}${check}`;
  }
}

const CATEGORIES = [
  '30192000',
  '30197000',
  '33141000',
  '39830000',
  '15800000',
  '44111000',
  '09134000',
  '42990000',
  '50700000',
  '79710000',
  '90910000',
  '55520000',
  '34110000',
  '33190000',
  '18100000',
  '22800000',
];
/** Categories no agreement covers (spend there is "no agreement"). */
const UNCOVERED = ['71300000', '80500000', '79340000', '92300000'];

const UNITS = ['1201', '1202', '1203', '2301', '3400', '4100', '5200'];

/** A synthetic KPI, monthly, rising ~4 % a year (values × 10). */
function syntheticIndex(year: number): IndexSeries {
  const values = new Map<string, number>();
  let v = 1200;
  for (let y = year - 3; y <= year; y++) {
    for (let m = 1; m <= 12; m++) {
      values.set(`${y}-${String(m).padStart(2, '0')}`, v);
      v += 4 + ((y * 12 + m) % 3);
    }
  }
  return { name: 'KPI-SYNT', values };
}

function contract(
  id: number,
  year: number,
  suppliers: string[],
  cpv: string[],
  rand: () => number,
  index: IndexSeries,
): Contract {
  const adjust = id % 3 !== 0;
  const start = `${year - 1 - (id % 2)}-01-01`;
  const expiresMidYear = id % 10 === 9;
  const end = expiresMidYear ? `${year}-06-30` : `${year + 2}-12-31`;
  const est = Math.round(200_000 + rand() * 4_000_000) * 100;
  return {
    id: `avt-${String(id).padStart(4, '0')}`,
    referenceNumber: `RA-${year - 1}-${String(id).padStart(4, '0')}`,
    caseNumber: null,
    title: `Rammeavtale ${id}`,
    description: '',
    kind: 'framework',
    type: 'goods',
    procedure: 'open',
    cpvCodes: cpv,
    owningUnitId: 'innkjop',
    ownerId: 'u1',
    managerId: null,
    suppliers: suppliers.map((orgnr, i) => ({
      orgnr,
      name: `Leverandør ${orgnr}`,
      rank: i + 1,
      terms: null,
    })),
    allowedUnitIds: [],
    partnerOrganisations: [],
    startDate: start,
    endDate: end,
    options: [],
    noticePeriodMonths: 3,
    estimatedValueOre: est,
    maxValueOre: id % 7 === 0 ? Math.round(est / 4) : est * 2,
    priceAdjustment: adjust
      ? {
          index: index.name,
          basePeriod: `${year - 2}-06`,
          adjustmentMonth: 1 + (id % 12),
          sharePercent: id % 4 === 0 ? 80 : 100,
        }
      : null,
    riskLevel: 'medium',
    payConditionsControl: false,
    sector: null,
    published: true,
    draft: false,
    terminatedOn: null,
    terminationReason: null,
    confidential: {},
    version: 1,
    createdAt: `${year - 1}-01-01T00:00:00Z`,
    updatedAt: `${year - 1}-01-01T00:00:00Z`,
  };
}

const dayOfYear = (year: number, d: number): string => {
  const t = Date.UTC(year, 0, 1) + d * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
};

export function generateYear(options: Partial<SyntheticOptions> = {}): SyntheticYear {
  const o = { ...DEFAULT_SYNTHETIC, ...options };
  const rand = prng(o.seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
  const index = syntheticIndex(o.year);

  const suppliers = Array.from({ length: o.suppliers }, (_, i) => syntheticOrgnr(i + 1));
  // Suppliers 0..k are agreement suppliers; the rest never have an agreement.
  const agreementSupplierCount = Math.max(2, Math.floor(o.suppliers * 0.6));
  const contracts: Contract[] = [];
  const priceLists: PriceListEntry[] = [];
  for (let a = 0; a < o.agreements; a++) {
    const s1 = suppliers[(a * 2) % agreementSupplierCount] as string;
    const s2 = suppliers[(a * 2 + 1) % agreementSupplierCount] as string;
    const cpv = [CATEGORIES[a % CATEGORIES.length] as string];
    const c = contract(a + 1, o.year, a % 4 === 0 ? [s1, s2] : [s1], cpv, rand, index);
    contracts.push(c);
    for (let i = 0; i < o.itemsPerAgreement; i++) {
      const dozen = i % 9 === 4;
      const pieceOre = int(5, 4000) * (dozen ? 1 : 1);
      priceLists.push({
        agreementId: c.id,
        itemNumber: `${c.id}-V${String(i).padStart(3, '0')}`,
        gtin: null,
        description: `Vare ${i} på ${c.referenceNumber}`,
        unit: dozen ? 'DZN' : 'C62',
        priceMicro: (dozen ? pieceOre * 12 : pieceOre) * 10_000,
        currency: 'NOK',
        validFrom: c.startDate as string,
      });
    }
  }
  const allowedByItem = new Map<string, ReturnType<typeof allowedPrices>>();
  const contractById = new Map(contracts.map((c) => [c.id, c]));
  for (const e of priceLists) {
    const c = contractById.get(e.agreementId) as Contract;
    allowedByItem.set(e.itemNumber as string, allowedPrices(e, c.priceAdjustment, index, o.year));
  }
  const itemsOf = new Map<string, PriceListEntry[]>();
  for (const e of priceLists) {
    let l = itemsOf.get(e.agreementId);
    if (!l) {
      l = [];
      itemsOf.set(e.agreementId, l);
    }
    l.push(e);
  }
  const allowedOn = (item: string, date: string): number => {
    const list = allowedByItem.get(item) ?? [];
    let v = 0;
    for (const p of list)
      if (p.validFrom <= date && (!p.validTo || date < p.validTo)) v = p.allowedMicro;
    return v;
  };

  let otherSupplierOre = 0;
  let noAgreementOre = 0;
  let matchedOre = 0;
  let overpaidOre = 0;
  let overpaidAbove1 = 0;
  let deviatingLines = 0;
  let lineCount = 0;
  const overByAgreement: Record<string, number> = {};
  const documents: SpendDocument[] = [];

  for (let n = 0; n < o.invoices; n++) {
    const date = dayOfYear(o.year, int(0, 364));
    const unit = pick(UNITS);
    const lineTotal = Math.max(1, Math.round(o.linesPerInvoice * (0.5 + rand())));
    const r = rand();
    const lines: SpendLine[] = [];
    let supplier: string;
    let contractRef: string | null = null;
    if (r < o.leakageShare) {
      // Leakage: a supplier without agreement, in a category an active agreement covers.
      supplier = suppliers[
        agreementSupplierCount + (n % (o.suppliers - agreementSupplierCount))
      ] as string;
      const active = contracts.filter(
        (c) => (c.startDate as string) <= date && date <= (c.endDate as string),
      );
      const c = pick(active);
      for (let i = 0; i < lineTotal; i++) {
        const q = int(1, 20);
        const priceOre = int(10, 5000);
        lines.push(plainLine(i, q, priceOre, c.cpvCodes[0] as string, `Annen vare ${i}`));
        otherSupplierOre += q * priceOre;
      }
    } else if (r < o.leakageShare + 0.08) {
      // No agreement in an uncovered category.
      supplier = suppliers[
        agreementSupplierCount + ((n * 7) % (o.suppliers - agreementSupplierCount))
      ] as string;
      const cpv = pick(UNCOVERED);
      for (let i = 0; i < lineTotal; i++) {
        const q = int(1, 10);
        const priceOre = int(1000, 90_000);
        lines.push(plainLine(i, q, priceOre, cpv, `Tjeneste ${i}`));
        noAgreementOre += q * priceOre;
      }
    } else {
      // Under an agreement in force on the date: contract reference on about half.
      const active = contracts.filter(
        (c) => (c.startDate as string) <= date && date <= (c.endDate as string),
      );
      const c = pick(active);
      supplier = c.suppliers[0]?.orgnr as string;
      if (rand() < 0.5) contractRef = c.referenceNumber;
      const items = itemsOf.get(c.id) ?? [];
      for (let i = 0; i < lineTotal; i++) {
        const item = pick(items);
        const allowedPiece = allowedOn(item.itemNumber as string, date); // per piece (base unit), micro
        const allowedOre = allowedPiece / 10_000;
        let priceOre = allowedOre;
        const q = int(1, 20);
        const dev = rand();
        if (dev < o.deviationShare) {
          const large = dev < o.deviationShare / 2;
          const delta = large
            ? Math.max(1, Math.round(allowedOre * (0.05 + rand() * 0.1)))
            : Math.max(1, Math.floor(allowedOre * 0.004));
          priceOre = allowedOre + delta;
          overpaidOre += delta * q;
          if (delta * 10_000 > allowedOre * 100) overpaidAbove1 += delta * q;
          overByAgreement[c.id] = (overByAgreement[c.id] ?? 0) + delta * q;
          deviatingLines++;
        }
        const perTen = i % 5 === 3; // price given per 10 pieces (BaseQuantity 10)
        lines.push({
          lineId: String(i + 1),
          quantityMicro: q * 1_000_000,
          unitCode: 'C62',
          netMinor: q * priceOre,
          priceMicro: priceOre * 10_000 * (perTen ? 10 : 1),
          baseQuantityMicro: perTen ? 10_000_000 : 1_000_000,
          baseQuantityUnit: 'C62',
          itemName: item.description,
          sellersItemId: item.itemNumber,
          gtin: null,
          classifications: [`STI:${c.cpvCodes[0]}`],
          accountingCost: null,
        });
        matchedOre += q * priceOre;
      }
    }
    lineCount += lines.length;
    const total = lines.reduce((a, l) => a + l.netMinor, 0);
    documents.push({
      type: 'invoice',
      number: `F${o.year}-${String(n + 1).padStart(7, '0')}`,
      issueDate: date,
      currency: 'NOK',
      supplierOrgnr: supplier,
      supplierKey: supplier,
      supplierName: `Leverandør ${supplier}`,
      buyerOrgnr: '964338531',
      buyerReference: unit,
      orderReference: null,
      contractReference: contractRef,
      accountingCost: null,
      taxExclusiveMinor: total,
      lines,
    });
  }
  return {
    contracts,
    priceLists,
    index,
    documents,
    truth: {
      otherSupplierOre,
      noAgreementOre,
      matchedOre,
      overpaidOre,
      overpaidAbove1PercentOre: overpaidAbove1,
      deviatingLines,
      overpaidByAgreement: overByAgreement,
      lines: lineCount,
    },
  };
}

function plainLine(i: number, q: number, priceOre: number, cpv: string, name: string): SpendLine {
  return {
    lineId: String(i + 1),
    quantityMicro: q * 1_000_000,
    unitCode: 'C62',
    netMinor: q * priceOre,
    priceMicro: priceOre * 10_000,
    baseQuantityMicro: 1_000_000,
    baseQuantityUnit: 'C62',
    itemName: name,
    sellersItemId: null,
    gtin: null,
    classifications: [`STI:${cpv}`],
    accountingCost: null,
  };
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const amount = (minor: number) => formatScaled(minor, 2);
const decimal6 = (micro: number) => formatScaled(micro, 6).replace(/\.?0+$/, '');

/** Serialises a document as EHF 3.0 (Peppol BIS Billing 3.0) XML, with the usual party detail. */
export function toEhfXml(d: SpendDocument): string {
  const credit = d.type === 'creditNote';
  const root = credit ? 'CreditNote' : 'Invoice';
  const lineEl = credit ? 'CreditNoteLine' : 'InvoiceLine';
  const qtyEl = credit ? 'CreditedQuantity' : 'InvoicedQuantity';
  const c = d.currency;
  const vat = Math.round(d.taxExclusiveMinor / 4);
  const parts: string[] = [];
  parts.push(`<?xml version="1.0" encoding="UTF-8"?>
<${root} xmlns="urn:oasis:names:specification:ubl:schema:xsd:${root}-2"
  xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
  xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0</cbc:CustomizationID>
  <cbc:ProfileID>urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</cbc:ProfileID>
  <cbc:ID>${esc(d.number)}</cbc:ID>
  <cbc:IssueDate>${d.issueDate}</cbc:IssueDate>
  <cbc:DueDate>${d.issueDate}</cbc:DueDate>
  <cbc:${credit ? 'CreditNoteTypeCode>381</cbc:CreditNoteTypeCode' : 'InvoiceTypeCode>380</cbc:InvoiceTypeCode'}>
  <cbc:Note>Synthetic invoice for tests and benchmarks</cbc:Note>
  <cbc:DocumentCurrencyCode>${c}</cbc:DocumentCurrencyCode>
${d.buyerReference ? `  <cbc:BuyerReference>${esc(d.buyerReference)}</cbc:BuyerReference>\n` : ''}${d.orderReference ? `  <cac:OrderReference><cbc:ID>${esc(d.orderReference)}</cbc:ID></cac:OrderReference>\n` : ''}${d.contractReference ? `  <cac:ContractDocumentReference>\n    <cbc:ID>${esc(d.contractReference)}</cbc:ID>\n  </cac:ContractDocumentReference>\n` : ''}  <cac:AccountingSupplierParty>
    <cac:Party>
      <cbc:EndpointID schemeID="0192">${d.supplierOrgnr}</cbc:EndpointID>
      <cac:PartyName><cbc:Name>${esc(d.supplierName)}</cbc:Name></cac:PartyName>
      <cac:PostalAddress>
        <cbc:StreetName>Storgata 1</cbc:StreetName>
        <cbc:CityName>Bergen</cbc:CityName>
        <cbc:PostalZone>5003</cbc:PostalZone>
        <cac:Country><cbc:IdentificationCode>NO</cbc:IdentificationCode></cac:Country>
      </cac:PostalAddress>
      <cac:PartyTaxScheme>
        <cbc:CompanyID>NO${d.supplierOrgnr}MVA</cbc:CompanyID>
        <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>
      </cac:PartyTaxScheme>
      <cac:PartyLegalEntity>
        <cbc:RegistrationName>${esc(d.supplierName)} AS</cbc:RegistrationName>
        <cbc:CompanyID schemeID="0192">${d.supplierOrgnr}</cbc:CompanyID>
      </cac:PartyLegalEntity>
      <cac:Contact>
        <cbc:Name>Kari Nordmann</cbc:Name>
        <cbc:Telephone>55 55 55 55</cbc:Telephone>
        <cbc:ElectronicMail>faktura@example.no</cbc:ElectronicMail>
      </cac:Contact>
    </cac:Party>
  </cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty>
    <cac:Party>
      <cbc:EndpointID schemeID="0192">${d.buyerOrgnr ?? '964338531'}</cbc:EndpointID>
      <cac:PartyName><cbc:Name>Bergen kommune</cbc:Name></cac:PartyName>
      <cac:PostalAddress>
        <cbc:StreetName>Postboks 7700</cbc:StreetName>
        <cbc:CityName>Bergen</cbc:CityName>
        <cbc:PostalZone>5020</cbc:PostalZone>
        <cac:Country><cbc:IdentificationCode>NO</cbc:IdentificationCode></cac:Country>
      </cac:PostalAddress>
      <cac:PartyLegalEntity>
        <cbc:RegistrationName>Bergen kommune</cbc:RegistrationName>
        <cbc:CompanyID schemeID="0192">${d.buyerOrgnr ?? '964338531'}</cbc:CompanyID>
      </cac:PartyLegalEntity>
    </cac:Party>
  </cac:AccountingCustomerParty>
  <cac:PaymentMeans>
    <cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>
    <cbc:PaymentID>${esc(d.number)}</cbc:PaymentID>
    <cac:PayeeFinancialAccount><cbc:ID>NO9386011117947</cbc:ID></cac:PayeeFinancialAccount>
  </cac:PaymentMeans>
  <cac:TaxTotal>
    <cbc:TaxAmount currencyID="${c}">${amount(vat)}</cbc:TaxAmount>
    <cac:TaxSubtotal>
      <cbc:TaxableAmount currencyID="${c}">${amount(d.taxExclusiveMinor)}</cbc:TaxableAmount>
      <cbc:TaxAmount currencyID="${c}">${amount(vat)}</cbc:TaxAmount>
      <cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>25</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory>
    </cac:TaxSubtotal>
  </cac:TaxTotal>
  <cac:LegalMonetaryTotal>
    <cbc:LineExtensionAmount currencyID="${c}">${amount(d.taxExclusiveMinor)}</cbc:LineExtensionAmount>
    <cbc:TaxExclusiveAmount currencyID="${c}">${amount(d.taxExclusiveMinor)}</cbc:TaxExclusiveAmount>
    <cbc:TaxInclusiveAmount currencyID="${c}">${amount(d.taxExclusiveMinor + vat)}</cbc:TaxInclusiveAmount>
    <cbc:PayableAmount currencyID="${c}">${amount(d.taxExclusiveMinor + vat)}</cbc:PayableAmount>
  </cac:LegalMonetaryTotal>
`);
  for (const l of d.lines) {
    const classes = l.classifications
      .map((k) => {
        const [list, code] = k.split(':') as [string, string];
        return `      <cac:CommodityClassification><cbc:ItemClassificationCode listID="${list}">${esc(code)}</cbc:ItemClassificationCode></cac:CommodityClassification>\n`;
      })
      .join('');
    parts.push(`  <cac:${lineEl}>
    <cbc:ID>${esc(l.lineId)}</cbc:ID>
    <cbc:${qtyEl} unitCode="${l.unitCode}">${decimal6(l.quantityMicro)}</cbc:${qtyEl}>
    <cbc:LineExtensionAmount currencyID="${c}">${amount(l.netMinor)}</cbc:LineExtensionAmount>
${l.accountingCost ? `    <cbc:AccountingCost>${esc(l.accountingCost)}</cbc:AccountingCost>\n` : ''}    <cac:Item>
      <cbc:Description>${esc(l.itemName)}</cbc:Description>
      <cbc:Name>${esc(l.itemName)}</cbc:Name>
${l.sellersItemId ? `      <cac:SellersItemIdentification><cbc:ID>${esc(l.sellersItemId)}</cbc:ID></cac:SellersItemIdentification>\n` : ''}${l.gtin ? `      <cac:StandardItemIdentification><cbc:ID schemeID="0160">${l.gtin}</cbc:ID></cac:StandardItemIdentification>\n` : ''}${classes}      <cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>25</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory>
    </cac:Item>
${l.priceMicro === null ? '' : `    <cac:Price>\n      <cbc:PriceAmount currencyID="${c}">${decimal6(l.priceMicro)}</cbc:PriceAmount>\n      <cbc:BaseQuantity unitCode="${l.baseQuantityUnit ?? l.unitCode}">${decimal6(l.baseQuantityMicro)}</cbc:BaseQuantity>\n    </cac:Price>\n`}  </cac:${lineEl}>
`);
  }
  parts.push(`</${root}>\n`);
  return parts.join('');
}
