/**
 * The KS Fiks Arkiv V1 code lists the product uses, copied from the official
 * `no.ks.fiks.arkiv.v1.kodelister.*` JSON files (github.com/ks-no/fiks-arkiv-specification,
 * MIT licence, Copyright (c) 2018 KS). The product never reads the shared data folder at run time;
 * `tests/archive/codelists.test.ts` fails if these copies drift from the shipped lists.
 *
 * `tilgangsrestriksjon` has no shipped list in Fiks Arkiv V1 (each archive has its own access
 * codes), so the product keeps a configurable default list (see `DEFAULT_ACCESS_CODES`).
 */

export interface Code {
  readonly kode: string;
  readonly beskrivelse: string;
}

/** Navn på type journalpost (no.ks.fiks.arkiv.v1.kodelister.journalposttype). */
export const JOURNALPOSTTYPE = [
  { kode: 'I', beskrivelse: 'Inngående dokument' },
  { kode: 'U', beskrivelse: 'Utgående dokument' },
  { kode: 'N', beskrivelse: 'Organinternt dokument for oppfølging' },
  { kode: 'X', beskrivelse: 'Organinternt dokument uten oppfølging' },
  { kode: 'S', beskrivelse: 'Saksframlegg' },
] as const satisfies readonly Code[];

/** Navn på type dokument (no.ks.fiks.arkiv.v1.kodelister.dokumenttype). */
export const DOKUMENTTYPE = [
  { kode: 'SØKNAD', beskrivelse: 'Søknad' },
  { kode: 'MELDING', beskrivelse: 'Melding' },
  { kode: 'KORR', beskrivelse: 'Korrespondanse' },
  { kode: 'KART', beskrivelse: 'Kart' },
  { kode: 'FOTO', beskrivelse: 'Foto' },
  { kode: 'TEGNING', beskrivelse: 'Tegning' },
  { kode: 'ANSVKONTO', beskrivelse: 'Ansvar og kontroll' },
  { kode: 'TILSYN', beskrivelse: 'Tilsyn' },
  { kode: 'AVTALE', beskrivelse: 'Avtale' },
  { kode: 'VEDTAK', beskrivelse: 'Vedtak' },
  { kode: 'SAKSFRAMLEGG', beskrivelse: 'Saksframlegg' },
  { kode: 'FERDIGATTEST', beskrivelse: 'Ferdigattest' },
  { kode: 'PLANBESKR', beskrivelse: 'Planbeskrivelse' },
  { kode: 'PLANKART', beskrivelse: 'Plankart' },
  { kode: 'PLANBEST', beskrivelse: 'Planbestemmelser' },
  { kode: 'PLANPROG', beskrivelse: 'Planprogram' },
  { kode: 'JURILLUST', beskrivelse: 'Juridisk bindende illustrasjon' },
  { kode: 'ILLUST', beskrivelse: 'Illustrasjon' },
  { kode: 'KONSUTR', beskrivelse: 'Konsekvensutredning' },
  { kode: 'KUNNGJ', beskrivelse: 'Kunngjøring' },
  { kode: 'RAPPORT', beskrivelse: 'Rapport' },
  { kode: 'ROS-ANALYSE', beskrivelse: 'ROS-analyse' },
  { kode: 'UTREDNING', beskrivelse: 'Utredning' },
  { kode: 'UTTALELSE', beskrivelse: 'Uttalelse' },
  { kode: 'INNSIGELSE', beskrivelse: 'Innsigelse' },
  { kode: 'KLAGE', beskrivelse: 'Klage' },
  { kode: 'TEGNFKL', beskrivelse: 'Tegnforklaring' },
  { kode: 'GEOREFPLAN', beskrivelse: 'Georeferert plankart' },
  { kode: 'DOKUMENT', beskrivelse: 'Dokument' },
  { kode: 'NOTAT', beskrivelse: 'Notat' },
  { kode: 'ANALYSE', beskrivelse: 'Analyse' },
  { kode: 'FAKTURA', beskrivelse: 'Faktura' },
  { kode: 'LYD', beskrivelse: 'Lydfil' },
  { kode: 'VIDEO', beskrivelse: 'Videofil' },
  { kode: 'PROTOKOLL', beskrivelse: 'Protokoll' },
  { kode: 'VEDLEGG', beskrivelse: 'Vedlegg' },
] as const satisfies readonly Code[];

/** Status til dokumentet (no.ks.fiks.arkiv.v1.kodelister.dokumentstatus). */
export const DOKUMENTSTATUS = [
  { kode: 'B', beskrivelse: 'Dokumentet er under redigering' },
  { kode: 'F', beskrivelse: 'Dokumentet er ferdigstilt' },
] as const satisfies readonly Code[];

/** Status til journalposten, dvs. om dokumentet er registrert, under behandling eller endelig arkivert (no.ks.fiks.arkiv.v1.kodelister.journalstatus). */
export const JOURNALSTATUS = [
  { kode: 'J', beskrivelse: 'Journalført' },
  { kode: 'F', beskrivelse: 'Ferdigstilt av saksbehandler' },
  { kode: 'G', beskrivelse: 'Godkjent av leder' },
  { kode: 'E', beskrivelse: 'Ekspedert' },
  { kode: 'A', beskrivelse: 'Arkivert' },
  { kode: 'U', beskrivelse: 'Utgår' },
  { kode: 'M', beskrivelse: 'Midlertidig registrering av innkommende dokument' },
  { kode: 'S', beskrivelse: 'Saksbehandler har registrert innkommende dokument' },
  { kode: 'R', beskrivelse: 'Reservert dokument' },
] as const satisfies readonly Code[];

