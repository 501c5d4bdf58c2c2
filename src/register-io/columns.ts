import type {
  CONFIDENTIAL_FIELDS,
  CONTRACT_KINDS,
  CONTRACT_STATUSES,
  CONTRACT_TYPES,
  OPTION_STATES,
  PROCEDURES,
  RISK_LEVELS,
} from '../core/index.ts';

/**
 * The column layout of the import and export files (documented in docs/register-io.md). Headers
 * are Norwegian; import matches them case-insensitively and accepts the listed aliases.
 */
export const COLUMNS = [
  { key: 'referenceNumber', header: 'Avtalenummer', required: true, width: 16 },
  { key: 'caseNumber', header: 'Saksnummer', width: 14 },
  { key: 'title', header: 'Tittel', required: true, width: 44 },
  { key: 'description', header: 'Beskrivelse', width: 60 },
  { key: 'kind', header: 'Avtaleform', required: true, width: 16 },
  { key: 'type', header: 'Kontraktstype', required: true, width: 22 },
  { key: 'procedure', header: 'Prosedyre', required: true, width: 28 },
  { key: 'cpv', header: 'CPV-koder', aliases: ['cpv', 'cpv-kode'], width: 26 },
  { key: 'owningUnit', header: 'Eierenhet', required: true, width: 22 },
  { key: 'owningUnitName', header: 'Eierenhet navn', exportOnly: true, width: 28 },
  { key: 'owner', header: 'Kontraktseier', required: true, width: 16 },
  { key: 'manager', header: 'Kontraktsforvalter', width: 16 },
  {
    key: 'supplierOrgnr',
    header: 'Leverandør orgnr',
    aliases: ['leverandør organisasjonsnummer', 'orgnr'],
    width: 22,
  },
  { key: 'supplierName', header: 'Leverandørnavn', aliases: ['leverandør'], width: 32 },
  { key: 'supplierRank', header: 'Rangering', width: 10 },
  { key: 'supplierTerms', header: 'Leverandørvilkår', width: 40 },
  { key: 'allowedUnits', header: 'Enheter med tilgang', width: 30 },
  { key: 'partners', header: 'Samarbeidspartnere', width: 30 },
  { key: 'startDate', header: 'Startdato', width: 12 },
  { key: 'endDate', header: 'Sluttdato', width: 12 },
  { key: 'options', header: 'Opsjoner', width: 48 },
  { key: 'currentEnd', header: 'Gjeldende sluttdato', exportOnly: true, width: 12 },
  { key: 'status', header: 'Status', exportOnly: true, width: 14 },
  {
    key: 'notice',
    header: 'Oppsigelsestid (måneder)',
    aliases: ['oppsigelsestid'],
    width: 12,
  },
  {
    key: 'estimated',
    header: 'Anslått verdi (NOK)',
    aliases: ['anslått verdi'],
    width: 18,
  },
  {
    key: 'max',
    header: 'Maksimal verdi (NOK)',
    aliases: ['maksimal verdi', 'maksverdi'],
    width: 18,
  },
  { key: 'paIndex', header: 'Prisregulering indeks', width: 20 },
  { key: 'paBase', header: 'Prisregulering basisperiode', width: 14 },
  { key: 'paMonth', header: 'Prisregulering måned', width: 14 },
  { key: 'paShare', header: 'Prisregulering andel (%)', width: 12 },
  { key: 'risk', header: 'Risiko', aliases: ['risikonivå'], width: 10 },
  {
    key: 'payControl',
    header: 'Lønns- og arbeidsvilkår',
    aliases: ['lønns- og arbeidsvilkår kontroll'],
    width: 12,
  },
  { key: 'sector', header: 'Bransje', width: 22 },
  { key: 'published', header: 'Publisert', width: 10 },
  { key: 'draft', header: 'Utkast', width: 10 },
  { key: 'terminatedOn', header: 'Oppsagt dato', width: 12 },
  { key: 'terminationReason', header: 'Oppsigelsesgrunn', width: 30 },
  { key: 'confidential', header: 'Skjermede felt', aliases: ['skjerming'], width: 44 },
] as const satisfies readonly ColumnDef[];

export interface ColumnDef {
  readonly key: string;
  readonly header: string;
  readonly aliases?: readonly string[];
  readonly required?: boolean;
  /** Written on export for people to read; ignored on import (derived or looked up). */
  readonly exportOnly?: boolean;
  readonly width: number;
}

export type ColumnKey = (typeof COLUMNS)[number]['key'];

export const COLUMN_BY_KEY = new Map<ColumnKey, ColumnDef>(COLUMNS.map((c) => [c.key, c]));

export const headerOf = (key: ColumnKey): string => COLUMN_BY_KEY.get(key)?.header ?? key;

const norm = (s: string) => s.trim().toLowerCase().replace(/\s+/g, ' ');

