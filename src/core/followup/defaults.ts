import type { FollowUpSettings, RoutineInput } from './routine.ts';

/**
 * Default settings. Figures marked UNCONFIRMED in docs/followup.md (and in the DFØ material) are
 * choices of the organisation; Kontraktservice changes them through `PUT /api/followup/settings`.
 */
export const DEFAULT_SETTINGS: FollowUpSettings = {
  level: 'basic',
  advancedForRisk: ['high'],
  backfillDays: 60,
  horizonMonths: 24,
  overdueRepeatDays: 7,
  overdueMaxReminders: 4,
  sendHourOslo: 8,
  values: {
    defaultLeadTimesDays: [14, 3],
    longLeadTimesDays: [60, 30, 7],
    kickoffDaysAfterStart: 14,
    riskAssessmentDaysAfterStart: 30,
    implementationDaysAfterStart: 30,
    /** UNCONFIRMED: DFØ leaves the rhythm to the kick-off; here it follows risk. */
    statusMeetingEveryMonths: { low: 12, medium: 6, high: 3 },
    riskUpdateEveryMonths: 12,
    supplierEvaluationEveryMonths: 12,
    supplierStatisticsEveryMonths: 6,
    spotCheckEveryMonths: 6,
    /** The supplier asks ≥ 2 months ahead; the decision is due this many months before the anniversary. */
    priceAdjustmentMonthsBefore: 1,
    /** UNCONFIRMED (default 6): option assessment with a minuted follow-up meeting before the deadline. */
    optionAssessmentMonthsBefore: 6,
    optionDecisionDaysBefore: 0,
    /** Expiry warning: clarify the need (prolong, re-tender, end). */
    expiryWarningMonths: 12,
    /** New competition started this many months before the current end date. */
    retenderStartMonthsFramework: 12,
    retenderStartMonthsSingle: 6,
    /** Møre og Romsdal: final evaluation no later than 2 months before expiry. */
    finalEvaluationMonthsBeforeEnd: 2,
    /** Pay and working conditions: supplier self-report within 1 month of signing. */
    payReportMonthsAfterStart: 1,
    payRiskAssessmentDaysAfterStart: 30,
    /** UNCONFIRMED: depth and frequency of document checks follow risk. */
    payDocumentCheckEveryMonths: { low: 12, medium: 12, high: 6 },
    /** EEA threshold for municipalities, goods and services, 2024–2026: NOK 2.3 M (øre, ex. VAT). */
    payConditionsThresholdOre: 230_000_000,
    /** Sectors with generally applicable collective agreements (påseplikt whatever the value). */
    generallyApplicableSectors: [
      'bygg',
      'byggeplass',
      'construction',
      'verft',
      'shipyard',
      'jordbruk',
      'gartneri',
      'agriculture',
      'renhold',
      'cleaning',
      'fiskeindustri',
      'fish processing',
      'elektro',
      'electrical',
      'godstransport',
      'freight',
      'turbuss',
      'tourist bus',
      'overnatting',
      'servering',
      'catering',
      'hotel',
    ],
  },
};

const managerLead = { setting: 'defaultLeadTimesDays' } as const;
const longLead = { setting: 'longLeadTimesDays' } as const;

/**
 * Default routines after DFØ's "beste praksis for kontraktsoppfølging": a common basic routine, the
 * framework-agreement and single-purchase checklists, the advanced level, and the legally required
 * pay-and-working-conditions control. Shipped as data; Kontraktservice edits them through the API.
 */
