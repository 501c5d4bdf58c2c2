/**
 * Demo spend: a deterministic year and a half of e-invoices for the demo portfolio's own agreements,
 * so the spend analysis, the ceiling usage and the ceiling alerts show something on first start.
 *
 * `generateDemoSpend` is pure: from the register's contracts and "today" it builds invoices and
 * credit notes (SpendDocuments), price lists and a few illustrative exchange rates. Every planned
 * line is run through the real `AgreementMatcher`, so what is planned (matched to agreement X,
 * leakage of class Y) is what the ingest will find. `loadDemoSpend` turns the documents into EHF
 * XML (`toEhfXml`) and sends them through the real ingest pipeline, then `afterSpendChange` builds
 * the report tables and raises the ceiling-alert tasks.
 */
import {
  addDays,
  addMonths,
  type Contract,
  daysBetween,
  type IsoDate,
  orgnrCheckDigit,
  type Unit,
} from '../core/index.ts';
import {
  type Agreement,
  AgreementMatcher,
  agreementFromContract,
  type MatchResult,
  type UnmatchedClass,
} from '../core/spend/matching.ts';
import { lineCpv, type SpendDocument, type SpendLine, spendSign } from '../core/spend/model.ts';
import type { RatePoint } from '../core/spend/rates.ts';
import type { Services } from '../services.ts';
import type { IngestSummary } from '../spend/ingest/ingest.ts';
import type { SourceFile } from '../spend/ingest/sources.ts';
import { toEhfXml } from '../spend/synthetic.ts';
import { afterSpendChange, spendServiceFor } from '../spend/wire.ts';
import { DEMO_UNITS } from './catalogue.ts';
import { Prng } from './prng.ts';

export interface DemoSpendOptions {
  /** The services' "today": invoices fall in the 18 months before it. */
  readonly today: IsoDate;
  readonly seed?: number;
  /** Units whose names are the invoices' buyer references (default: the demo units). */
  readonly units?: readonly Unit[];
}

export interface DemoPriceList {
  readonly agreementId: string;
  readonly referenceNumber: string;
  readonly fileName: string;
  /** CSV as `SpendService.importPriceList` reads it (semicolons, decimal comma). */
  readonly csv: string;
  /** The agreement's prices are index-adjusted (planted over-payment is then not exact). */
  readonly indexAdjusted: boolean;
  /** Over-payment (øre) planted on this agreement's NOK invoices against the list price. */
  readonly plantedOverpaidOre: number;
}

export interface DemoSpend {
  readonly from: IsoDate;
  readonly to: IsoDate;
  readonly documents: readonly SpendDocument[];
  readonly priceLists: readonly DemoPriceList[];
  /** Illustrative EUR/SEK rates (source 'manual'), one per foreign-currency invoice date. */
  readonly rates: readonly RatePoint[];
  /** Matched NOK turnover (øre, credit notes subtracted) per agreement id, as the matcher decides. */
  readonly turnover: ReadonlyMap<string, number>;
  /** Unmatched NOK spend (øre) per class. */
  readonly unmatched: Readonly<Record<UnmatchedClass, number>>;
  /** Agreements planned past 80 % of their maximum value (one past 100 %). */
  readonly ceiling: readonly { agreementId: string; referenceNumber: string; permille: number }[];
}

const DEFAULT_SEED = 20_241_111;
const WINDOW_MONTHS = 18;
const BUYER_ORGNR = '964338531';

interface Item {
  readonly code: string;
  readonly name: string;
  readonly unit: string;
  /** Price range per unit, whole NOK. */
  readonly nok: readonly [number, number];
}

const item = (code: string, name: string, unit: string, lo: number, hi: number): Item => ({
  code,
  name,
  unit,
  nok: [lo, hi],
});

/**
 * What is invoiced under a CPV code, with realistic unit prices, keyed by the code's leading
 * digits: the longest prefix that is listed wins (`itemsFor`), so cleaning (909…) and snow
 * clearing (906…) get their own items although both are in division 90.
 */
