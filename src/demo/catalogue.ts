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

/** One kind of agreement: the words, codes and value ranges the generator draws from. */
export interface AgreementTemplate {
  readonly key: string;
  /** `{sted}`, `{skole}` and `{sykehjem}` are filled in by the generator. */
  readonly titles: readonly string[];
  readonly description: string;
  /** Real CPV codes; the first is the main category. */
  readonly cpv: readonly string[];
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

export const TEMPLATES: readonly AgreementTemplate[] = [
  t({
    key: 'renhold',
    titles: [
      'Renhold av kommunale bygg i {sted}',
      'Rammeavtale om renholdstjenester',
      'Renhold av {skole}',
    ],
    description:
      'Daglig renhold, periodisk renhold og hovedrengjøring av kommunale formålsbygg. Leverandøren skal bruke miljømerkede renholdsmidler og ha godkjenning i Arbeidstilsynets register over renholdsvirksomheter.',
    cpv: ['90910000-9', '90911200-8'],
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
      'Rehabilitering av {skole}',
      'Nytt sykehjem i {sted}',
      'Totalentreprise for ny barnehage i {sted}',
      'Ombygging av {sykehjem}',
    ],
    description:
      'Totalentreprise etter NS 8407 for rehabilitering og ombygging. Arbeidet omfatter riving, bygningsmessige arbeider, tekniske fag og utomhusanlegg. Krav om lærlinger og HMS-kort for alle på byggeplassen.',
    cpv: ['45000000-7', '45210000-2', '45453000-7'],
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
    key: 'handverk',
    titles: [
      'Rammeavtale om snekkertjenester',
      'Rammeavtale om malerarbeid',
      'Rammeavtale om rørleggertjenester',
      'Mindre bygningsmessige arbeider i {sted}',
    ],
    description:
      'Avrop på håndverkertjenester til vedlikehold av kommunens bygningsmasse. Avrop etter timepris og påslag på materialer. Leverandøren må dokumentere lønns- og arbeidsvilkår på forespørsel.',
    cpv: ['45421000-4', '45442100-8', '45330000-9'],
    type: 'construction',
    sector: PAY_SECTORS.construction,
    supplierWords: ['Snekkeri', 'Maler', 'Rør', 'Håndverk'],
    units: ['u-drift-vedlikehold'],
    valueNok: [2_000_000, 60_000_000],
    framework: true,
    terms: ['Timepris kr 745 eks. mva., påslag materialer 8 %', 'Oppmøte innen 24 timer'],
    index: 'KPI',
  }),
  t({
    key: 'elektro',
    titles: [
      'Rammeavtale om elektrikertjenester',
      'Elektroarbeid ved {skole}',
      'Utskifting av belysning i {sted}',
    ],
    description:
      'Elektriske installasjonsarbeider, service og feilretting i kommunale bygg, herunder nødlys og brannalarmanlegg. Installatøren skal være registrert i DSBs elvirksomhetsregister.',
    cpv: ['45310000-3', '45311000-0'],
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
    key: 'vedlikehold-teknisk',
    titles: [
      'Service og vedlikehold av heiser',
      'Service på ventilasjonsanlegg i {sted}',
      'Drift av varmeanlegg',
    ],
    description:
      'Forebyggende vedlikehold, lovpålagte kontroller og feilretting på tekniske anlegg etter fast serviceavtale.',
    cpv: ['50750000-7', '50712000-9', '50700000-2'],
    type: 'services',
    sector: null,
    supplierWords: ['Heis', 'Ventilasjon', 'Teknikk', 'Energi'],
    units: ['u-drift-vedlikehold'],
    valueNok: [600_000, 12_000_000],
    framework: true,
    terms: ['Fast årspris per anlegg', 'Utrykning innen 2 timer ved driftsstans'],
    index: 'KPI',
  }),
  t({
    key: 'mat',
    titles: [
      'Rammeavtale om matvarer til kommunale kjøkken',
      'Rammeavtale om frukt og grønt',
      'Rammeavtale om meieriprodukter',
      'Matvarer til barnehager',
    ],
    description:
      'Levering av næringsmidler til sykehjem, barnehager og skolekantiner. Krav til økologisk andel, redusert matsvinn og leveranse med nullutslippskjøretøy i sentrum.',
    cpv: ['15000000-8', '15300000-1', '15500000-3', '15800000-6'],
    type: 'goods',
    sector: null,
    supplierWords: ['Mat', 'Storhusholdning', 'Frukt', 'Meieri'],
    units: ['u-barnehage', 'u-sykehjem'],
    valueNok: [3_000_000, 90_000_000],
    framework: true,
    terms: ['Rabatt 18 % på listepris', 'Leveranse to ganger per uke', 'Minste ordre kr 1 500'],
    index: 'KPI',
  }),
  t({
    key: 'catering',
    titles: [
      'Kantinedrift i rådhuset',
      'Catering til møter og arrangementer',
      'Skolemåltid ved {skole}',
    ],
    description:
      'Drift av kantine og levering av catering. Leverandøren skal følge Helsedirektoratets retningslinjer for mat og måltider.',
    cpv: ['55520000-1', '55510000-8'],
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
      'Rammeavtale om medisinske forbruksvarer',
      'Rammeavtale om inkontinensprodukter',
      'Rammeavtale om smittevernutstyr',
      'Sykehjemssenger og madrasser',
    ],
    description:
      'Levering av medisinske forbruksvarer og hjelpemidler til sykehjem og hjemmebaserte tjenester, med opplæring av personell og returordning.',
    cpv: ['33140000-3', '33141000-0', '33192000-2'],
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
    titles: ['Legemidler til sykehjem og legevakt', 'Multidose og farmasøytiske tjenester'],
    description:
      'Levering av legemidler i multidose og farmasøytisk rådgivning til kommunens helseinstitusjoner, inkludert legemiddelgjennomganger.',
    cpv: ['33600000-6', '85149000-5'],
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
      'Brukerstyrt personlig assistanse (BPA)',
      'Avlastningstjenester for barn og unge',
      'Heldøgns omsorgstjenester i {sted}',
      'Dagaktivitetstilbud for personer med demens',
    ],
    description:
      'Kjøp av helse- og omsorgstjenester etter helse- og omsorgstjenesteloven. Leverandøren skal ha godkjent internkontroll og bemanning med riktig kompetanse.',
    cpv: ['85000000-9', '85310000-5', '85311000-2', '85312000-9'],
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
    key: 'ikt',
    titles: [
      'Rammeavtale om PC-er og nettbrett',
      'Fagsystem for barnehage',
      'Drift av sak- og arkivsystem',
      'Lisenser og programvare',
      'Konsulenttjenester innen IKT',
    ],
    description:
      'Anskaffelse av IKT-utstyr, programvare og tilhørende tjenester, med krav til informasjonssikkerhet, databehandleravtale og universell utforming.',
    cpv: ['30213000-5', '48000000-8', '72000000-5', '72260000-5'],
    type: 'goods',
    sector: null,
    supplierWords: ['Data', 'IT', 'Digital', 'Systemer'],
    units: ['u-digitalisering', 'u-skole', 'u-barnehage'],
    valueNok: [800_000, 110_000_000],
    framework: true,
    terms: ['SSA-D', 'SSA-L med 99,5 % oppetid', 'Timepris konsulent kr 1 250'],
    index: 'KPI',
  }),
  t({
    key: 'kontor',
    titles: [
      'Rammeavtale om kontorrekvisita',
      'Rammeavtale om kopipapir',
      'Rammeavtale om kontormøbler',
      'Skolemøbler til {skole}',
    ],
    description:
      'Levering av kontorrekvisita, papir og møbler til alle kommunens enheter, med bestilling i e-handelsløsningen og samlet faktura per måned.',
    cpv: ['30192000-1', '30197630-1', '39100000-3', '39160000-1'],
    type: 'goods',
    sector: null,
    supplierWords: ['Kontor', 'Møbler', 'Interiør'],
    units: ['u-skole', 'u-barnehage', 'u-personal'],
    valueNok: [400_000, 25_000_000],
    framework: true,
    terms: ['Rabatt 35 % på kontorrekvisita', 'Levering neste virkedag'],
    index: 'KPI',
  }),
  t({
    key: 'laeremidler',
    titles: [
      'Læremidler til grunnskolen',
      'Leker og forbruksmateriell til barnehager',
      'Skolebøker og digitale læremidler',
    ],
    description:
      'Trykte og digitale læremidler i samsvar med læreplanverket, samt leker og forbruksmateriell til barnehager.',
    cpv: ['22111000-1', '37520000-9', '48190000-6'],
    type: 'goods',
    sector: null,
    supplierWords: ['Forlag', 'Læring', 'Leker'],
    units: ['u-skole', 'u-barnehage', 'u-fjellsdalen-bhg'],
    valueNok: [300_000, 30_000_000],
    framework: true,
    terms: ['Rabatt 20 %', 'Digitale lisenser per elev per år'],
    index: null,
  }),
  t({
    key: 'transport',
    titles: [
      'Skoleskyss for elever med særskilte behov',
      'Transport av brukere til dagsenter',
      'Varetransport mellom kommunale lager',
    ],
    description:
      'Transporttjenester med krav til sjåførens kompetanse, politiattest og kjøretøy med lave utslipp. Leverandøren skal ha løyve.',
    cpv: ['60130000-8', '60140000-1', '60100000-9'],
    type: 'services',
    sector: PAY_SECTORS.touristBus,
    supplierWords: ['Transport', 'Taxi', 'Buss', 'Logistikk'],
    units: ['u-skole', 'u-hjemmetjenester', 'u-innkjop'],
    valueNok: [800_000, 40_000_000],
    framework: true,
    terms: ['Pris per tur etter sone', 'Ventetid inntil 15 minutter inkludert'],
    index: 'Kostnadsindeks for busstransport (SSB)',
  }),
  t({
    key: 'gods',
    titles: ['Budtjenester og varetransport', 'Transport av avfall til mottak'],
    description:
      'Godstransport på vei mellom kommunale enheter og mottaksanlegg, med krav til lastsikring.',
    cpv: ['60100000-9', '90511000-2'],
    type: 'services',
    sector: PAY_SECTORS.roadFreight,
    supplierWords: ['Frakt', 'Transport', 'Gods'],
    units: ['u-bymiljo', 'u-innkjop'],
    valueNok: [600_000, 20_000_000],
    framework: false,
    terms: ['Timepris lastebil kr 1 150', 'Fast pris per container'],
    index: 'KPI',
  }),
  t({
    key: 'uteomrader',
    titles: [
      'Vintervedlikehold og brøyting i {sted}',
      'Skjøtsel av parker og grøntanlegg i {sted}',
      'Asfaltering av kommunale veier',
      'Drift av gatelys',
    ],
    description:
      'Drift og vedlikehold av kommunale uteområder, veier og grøntanlegg etter funksjonskrav, med beredskap i vintersesongen.',
    cpv: ['90620000-9', '77310000-6', '45233222-1', '50232100-1'],
    type: 'services',
    sector: PAY_SECTORS.horticulture,
    supplierWords: ['Anlegg', 'Grønt', 'Maskin', 'Vei'],
    units: ['u-bymiljo', 'u-idrett'],
    valueNok: [1_000_000, 55_000_000],
    framework: false,
    terms: ['Beredskapsgodtgjørelse per sesong', 'Timepris maskin med fører kr 1 350'],
    index: 'KPI',
  }),
  t({
    key: 'vann',
    titles: [
      'Fornyelse av vann- og avløpsledninger i {sted}',
      'Kjemikalier til vannbehandling',
      'Drift av renseanlegg',
    ],
    description:
      'Arbeider og leveranser til vannforsyning og avløp, med krav til hygiene ved arbeid på drikkevannsanlegg.',
    cpv: ['45232150-8', '24962000-5', '90481000-2'],
    type: 'construction',
    sector: PAY_SECTORS.construction,
    supplierWords: ['VA', 'Rør', 'Anlegg', 'Vann'],
    units: ['u-vann-avlop'],
    valueNok: [2_000_000, 180_000_000],
    framework: false,
    terms: ['Enhetspriser etter mengdebeskrivelse', 'Dagmulkt kr 25 000'],
    index: 'Byggekostnadsindeks (SSB)',
  }),
  t({
    key: 'vakt',
    titles: [
      'Vakt- og sikringstjenester',
      'Alarmmottak og utrykning',
      'Adgangskontroll i rådhuskvartalet',
    ],
    description:
      'Vakthold, alarmmottak og utrykning til kommunale bygg. Vektere skal ha godkjent vekterutdanning og politiattest.',
    cpv: ['79710000-4', '79711000-1', '79713000-5'],
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
    key: 'konsulent',
    titles: [
      'Rammeavtale om rådgivende ingeniørtjenester',
      'Arkitekttjenester for skolebygg',
      'Juridisk bistand innen offentlige anskaffelser',
      'Organisasjonsutvikling og lederopplæring',
    ],
    description:
      'Rådgivning og konsulentbistand etter avrop, med timepriser per kompetansekategori og krav til navngitte nøkkelpersoner.',
    cpv: ['71300000-1', '71200000-0', '79110000-8', '79400000-8'],
    type: 'services',
    sector: null,
    supplierWords: ['Rådgivning', 'Arkitekter', 'Advokatfirma', 'Consulting'],
    units: ['u-innkjop', 'u-byggeprosjekt', 'u-personal', 'u-plan-bygg'],
    valueNok: [500_000, 40_000_000],
    framework: true,
    terms: ['Timepris seniorrådgiver kr 1 450', 'Reisetid faktureres ikke'],
    index: 'KPI',
  }),
  t({
    key: 'personal',
    titles: [
      'Bedriftshelsetjeneste',
      'Vikartjenester for helsepersonell',
      'Tolketjenester',
      'Arbeidstøy og verneutstyr',
    ],
    description:
      'Tjenester og varer til kommunens ansatte, med krav til kvalifikasjoner, taushetsplikt og rapportering per enhet.',
    cpv: ['85147000-1', '79624000-4', '79540000-1', '18100000-0'],
    type: 'services',
    sector: null,
    supplierWords: ['Bemanning', 'Tolk', 'Arbeidsmiljø', 'Verneutstyr'],
    units: ['u-personal', 'u-sosiale-tjenester', 'u-helsetjenester'],
    valueNok: [500_000, 60_000_000],
    framework: true,
    terms: ['Timepris sykepleier kr 845', 'Minuttpris telefontolk kr 16'],
    index: 'KPI',
  }),
  t({
    key: 'energi',
    titles: [
      'Kjøp av elektrisk kraft',
      'Drivstoff til kommunale kjøretøy',
      'Leasing av elbiler',
      'Mobiltelefoni og datakommunikasjon',
    ],
    description:
      'Kjøp av energi, kjøretøy og telekommunikasjon for hele kommunen, med krav til rapportering av forbruk og utslipp.',
    cpv: ['09310000-5', '09134200-9', '34110000-1', '64212000-5'],
    type: 'goods',
    sector: null,
    supplierWords: ['Kraft', 'Energi', 'Bil', 'Tele'],
    units: ['u-innkjop', 'u-brann'],
    valueNok: [2_000_000, 160_000_000],
    framework: true,
    terms: ['Spotpris pluss påslag 0,9 øre/kWh', 'Fast månedspris per abonnement'],
    index: null,
  }),
  t({
    key: 'kultur',
    titles: [
      'Lyd og lys til kulturarrangementer',
      'Trykking av kulturkalender',
      'Drift av kunstgressbaner',
    ],
    description: 'Tjenester til kultur- og idrettsarrangementer, trykksaker og drift av anlegg.',
    cpv: ['79952000-2', '79800000-2', '45236119-7'],
    type: 'services',
    sector: null,
    supplierWords: ['Produksjon', 'Trykk', 'Event'],
    units: ['u-kultur', 'u-idrett'],
    valueNok: [200_000, 8_000_000],
    framework: false,
    terms: ['Fast pris per arrangement'],
    index: null,
  }),
  t({
    key: 'vaskeri',
    titles: [
      'Vask av tøy og linvask for sykehjem',
      'Skadedyrkontroll',
      'Avfallshåndtering ved kommunale bygg',
    ],
    description: 'Vaskeri-, avfalls- og skadedyrtjenester til institusjoner, med faste hentedager.',
    cpv: ['98310000-9', '90922000-6', '90500000-2'],
    type: 'services',
    sector: null,
    supplierWords: ['Vaskeri', 'Miljø', 'Gjenvinning'],
    units: ['u-sykehjem', 'u-drift-vedlikehold', 'u-fyllingsdalen-shj'],
    valueNok: [400_000, 20_000_000],
    framework: true,
    terms: ['Pris per kilo tøy kr 21', 'Henting to ganger per uke'],
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