export const DEFAULT_ROUTINES: readonly RoutineInput[] = [
  {
    id: 'basis-felles',
    name: {
      nb: 'Grunnleggende oppfølging',
      nn: 'Grunnleggjande oppfølging',
      en: 'Basic follow-up',
    },
    description: {
      nb: 'DFØ beste praksis, basisnivå: gjelder alle avtaler.',
      nn: 'DFØ beste praksis, basisnivå: gjeld alle avtalar.',
      en: 'DFØ best practice, basic level: applies to all contracts.',
    },
    level: 'basic',
    activities: [
      {
        id: 'risikovurdering',
        title: {
          nb: 'Risikovurdering av kontrakten',
          nn: 'Risikovurdering av kontrakten',
          en: 'Contract risk assessment',
        },
        description: {
          nb: 'Vurder risiko kort tid etter signering og lag en plan for tiltak.',
          nn: 'Vurder risiko kort tid etter signering og lag ein plan for tiltak.',
          en: 'Assess the risk shortly after signing and draw up a mitigation plan.',
        },
        evidence: {
          nb: 'Risikovurdering med tiltaksplan',
          nn: 'Risikovurdering med tiltaksplan',
          en: 'Risk assessment with mitigation plan',
        },
        rule: { kind: 'after_start', days: { setting: 'riskAssessmentDaysAfterStart' } },
        responsible: 'manager',
        leadTimesDays: managerLead,
      },
      {
        id: 'oppstartsmote',
        title: { nb: 'Oppstartsmøte', nn: 'Oppstartsmøte', en: 'Kick-off meeting' },
        description: {
          nb: 'Forventninger begge veier, leverandørens plan, møteplan, betalingsplan, kontaktpersoner, gjennomgang av avtalen og hva leveransen skal evalueres på. For enkle kjøp holder en telefon.',
          nn: 'Forventningar begge vegar, planen til leverandøren, møteplan, betalingsplan, kontaktpersonar, gjennomgang av avtalen og kva leveransen skal evaluerast på. For enkle kjøp held det med ein telefon.',
          en: "Expectations both ways, the supplier's plan, meeting plan, payment plan, contact persons, a walk-through of the contract and what the delivery will be evaluated on. For simple purchases a phone call is enough.",
        },
        evidence: { nb: 'Referat, arkivert', nn: 'Referat, arkivert', en: 'Minutes, archived' },
        rule: { kind: 'after_start', days: { setting: 'kickoffDaysAfterStart' } },
        responsible: 'manager',
      },
      {
        id: 'statusmote',
        title: { nb: 'Statusmøte', nn: 'Statusmøte', en: 'Status meeting' },
        evidence: { nb: 'Referat', nn: 'Referat', en: 'Minutes' },
        rule: {
          kind: 'recurring',
          everyMonths: { setting: 'statusMeetingEveryMonths' },
        },
        responsible: 'manager',
      },
      {
        id: 'prisregulering',
        title: { nb: 'Prisregulering', nn: 'Prisregulering', en: 'Price adjustment' },
        description: {
          nb: 'Vurder leverandørens skriftlige krav om prisregulering etter avtalt indeks; endringen gjelder fra årsdagen etter godkjenning.',
          nn: 'Vurder det skriftlege kravet frå leverandøren om prisregulering etter avtalt indeks; endringa gjeld frå årsdagen etter godkjenning.',
          en: "Assess the supplier's written request for a price adjustment by the agreed index; the change takes effect from the anniversary after approval.",
        },
        evidence: {
          nb: 'Beslutning om prisregulering',
          nn: 'Avgjerd om prisregulering',
          en: 'Decision on price adjustment',
        },
        rule: {
          kind: 'price_adjustment',
          monthsBefore: { setting: 'priceAdjustmentMonthsBefore' },
        },
        responsible: 'manager',
        leadTimesDays: longLead,
      },
      {
        id: 'opsjon-vurdering',
        title: { nb: 'Vurder opsjon', nn: 'Vurder opsjon', en: 'Assess option' },
        description: {
          nb: 'Hold et referatført oppfølgingsmøte med leverandøren og vurder om opsjonen skal utløses.',
          nn: 'Hald eit referatført oppfølgingsmøte med leverandøren og vurder om opsjonen skal utløysast.',
          en: 'Hold a minuted follow-up meeting with the supplier and assess whether the option should be exercised.',
        },
        evidence: {
          nb: 'Referat og vurdering',
          nn: 'Referat og vurdering',
          en: 'Minutes and assessment',
        },
        rule: {
          kind: 'before_option_deadline',
          months: { setting: 'optionAssessmentMonthsBefore' },
        },
        responsible: 'manager',
        leadTimesDays: longLead,
      },
      {
        id: 'opsjon-beslutning',
        title: { nb: 'Beslutt opsjon', nn: 'Avgjer opsjon', en: 'Decide on option' },
        description: {
          nb: 'Budsjett-/avtaleeier beslutter om opsjonen utløses, og varsler leverandøren.',
          nn: 'Budsjett-/avtaleeigar avgjer om opsjonen blir utløyst, og varslar leverandøren.',
          en: 'The budget/contract owner decides whether the option is exercised and notifies the supplier.',
        },
        evidence: { nb: 'Beslutning, arkivert', nn: 'Avgjerd, arkivert', en: 'Decision, archived' },
        rule: { kind: 'before_option_deadline', days: { setting: 'optionDecisionDaysBefore' } },
        responsible: 'owner',
        leadTimesDays: longLead,
      },
      {
        id: 'utlopsvarsel',
        title: {
          nb: 'Avtalen utløper: avklar videre behov',
          nn: 'Avtalen går ut: avklar vidare behov',
          en: 'Contract expiring: decide what comes next',
        },
        rule: { kind: 'before_end', months: { setting: 'expiryWarningMonths' } },
        responsible: 'owner',
        leadTimesDays: longLead,
      },
      {
        id: 'sluttevaluering',
        title: { nb: 'Sluttevaluering', nn: 'Sluttevaluering', en: 'Final evaluation' },
        description: {
          nb: 'Evaluer leveransen: leveringsevne; kvalitet, problemløsning og kompetanse; samarbeid; priser og fakturering; samfunnsansvar; helhet. Leverandøren kan kommentere innen 3 uker.',
          nn: 'Evaluer leveransen: leveringsevne; kvalitet, problemløysing og kompetanse; samarbeid; prisar og fakturering; samfunnsansvar; heilskap. Leverandøren kan kommentere innan 3 veker.',
          en: 'Evaluate the delivery: delivery reliability; quality, problem-solving and competence; cooperation; prices and invoicing; social responsibility; overall. The supplier may comment within 3 weeks.',
        },
        evidence: {
          nb: 'Evalueringsskjema, arkivert',
          nn: 'Evalueringsskjema, arkivert',
          en: 'Evaluation form, archived',
        },
        rule: { kind: 'before_end', months: { setting: 'finalEvaluationMonthsBeforeEnd' } },
        responsible: 'manager',
        leadTimesDays: longLead,
      },
      {
        id: 'avslutning',
        title: {
          nb: 'Felles avslutningsgjennomgang med leverandøren',
          nn: 'Felles avslutningsgjennomgang med leverandøren',
          en: 'Joint close-out review with the supplier',
        },
        rule: { kind: 'before_end' },
        responsible: 'manager',
      },
    ],
  },
  {
    id: 'basis-rammeavtale',
    name: {
      nb: 'Sjekkliste for rammeavtaler',
      nn: 'Sjekkliste for rammeavtalar',
      en: 'Framework agreement checklist',
    },
    level: 'basic',
    appliesWhen: [{ kinds: ['framework'] }],
    activities: [
      {
        id: 'bestillingsrutine',
        title: {
          nb: 'Avtal bestillingsrutine (tildelingsnøkkel, minikonkurranse)',
          nn: 'Avtal bestillingsrutine (tildelingsnøkkel, minikonkurranse)',
          en: 'Agree the ordering routine (allocation key, mini-competition)',
        },
        evidence: { nb: 'Bestillingsrutine', nn: 'Bestillingsrutine', en: 'Ordering routine' },
        rule: { kind: 'after_start' },
        responsible: 'owner',
      },
      {
        id: 'implementering',
        title: {
          nb: 'Implementer avtalen, informer og lær opp brukerne',
          nn: 'Implementer avtalen, informer og lær opp brukarane',
          en: 'Implement the agreement, inform and train users',
        },
        evidence: {
          nb: 'Publisert informasjon',
          nn: 'Publisert informasjon',
          en: 'Published information',
        },
        rule: { kind: 'after_start', days: { setting: 'implementationDaysAfterStart' } },
        responsible: 'manager',
      },
      {
        id: 'ny-konkurranse-ramme',
        title: {
          nb: 'Start ny konkurranse',
          nn: 'Start ny konkurranse',
          en: 'Start a new competition',
        },
        description: {
          nb: 'Resultatet må foreligge godt før utløp: avrop etter utløp er en ulovlig direkte anskaffelse.',
          nn: 'Resultatet må liggje føre godt før utløpet: avrop etter utløpet er ei ulovleg direkte anskaffing.',
          en: 'The result must be in place well before expiry: call-offs after expiry are an illegal direct award.',
        },
        rule: { kind: 'before_end', months: { setting: 'retenderStartMonthsFramework' } },
        responsible: 'owner',
        leadTimesDays: longLead,
      },
    ],
  },
  {
    id: 'basis-enkeltkjop',
    name: {
      nb: 'Sjekkliste for enkeltkjøp',
      nn: 'Sjekkliste for enkeltkjøp',
      en: 'Single purchase checklist',
    },
    level: 'basic',
    appliesWhen: [{ kinds: ['single'] }],
    activities: [
      {
        id: 'godkjenn-leveranse',
        title: {
          nb: 'Godkjenn leveransen (mengde, funksjon, kvalitet)',
          nn: 'Godkjenn leveransen (mengd, funksjon, kvalitet)',
          en: 'Approve the delivery (quantity, function, quality)',
        },
        rule: { kind: 'before_end' },
        responsible: 'manager',
      },
      {
        id: 'ny-konkurranse-enkelt',
        title: {
          nb: 'Start ny anskaffelse ved fortsatt behov',
          nn: 'Start ny anskaffing viss det framleis er behov',
          en: 'Start a new procurement if still needed',
        },
        rule: { kind: 'before_end', months: { setting: 'retenderStartMonthsSingle' } },
        responsible: 'owner',
        leadTimesDays: longLead,
      },
    ],
  },
  {
    id: 'avansert',
    name: { nb: 'Avansert oppfølging', nn: 'Avansert oppfølging', en: 'Advanced follow-up' },
    description: {
      nb: 'DFØ beste praksis, avansert nivå: for virksomheter med ressurser, eller for avtaler med høy risiko.',
      nn: 'DFØ beste praksis, avansert nivå: for verksemder med ressursar, eller for avtalar med høg risiko.',
      en: 'DFØ best practice, advanced level: for organisations with the resources, or for high-risk contracts.',
    },
    level: 'advanced',
    activities: [
      {
        id: 'risiko-oppdatering',
        title: {
          nb: 'Oppdater risikovurderingen',
          nn: 'Oppdater risikovurderinga',
          en: 'Update the risk assessment',
        },
        rule: {
          kind: 'recurring',
          everyMonths: { setting: 'riskUpdateEveryMonths' },
        },
        responsible: 'manager',
      },
      {
        id: 'leverandorevaluering',
        title: {
          nb: 'Leverandørevaluering i avtaleperioden',
          nn: 'Leverandørevaluering i avtaleperioden',
          en: 'Supplier evaluation during the term',
        },
        description: {
          nb: 'Evaluer bare leverandørens kontraktsforpliktelser. Leverandøren kan kommentere innen 3 uker.',
          nn: 'Evaluer berre kontraktsforpliktingane til leverandøren. Leverandøren kan kommentere innan 3 veker.',
          en: "Evaluate only the supplier's contractual obligations. The supplier may comment within 3 weeks.",
        },
        evidence: { nb: 'Evalueringsskjema', nn: 'Evalueringsskjema', en: 'Evaluation form' },
        rule: {
          kind: 'recurring',
          everyMonths: { setting: 'supplierEvaluationEveryMonths' },
        },
        responsible: 'manager',
      },
      {
        id: 'leverandorstatistikk',
        title: {
          nb: 'Hent statistikk fra leverandøren',
          nn: 'Hent statistikk frå leverandøren',
          en: 'Collect statistics from the supplier',
        },
        rule: {
          kind: 'recurring',
          everyMonths: { setting: 'supplierStatisticsEveryMonths' },
        },
        appliesWhen: [{ kinds: ['framework'] }],
        responsible: 'manager',
      },
      {
        id: 'stikkprover',
        title: {
          nb: 'Stikkprøver av bestillinger',
          nn: 'Stikkprøver av bestillingar',
          en: 'Spot checks of orders',
        },
        rule: { kind: 'recurring', everyMonths: { setting: 'spotCheckEveryMonths' } },
        appliesWhen: [{ kinds: ['framework'] }],
        responsible: 'manager',
      },
    ],
  },
  {
    id: 'lonns-og-arbeidsvilkar',
    name: {
      nb: 'Lønns- og arbeidsvilkår',
      nn: 'Løns- og arbeidsvilkår',
      en: 'Pay and working conditions',
    },
    description: {
      nb: 'Forskrift om lønns- og arbeidsvilkår i offentlige kontrakter: tjeneste- og bygge- og anleggskontrakter over EØS-terskelen, og i bransjer med allmenngjort tariffavtale uansett verdi (påseplikt).',
      nn: 'Forskrift om løns- og arbeidsvilkår i offentlege kontraktar: teneste- og bygg- og anleggskontraktar over EØS-terskelen, og i bransjar med allmenngjord tariffavtale same kva verdien er (påseplikt).',
      en: 'Regulations on pay and working conditions in public contracts: service and building and construction contracts above the EEA threshold, and in sectors with a generally applicable collective agreement whatever the value (påseplikt, the duty to ensure compliance).',
    },
    level: 'basic',
    appliesWhen: [
      { payConditionsControl: true },
      {
        types: ['services', 'construction'],
        minValueOre: { setting: 'payConditionsThresholdOre' },
      },
      { sectors: { setting: 'generallyApplicableSectors' } },
    ],
    activities: [
      {
        id: 'lav-egenrapportering',
        title: {
          nb: 'Leverandørens egenrapportering (lønns- og arbeidsvilkår)',
          nn: 'Eigenrapportering frå leverandøren (løns- og arbeidsvilkår)',
          en: "Supplier's self-report (pay and working conditions)",
        },
        evidence: {
          nb: 'DFØs skjema for egenrapportering',
          nn: 'DFØ-skjemaet for eigenrapportering',
          en: "DFØ's self-report form",
        },
        rule: { kind: 'after_start', months: { setting: 'payReportMonthsAfterStart' } },
        responsible: 'manager',
      },
      {
        id: 'lav-risikovurdering',
        title: {
          nb: 'Risikovurdering av lønns- og arbeidsvilkår',
          nn: 'Risikovurdering av løns- og arbeidsvilkår',
          en: 'Risk assessment of pay and working conditions',
        },
        rule: { kind: 'after_start', days: { setting: 'payRiskAssessmentDaysAfterStart' } },
        responsible: 'manager',
      },
      {
        id: 'lav-dokumentkontroll',
        title: {
          nb: 'Kontroll av lønns- og arbeidsvilkår (dokumentasjon)',
          nn: 'Kontroll av løns- og arbeidsvilkår (dokumentasjon)',
          en: 'Pay and working conditions check (documents)',
        },
        description: {
          nb: 'Arbeidskontrakter, timelister og lønnsslipper for et utvalg arbeidstakere (nye hver gang); OTP og HMS-kort. Rapport arkiveres med risikovurderingen. Mistanke om kriminalitet meldes Arbeidstilsynet, Skatteetaten eller politiet.',
          nn: 'Arbeidskontraktar, timelister og lønsslippar for eit utval arbeidstakarar (nye kvar gong); OTP og HMS-kort. Rapporten blir arkivert saman med risikovurderinga. Mistanke om kriminalitet blir meldt til Arbeidstilsynet, Skatteetaten eller politiet.',
          en: 'Employment contracts, timesheets and payslips for a sample of workers (different ones each time); OTP (occupational pension) and HMS cards. The report is archived with the risk assessment. Suspected crime is reported to Arbeidstilsynet (Labour Inspection Authority), Skatteetaten (Tax Administration) or the police.',
        },
        evidence: {
          nb: 'Kontrollrapport, arkivert',
          nn: 'Kontrollrapport, arkivert',
          en: 'Report on the check, archived',
        },
        rule: {
          kind: 'recurring',
          everyMonths: { setting: 'payDocumentCheckEveryMonths' },
        },
        responsible: 'manager',
      },
    ],
  },
];
