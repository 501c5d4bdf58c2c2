import type { CONTRACT_TYPES, Unit, User } from '../core/index.ts';

/**
 * The fixed part of the demo: units of a large Norwegian municipality, the demo users, and the
 * kinds of agreements such a municipality holds (with real CPV codes). The generator in
 * `portfolio.ts` combines these into contracts.
 */

const unit = (id: string, name: string, parentId: string | null, sector: string | null): Unit => ({
  id,
  name,
  parentId,
  sector,
});

export const DEMO_UNITS: readonly Unit[] = [
  unit('u-bk', 'Bergen kommune', null, null),
  // Finans, eiendom og eierskap
  unit('u-innkjop', 'Innkjøp konsern', 'u-bk', 'Finans og innkjøp'),
  unit('u-kontraktservice', 'Kontraktservice', 'u-innkjop', 'Finans og innkjøp'),
  unit('u-bygg-eiendom', 'Etat for bygg og eiendom', 'u-bk', 'Byggeier'),
  unit('u-byggeprosjekt', 'Byggeprosjekter', 'u-bygg-eiendom', 'Byggeier'),
  unit('u-drift-vedlikehold', 'Drift og vedlikehold av bygg', 'u-bygg-eiendom', 'Byggeier'),
  // Helse og omsorg
  unit('u-sykehjem', 'Etat for sykehjem', 'u-bk', 'Helse og omsorg'),
  unit('u-lovasen', 'Løvåsen sykehjem', 'u-sykehjem', 'Helse og omsorg'),
  unit('u-fyllingsdalen-shj', 'Fyllingsdalen sykehjem', 'u-sykehjem', 'Helse og omsorg'),
  unit('u-hjemmetjenester', 'Etat for hjemmebaserte tjenester', 'u-bk', 'Helse og omsorg'),
  unit('u-helsetjenester', 'Etat for helsetjenester', 'u-bk', 'Helse og omsorg'),
  unit('u-tildeling', 'Etat for tildeling', 'u-bk', 'Helse og omsorg'),
  unit('u-legevakt', 'Bergen legevakt', 'u-helsetjenester', 'Helse og omsorg'),
  // Barnehage og skole
  unit('u-barnehage', 'Etat for barnehage', 'u-bk', 'Barnehage'),
  unit('u-fjellsdalen-bhg', 'Fjellsdalen barnehage', 'u-barnehage', 'Barnehage'),
  unit('u-skole', 'Etat for skole', 'u-bk', 'Skole'),
  unit('u-mohlenpris-skole', 'Møhlenpris skole', 'u-skole', 'Skole'),
  unit('u-sandgotna-skole', 'Sandgotna skole', 'u-skole', 'Skole'),
  unit('u-pps', 'Pedagogisk-psykologisk tjeneste', 'u-skole', 'Skole'),
  // Klima, miljø og byutvikling
  unit('u-bymiljo', 'Bymiljøetaten', 'u-bk', 'Klima, miljø og byutvikling'),
  unit('u-vann-avlop', 'Vann- og avløpsetaten', 'u-bk', 'Klima, miljø og byutvikling'),
  unit('u-plan-bygg', 'Plan- og bygningsetaten', 'u-bk', 'Klima, miljø og byutvikling'),
  // Arbeid, sosial og bolig; kultur; beredskap; stab
  unit('u-sosiale-tjenester', 'Etat for sosiale tjenester', 'u-bk', 'Arbeid, sosial og bolig'),
  unit('u-barnevern', 'Barnevernstjenesten', 'u-bk', 'Barn og familie'),
  unit('u-kultur', 'Kulturetaten', 'u-bk', 'Kultur, mangfold og likestilling'),
  unit('u-idrett', 'Idrettsetaten', 'u-bk', 'Kultur, mangfold og likestilling'),
  unit('u-brann', 'Bergen brannvesen', 'u-bk', 'Beredskap'),
  unit('u-digitalisering', 'Digitaliseringsavdelingen', 'u-bk', 'Stab'),
  unit('u-personal', 'Personalavdelingen', 'u-bk', 'Stab'),
];

const EMAIL_DOMAIN = 'bergen.kommune.example';
const user = (id: string, name: string, role: User['role'], unitId: string): User => ({
  id,
  name,
  email: `${id}@${EMAIL_DOMAIN}`,
  role,
  unitId,
});

/**
 * The demo users. `kontraktservice`, `eier1`, `eier2` and `leser` are fixed names the
 * quick start, the dev login (`X-Dev-User`) and the acceptance checks rely on.
 */
