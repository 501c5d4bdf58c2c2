/**
 * Texts of the Adaptive Cards and the bot's chat answers, in bokmål (default), nynorsk and English.
 * A typed dictionary rather than an i18n runtime: every language must define every key (the compiler
 * checks it), and the cards are rendered on the server from plain data.
 */

export const LANGS = ['nb', 'nn', 'en'] as const;
export type Lang = (typeof LANGS)[number];

/** Teams passes a BCP 47 locale (`nb-NO`, `nn-NO`, `en-US`, `no`); anything else falls back to bokmål. */
export function langFromLocale(locale: string | null | undefined): Lang {
  const tag = (locale ?? '').trim().toLowerCase();
  if (tag.startsWith('nn')) return 'nn';
  if (tag.startsWith('en')) return 'en';
  return 'nb';
}

const nb = {
  appName: 'Kontraktsoppfølging',
  // Tasks
  myTasksTitle: 'Mine frister',
  myTasksIntro: (n: number, shown: number) =>
    n === 0
      ? 'Du har ingen åpne frister. Bra jobbet!'
      : n === shown
        ? `Du har ${n} åpne ${n === 1 ? 'frist' : 'frister'}, den nærmeste først.`
        : `Du har ${n} åpne frister. Her er de ${shown} nærmeste; se alle i fanen Oppgaver.`,
  taskHeading: 'Oppfølgingsoppgave',
  contract: 'Avtale',
  dueDate: 'Frist',
  state: 'Status',
  assignee: 'Ansvarlig',
  team: 'Kontraktservice (teamet)',
  snoozedUntil: 'Utsatt til',
  completedBy: 'Utført av',
  comment: 'Kommentar',
  reason: 'Begrunnelse',
  dueIn: (days: number) =>
    days === 0
      ? 'i dag'
      : days === 1
        ? 'i morgen'
        : days > 0
          ? `om ${days} dager`
          : days === -1
            ? 'i går (forfalt)'
            : `${-days} dager siden (forfalt)`,
  states: {
    open: 'Åpen',
    snoozed: 'Utsatt',
    done: 'Utført',
    skipped: 'Hoppet over',
    cancelled: 'Avsluttet',
  },
  notification: {
    upcoming: (days: number) => `Påminnelse: fristen er om ${days} ${days === 1 ? 'dag' : 'dager'}`,
    due: () => 'Fristen er i dag',
    overdue: (days: number) => `Fristen gikk ut for ${days} ${days === 1 ? 'dag' : 'dager'} siden`,
  },
  // Actions
  markDone: 'Merk som utført',
  confirmDone: 'Lagre som utført',
  commentLabel: 'Hva ble gjort? (kommentar)',
  commentPlaceholder: 'For eksempel: Statusmøte holdt 12.3., referat arkivert',
  commentRequired: 'Skriv en kort kommentar om hva som ble gjort.',
  snoozeWeek: 'Utsett en uke',
  snoozeMonth: 'Utsett en måned',
  reassign: 'Tildel til en annen',
  reassignLabel: 'Ny ansvarlig',
  confirmReassign: 'Tildel',
  reassignRequired: 'Velg hvem som skal få oppgaven.',
  openInTab: 'Åpne i fanen',
  details: 'Detaljer',
  backToList: 'Tilbake til mine frister',
  // Results of actions
  doneNotice: (title: string) => `«${title}» er merket som utført.`,
  snoozedNotice: (until: string) => `Oppgaven er utsatt til ${until}.`,
  reassignedNotice: (name: string) => `Oppgaven er tildelt ${name}.`,
  notAllowed: {
    complete: 'Du kan ikke merke denne oppgaven som utført: den er tildelt en annen.',
    snooze: 'Du kan ikke utsette denne oppgaven: den er tildelt en annen.',
    reassign: 'Du kan ikke tildele denne oppgaven til en annen.',
    view: 'Du har ikke tilgang til denne oppgaven.',
  },
  taskNotFound: 'Oppgaven finnes ikke lenger.',
  taskClosed: 'Oppgaven er allerede avsluttet.',
  staleCard: 'Oppgaven er endret siden kortet ble vist. Her er den slik den er nå; prøv igjen.',
  badInput: 'Det du sendte var ikke gyldig',
  // Contracts
  contractHeading: 'Avtale',
  referenceNumber: 'Avtalenummer',
  kind: { framework: 'Rammeavtale', single: 'Enkeltkontrakt' },
  statusLabel: 'Status',
  contractStatus: {
    draft: 'Utkast',
    active: 'Aktiv',
    expiring: 'Utløper snart',
    expired: 'Utløpt',
    terminated: 'Sagt opp',
  },
  period: 'Periode',
  endDate: 'Sluttdato',
  suppliers: 'Leverandører',
  maxValue: 'Maksimal verdi',
  options: 'Opsjoner',
  optionLine: (newEnd: string, deadline: string, state: string) =>
    `Forlengelse til ${newEnd} (avgjøres innen ${deadline}): ${state}`,
  optionStates: { open: 'åpen', exercised: 'utløst', declined: 'ikke utløst' },
  withheldTitle: '(skjermet)',
  withheldNotice: (fields: string) => `Noen opplysninger er unntatt offentlighet: ${fields}.`,
  noEndDate: 'ingen sluttdato',
  contractNotFound: (ref: string) => `Fant ingen avtale med avtalenummer «${ref}».`,
  contractMissingRef: 'Skriv avtalenummeret etter «avtale», for eksempel «avtale 2024-017».',
  // Search
  searchTitle: (q: string) => `Søk: «${q}»`,
  searchCount: (total: number, shown: number) =>
    total === 0
      ? 'Ingen treff.'
      : total === shown
        ? `${total} ${total === 1 ? 'treff' : 'treff'}.`
        : `${total} treff; viser de ${shown} første. Avgrens søket eller bruk fanen Avtaler.`,
  searchMissingText: 'Skriv hva du leter etter etter «søk», for eksempel «søk renhold».',
  showContract: 'Vis avtalen',
  // Help and fallbacks
  helpTitle: 'Dette kan jeg hjelpe med',
  helpIntro: 'Skriv en av kommandoene under til meg. Jeg forstår både norsk og engelsk.',
  helpCommands: [
    ['mine frister', 'dine åpne oppfølgingsoppgaver, den nærmeste fristen først'],
    ['søk <tekst>', 'søk i avtaleregisteret, for eksempel «søk renhold»'],
    ['avtale <nummer>', 'vis én avtale, for eksempel «avtale 2024-017»'],
    ['hjelp', 'denne oversikten'],
  ] as readonly (readonly [string, string])[],
  helpNotifications:
    'Jeg sender deg også påminnelser om frister for avtalene du følger opp, med knapper for å merke dem som utført eller utsette dem.',
  unknownTitle: 'Det forstod jeg ikke',
  unknownText: (text: string) =>
    `Jeg forstod ikke «${text}». Prøv «mine frister», «søk renhold», «avtale 2024-017» eller «hjelp».`,
  searchFor: (text: string) => `Søk etter «${text}»`,
  showMyTasks: 'Vis mine frister',
  unknownUser:
    'Jeg fant deg ikke i avtaleregisterets brukerliste. Be Kontraktservice om å legge deg til, så kan du få fristene dine her.',
  personalOnly:
    'Fristene dine er personlige. Skriv «mine frister» til meg i en personlig chat, så viser jeg dem der.',
  welcome: 'Hei! Jeg er boten for kontraktsoppfølging.',
  error: 'Noe gikk galt hos meg. Prøv igjen om litt.',
  withheldFieldNames: {
    title: 'tittel',
    description: 'beskrivelse',
    suppliers: 'leverandører',
    supplierTerms: 'leverandørvilkår',
    estimatedValueOre: 'anslått verdi',
    maxValueOre: 'maksimal verdi',
    priceAdjustment: 'prisregulering',
    options: 'opsjoner',
  },
};