const ITEMS: Readonly<Record<string, readonly Item[]>> = {
  '909': [
    item('REN-100', 'Renhold, ordinært (time)', 'HUR', 420, 520),
    item('REN-210', 'Periodisk renhold, gulvbehandling', 'MTK', 28, 46),
    item('REN-300', 'Vindusvask (time)', 'HUR', 480, 580),
    item('REN-410', 'Tørkepapir, kartong', 'C62', 290, 420),
  ],
  '9092': [
    item('SKD-100', 'Inspeksjon, skadedyrkontroll', 'C62', 900, 1600),
    item('SKD-200', 'Tekniker skadedyr (time)', 'HUR', 750, 950),
  ],
  '905': [
    item('AVF-100', 'Tømming av container', 'C62', 900, 2200),
    item('AVF-200', 'Restavfall', 'TNE', 1400, 2100),
    item('AVF-300', 'Farlig avfall', 'KGM', 8, 25),
  ],
  '906': [
    item('VIN-100', 'Brøyting, traktor med fører (time)', 'HUR', 1100, 1450),
    item('VIN-200', 'Strøsand', 'TNE', 350, 600),
  ],
  '7731': [
    item('GRO-100', 'Gartner (time)', 'HUR', 620, 780),
    item('GRO-200', 'Gressklipping', 'MTK', 2, 5),
  ],
  '7732': [item('GRO-300', 'Vedlikehold kunstgressbane (time)', 'HUR', 850, 1150)],
  '5023': [
    item('LYS-100', 'Skifte av lyspunkt, gatelys', 'C62', 1800, 3500),
    item('LYS-200', 'Lift med montør (time)', 'HUR', 1200, 1500),
  ],
  '4531': [
    item('HV-110', 'Elektriker (time)', 'HUR', 690, 890),
    item('HV-510', 'Installasjonskabel', 'MTR', 18, 45),
    item('HV-520', 'LED-armatur', 'C62', 900, 2400),
  ],
  '4542': [
    item('HV-120', 'Tømrer (time)', 'HUR', 650, 820),
    item('HV-610', 'Byggmaterialer etter avtale', 'C62', 200, 1800),
  ],
  '4544': [
    item('HV-140', 'Maler (time)', 'HUR', 620, 760),
    item('HV-710', 'Maling, 10 liter', 'C62', 900, 1600),
  ],
  '4533': [
    item('HV-130', 'Rørlegger (time)', 'HUR', 720, 920),
    item('HV-810', 'Blandebatteri', 'C62', 1200, 3200),
  ],
  '4523': [
    item('VA-100', 'Gravemaskin med fører (time)', 'HUR', 1150, 1500),
    item('VA-200', 'PE-rør 110 mm', 'MTR', 180, 320),
    item('VA-300', 'Asfalt, legging', 'MTK', 220, 380),
  ],
  '45': [
    item('BYG-100', 'Byggearbeider (time)', 'HUR', 680, 860),
    item('BYG-200', 'Anleggsleder (time)', 'HUR', 950, 1250),
    item('BYG-300', 'Delbetaling etter fremdriftsplan', 'C62', 150_000, 900_000),
  ],
  '5075': [
    item('HEI-100', 'Heismontør (time)', 'HUR', 950, 1250),
    item('HEI-200', 'Årlig service, heis', 'C62', 9000, 16_000),
  ],
  '507': [
    item('SRV-100', 'Servicetekniker (time)', 'HUR', 850, 1050),
    item('SRV-210', 'Årlig service, ventilasjonsaggregat', 'C62', 4500, 9000),
    item('SRV-300', 'Filtersett', 'C62', 600, 1400),
  ],
  '15': [
    item('MAT-101', 'Lettmelk 1 l', 'C62', 17, 23),
    item('MAT-210', 'Grovbrød', 'C62', 28, 42),
    item('MAT-320', 'Kjøttdeig', 'KGM', 95, 135),
    item('MAT-400', 'Frukt og grønt, kasse', 'C62', 220, 340),
    item('MAT-510', 'Kaffe, 500 g', 'C62', 60, 89),
  ],
  '153': [
    item('MAT-400', 'Frukt og grønt, kasse', 'C62', 220, 340),
    item('MAT-410', 'Epler', 'KGM', 22, 38),
    item('MAT-420', 'Poteter', 'KGM', 9, 16),
  ],
  '155': [
    item('MAT-101', 'Lettmelk 1 l', 'C62', 17, 23),
    item('MAT-110', 'Yoghurt naturell 1 l', 'C62', 28, 42),
    item('MAT-120', 'Norvegia', 'KGM', 110, 150),
  ],
  '55': [
    item('KAN-100', 'Lunsjbuffet per person', 'C62', 165, 245),
    item('KAN-200', 'Møtemat per person', 'C62', 85, 140),
    item('KAN-300', 'Middag, porsjon', 'C62', 95, 150),
  ],
  '3314': [
    item('MED-110', 'Nitrilhansker, eske à 100', 'C62', 45, 79),
    item('MED-220', 'Sårbandasje', 'C62', 12, 35),
    item('MED-330', 'Inkontinensprodukt, pakke', 'C62', 180, 320),
  ],
  '1842': [item('MED-110', 'Nitrilhansker, eske à 100', 'C62', 45, 79)],
  '3319': [
    item('MED-510', 'Sykehjemsseng', 'C62', 18_000, 32_000),
    item('MED-520', 'Trykkavlastende madrass', 'C62', 4500, 9500),
  ],
  '336': [
    item('MED-440', 'Legemiddel, pakning', 'C62', 90, 900),
    item('MED-450', 'Multidose, ukerull', 'C62', 60, 140),
  ],
  '85149': [item('FAR-100', 'Farmasøyt (time)', 'HUR', 950, 1250)],
  '85147': [
    item('BHT-100', 'Bedriftshelsetjeneste, abonnement per ansatt', 'ANN', 450, 700),
    item('BHT-200', 'Yrkeshygieniker (time)', 'HUR', 1000, 1300),
  ],
  '85': [
    item('HS-100', 'Tjenestetime', 'HUR', 750, 1100),
    item('HS-200', 'Avlastningsdøgn', 'DAY', 3200, 5200),
  ],
  '302': [
    item('IKT-110', 'Bærbar PC', 'C62', 9000, 14_000),
    item('IKT-120', 'Skjerm 27"', 'C62', 2200, 3500),
    item('IKT-130', 'Nettbrett', 'C62', 4500, 7500),
  ],
  '3019': [
    item('KTR-100', 'Kopipapir A4, eske', 'C62', 220, 320),
    item('KTR-200', 'Tonerkassett', 'C62', 700, 1400),
    item('KTR-300', 'Permer, pakke', 'C62', 90, 180),
  ],
  '48': [
    item('LIS-100', 'Programvarelisens, år', 'C62', 900, 4000),
    item('IKT-910', 'Drift og forvaltning, måned', 'MON', 25_000, 90_000),
  ],
  '72': [
    item('IKT-900', 'Konsulent (time)', 'HUR', 1100, 1500),
    item('IKT-910', 'Drift og forvaltning, måned', 'MON', 25_000, 90_000),
  ],
  '39': [
    item('MOB-100', 'Kontorstol', 'C62', 3500, 6500),
    item('MOB-200', 'Skrivebord, hev/senk', 'C62', 5500, 9000),
    item('MOB-300', 'Elevpult', 'C62', 1400, 2600),
  ],
  '22': [
    item('LM-100', 'Lærebok', 'C62', 350, 650),
    item('LM-200', 'Digitalt læremiddel, elevlisens', 'C62', 120, 400),
  ],
  '4819': [item('LM-200', 'Digitalt læremiddel, elevlisens', 'C62', 120, 400)],
  '37': [item('LM-300', 'Formingsmateriell, sett', 'C62', 250, 900)],
  '601': [
    item('TR-100', 'Skoleskyss, tur', 'C62', 850, 1600),
    item('TR-200', 'Drosjetur', 'C62', 250, 700),
    item('TR-300', 'Buss med sjåfør (time)', 'HUR', 900, 1300),
  ],
  '6010': [
    item('GOD-100', 'Lastebil med sjåfør (time)', 'HUR', 950, 1300),
    item('GOD-200', 'Pakke, sone 1', 'C62', 120, 260),
  ],
  '6016': [item('GOD-200', 'Pakke, sone 1', 'C62', 120, 260)],
  '9051': [item('AVF-100', 'Tømming av container', 'C62', 900, 2200)],
  '797': [
    item('VAK-100', 'Vekter (time)', 'HUR', 560, 720),
    item('VAK-200', 'Utrykning', 'C62', 700, 1200),
    item('VAK-300', 'Alarmovervåking, måned', 'MON', 900, 2400),
  ],
  '7953': [item('TJ-300', 'Oversettelse, side', 'C62', 600, 950)],
  '7954': [
    item('TJ-100', 'Tolketjeneste (time)', 'HUR', 650, 950),
    item('TJ-110', 'Telefontolk (minutt)', 'MIN', 13, 19),
  ],
  '796': [
    item('VIK-100', 'Vikar sykepleier (time)', 'HUR', 780, 920),
    item('VIK-200', 'Vikar helsefagarbeider (time)', 'HUR', 580, 700),
  ],
  '791': [
    item('JUR-100', 'Advokat (time)', 'HUR', 1500, 1900),
    item('JUR-200', 'Partner (time)', 'HUR', 1950, 2400),
  ],
  '794': [item('TJ-200', 'Rådgivning (time)', 'HUR', 1000, 1400)],
  '7963': [item('KUR-100', 'Kursdag', 'C62', 12_000, 17_000)],
  '798': [
    item('TRY-100', 'Trykk, opplag 1 000', 'C62', 4000, 9000),
    item('TRY-200', 'Plakat A2', 'C62', 40, 90),
  ],
  '7995': [
    item('ARR-100', 'Lyd og lys, dagspris', 'C62', 9000, 18_000),
    item('ARR-200', 'Scenetekniker (time)', 'HUR', 650, 850),
  ],
  '712': [item('ARK-100', 'Arkitekt (time)', 'HUR', 1050, 1400)],
  '71': [item('ING-100', 'Rådgivende ingeniør (time)', 'HUR', 1100, 1450)],
  '18': [
    item('TEK-100', 'Arbeidsbukse', 'C62', 600, 1100),
    item('TEK-200', 'Vernesko', 'C62', 900, 1600),
    item('TEK-300', 'Refleksjakke', 'C62', 450, 900),
  ],
  '1883': [item('TEK-200', 'Vernesko', 'C62', 900, 1600)],
  '0931': [item('ENE-100', 'Elektrisk kraft', 'KWH', 1, 2)],
  '0913': [item('DRV-100', 'Diesel', 'LTR', 17, 23), item('DRV-200', 'Bensin 95', 'LTR', 18, 24)],
  '34': [
    item('BIL-100', 'Leasing elbil, måned', 'MON', 4500, 7500),
    item('BIL-200', 'Service, elbil', 'C62', 2500, 4500),
  ],
  '64': [
    item('TEL-100', 'Mobilabonnement, måned', 'MON', 150, 350),
    item('TEL-200', 'Mobilt bredbånd, måned', 'MON', 200, 400),
  ],
  '983': [
    item('VSK-100', 'Vask av tøy', 'KGM', 17, 26),
    item('VSK-200', 'Leie av arbeidstøy, uke', 'WEE', 35, 70),
  ],
};
const OTHER_ITEMS: readonly Item[] = [
  item('AVT-100', 'Tjeneste etter avtale', 'HUR', 600, 1200),
  item('AVT-200', 'Vare etter avtale', 'C62', 150, 2500),
];