/** Status til saksmappen, dvs. hvor langt saksbehandlingen har kommet (no.ks.fiks.arkiv.v1.kodelister.saksstatus). */
export const SAKSSTATUS = [
  { kode: 'B', beskrivelse: 'Under behandling' },
  { kode: 'A', beskrivelse: 'Avsluttet' },
  { kode: 'U', beskrivelse: 'Utgår' },
  { kode: 'R', beskrivelse: 'Opprettet av saksbehandler' },
  { kode: 'S', beskrivelse: 'Avsluttet av saksbehandler' },
  { kode: 'P', beskrivelse: 'Unntatt prosesstyring' },
  { kode: 'F', beskrivelse: 'Ferdig fra saksbehandler' },
] as const satisfies readonly Code[];

/** tilknyttetregistreringsom (no.ks.fiks.arkiv.v1.kodelister.tilknyttetregistreringsom). */
export const TILKNYTTETREGISTRERINGSOM = [
  { kode: 'H', beskrivelse: 'Hoveddokument' },
  { kode: 'V', beskrivelse: 'Vedlegg' },
] as const satisfies readonly Code[];

/** Angivelse av hvilken variant et dokument forekommer i (no.ks.fiks.arkiv.v1.kodelister.variantformat). */
export const VARIANTFORMAT = [
  { kode: 'P', beskrivelse: 'Produksjonsformat' },
  { kode: 'A', beskrivelse: 'Arkivformat' },
  { kode: 'O', beskrivelse: 'Dokument hvor deler av innholdet er skjermet' },
  { kode: 'S', beskrivelse: 'Digitalt signert dokument' },
] as const satisfies readonly Code[];

/** Type korrespondansepart (no.ks.fiks.arkiv.v1.kodelister.korrespondanseparttype). */
export const KORRESPONDANSEPARTTYPE = [
  { kode: 'EA', beskrivelse: 'Avsender' },
  { kode: 'EM', beskrivelse: 'Mottaker' },
  { kode: 'EK', beskrivelse: 'Kopimottaker' },
  { kode: 'GM', beskrivelse: 'Gruppemottaker' },
  { kode: 'IA', beskrivelse: 'Intern avsender' },
  { kode: 'IM', beskrivelse: 'Intern mottaker' },
  { kode: 'IK', beskrivelse: 'Intern kopimottaker' },
] as const satisfies readonly Code[];

/** Angivelse av at hele dokumentet eller deler av det må skjermes (no.ks.fiks.arkiv.v1.kodelister.skjermingdokument). */
export const SKJERMINGDOKUMENT = [
  { kode: 'H', beskrivelse: 'Skjerming av hele dokumentet' },
  { kode: 'D', beskrivelse: 'Skjerming av deler av dokumentet' },
] as const satisfies readonly Code[];

/** Angivelse av om arkivet er fysisk eller elektronisk (no.ks.fiks.arkiv.v1.kodelister.dokumentmedium). */
export const DOKUMENTMEDIUM = [
  { kode: 'F', beskrivelse: 'Fysisk medium' },
  { kode: 'E', beskrivelse: 'Elektronisk arkiv' },
  { kode: 'B', beskrivelse: 'Blandet fysisk og elektronisk arkiv' },
] as const satisfies readonly Code[];

export type Journalposttype = (typeof JOURNALPOSTTYPE)[number]['kode'];
export type Dokumenttype = (typeof DOKUMENTTYPE)[number]['kode'];
export type Dokumentstatus = (typeof DOKUMENTSTATUS)[number]['kode'];
export type Variantformat = (typeof VARIANTFORMAT)[number]['kode'];

/** Registry entry types the product files: incoming, outgoing, internal with and without follow-up. */
export const ENTRY_TYPES = ['I', 'U', 'N', 'X'] as const satisfies readonly Journalposttype[];
export type EntryType = (typeof ENTRY_TYPES)[number];

/** Document types offered for the contract phase (a subset of the official list). */
export const CONTRACT_DOCUMENT_TYPES = [
  'AVTALE',
  'VEDLEGG',
  'VEDTAK',
  'PROTOKOLL',
  'RAPPORT',
  'NOTAT',
  'KORR',
  'ANALYSE',
  'DOKUMENT',
  'FAKTURA',
  'FOTO',
] as const satisfies readonly Dokumenttype[];
export type ContractDocumentType = (typeof CONTRACT_DOCUMENT_TYPES)[number];

export function codeOf<T extends Code>(list: readonly T[], kode: string): T {
  const found = list.find((c) => c.kode === kode);
  if (!found) throw new Error(`Ukjent kode ${kode}`);
  return found;
}

/**
 * Default access codes (tilgangsrestriksjon), after the usual Noark practice of naming the code
 * after the section of the Freedom of Information Act (offentleglova). UNCONFIRMED for any given
 * archive: the municipality's own list is configured in `DocumentServiceOptions.accessCodes`.
 */
export const DEFAULT_ACCESS_CODES: readonly (Code & { readonly defaultLegalBasis: string })[] = [
  {
    kode: '13',
    beskrivelse: 'Taushetsplikt',
    defaultLegalBasis: 'Offl. § 13 jf. fvl. § 13 første ledd nr. 2',
  },
  { kode: '14', beskrivelse: 'Organinterne dokument', defaultLegalBasis: 'Offl. § 14 første ledd' },
  { kode: '15', beskrivelse: 'Interne dokument', defaultLegalBasis: 'Offl. § 15' },
  {
    kode: '23',
    beskrivelse: 'Forhandlingsposisjon og anskaffelser',
    defaultLegalBasis: 'Offl. § 23 første ledd',
  },
  { kode: '24', beskrivelse: 'Kontroll og regulering', defaultLegalBasis: 'Offl. § 24' },
];