export type Messages = typeof nb;

const nn: Messages = {
  ...nb,
  myTasksTitle: 'Mine fristar',
  myTasksIntro: (n, shown) =>
    n === 0
      ? 'Du har ingen opne fristar. Godt jobba!'
      : n === shown
        ? `Du har ${n} opne ${n === 1 ? 'frist' : 'fristar'}, den næraste først.`
        : `Du har ${n} opne fristar. Her er dei ${shown} næraste; sjå alle i fana Oppgåver.`,
  taskHeading: 'Oppfølgingsoppgåve',
  dueIn: (days) =>
    days === 0
      ? 'i dag'
      : days === 1
        ? 'i morgon'
        : days > 0
          ? `om ${days} dagar`
          : days === -1
            ? 'i går (forfallen)'
            : `for ${-days} dagar sidan (forfallen)`,
  states: {
    open: 'Open',
    snoozed: 'Utsett',
    done: 'Utført',
    skipped: 'Hoppa over',
    cancelled: 'Avslutta',
  },
  notification: {
    upcoming: (days) => `Påminning: fristen er om ${days} ${days === 1 ? 'dag' : 'dagar'}`,
    due: () => 'Fristen er i dag',
    overdue: (days) => `Fristen gjekk ut for ${days} ${days === 1 ? 'dag' : 'dagar'} sidan`,
  },
  markDone: 'Merk som utført',
  commentLabel: 'Kva vart gjort? (kommentar)',
  commentPlaceholder: 'Til dømes: Statusmøte halde 12.3., referat arkivert',
  commentRequired: 'Skriv ein kort kommentar om kva som vart gjort.',
  snoozeWeek: 'Utset ei veke',
  snoozeMonth: 'Utset ein månad',
  reassign: 'Tildel til ein annan',
  reassignLabel: 'Ny ansvarleg',
  reassignRequired: 'Vel kven som skal få oppgåva.',
  assignee: 'Ansvarleg',
  openInTab: 'Opne i fana',
  backToList: 'Tilbake til mine fristar',
  snoozedNotice: (until) => `Oppgåva er utsett til ${until}.`,
  reassignedNotice: (name) => `Oppgåva er tildelt ${name}.`,
  notAllowed: {
    complete: 'Du kan ikkje merke denne oppgåva som utført: ho er tildelt ein annan.',
    snooze: 'Du kan ikkje utsetje denne oppgåva: ho er tildelt ein annan.',
    reassign: 'Du kan ikkje tildele denne oppgåva til ein annan.',
    view: 'Du har ikkje tilgang til denne oppgåva.',
  },
  taskNotFound: 'Oppgåva finst ikkje lenger.',
  taskClosed: 'Oppgåva er allereie avslutta.',
  staleCard: 'Oppgåva er endra sidan kortet vart vist. Her er ho slik ho er no; prøv igjen.',
  badInput: 'Det du sende var ikkje gyldig',
  contractStatus: {
    draft: 'Utkast',
    active: 'Aktiv',
    expiring: 'Går snart ut',
    expired: 'Utgått',
    terminated: 'Sagd opp',
  },
  suppliers: 'Leverandørar',
  optionLine: (newEnd, deadline, state) =>
    `Forlenging til ${newEnd} (avgjerast innan ${deadline}): ${state}`,
  optionStates: { open: 'open', exercised: 'utløyst', declined: 'ikkje utløyst' },
  withheldTitle: '(skjerma)',
  withheldNotice: (fields) => `Nokre opplysningar er unnatekne offentlegheit: ${fields}.`,
  contractNotFound: (ref) => `Fann ingen avtale med avtalenummer «${ref}».`,
  contractMissingRef: 'Skriv avtalenummeret etter «avtale», til dømes «avtale 2024-017».',
  searchCount: (total, shown) =>
    total === 0
      ? 'Ingen treff.'
      : total === shown
        ? `${total} treff.`
        : `${total} treff; viser dei ${shown} første. Avgrens søket eller bruk fana Avtalar.`,
  searchMissingText: 'Skriv kva du leitar etter etter «søk», til dømes «søk reinhald».',
  helpTitle: 'Dette kan eg hjelpe med',
  helpIntro: 'Skriv ein av kommandoane under til meg. Eg forstår både norsk og engelsk.',
  helpCommands: [
    ['mine frister', 'dei opne oppfølgingsoppgåvene dine, den næraste fristen først'],
    ['søk <tekst>', 'søk i avtaleregisteret, til dømes «søk reinhald»'],
    ['avtale <nummer>', 'vis éin avtale, til dømes «avtale 2024-017»'],
    ['hjelp', 'denne oversikta'],
  ],
  helpNotifications:
    'Eg sender deg òg påminningar om fristar for avtalane du følgjer opp, med knappar for å merke dei som utførte eller utsetje dei.',
  unknownTitle: 'Det forstod eg ikkje',
  unknownText: (text) =>
    `Eg forstod ikkje «${text}». Prøv «mine frister», «søk reinhald», «avtale 2024-017» eller «hjelp».`,
  searchFor: (text) => `Søk etter «${text}»`,
  showMyTasks: 'Vis mine fristar',
  unknownUser:
    'Eg fann deg ikkje i brukarlista til avtaleregisteret. Be Kontraktservice om å leggje deg til, så kan du få fristane dine her.',
  personalOnly:
    'Fristane dine er personlege. Skriv «mine frister» til meg i ein personleg chat, så viser eg dei der.',
  welcome: 'Hei! Eg er boten for kontraktsoppfølging.',
  error: 'Noko gjekk gale hos meg. Prøv igjen om litt.',
  withheldFieldNames: {
    ...nb.withheldFieldNames,
    description: 'skildring',
    suppliers: 'leverandørar',
    supplierTerms: 'leverandørvilkår',
  },
};