/** Categories no demo agreement covers: spend there is "no agreement" (checked by the matcher). */
const UNCOVERED_CPV = ['80500000', '79340000', '92312000', '79341000', '80530000', '98341000'];
const UNCOVERED_ITEMS: readonly Item[] = [
  item('KURS-1', 'Kurs og opplæring, deltaker', 'C62', 2500, 9500),
  item('ANN-1', 'Annonse, stillingsutlysning', 'C62', 4000, 18_000),
  item('ARR-1', 'Arrangement og konferanse', 'C62', 15_000, 60_000),
];

/** Suppliers without any agreement (organisation numbers from 8…, so never a demo supplier's). */
const OUTSIDE_SUPPLIERS = [
  ['Vestlandet Handel AS', 'NOK'],
  ['Bergen Rekvisita AS', 'NOK'],
  ['Fjordkurs og Konferanse AS', 'NOK'],
  ['Byvekst Service AS', 'NOK'],
  ['Nærbutikken Engros AS', 'NOK'],
  ['Kvist Kompetanse AS', 'NOK'],
  ['Nordisk Kontorvaror AB, filial Norge', 'SEK'],
  ['Europa Software NUF', 'EUR'],
] as const;

/** FNV-1a: a per-agreement seed that does not depend on the order of the other agreements. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const weekday = (d: IsoDate) => new Date(`${d}T12:00:00Z`).getUTCDay();
/** A business day on or near `d` within [from, to] (weekends moved to Friday or Monday). */
function businessDay(d: IsoDate, from: IsoDate, to: IsoDate): IsoDate {
  const w = weekday(d);
  if (w !== 0 && w !== 6) return d;
  const back = addDays(d, w === 6 ? -1 : -2);
  if (back >= from) return back;
  const ahead = addDays(d, w === 6 ? 2 : 1);
  return ahead <= to ? ahead : d;
}