export const DEMO_USERS: readonly User[] = [
  user(
    'kontraktservice',
    'Ingrid Haugland (Kontraktservice)',
    'kontraktservice',
    'u-kontraktservice',
  ),
  user('eier1', 'Sigurd Eide', 'contract_owner', 'u-bygg-eiendom'),
  user('eier2', 'Marte Lie', 'contract_owner', 'u-sykehjem'),
  user('leser', 'Astrid Berge', 'reader', 'u-skole'),
  user('ks.nils', 'Nils Totland', 'kontraktservice', 'u-kontraktservice'),
  user('ks.hanne', 'Hanne Myklebust', 'contract_owner', 'u-innkjop'),
  user('ks.tor', 'Tor Gjerde', 'contract_owner', 'u-innkjop'),
  user('ebe.kari', 'Kari Sæbø', 'contract_owner', 'u-byggeprosjekt'),
  user('ebe.jon', 'Jon Mjelde', 'contract_owner', 'u-drift-vedlikehold'),
  user('hoo.silje', 'Silje Dale', 'contract_owner', 'u-hjemmetjenester'),
  user('hoo.arne', 'Arne Kvamme', 'contract_owner', 'u-helsetjenester'),
  user('hoo.liv', 'Liv Tveit', 'contract_owner', 'u-tildeling'),
  user('bhg.eva', 'Eva Rong', 'contract_owner', 'u-barnehage'),
  user('skole.per', 'Per Hope', 'contract_owner', 'u-skole'),
  user('bme.rune', 'Rune Fosse', 'contract_owner', 'u-bymiljo'),
  user('vann.elin', 'Elin Bakke', 'contract_owner', 'u-vann-avlop'),
  user('sos.ahmed', 'Ahmed Hassan', 'contract_owner', 'u-sosiale-tjenester'),
  user('bv.nora', 'Nora Vik', 'contract_owner', 'u-barnevern'),
  user('kul.odd', 'Odd Sletten', 'contract_owner', 'u-kultur'),
  user('brann.geir', 'Geir Aase', 'contract_owner', 'u-brann'),
  user('dig.lene', 'Lene Olsen', 'contract_owner', 'u-digitalisering'),
  user('pers.mona', 'Mona Helle', 'contract_owner', 'u-personal'),
];

/** Who owns contracts in each unit (the first names are weighted up by repetition). */
export const UNIT_OWNERS: Readonly<Record<string, readonly string[]>> = {
  'u-innkjop': ['kontraktservice', 'ks.nils', 'ks.hanne', 'ks.tor'],
  'u-kontraktservice': ['kontraktservice', 'ks.nils'],
  'u-bygg-eiendom': ['eier1', 'eier1', 'ebe.kari', 'ebe.jon'],
  'u-byggeprosjekt': ['ebe.kari', 'eier1'],
  'u-drift-vedlikehold': ['ebe.jon', 'eier1'],
  'u-sykehjem': ['eier2', 'eier2', 'hoo.silje'],
  'u-lovasen': ['eier2'],
  'u-fyllingsdalen-shj': ['eier2', 'hoo.silje'],
  'u-hjemmetjenester': ['hoo.silje'],
  'u-helsetjenester': ['hoo.arne'],
  'u-legevakt': ['hoo.arne'],
  'u-tildeling': ['hoo.liv'],
  'u-barnehage': ['bhg.eva'],
  'u-fjellsdalen-bhg': ['bhg.eva'],
  'u-skole': ['skole.per'],
  'u-mohlenpris-skole': ['skole.per'],
  'u-sandgotna-skole': ['skole.per'],
  'u-pps': ['skole.per'],
  'u-bymiljo': ['bme.rune'],
  'u-vann-avlop': ['vann.elin'],
  'u-plan-bygg': ['bme.rune'],
  'u-sosiale-tjenester': ['sos.ahmed'],
  'u-barnevern': ['bv.nora'],
  'u-kultur': ['kul.odd'],
  'u-idrett': ['kul.odd'],
  'u-brann': ['brann.geir'],
  'u-digitalisering': ['dig.lene'],
  'u-personal': ['pers.mona'],
};

/** Partner organisations in the procurement cooperation that may use the central agreements. */
export const PARTNERS = [
  'Askøy kommune',
  'Alver kommune',
  'Bjørnafjorden kommune',
  'Øygarden kommune',
  'Osterøy kommune',
  'Samnanger kommune',
  'Vaksdal kommune',
  'Bergen Vann KF',
] as const;

export const PLACES = [
  'Arna',
  'Bergenhus',
  'Fana',
  'Fyllingsdalen',
  'Laksevåg',
  'Ytrebygda',
  'Årstad',
  'Åsane',
] as const;

export const SCHOOLS = [
  'Møhlenpris skole',
  'Sandgotna skole',
  'Landås skole',
  'Bønes skole',
  'Nattland skole',
  'Haukås skole',
  'Ytre Arna skole',
  'Kjøkkelvik skole',
  'Sædalen skole',
  'Rothaugen skole',
] as const;

export const CARE_HOMES = [
  'Løvåsen sykehjem',
  'Fyllingsdalen sykehjem',
  'Slettebakken menighets eldresenter',
  'Ytrebygda sykehjem',
  'Åstveit sykehjem',
  'Metodistkirkens sykehjem',
  'Fana sykehjem',
] as const;

/** Pay-and-working-conditions sectors (generally applicable collective agreements). */
export const PAY_SECTORS = {
  cleaning: 'cleaning',
  construction: 'construction',
  electrical: 'electrical',
  roadFreight: 'road_freight',
  touristBus: 'tourist_bus',
  catering: 'hotel_restaurant_catering',
  horticulture: 'agriculture_horticulture',
} as const;

type ContractType = (typeof CONTRACT_TYPES)[number];

/** A title with the CPV codes that fit it; the first code is the main category. */
export interface Titled {
  /** `{sted}`, `{skole}` and `{sykehjem}` are filled in by the generator. */
  readonly title: string;
  readonly cpv: readonly string[];
}

/**
 * One line of business: the titles (each with its own CPV codes), words for the suppliers' names,
 * terms and value ranges the generator draws from. A template is narrow enough that any of its
 * suppliers could deliver any of its titles.
 */
export interface AgreementTemplate {
  readonly key: string;
  readonly titles: readonly Titled[];
  readonly description: string;
  readonly type: ContractType;
  /** Pay-and-conditions sector, when the work falls under a generally applicable agreement. */
  readonly sector: string | null;
  /** Words for the generated supplier names. */
  readonly supplierWords: readonly string[];
  /** Units that buy this on their own (single contracts). */
  readonly units: readonly string[];
  /** Estimated value range in whole NOK. */
  readonly valueNok: readonly [number, number];
  /** Suitable as a central framework agreement run by Innkjøp konsern. */
  readonly framework: boolean;
  readonly terms: readonly string[];
  /** Price adjustment index, or null when the contract has none. */
  readonly index: string | null;
}