const en: Messages = {
  appName: 'Contract follow-up',
  myTasksTitle: 'My deadlines',
  myTasksIntro: (n, shown) =>
    n === 0
      ? 'You have no open deadlines. Well done!'
      : n === shown
        ? `You have ${n} open ${n === 1 ? 'deadline' : 'deadlines'}, nearest first.`
        : `You have ${n} open deadlines. Here are the ${shown} nearest; see all in the Tasks tab.`,
  taskHeading: 'Follow-up task',
  contract: 'Contract',
  dueDate: 'Due',
  state: 'Status',
  assignee: 'Responsible',
  team: 'Kontraktservice (team)',
  snoozedUntil: 'Snoozed until',
  completedBy: 'Completed by',
  comment: 'Comment',
  reason: 'Reason',
  dueIn: (days) =>
    days === 0
      ? 'today'
      : days === 1
        ? 'tomorrow'
        : days > 0
          ? `in ${days} days`
          : days === -1
            ? 'yesterday (overdue)'
            : `${-days} days ago (overdue)`,
  states: {
    open: 'Open',
    snoozed: 'Snoozed',
    done: 'Done',
    skipped: 'Skipped',
    cancelled: 'Closed',
  },
  notification: {
    upcoming: (days) => `Reminder: due in ${days} ${days === 1 ? 'day' : 'days'}`,
    due: () => 'Due today',
    overdue: (days) => `Overdue by ${days} ${days === 1 ? 'day' : 'days'}`,
  },
  markDone: 'Mark as done',
  confirmDone: 'Save as done',
  commentLabel: 'What was done? (comment)',
  commentPlaceholder: 'For example: status meeting held on 12 March, minutes archived',
  commentRequired: 'Write a short comment on what was done.',
  snoozeWeek: 'Snooze one week',
  snoozeMonth: 'Snooze one month',
  reassign: 'Reassign',
  reassignLabel: 'New assignee',
  confirmReassign: 'Reassign',
  reassignRequired: 'Choose who should get the task.',
  openInTab: 'Open in tab',
  details: 'Details',
  backToList: 'Back to my deadlines',
  doneNotice: (title) => `“${title}” is marked as done.`,
  snoozedNotice: (until) => `The task is snoozed until ${until}.`,
  reassignedNotice: (name) => `The task is now assigned to ${name}.`,
  notAllowed: {
    complete: 'You cannot mark this task as done: it is assigned to someone else.',
    snooze: 'You cannot snooze this task: it is assigned to someone else.',
    reassign: 'You cannot reassign this task.',
    view: 'You do not have access to this task.',
  },
  taskNotFound: 'The task no longer exists.',
  taskClosed: 'The task is already closed.',
  staleCard:
    'The task changed after this card was shown. Here it is as it is now; please try again.',
  badInput: 'What you sent was not valid',
  contractHeading: 'Contract',
  referenceNumber: 'Reference',
  kind: { framework: 'Framework agreement', single: 'Single contract' },
  statusLabel: 'Status',
  contractStatus: {
    draft: 'Draft',
    active: 'Active',
    expiring: 'Expiring soon',
    expired: 'Expired',
    terminated: 'Terminated',
  },
  period: 'Period',
  endDate: 'End date',
  suppliers: 'Suppliers',
  maxValue: 'Maximum value',
  options: 'Options',
  optionLine: (newEnd, deadline, state) =>
    `Extension to ${newEnd} (decide by ${deadline}): ${state}`,
  optionStates: { open: 'open', exercised: 'exercised', declined: 'declined' },
  withheldTitle: '(withheld)',
  withheldNotice: (fields) => `Some information is exempt from public access: ${fields}.`,
  noEndDate: 'no end date',
  contractNotFound: (ref) => `No contract with reference “${ref}”.`,
  contractMissingRef: 'Write the reference after “contract”, for example “contract 2024-017”.',
  searchTitle: (q) => `Search: “${q}”`,
  searchCount: (total, shown) =>
    total === 0
      ? 'No results.'
      : total === shown
        ? `${total} ${total === 1 ? 'result' : 'results'}.`
        : `${total} results; showing the first ${shown}. Narrow the search or use the Contracts tab.`,
  searchMissingText:
    'Write what you are looking for after “search”, for example “search cleaning”.',
  showContract: 'Show contract',
  helpTitle: 'Here is what I can do',
  helpIntro: 'Send me one of the commands below. I understand both Norwegian and English.',
  helpCommands: [
    ['my deadlines', 'your open follow-up tasks, nearest deadline first'],
    ['search <text>', 'search the contract register, for example “search cleaning”'],
    ['contract <reference>', 'show one contract, for example “contract 2024-017”'],
    ['help', 'this overview'],
  ],
  helpNotifications:
    'I also remind you of deadlines on the contracts you follow up, with buttons to mark them as done or snooze them.',
  unknownTitle: 'I did not understand that',
  unknownText: (text) =>
    `I did not understand “${text}”. Try “my deadlines”, “search cleaning”, “contract 2024-017” or “help”.`,
  searchFor: (text) => `Search for “${text}”`,
  showMyTasks: 'Show my deadlines',
  unknownUser:
    'I could not find you in the contract register’s user list. Ask Kontraktservice to add you, and you will get your deadlines here.',
  personalOnly:
    'Your deadlines are personal. Send “my deadlines” to me in a personal chat and I will show them there.',
  welcome: 'Hi! I am the contract follow-up bot.',
  error: 'Something went wrong on my side. Please try again in a moment.',
  withheldFieldNames: {
    title: 'title',
    description: 'description',
    suppliers: 'suppliers',
    supplierTerms: 'supplier terms',
    estimatedValueOre: 'estimated value',
    maxValueOre: 'maximum value',
    priceAdjustment: 'price adjustment',
    options: 'options',
  },
};

const MESSAGES: Record<Lang, Messages> = { nb, nn, en };

export const messages = (lang: Lang): Messages => MESSAGES[lang];

const INTL_LOCALE: Record<Lang, string> = { nb: 'nb-NO', nn: 'nn-NO', en: 'en-GB' };

/** "15. mars 2026" / "15 March 2026" for an ISO calendar date (no time zone shift). */
export function formatDate(iso: string, lang: Lang): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return new Intl.DateTimeFormat(INTL_LOCALE[lang], {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(Date.UTC(y, m - 1, d, 12)));
}

/** Money in øre as "kr 1 234 567" in the user's language. */
export function formatKroner(ore: number, lang: Lang): string {
  return new Intl.NumberFormat(INTL_LOCALE[lang], {
    style: 'currency',
    currency: 'NOK',
    maximumFractionDigits: 0,
  }).format(Math.round(ore / 100));
}

/** A localised text (bokmål required) in the wanted language, falling back to bokmål. */
export function localText(
  t: { nb: string; nn?: string | undefined; en?: string | undefined },
  lang: Lang,
): string {
  return (lang === 'nn' ? t.nn : lang === 'en' ? t.en : t.nb) || t.nb;
}