const cpv8 = (code: string) => code.replace(/-\d$/, '').slice(0, 8);
function itemsFor(cpv: string): readonly Item[] {
  for (let n = 5; n >= 2; n--) {
    const items = ITEMS[cpv.slice(0, n)];
    if (items) return items;
  }
  return OTHER_ITEMS;
}
const kroner = (ore: number) => {
  const s = String(Math.abs(ore)).padStart(3, '0');
  return `${ore < 0 ? '-' : ''}${s.slice(0, -2)},${s.slice(-2)}`;
};

interface Priced {
  readonly item: Item;
  /** Agreed price per unit, øre. */
  readonly ore: number;
}

function line(i: number, qty: number, priceOre: number, p: Priced, cpv: string | null): SpendLine {
  return {
    lineId: String(i + 1),
    quantityMicro: qty * 1_000_000,
    unitCode: p.item.unit,
    netMinor: qty * priceOre,
    priceMicro: priceOre * 10_000,
    baseQuantityMicro: 1_000_000,
    baseQuantityUnit: p.item.unit,
    itemName: p.item.name,
    sellersItemId: p.item.code,
    gtin: null,
    classifications: cpv ? [`STI:${cpv}`] : [],
    accountingCost: null,
  };
}

/**
 * Builds the demo spend for the register's contracts (pure and deterministic: same contracts,
 * `today` and seed give the same documents, byte for byte).
 */