/** Header text → column key, or null for an unknown header. */
export function columnForHeader(header: string): ColumnKey | null {
  const h = norm(header);
  for (const c of COLUMNS as readonly ColumnDef[]) {
    if (norm(c.header) === h || c.aliases?.some((a) => norm(a) === h)) return c.key as ColumnKey;
  }
  return null;
}

/** Spreadsheet column letters: 1 → A, 27 → AA. */
export function columnLetter(index1: number): string {
  let n = index1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

/** A two-way table between stored codes and Norwegian words (plus accepted alternatives). */
export class Labels<T extends string> {
  private readonly lookup = new Map<string, T>();

  constructor(
    private readonly words: Readonly<Record<T, string>>,
    aliases: Readonly<Record<string, T>> = {},
  ) {
    for (const [code, word] of Object.entries(words) as [T, string][]) {
      this.lookup.set(norm(code), code);
      this.lookup.set(norm(word), code);
    }
    for (const [alias, code] of Object.entries(aliases)) this.lookup.set(norm(alias), code);
  }

  word(code: T): string {
    return this.words[code];
  }

  code(text: string): T | null {
    return this.lookup.get(norm(text)) ?? null;
  }

  /** The words people may write, for error messages. */
  choices(): string {
    return Object.values<string>(this.words).join(', ');
  }
}

export const KIND = new Labels<(typeof CONTRACT_KINDS)[number]>(
  { framework: 'rammeavtale', single: 'enkeltkontrakt' },
  { kontrakt: 'single', enkeltavtale: 'single', enkeltanskaffelse: 'single' },
);

export const TYPE = new Labels<(typeof CONTRACT_TYPES)[number]>(
  {
    goods: 'varer',
    services: 'tjenester',
    construction: 'bygg og anlegg',
    health_social: 'helse- og sosialtjenester',
  },
  {
    vare: 'goods',
    tjeneste: 'services',
    'bygg- og anlegg': 'construction',
    'bygge- og anleggsarbeid': 'construction',
    'helse og sosial': 'health_social',
    'helse- og sosiale tjenester': 'health_social',
  },
);

export const PROCEDURE = new Labels<(typeof PROCEDURES)[number]>(
  {
    open: 'åpen anbudskonkurranse',
    restricted: 'begrenset anbudskonkurranse',
    competition_with_negotiation: 'konkurranse med forhandling',
    negotiated: 'forhandlet prosedyre',
    below_threshold: 'under terskelverdi',
    mini_competition: 'minikonkurranse',
    direct_award: 'direkteanskaffelse',
  },
  {
    åpen: 'open',
    'åpen tilbudskonkurranse': 'open',
    begrenset: 'restricted',
    'begrenset tilbudskonkurranse': 'restricted',
    'under terskel': 'below_threshold',
  },
);

export const RISK = new Labels<(typeof RISK_LEVELS)[number]>({
  low: 'lav',
  medium: 'middels',
  high: 'høy',
});

export const OPTION_STATE = new Labels<(typeof OPTION_STATES)[number]>({
  open: 'åpen',
  exercised: 'utløst',
  declined: 'avslått',
});

export const CONFIDENTIAL = new Labels<(typeof CONFIDENTIAL_FIELDS)[number]>(
  {
    title: 'tittel',
    description: 'beskrivelse',
    suppliers: 'leverandører',
    supplierTerms: 'leverandørvilkår',
    estimatedValueOre: 'anslått verdi',
    maxValueOre: 'maksimal verdi',
    priceAdjustment: 'prisregulering',
    options: 'opsjoner',
  },
  { leverandør: 'suppliers', vilkår: 'supplierTerms', maksverdi: 'maxValueOre' },
);

export const STATUS_WORDS: Readonly<Record<(typeof CONTRACT_STATUSES)[number], string>> = {
  draft: 'Utkast',
  active: 'Aktiv',
  expiring: 'Utløper snart',
  expired: 'Utløpt',
  terminated: 'Sagt opp',
};

/**
 * Sectors with generally applicable collective agreements (pay-and-conditions control). The store
 * keeps the code; files show the Norwegian word; any other text is kept as written.
 */
export const SECTOR_WORDS: Readonly<Record<string, string>> = {
  cleaning: 'renhold',
  construction: 'bygg og anlegg',
  electrical: 'elektro',
  road_freight: 'godstransport på vei',
  tourist_bus: 'turbiltransport',
  hotel_restaurant_catering: 'overnatting, servering og catering',
  agriculture_horticulture: 'jordbruk og gartneri',
  shipyards: 'verft',
  fish_processing: 'fiskeforedling',
};

export function sectorCode(text: string): string {
  const t = norm(text);
  for (const [code, word] of Object.entries(SECTOR_WORDS)) {
    if (norm(word) === t || code === t) return code;
  }
  return text.trim();
}

export const sectorWord = (code: string): string => SECTOR_WORDS[code] ?? code;