const t = (x: AgreementTemplate) => x;
const T = (title: string, ...cpv: string[]): Titled => ({ title, cpv });

export const TEMPLATES: readonly AgreementTemplate[] = [
  t({
    key: 'renhold',
    titles: [
      T('Renhold av kommunale bygg i {sted}', '90911200-8', '90910000-9'),
      T('Rammeavtale om renholdstjenester', '90910000-9', '90911200-8', '90919200-4'),
      T('Renhold av {skole}', '90919300-5', '90911200-8'),
    ],
    description:
      'Daglig renhold, periodisk renhold og hovedrengjøring av kommunale formålsbygg. Leverandøren skal bruke miljømerkede renholdsmidler og ha godkjenning i Arbeidstilsynets register over renholdsvirksomheter.',
    type: 'services',
    sector: PAY_SECTORS.cleaning,
    supplierWords: ['Renhold', 'Rent', 'Service', 'Facility'],
    units: ['u-drift-vedlikehold', 'u-bygg-eiendom'],
    valueNok: [1_500_000, 45_000_000],
    framework: true,
    terms: [
      'Timepris kr 512 eks. mva.',
      'Fast månedspris per bygg etter vedlegg 2',
      'Responstid 4 timer ved akutt renhold',
    ],
    index: 'KPI',
  }),
  t({
    key: 'bygg',
    titles: [
      T('Rehabilitering av {skole}', '45214200-2', '45453000-7'),
      T('Nytt sykehjem i {sted}', '45215100-8', '45210000-2'),
      T('Totalentreprise for ny barnehage i {sted}', '45214100-1', '45210000-2'),
      T('Ombygging av {sykehjem}', '45453000-7', '45210000-2'),
    ],
    description:
      'Totalentreprise etter NS 8407 for rehabilitering og ombygging. Arbeidet omfatter riving, bygningsmessige arbeider, tekniske fag og utomhusanlegg. Krav om lærlinger og HMS-kort for alle på byggeplassen.',
    type: 'construction',
    sector: PAY_SECTORS.construction,
    supplierWords: ['Bygg', 'Entreprenør', 'Byggeservice', 'Totalentreprise'],
    units: ['u-byggeprosjekt', 'u-bygg-eiendom'],
    valueNok: [8_000_000, 420_000_000],
    framework: false,
    terms: [
      'Dagmulkt 1 promille av kontraktssum per dag',
      'Sikkerhetsstillelse 10 % i utførelsesfasen',
    ],
    index: 'Byggekostnadsindeks (SSB)',
  }),
  t({
    key: 'snekker',
    titles: [
      T('Rammeavtale om snekkertjenester', '45421000-4', '45422000-1'),
      T('Mindre bygningsmessige arbeider i {sted}', '45453000-7', '45421000-4'),
    ],
    description:
      'Avrop på snekker- og tømrertjenester til vedlikehold av kommunens bygningsmasse, etter timepris og påslag på materialer. Leverandøren må dokumentere lønns- og arbeidsvilkår på forespørsel.',
    type: 'construction',
    sector: PAY_SECTORS.construction,
    supplierWords: ['Snekkeri', 'Tømrer', 'Byggservice'],
    units: ['u-drift-vedlikehold'],
    valueNok: [2_000_000, 60_000_000],
    framework: true,
    terms: ['Timepris kr 745 eks. mva., påslag materialer 8 %', 'Oppmøte innen 24 timer'],
    index: 'KPI',
  }),
  t({
    key: 'maler',
    titles: [
      T('Rammeavtale om malerarbeid', '45442100-8', '45440000-3'),
      T('Innvendig maling av {skole}', '45442100-8'),
    ],
    description:
      'Avrop på maler- og overflatearbeider i kommunale bygg, med krav til miljømerkede produkter og lønns- og arbeidsvilkår etter allmenngjort tariff.',
    type: 'construction',
    sector: PAY_SECTORS.construction,
    supplierWords: ['Maler', 'Malerservice', 'Farge og Interiør'],
    units: ['u-drift-vedlikehold'],
    valueNok: [1_000_000, 30_000_000],
    framework: true,
    terms: ['Timepris kr 690 eks. mva.', 'Materialer til nettopris pluss 10 %'],
    index: 'KPI',
  }),
  t({
    key: 'rorlegger',
    titles: [
      T('Rammeavtale om rørleggertjenester', '45330000-9', '45332000-3'),
      T('Utskifting av sanitæranlegg ved {skole}', '45330000-9'),
    ],
    description:
      'Avrop på rørleggertjenester, service og utskifting av sanitær- og varmeanlegg i kommunale bygg, med døgnvakt for vannlekkasjer.',
    type: 'construction',
    sector: PAY_SECTORS.construction,
    supplierWords: ['Rør', 'Rørlegger', 'VVS'],
    units: ['u-drift-vedlikehold'],
    valueNok: [1_200_000, 40_000_000],
    framework: true,
    terms: ['Timepris kr 795 eks. mva.', 'Utrykning innen 2 timer ved lekkasje'],
    index: 'KPI',
  }),
  t({
    key: 'elektro',
    titles: [
      T('Rammeavtale om elektrikertjenester', '45310000-3', '45311000-0'),
      T('Elektroarbeid ved {skole}', '45311000-0', '45310000-3'),
      T('Utskifting av belysning i {sted}', '45316000-5', '45311000-0'),
    ],
    description:
      'Elektriske installasjonsarbeider, service og feilretting i kommunale bygg, herunder nødlys og brannalarmanlegg. Installatøren skal være registrert i DSBs elvirksomhetsregister.',
    type: 'construction',
    sector: PAY_SECTORS.electrical,
    supplierWords: ['Elektro', 'Elektriske', 'Installasjon'],
    units: ['u-drift-vedlikehold', 'u-byggeprosjekt'],
    valueNok: [1_200_000, 35_000_000],
    framework: true,
    terms: ['Timepris kr 780 eks. mva.', 'Døgnvakt for akutte feil'],
    index: 'KPI',
  }),
  t({
    key: 'heis',
    titles: [
      T('Service og vedlikehold av heiser', '50750000-7'),
      T('Modernisering av heiser i {sted}', '50750000-7', '45313100-5'),
    ],
    description:
      'Forebyggende vedlikehold, lovpålagte kontroller og feilretting på heisanlegg etter fast serviceavtale.',
    type: 'services',
    sector: null,
    supplierWords: ['Heis', 'Heisservice', 'Løfteteknikk'],
    units: ['u-drift-vedlikehold'],
    valueNok: [600_000, 12_000_000],
    framework: true,
    terms: ['Fast årspris per heis', 'Utrykning innen 2 timer ved driftsstans'],
    index: 'KPI',
  }),
  t({
    key: 'ventilasjon',
    titles: [
      T('Service på ventilasjonsanlegg i {sted}', '50712000-9', '50700000-2'),
      T('Drift av varmeanlegg', '50720000-8', '50700000-2'),
    ],
    description:
      'Forebyggende vedlikehold, filterbytte og feilretting på ventilasjons- og varmeanlegg etter fast serviceavtale.',
    type: 'services',
    sector: null,
    supplierWords: ['Ventilasjon', 'Klima', 'Teknikk', 'Inneklima'],
    units: ['u-drift-vedlikehold'],
    valueNok: [600_000, 12_000_000],
    framework: true,
    terms: ['Fast årspris per anlegg', 'Filterbytte to ganger per år inkludert'],
    index: 'KPI',
  }),
  t({
    key: 'mat',
    titles: [
      T('Rammeavtale om matvarer til kommunale kjøkken', '15000000-8', '15800000-6'),
      T('Rammeavtale om frukt og grønt', '15300000-1'),
      T('Rammeavtale om meieriprodukter', '15500000-3'),
      T('Matvarer til barnehager', '15000000-8', '15300000-1'),
    ],
    description:
      'Levering av næringsmidler til sykehjem, barnehager og skolekantiner. Krav til økologisk andel, redusert matsvinn og leveranse med nullutslippskjøretøy i sentrum.',
    type: 'goods',
    sector: null,
    supplierWords: ['Mat', 'Storhusholdning', 'Engros', 'Matgrossist'],
    units: ['u-barnehage', 'u-sykehjem'],
    valueNok: [3_000_000, 90_000_000],
    framework: true,
    terms: ['Rabatt 18 % på listepris', 'Leveranse to ganger per uke', 'Minste ordre kr 1 500'],
    index: 'KPI',
  }),
  t({
    key: 'catering',
    titles: [
      T('Kantinedrift i rådhuset', '55510000-8', '55520000-1'),
      T('Catering til møter og arrangementer', '55520000-1'),
      T('Skolemåltid ved {skole}', '55524000-9', '55520000-1'),
    ],
    description:
      'Drift av kantine og levering av catering. Leverandøren skal følge Helsedirektoratets retningslinjer for mat og måltider.',
    type: 'services',
    sector: PAY_SECTORS.catering,
    supplierWords: ['Catering', 'Kantine', 'Mat og Drikke'],
    units: ['u-personal', 'u-skole'],
    valueNok: [500_000, 15_000_000],
    framework: true,
    terms: ['Pris per kuvert kr 145', 'Bestilling senest 2 virkedager før'],
    index: 'KPI',
  }),
  t({
    key: 'medisinsk',
    titles: [
      T('Rammeavtale om medisinske forbruksvarer', '33140000-3', '33141000-0'),
      T('Rammeavtale om inkontinensprodukter', '33141000-0', '33140000-3'),
      T('Rammeavtale om smittevernutstyr', '33140000-3', '18424300-0'),
      T('Sykehjemssenger og madrasser', '33192000-2'),
    ],
    description:
      'Levering av medisinske forbruksvarer og hjelpemidler til sykehjem og hjemmebaserte tjenester, med opplæring av personell og returordning.',
    type: 'goods',
    sector: null,
    supplierWords: ['Medical', 'Medisinsk', 'Helseprodukter', 'Care'],
    units: ['u-sykehjem', 'u-hjemmetjenester', 'u-lovasen'],
    valueNok: [1_000_000, 70_000_000],
    framework: true,
    terms: ['Rabatt 22 % på sortiment', 'Leveringstid 2 virkedager', 'Fri frakt over kr 3 000'],
    index: 'KPI',
  }),
  t({
    key: 'legemidler',
    titles: [
      T('Legemidler til sykehjem og legevakt', '33600000-6'),
      T('Multidose og farmasøytiske tjenester', '33600000-6', '85149000-5'),
    ],
    description:
      'Levering av legemidler i multidose og farmasøytisk rådgivning til kommunens helseinstitusjoner, inkludert legemiddelgjennomganger.',
    type: 'goods',
    sector: null,
    supplierWords: ['Apotek', 'Farmasi'],
    units: ['u-sykehjem', 'u-legevakt', 'u-helsetjenester'],
    valueNok: [5_000_000, 80_000_000],
    framework: true,
    terms: ['AUP minus 12 %', 'Farmasøyt på stedet 2 dager per måned'],
    index: null,
  }),
  t({
    key: 'helse-sosial',
    titles: [
      T('Brukerstyrt personlig assistanse (BPA)', '85312000-9', '85000000-9'),
      T('Avlastningstjenester for barn og unge', '85311000-2', '85310000-5'),
      T('Heldøgns omsorgstjenester i {sted}', '85311000-2', '85000000-9'),
      T('Dagaktivitetstilbud for personer med demens', '85312000-9', '85310000-5'),
    ],
    description:
      'Kjøp av helse- og omsorgstjenester etter helse- og omsorgstjenesteloven. Leverandøren skal ha godkjent internkontroll og bemanning med riktig kompetanse.',
    type: 'health_social',
    sector: null,
    supplierWords: ['Omsorg', 'Assistanse', 'Helse', 'Livskvalitet'],
    units: ['u-tildeling', 'u-hjemmetjenester', 'u-sosiale-tjenester', 'u-barnevern'],
    valueNok: [2_000_000, 150_000_000],
    framework: false,
    terms: ['Døgnpris kr 6 850', 'Timepris kr 598 for BPA'],
    index: 'KPI',
  }),
  t({
    key: 'ikt-utstyr',
    titles: [
      T('Rammeavtale om PC-er og nettbrett', '30213000-5', '30213200-7'),
      T('Skjermer og tilbehør til {skole}', '30231000-7', '30213000-5'),
    ],
    description:
      'Levering av datautstyr med klargjøring, garanti og retur for gjenbruk, med krav til informasjonssikkerhet og miljømerking.',
    type: 'goods',
    sector: null,
    supplierWords: ['Data', 'IT-utstyr', 'Datautstyr'],
    units: ['u-digitalisering', 'u-skole', 'u-barnehage'],
    valueNok: [800_000, 110_000_000],
    framework: true,
    terms: ['Rabatt 12 % på listepris', 'Klargjøring inkludert', 'Garanti 4 år'],
    index: null,
  }),
  t({
    key: 'ikt-system',
    titles: [
      T('Fagsystem for barnehage', '48000000-8', '72260000-5'),
      T('Drift av sak- og arkivsystem', '72260000-5', '48311000-1'),
      T('Lisenser og programvare', '48000000-8'),
      T('Konsulenttjenester innen IKT', '72000000-5'),
    ],
    description:
      'Anskaffelse av programvare, drift og tilhørende tjenester, med krav til informasjonssikkerhet, databehandleravtale og universell utforming.',
    type: 'services',
    sector: null,
    supplierWords: ['IT', 'Digital', 'Systemer', 'Software'],
    units: ['u-digitalisering', 'u-skole', 'u-barnehage'],
    valueNok: [800_000, 110_000_000],
    framework: true,
    terms: ['SSA-D', 'SSA-L med 99,5 % oppetid', 'Timepris konsulent kr 1 250'],
    index: 'KPI',
  }),
  t({
    key: 'kontorrekvisita',
    titles: [
      T('Rammeavtale om kontorrekvisita', '30192000-1'),
      T('Rammeavtale om kopipapir', '30197630-1', '30192000-1'),
    ],
    description:
      'Levering av kontorrekvisita og papir til alle kommunens enheter, med bestilling i e-handelsløsningen og samlet faktura per måned.',
    type: 'goods',
    sector: null,
    supplierWords: ['Kontor', 'Kontorservice', 'Papir'],
    units: ['u-skole', 'u-barnehage', 'u-personal'],
    valueNok: [400_000, 25_000_000],
    framework: true,
    terms: ['Rabatt 35 % på kontorrekvisita', 'Levering neste virkedag'],
    index: 'KPI',
  }),
  t({
    key: 'mobler',
    titles: [
      T('Rammeavtale om kontormøbler', '39130000-2', '39100000-3'),
      T('Skolemøbler til {skole}', '39160000-1'),
    ],
    description:
      'Levering og montering av møbler til kommunens kontorer, skoler og barnehager, med krav til ergonomi, miljømerking og gjenbruk.',
    type: 'goods',
    sector: null,
    supplierWords: ['Møbler', 'Interiør', 'Innredning'],
    units: ['u-skole', 'u-barnehage', 'u-personal'],
    valueNok: [400_000, 25_000_000],
    framework: true,
    terms: ['Rabatt 30 % på listepris', 'Montering inkludert', 'Garanti 10 år'],
    index: 'KPI',
  }),
  t({
    key: 'laeremidler',
    titles: [
      T('Læremidler til grunnskolen', '22111000-1'),
      T('Leker og forbruksmateriell til barnehager', '37520000-9'),
      T('Skolebøker og digitale læremidler', '22111000-1', '48190000-6'),
    ],
    description:
      'Trykte og digitale læremidler i samsvar med læreplanverket, samt leker og forbruksmateriell til barnehager.',
    type: 'goods',
    sector: null,
    supplierWords: ['Læremidler', 'Læring', 'Skole og Barnehage'],
    units: ['u-skole', 'u-barnehage', 'u-fjellsdalen-bhg'],
    valueNok: [300_000, 30_000_000],
    framework: true,
    terms: ['Rabatt 20 %', 'Digitale lisenser per elev per år'],
    index: null,
  }),
  t({
    key: 'transport',
    titles: [
      T('Skoleskyss for elever med særskilte behov', '60130000-8', '60140000-1'),
      T('Transport av brukere til dagsenter', '60140000-1', '60130000-8'),
    ],
    description:
      'Persontransport med krav til sjåførens kompetanse, politiattest og kjøretøy med lave utslipp. Leverandøren skal ha løyve.',
    type: 'services',
    sector: PAY_SECTORS.touristBus,
    supplierWords: ['Transport', 'Taxi', 'Buss', 'Skyss'],
    units: ['u-skole', 'u-hjemmetjenester'],
    valueNok: [800_000, 40_000_000],
    framework: true,
    terms: ['Pris per tur etter sone', 'Ventetid inntil 15 minutter inkludert'],
    index: 'Kostnadsindeks for busstransport (SSB)',
  }),
  t({
    key: 'gods',
    titles: [
      T('Budtjenester og varetransport', '60161000-4', '60100000-9'),
      T('Varetransport mellom kommunale lager', '60100000-9'),
      T('Transport av avfall til mottak', '90512000-9', '60100000-9'),
    ],
    description:
      'Godstransport på vei mellom kommunale enheter og mottaksanlegg, med krav til lastsikring.',
    type: 'services',
    sector: PAY_SECTORS.roadFreight,
    supplierWords: ['Frakt', 'Transport', 'Gods', 'Logistikk'],
    units: ['u-bymiljo', 'u-innkjop'],
    valueNok: [600_000, 20_000_000],
    framework: false,
    terms: ['Timepris lastebil kr 1 150', 'Fast pris per container'],
    index: 'KPI',
  }),
  t({
    key: 'uteomrader',
    titles: [
      T('Vintervedlikehold og brøyting i {sted}', '90620000-9', '90630000-2'),
      T('Skjøtsel av parker og grøntanlegg i {sted}', '77310000-6'),
      T('Drift av kunstgressbaner', '77320000-9'),
      T('Drift av gatelys', '50232100-1'),
    ],
    description:
      'Drift og vedlikehold av kommunale uteområder, veier og grøntanlegg etter funksjonskrav, med beredskap i vintersesongen.',
    type: 'services',
    sector: PAY_SECTORS.horticulture,
    supplierWords: ['Anlegg', 'Maskin', 'Entreprenør', 'Park og Anlegg'],
    units: ['u-bymiljo', 'u-idrett'],
    valueNok: [1_000_000, 55_000_000],
    framework: false,
    terms: ['Beredskapsgodtgjørelse per sesong', 'Timepris maskin med fører kr 1 350'],
    index: 'KPI',
  }),
  t({
    key: 'vann',
    titles: [
      T('Fornyelse av vann- og avløpsledninger i {sted}', '45232150-8', '45232410-9'),
      T('Separering av avløp i {sted}', '45232410-9'),
      T('Asfaltering etter graving i {sted}', '45233222-1'),
    ],
    description:
      'Graving og rørarbeider for vannforsyning og avløp, med krav til hygiene ved arbeid på drikkevannsanlegg og reasfaltering.',
    type: 'construction',
    sector: PAY_SECTORS.construction,
    supplierWords: ['VA', 'VA-Entreprenør', 'Graving', 'Rør og Anlegg'],
    units: ['u-vann-avlop'],
    valueNok: [2_000_000, 180_000_000],
    framework: false,
    terms: ['Enhetspriser etter mengdebeskrivelse', 'Dagmulkt kr 25 000'],
    index: 'Byggekostnadsindeks (SSB)',
  }),
  t({
    key: 'vakt',
    titles: [
      T('Vakt- og sikringstjenester', '79710000-4', '79713000-5'),
      T('Alarmmottak og utrykning', '79711000-1', '79710000-4'),
      T('Adgangskontroll i rådhuskvartalet', '79713000-5', '79710000-4'),
    ],
    description:
      'Vakthold, alarmmottak og utrykning til kommunale bygg. Vektere skal ha godkjent vekterutdanning og politiattest.',
    type: 'services',
    sector: null,
    supplierWords: ['Sikkerhet', 'Vakt', 'Security'],
    units: ['u-drift-vedlikehold', 'u-brann'],
    valueNok: [700_000, 30_000_000],
    framework: true,
    terms: ['Timepris vekter kr 640', 'Utrykning innen 20 minutter'],
    index: 'KPI',
  }),
  t({
    key: 'ingenior',
    titles: [
      T('Rammeavtale om rådgivende ingeniørtjenester', '71300000-1', '71310000-4'),
      T('Arkitekttjenester for skolebygg', '71200000-0', '71220000-6'),
    ],
    description:
      'Prosjektering og rådgivning etter avrop, med timepriser per kompetansekategori og krav til navngitte nøkkelpersoner.',
    type: 'services',
    sector: null,
    supplierWords: ['Rådgivende Ingeniører', 'Arkitekter', 'Prosjektering'],
    units: ['u-byggeprosjekt', 'u-plan-bygg'],
    valueNok: [500_000, 40_000_000],
    framework: true,
    terms: ['Timepris seniorrådgiver kr 1 450', 'Reisetid faktureres ikke'],
    index: 'KPI',
  }),
  t({
    key: 'juridisk',
    titles: [
      T('Juridisk bistand innen offentlige anskaffelser', '79110000-8', '79100000-5'),
      T('Juridisk bistand innen arbeidsrett', '79110000-8'),
    ],
    description:
      'Juridisk rådgivning og prosessbistand etter avrop, med timepriser per kompetansekategori og krav til navngitte advokater.',
    type: 'services',
    sector: null,
    supplierWords: ['Advokatfirma', 'Advokater', 'Advokatfirmaet'],
    units: ['u-innkjop', 'u-personal'],
    valueNok: [500_000, 15_000_000],
    framework: true,
    terms: ['Timepris partner kr 2 150, advokat kr 1 650', 'Reisetid faktureres ikke'],
    index: 'KPI',
  }),
  t({
    key: 'organisasjon',
    titles: [
      T('Organisasjonsutvikling og lederopplæring', '79400000-8', '79632000-3'),
      T('Kurs i kontraktsoppfølging', '79632000-3'),
    ],
    description:
      'Konsulentbistand til organisasjonsutvikling og opplæring, med timepriser per kompetansekategori.',
    type: 'services',
    sector: null,
    supplierWords: ['Consulting', 'Kompetanse', 'Utvikling'],
    units: ['u-personal', 'u-innkjop'],
    valueNok: [300_000, 8_000_000],
    framework: true,
    terms: ['Dagpris kursholder kr 14 500', 'Timepris rådgiver kr 1 350'],
    index: 'KPI',
  }),
  t({
    key: 'bedriftshelse',
    titles: [T('Bedriftshelsetjeneste', '85147000-1')],
    description:
      'Godkjent bedriftshelsetjeneste for kommunens ansatte: arbeidsmiljøkartlegging, helseundersøkelser og rådgivning, med rapportering per enhet.',
    type: 'services',
    sector: null,
    supplierWords: ['Bedriftshelse', 'Arbeidsmiljø', 'HMS'],
    units: ['u-personal'],
    valueNok: [1_000_000, 20_000_000],
    framework: true,
    terms: ['Fast pris per ansatt per år kr 590', 'Timepris yrkeshygieniker kr 1 150'],
    index: 'KPI',
  }),
  t({
    key: 'vikar',
    titles: [
      T('Vikartjenester for helsepersonell', '79624000-4'),
      T('Vikarer til barnehager', '79620000-6'),
    ],
    description:
      'Innleie av vikarer med krav til kvalifikasjoner, politiattest, taushetsplikt og lik lønn som fast ansatte.',
    type: 'services',
    sector: null,
    supplierWords: ['Bemanning', 'Vikar', 'Helsebemanning'],
    units: ['u-sykehjem', 'u-helsetjenester', 'u-barnehage'],
    valueNok: [2_000_000, 60_000_000],
    framework: true,
    terms: ['Timepris sykepleier kr 845', 'Timepris helsefagarbeider kr 640'],
    index: 'KPI',
  }),
  t({
    key: 'tolk',
    titles: [T('Tolketjenester', '79540000-1'), T('Skriftlig oversettelse', '79530000-8')],
    description:
      'Tolking på fremmedspråk og tegnspråk ved oppmøte, telefon og video, og oversettelse av vedtak og informasjon. Tolkene skal stå i Nasjonalt tolkeregister.',
    type: 'services',
    sector: null,
    supplierWords: ['Tolk', 'Tolketjenester', 'Språk'],
    units: ['u-sosiale-tjenester', 'u-helsetjenester', 'u-barnevern'],
    valueNok: [500_000, 15_000_000],
    framework: true,
    terms: ['Minuttpris telefontolk kr 16', 'Timepris oppmøtetolk kr 720'],
    index: 'KPI',
  }),
  t({
    key: 'arbeidstoy',
    titles: [
      T('Arbeidstøy og verneutstyr', '18100000-0', '18143000-3'),
      T('Vernesko til drift og renhold', '18830000-6'),
    ],
    description:
      'Levering av arbeidsklær, vernesko og personlig verneutstyr med kommunens profil, med krav til sertifisering og ordning for retur og gjenbruk.',
    type: 'goods',
    sector: null,
    supplierWords: ['Verneutstyr', 'Arbeidsklær', 'Workwear'],
    units: ['u-drift-vedlikehold', 'u-bymiljo', 'u-brann'],
    valueNok: [500_000, 12_000_000],
    framework: true,
    terms: ['Rabatt 25 % på listepris', 'Logotrykk inkludert'],
    index: 'KPI',
  }),
  t({
    key: 'kraft',
    titles: [T('Kjøp av elektrisk kraft', '09310000-5')],
    description:
      'Kjøp av elektrisk kraft til alle kommunens målepunkter, med opprinnelsesgarantier og månedlig rapportering av forbruk.',
    type: 'goods',
    sector: null,
    supplierWords: ['Kraft', 'Energi', 'Strøm'],
    units: ['u-innkjop'],
    valueNok: [10_000_000, 160_000_000],
    framework: true,
    terms: ['Spotpris pluss påslag 0,9 øre/kWh', 'Opprinnelsesgarantier inkludert'],
    index: null,
  }),
  t({
    key: 'drivstoff',
    titles: [T('Drivstoff til kommunale kjøretøy', '09134200-9', '09132000-3')],
    description:
      'Drivstoff på stasjon med kort per kjøretøy, med krav til fornybar andel og rapportering av forbruk og utslipp.',
    type: 'goods',
    sector: null,
    supplierWords: ['Drivstoff', 'Energi', 'Olje'],
    units: ['u-innkjop', 'u-brann'],
    valueNok: [2_000_000, 30_000_000],
    framework: true,
    terms: ['Rabatt kr 1,10 per liter på pumpepris', 'Samlefaktura per måned'],
    index: null,
  }),
  t({
    key: 'kjoretoy',
    titles: [
      T('Leasing av elbiler', '34144900-7', '34110000-1'),
      T('Kjøp av elektriske varebiler', '34144900-7', '34136000-9'),
    ],
    description:
      'Leasing og kjøp av nullutslippskjøretøy med service, dekkhotell og rapportering av kjørelengde.',
    type: 'goods',
    sector: null,
    supplierWords: ['Bil', 'Bilsenter', 'Auto'],
    units: ['u-innkjop', 'u-hjemmetjenester'],
    valueNok: [2_000_000, 60_000_000],
    framework: true,
    terms: ['Fast månedsleie per bil', 'Service og dekkskift inkludert'],
    index: 'KPI',
  }),
  t({
    key: 'tele',
    titles: [
      T('Mobiltelefoni og datakommunikasjon', '64212000-5', '64210000-1'),
      T('Mobilabonnement for ansatte', '64212000-5'),
    ],
    description:
      'Mobil- og datakommunikasjonstjenester for hele kommunen, med felles administrasjonsportal og rapportering per enhet.',
    type: 'services',
    sector: null,
    supplierWords: ['Tele', 'Telecom', 'Nett'],
    units: ['u-digitalisering'],
    valueNok: [2_000_000, 40_000_000],
    framework: true,
    terms: ['Fast månedspris per abonnement', 'Fri bruk innenlands'],
    index: 'KPI',
  }),
  t({
    key: 'arrangement',
    titles: [
      T('Lyd og lys til kulturarrangementer', '79952000-2', '79953000-9'),
      T('Scene og teknikk til 17. mai', '79952000-2'),
    ],
    description: 'Lyd, lys, scene og rigg til kommunens kultur- og idrettsarrangementer.',
    type: 'services',
    sector: null,
    supplierWords: ['Produksjon', 'Event', 'Lyd og Lys'],
    units: ['u-kultur', 'u-idrett'],
    valueNok: [200_000, 8_000_000],
    framework: false,
    terms: ['Fast pris per arrangement', 'Rigg og nedrigg inkludert'],
    index: null,
  }),
  t({
    key: 'trykk',
    titles: [
      T('Trykking av kulturkalender', '79810000-5', '79800000-2'),
      T('Trykksaker og profilmateriell', '79800000-2'),
    ],
    description:
      'Trykk, etterbehandling og distribusjon av trykksaker, med krav til miljømerket produksjon.',
    type: 'services',
    sector: null,
    supplierWords: ['Trykk', 'Grafisk', 'Trykkeri'],
    units: ['u-kultur', 'u-personal'],
    valueNok: [200_000, 6_000_000],
    framework: false,
    terms: ['Pris per opplag etter prisskjema', 'Levering innen 5 virkedager'],
    index: null,
  }),
  t({
    key: 'vaskeri',
    titles: [
      T('Vask av tøy og linvask for sykehjem', '98310000-9', '98311000-6'),
      T('Leie og vask av arbeidstøy', '98310000-9'),
    ],
    description:
      'Vask, leie og levering av tøy og tekstiler til institusjoner, med faste hentedager.',
    type: 'services',
    sector: null,
    supplierWords: ['Vaskeri', 'Tekstilservice', 'Renseri'],
    units: ['u-sykehjem', 'u-fyllingsdalen-shj'],
    valueNok: [400_000, 20_000_000],
    framework: true,
    terms: ['Pris per kilo tøy kr 21', 'Henting to ganger per uke'],
    index: 'KPI',
  }),
  t({
    key: 'skadedyr',
    titles: [T('Skadedyrkontroll', '90922000-6')],
    description:
      'Forebyggende skadedyrkontroll og bekjempelse i kommunale bygg, med faste inspeksjoner.',
    type: 'services',
    sector: null,
    supplierWords: ['Skadedyrkontroll', 'Hygiene', 'Skadedyr'],
    units: ['u-drift-vedlikehold', 'u-sykehjem'],
    valueNok: [200_000, 4_000_000],
    framework: true,
    terms: ['Fast årspris per bygg', 'Utrykning innen 24 timer'],
    index: 'KPI',
  }),
  t({
    key: 'avfall',
    titles: [
      T('Avfallshåndtering ved kommunale bygg', '90500000-2', '90511000-2'),
      T('Henting av farlig avfall', '90524000-6', '90500000-2'),
    ],
    description:
      'Innsamling og behandling av næringsavfall fra kommunale bygg, med faste hentedager og krav til kildesortering.',
    type: 'services',
    sector: null,
    supplierWords: ['Gjenvinning', 'Miljø', 'Renovasjon'],
    units: ['u-drift-vedlikehold', 'u-sykehjem', 'u-fyllingsdalen-shj'],
    valueNok: [400_000, 20_000_000],
    framework: true,
    terms: ['Pris per tømming etter beholder', 'Henting en gang per uke'],
    index: 'KPI',
  }),
];

/** Legal bases used for confidential fields in the demo (offentleglova). */
export const LEGAL_BASES = {
  businessSecret: 'Offl. § 13 jf. fvl. § 13 første ledd nr. 2',
  negotiation: 'Offl. § 23 første ledd',
  security: 'Offl. § 24 tredje ledd',
} as const;

export const TERMINATION_REASONS = [
  'Hevet på grunn av vesentlig mislighold (gjentatte forsinkelser)',
  'Sagt opp etter avtalens punkt 11.3 – behovet er bortfalt',
  'Leverandøren er slått konkurs',
] as const;

export const SUPPLIER_PREFIXES = [
  'Vestland',
  'Bergen',
  'Fjord',
  'Fana',
  'Åsane',
  'Bjørgvin',
  'Nordhordland',
  'Sotra',
  'Bryggen',
  'Fløyen',
  'Ulriken',
  'Kyst',
  'Hordaland',
  'Nordic',
  'Vest',
  'Midtbygda',
] as const;

export const SUPPLIER_FORMS = ['AS', 'AS', 'AS', 'ASA', 'SA', 'ANS'] as const;