export function generateDemoSpend(
  contracts: readonly Contract[],
  options: DemoSpendOptions,
): DemoSpend {
  const seed = options.seed ?? DEFAULT_SEED;
  const today = options.today;
  const from = addMonths(today, -WINDOW_MONTHS);
  const to = addDays(today, -1);
  const unitName = new Map((options.units ?? DEMO_UNITS).map((u) => [u.id, u.name]));
  const sorted = [...contracts].sort((a, b) =>
    a.referenceNumber < b.referenceNumber ? -1 : a.referenceNumber > b.referenceNumber ? 1 : 0,
  );
  const agreements: Agreement[] = [];
  const agreementOf = new Map<string, Agreement>();
  for (const c of sorted) {
    const a = agreementFromContract(c);
    if (!a) continue;
    agreements.push(a);
    agreementOf.set(c.id, a);
  }
  const matcher = new AgreementMatcher(agreements);
  const matchOf = (d: SpendDocument, l: SpendLine): MatchResult =>
    matcher.match({
      supplierOrgnr: d.supplierOrgnr,
      issueDate: d.issueDate,
      contractReference: d.contractReference,
      orderReference: d.orderReference,
      cpv: lineCpv(l),
    });

  const documents: SpendDocument[] = [];
  let seq = 0;
  const number = (type: 'invoice' | 'creditNote', date: IsoDate) =>
    `${type === 'invoice' ? 'F' : 'K'}${date.slice(0, 4)}-${String(++seq).padStart(6, '0')}`;
  const doc = (
    type: 'invoice' | 'creditNote',
    date: IsoDate,
    supplier: { orgnr: string; name: string },
    unit: string,
    contractReference: string | null,
    lines: SpendLine[],
    currency = 'NOK',
  ): SpendDocument => ({
    type,
    number: number(type, date),
    issueDate: date,
    currency,
    supplierOrgnr: supplier.orgnr,
    supplierKey: supplier.orgnr,
    supplierName: supplier.name,
    buyerOrgnr: BUYER_ORGNR,
    buyerReference: unit,
    orderReference: null,
    contractReference,
    accountingCost: null,
    taxExclusiveMinor: lines.reduce((s, l) => s + l.netMinor, 0),
    lines,
  });

  // The window each agreement can be invoiced in (its period within the last 18 months).
  const windowOf = (a: Agreement): { from: IsoDate; to: IsoDate; days: number } | null => {
    const f = a.start && a.start > from ? a.start : from;
    const t = a.end && a.end < to ? a.end : to;
    const days = f <= t ? daysBetween(f, t) : -1;
    return days >= 30 ? { from: f, to: t, days } : null;
  };
  const inForce = (a: Agreement) => (a.start ?? from) <= today && (!a.end || a.end >= today);

  // Ceiling: the frameworks in force with the smallest maximum values, invoiced long enough.
  const hotCandidates = sorted
    .filter((c) => {
      const a = agreementOf.get(c.id);
      const w = a && windowOf(a);
      return (
        c.kind === 'framework' &&
        a !== undefined &&
        inForce(a) &&
        w &&
        w.days >= 150 &&
        c.maxValueOre !== null &&
        c.maxValueOre <= 100_000_000_00
      );
    })
    .sort((x, y) => (x.maxValueOre ?? 0) - (y.maxValueOre ?? 0))
    .slice(0, 5);
  const hotTarget = new Map<string, number>();
  hotCandidates.forEach((c, i) => {
    const r = new Prng(seed ^ hash(`hot:${c.referenceNumber}`));
    // The second smallest goes past 100 %; the others to 84–95 %.
    hotTarget.set(c.id, i === 1 ? r.int(1040, 1120) : r.int(840, 950));
  });

  // Price lists: four frameworks invoiced for at least half a year, unadjusted prices first.
  const priceListed = sorted
    .filter((c) => {
      const a = agreementOf.get(c.id);
      const w = a && windowOf(a);
      return c.kind === 'framework' && w && w.days >= 180;
    })
    .sort(
      (x, y) =>
        (x.priceAdjustment ? 1 : 0) - (y.priceAdjustment ? 1 : 0) ||
        (x.referenceNumber < y.referenceNumber ? -1 : 1),
    )
    .slice(0, 4);
  const priceListIds = new Set(priceListed.map((c) => c.id));
  const planted = new Map<string, number>();
  const priceLists: DemoPriceList[] = [];

  // ---------------------------------------------------------------- invoices under agreements
  for (const c of sorted) {
    const a = agreementOf.get(c.id);
    const w = a && windowOf(a);
    if (!a || !w) continue;
    const rng = new Prng(seed ^ hash(c.referenceNumber));
    const framework = c.kind === 'framework';
    // Singles: about a third of them have invoices in the demo (keeps it small).
    if (!framework && !rng.chance(0.35)) continue;
    const cpvs = c.cpvCodes.map(cpv8);
    // One agreed price per item on the agreement (two CPV codes may share items).
    const prices = new Map<string, Priced>();
    const priced = new Map<string, Priced[]>();
    for (const cpv of cpvs) {
      priced.set(
        cpv,
        itemsFor(cpv).map((it) => {
          let p = prices.get(it.code);
          if (!p) {
            p = { item: it, ore: rng.int(it.nok[0] * 2, it.nok[1] * 2) * 50 };
            prices.set(it.code, p);
          }
          return p;
        }),
      );
    }
    const units = (framework && c.allowedUnitIds.length > 0 ? c.allowedUnitIds : [c.owningUnitId])
      .map((id) => unitName.get(id) ?? id)
      .sort();
    const total = a.end && a.start ? Math.max(30, daysBetween(a.start, a.end)) : 4 * 365;
    const share = Math.min(1, w.days / total);
    const base = framework
      ? (c.maxValueOre ?? c.estimatedValueOre ?? 200_000_000)
      : (c.estimatedValueOre ?? c.maxValueOre ?? 50_000_000);
    const hot = hotTarget.get(c.id);
    const target =
      hot !== undefined && c.maxValueOre !== null
        ? Math.round((c.maxValueOre * hot) / 1000)
        : Math.round(base * share * (framework ? rng.int(25, 60) : rng.int(30, 70)) * 0.01);
    if (target <= 0) continue;
    const count = Math.max(
      framework ? 8 : 1,
      Math.min(framework ? 70 : 8, Math.round(target / 8_000_000)),
    );
    const withList = priceListIds.has(c.id);
    const deviation: readonly [number, number] = c.priceAdjustment ? [12, 20] : [4, 12];
    if (withList) {
      const validFrom = w.from;
      const rows = ['varenummer;beskrivelse;enhet;pris;gyldigfra'];
      for (const p of prices.values()) {
        rows.push(`${p.item.code};${p.item.name};${p.item.unit};${kroner(p.ore)};${validFrom}`);
      }
      priceLists.push({
        agreementId: c.id,
        referenceNumber: c.referenceNumber,
        fileName: `prisliste-${c.referenceNumber}.csv`,
        csv: `${rows.join('\n')}\n`,
        indexAdjusted: c.priceAdjustment !== null,
        plantedOverpaidOre: 0,
      });
    }
    const suppliers = c.suppliers.map((s) => ({ orgnr: s.orgnr, name: s.name }));
    const supplierWeights = c.suppliers.map(
      (s, i) => [suppliers[i] as { orgnr: string; name: string }, s.rank ? 1 / s.rank : 1] as const,
    );
    let sum = 0;
    let made = 0;
    while (sum < target && made < count * 3) {
      made++;
      const remaining = target - sum;
      const average = target / count;
      const goal =
        remaining < average * 1.3 ? remaining : Math.round(average * (0.6 + rng.next() * 0.8));
      const date = businessDay(addDays(w.from, rng.int(0, w.days)), w.from, w.to);
      const supplier = rng.weighted(supplierWeights);
      const cpv = rng.pick(cpvs);
      const list = priced.get(cpv) as Priced[];
      const k = Math.min(list.length, rng.int(1, 5));
      const chosen = rng.sample(list, k);
      const lines = chosen.map((p, i) => {
        const qty = Math.max(1, Math.round(goal / k / p.ore));
        let price = p.ore;
        if (withList && rng.chance(0.1)) {
          price = Math.round((p.ore * (100 + rng.int(deviation[0], deviation[1]))) / 100);
          planted.set(c.id, (planted.get(c.id) ?? 0) + (price - p.ore) * qty);
        }
        return line(i, qty, price, p, cpv);
      });
      let ref: string | null = rng.chance(framework ? 0.6 : 0.4) ? c.referenceNumber : null;
      let d = doc('invoice', date, supplier, rng.pick(units), ref, lines);
      if (!ref && d.lines.some((l) => matchOf(d, l).agreementId !== c.id)) {
        // The supplier is on another agreement that covers the category: the invoice names ours.
        ref = c.referenceNumber;
        d = { ...d, contractReference: ref };
      }
      documents.push(d);
      sum += d.taxExclusiveMinor;
      // Now and then a credit note for part of a line, some days later.
      const credited = d.lines[0] as SpendLine;
      const creditDate = addDays(date, rng.int(3, 20));
      if (rng.chance(0.04) && creditDate <= w.to && credited.quantityMicro >= 2_000_000) {
        const qty = Math.max(1, Math.floor(credited.quantityMicro / 3_000_000));
        const price = (credited.priceMicro ?? 0) / 10_000;
        const p = chosen[0] as Priced;
        const cn = doc(
          'creditNote',
          creditDate,
          supplier,
          d.buyerReference ?? '',
          c.referenceNumber,
          [line(0, qty, price, p, cpv)],
        );
        documents.push(cn);
        // Price control leaves credit notes out, so the planted over-payment stays as it is.
        sum -= cn.taxExclusiveMinor;
      }
    }
  }

  // ---------------------------------------------------------------- leakage
  const rng = new Prng(seed ^ hash('leakage'));
  const registered = new Set(agreements.flatMap((a) => a.supplierOrgnrs));
  const outside = OUTSIDE_SUPPLIERS.map(([name, currency]) => {
    for (;;) {
      const first = `8${String(rng.int(0, 9_999_999)).padStart(7, '0')}`;
      const check = orgnrCheckDigit(first);
      if (check === null || registered.has(`${first}${check}`)) continue;
      registered.add(`${first}${check}`);
      return { orgnr: `${first}${check}`, name, currency };
    }
  });
  const nokOutside = outside.filter((s) => s.currency === 'NOK');
  const allUnits = [...unitName.values()].sort();
  const frameworks = sorted.filter((c) => c.kind === 'framework' && agreementOf.has(c.id));
  const plainLines = (list: readonly Item[], cpv: string, k: number, lineNok: [number, number]) =>
    rng.sample(list, Math.min(k, list.length)).map((it, i) => {
      const p = { item: it, ore: rng.int(it.nok[0] * 2, it.nok[1] * 2) * 50 };
      const qty = Math.max(1, Math.round((rng.int(lineNok[0], lineNok[1]) * 100) / p.ore));
      return line(i, qty, p.ore, p, cpv);
    });
  const keepIf = (d: SpendDocument, wanted: UnmatchedClass) => {
    if (d.lines.every((l) => matchOf(d, l).unmatched === wanted)) documents.push(d);
  };
  // Another supplier in a category a framework in force covers.
  for (let n = 0; n < 90; n++) {
    const date = businessDay(addDays(from, rng.int(0, daysBetween(from, to))), from, to);
    const active = frameworks.filter((c) => {
      const a = agreementOf.get(c.id) as Agreement;
      return (!a.start || a.start <= date) && (!a.end || date <= a.end);
    });
    if (active.length === 0) continue;
    const c = rng.pick(active);
    const cpv = cpv8(rng.pick(c.cpvCodes));
    const lines = plainLines(itemsFor(cpv), cpv, rng.int(1, 4), [2_000, 60_000]);
    keepIf(
      doc('invoice', date, rng.pick(nokOutside), rng.pick(allUnits), null, lines),
      'other_supplier_in_category',
    );
  }
  // Categories no agreement covers (courses, advertising, events…), also in EUR and SEK.
  const foreignDates = new Map<string, Set<IsoDate>>();
  for (let n = 0; n < 60; n++) {
    const date = businessDay(addDays(from, rng.int(0, daysBetween(from, to))), from, to);
    const foreign = n % 6 === 5;
    const supplier = foreign
      ? rng.pick(outside.filter((s) => s.currency !== 'NOK'))
      : rng.pick(nokOutside);
    const cpv = rng.pick(UNCOVERED_CPV);
    const lines = plainLines(UNCOVERED_ITEMS, cpv, rng.int(1, 2), [3_000, 45_000]);
    const d = doc('invoice', date, supplier, rng.pick(allUnits), null, lines, supplier.currency);
    const before = documents.length;
    keepIf(d, 'no_agreement');
    if (documents.length > before && supplier.currency !== 'NOK') {
      const dates = foreignDates.get(supplier.currency) ?? new Set<IsoDate>();
      dates.add(date);
      foreignDates.set(supplier.currency, dates);
    }
  }
  // A little spend after an agreement expired: the supplier went on invoicing.
  const expired = sorted
    .filter((c) => {
      const a = agreementOf.get(c.id) as Agreement | undefined;
      return a?.end && a.end >= addDays(from, 30) && a.end <= addDays(to, -30);
    })
    .slice(0, 12);
  let afterExpiryDocs = 0;
  for (const c of expired) {
    if (afterExpiryDocs >= 8) break;
    const a = agreementOf.get(c.id) as Agreement;
    const end = a.end as IsoDate;
    const s = c.suppliers[0];
    if (!s) continue;
    for (let n = 0; n < 2; n++) {
      const last = [addDays(end, 120), to].sort()[0] as IsoDate;
      const date = businessDay(
        addDays(end, rng.int(5, daysBetween(end, last))),
        addDays(end, 1),
        last,
      );
      const cpv = cpv8(rng.pick(c.cpvCodes));
      const lines = plainLines(itemsFor(cpv), cpv, rng.int(1, 3), [3_000, 40_000]);
      const d = doc(
        'invoice',
        date,
        { orgnr: s.orgnr, name: s.name },
        rng.pick(allUnits),
        null,
        lines,
      );
      const before = documents.length;
      keepIf(d, 'after_expiry');
      // In a category another agreement covers it would count as another supplier: many
      // invoices carry no classification at all, and then it is spend after expiry.
      if (documents.length === before) {
        keepIf(
          { ...d, lines: d.lines.map((l) => ({ ...l, classifications: [] })) },
          'after_expiry',
        );
      }
      afterExpiryDocs += documents.length - before;
    }
  }

  // Illustrative exchange rates for the foreign-currency invoice dates (source 'manual').
  const rates: RatePoint[] = [];
  for (const [currency, dates] of [...foreignDates].sort()) {
    for (const date of [...dates].sort()) {
      const r = new Prng(seed ^ hash(`${currency}:${date}`));
      rates.push({
        currency,
        date,
        nokPerUnitMicro:
          currency === 'EUR' ? 11_450_000 + r.int(0, 400) * 1000 : 985_000 + r.int(0, 40) * 1000,
        source: 'manual',
      });
    }
  }

  // What the ingest will find: turnover per agreement and unmatched spend per class (NOK only).
  const turnover = new Map<string, number>();
  const unmatched: Record<UnmatchedClass, number> = {
    other_supplier_in_category: 0,
    after_expiry: 0,
    before_start: 0,
    no_agreement: 0,
  };
  for (const d of documents) {
    if (d.currency !== 'NOK') continue;
    const sign = spendSign(d.type);
    for (const l of d.lines) {
      const m = matchOf(d, l);
      if (m.agreementId)
        turnover.set(m.agreementId, (turnover.get(m.agreementId) ?? 0) + sign * l.netMinor);
      else if (m.unmatched) unmatched[m.unmatched] += sign * l.netMinor;
    }
  }
  const ceiling = sorted
    .filter((c) => c.maxValueOre && (turnover.get(c.id) ?? 0) * 1000 >= c.maxValueOre * 800)
    .map((c) => ({
      agreementId: c.id,
      referenceNumber: c.referenceNumber,
      permille: Math.floor(((turnover.get(c.id) ?? 0) * 1000) / (c.maxValueOre as number)),
    }));
  return {
    from,
    to,
    documents,
    priceLists: priceLists.map((p) => ({
      ...p,
      plantedOverpaidOre: planted.get(p.agreementId) ?? 0,
    })),
    rates,
    turnover,
    unmatched,
    ceiling,
  };
}

export interface DemoSpendResult {
  readonly summary: IngestSummary;
  readonly priceLists: number;
  readonly rates: number;
  readonly ceilingTasks: number;
  readonly spend: DemoSpend;
}

/**
 * Loads the demo spend into `<dataDir>/spend.duckdb` through the real pipeline: price lists,
 * illustrative rates (only those not stored yet), EHF XML through `ingest`, then the report tables
 * and ceiling-alert tasks. Running it again stores nothing new (every invoice is a duplicate).
 */
export async function loadDemoSpend(
  services: Services,
  options: { seed?: number; workers?: number } = {},
): Promise<DemoSpendResult> {
  const contracts: Contract[] = [];
  for await (const c of services.store.contracts.all()) contracts.push(c);
  const units = await services.store.directory.listUnits();
  const spend = generateDemoSpend(contracts, {
    today: services.contracts.today(),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(units.length > 0 ? { units } : {}),
  });
  const service = await spendServiceFor(services);
  for (const p of spend.priceLists) {
    await service.importPriceList(p.agreementId, p.fileName, Buffer.from(p.csv, 'utf8'));
  }
  const stored = await service.store.rows<{ c: string; d: string }>(
    `SELECT currency AS c, strftime(rate_date, '%Y-%m-%d') AS d FROM spend_rate WHERE source = 'manual'`,
  );
  const have = new Set(stored.map((r) => `${r.c}|${r.d}`));
  const rates = spend.rates.filter((r) => !have.has(`${r.currency}|${r.date}`));
  if (rates.length > 0) await service.addRates(rates);
  const details = await service.ingest(
    (async function* (): AsyncGenerator<SourceFile> {
      for (const d of spend.documents) {
        const bytes = Buffer.from(toEhfXml(d), 'utf8');
        yield { name: `demo/${d.number}.xml`, bytes, sourceBytes: bytes.length };
      }
    })(),
    { workers: options.workers ?? 0 },
  );
  const { ceilingTasks } = await afterSpendChange(services, service);
  return {
    summary: details.summary,
    priceLists: spend.priceLists.length,
    rates: rates.length,
    ceilingTasks,
    spend,
  };
}

/** One Norwegian log line with what the demo spend stored. */
export function demoSpendLine(r: DemoSpendResult): string {
  const s = r.summary;
  return (
    `Demo-innkjøpsdata lastet: ${s.invoices} fakturaer og ${s.creditNotes} kreditnotaer ` +
    `(${s.lines} linjer, ${s.duplicates} fantes fra før, ${s.errors.length} feil), ` +
    `${r.priceLists} prislister, ${r.ceilingTasks} takvarsler`
  );
}
