import type { IsoDate } from '../dates.ts';
import {
  type Code,
  codeOf,
  DOKUMENTMEDIUM,
  DOKUMENTSTATUS,
  DOKUMENTTYPE,
  type EntryType,
  JOURNALPOSTTYPE,
  JOURNALSTATUS,
  KORRESPONDANSEPARTTYPE,
  SAKSSTATUS,
  TILKNYTTETREGISTRERINGSOM,
  VARIANTFORMAT,
} from './codelists.ts';
import { el, elAttr, serializeXml, type XmlElement, type XmlNode } from './xml.ts';

/**
 * Builds the KS Fiks Arkiv V1 `arkivmelding` (message type
 * `no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett`): one case folder (`saksmappe`) per contract
 * and one registry entry (`journalpost`) per product document, with a `dokumentbeskrivelse` and a
 * `dokumentobjekt` per file. The message carries external keys (`fagsystem` + `noekkel`) that are
 * stable per contract and per document, so sending the same message again updates nothing twice.
 * Element order follows the XSD sequences exactly; code values come from the shipped code lists.
 */

export const ARKIVMELDING_NS =
  'https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/arkivmelding/opprett/v1';
export const METADATAKATALOG_NS =
  'https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/metadatakatalog/v1';
export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
export const ARKIVMELDING_FILE = 'arkivmelding.xml';
export const ARKIVMELDING_MESSAGE_TYPE = 'no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett';

export interface ArchiveScreening {
  readonly accessCode: Code;
  readonly legalBasis: string;
}

export interface ArkivmeldingParty {
  readonly name: string;
  readonly orgnr: string;
  /** The party's identity is confidential (e.g. the contract withholds its suppliers). */
  readonly screened: boolean;
}

export interface ArkivmeldingCase {
  readonly key: string;
  readonly title: string;
  readonly publicTitle: string;
  readonly description: string | null;
  /** The archive's case number when the contract already has one (e.g. "2024/1234"). */
  readonly caseNumber: string | null;
  readonly caseDate: IsoDate | null;
  /** Identifier of the owning unit (administrativ enhet). */
  readonly administrativeUnit: string | null;
  /** Identifier of the person responsible (saksansvarlig). */
  readonly responsible: string | null;
  readonly parts: readonly ArkivmeldingParty[];
  readonly screening: ArchiveScreening | null;
  readonly classification: ArchiveClassification | null;
}

export interface ArchiveClassification {
  readonly systemId: string;
  readonly classId: string;
  readonly title?: string | undefined;
}

export interface ArkivmeldingFile {
  readonly key: string;
  readonly n: number;
  readonly title: string;
  readonly documentType: string;
  readonly documentStatus: string;
  readonly fileName: string;
  readonly packageName: string;
  readonly mediaType: string;
  readonly size: number;
  readonly sha256: string;
  readonly variant: 'P' | 'A';
  readonly formatDetails: string | null;
}

export interface ArkivmeldingEntry {
  readonly key: string;
  readonly title: string;
  readonly publicTitle: string;
  readonly description: string | null;
  readonly entryType: EntryType;
  readonly documentDate: IsoDate | null;
  readonly journalDate: IsoDate;
  /** ISO date-time with offset, e.g. 2025-03-01T10:15:00.000Z. */
  readonly createdAt: string;
  readonly createdBy: string;
  readonly screening: ArchiveScreening | null;
  /** External party for I (sender) and U (recipient); ignored for internal notes. */
  readonly correspondent: ArkivmeldingParty | null;
  readonly files: readonly ArkivmeldingFile[];
}

export interface ArkivmeldingInput {
  /** The sending system's name (`system`). */
  readonly system: string;
  /** The external key system id (`fagsystem`). */
  readonly fagsystem: string;
  readonly case: ArkivmeldingCase;
  readonly entry: ArkivmeldingEntry;
}

const m = (name: string, ...children: Parameters<typeof el>[1][]) =>
  el(`n5mdk:${name}`, ...children);

function kode(name: string, code: Code): XmlElement {
  return el(name, m('kode', code.kode), m('beskrivelse', code.beskrivelse));
}

function externalKey(name: string, fagsystem: string, key: string): XmlElement {
  return el(name, m('fagsystem', fagsystem), m('noekkel', key));
}

function skjerming(s: ArchiveScreening | null): XmlElement | null {
  if (!s) return null;
  return el(
    'skjerming',
    kode('tilgangsrestriksjon', s.accessCode),
    el('skjermingshjemmel', s.legalBasis),
  );
}

/** "2024/1234" → year and sequence; anything else is not a Noark case number. */
export function parseCaseNumber(caseNumber: string | null): { year: number; seq: number } | null {
  const match = caseNumber?.trim().match(/^(\d{4})\/(\d{1,9})$/);
  if (!match) return null;
  return { year: Number(match[1]), seq: Number(match[2]) };
}

function identifiers(name: string, id: string | null): XmlElement | null {
  return id ? el(name, m('identifikator', id)) : null;
}

function klassifikasjon(c: ArchiveClassification | null): XmlElement | null {
  if (!c) return null;
  return el(
    'klassifikasjon',
    el('klassifikasjonssystemID', c.systemId),
    el('klasseID', c.classId),
    c.title ? el('tittel', c.title) : null,
  );
}

function part(p: ArkivmeldingParty): XmlElement {
  return el(
    'part',
    el('partNavn', p.name),
    el('organisasjonID', el('identifikator', p.orgnr), el('landkode', 'NO')),
    p.screened ? el('erSkjermet', 'true') : null,
  );
}

function saksmappe(input: ArkivmeldingInput): XmlElement {
  const c = input.case;
  const number = parseCaseNumber(c.caseNumber);
  return elAttr(
    'mappe',
    { 'xsi:type': 'saksmappe' },
    number ? el('mappeID', `${number.year}/${number.seq}`) : null,
    el('tittel', c.title),
    el('offentligTittel', c.publicTitle),
    c.description ? el('beskrivelse', c.description) : null,
    kode('dokumentmedium', codeOf(DOKUMENTMEDIUM, 'E')),
    c.parts.map(part),
    skjerming(c.screening),
    klassifikasjon(c.classification),
    externalKey('referanseEksternNoekkel', input.fagsystem, c.key),
    number ? el('saksaar', String(number.year)) : null,
    number ? el('sakssekvensnummer', String(number.seq)) : null,
    c.caseDate ? el('saksdato', c.caseDate) : null,
    identifiers('administrativEnhet', c.administrativeUnit),
    identifiers('saksansvarlig', c.responsible),
    kode('saksstatus', codeOf(SAKSSTATUS, 'B')),
  );
}

function korrespondansepart(e: ArkivmeldingEntry): XmlElement {
  if ((e.entryType === 'I' || e.entryType === 'U') && e.correspondent) {
    const p = e.correspondent;
    return el(
      'korrespondansepart',
      kode(
        'korrespondanseparttype',
        codeOf(KORRESPONDANSEPARTTYPE, e.entryType === 'I' ? 'EA' : 'EM'),
      ),
      el('korrespondansepartNavn', p.name),
      el('organisasjonid', p.orgnr),
      p.screened ? el('erSkjermet', 'true') : null,
    );
  }
  // Internal notes (and entries without an external party): the one who filed it, as internal sender.
  return el(
    'korrespondansepart',
    kode('korrespondanseparttype', codeOf(KORRESPONDANSEPARTTYPE, 'IA')),
    el('korrespondansepartNavn', e.createdBy),
    el('saksbehandler', m('navn', e.createdBy)),
  );
}

function dokumentbeskrivelse(
  input: ArkivmeldingInput,
  f: ArkivmeldingFile,
  index: number,
): XmlElement {
  const e = input.entry;
  return el(
    'dokumentbeskrivelse',
    kode('dokumenttype', codeOf(DOKUMENTTYPE, f.documentType)),
    kode('dokumentstatus', codeOf(DOKUMENTSTATUS, f.documentStatus)),
    el('tittel', f.title),
    el('opprettetDato', e.createdAt),
    el('opprettetAv', e.createdBy),
    kode('dokumentmedium', codeOf(DOKUMENTMEDIUM, 'E')),
    kode('tilknyttetRegistreringSom', codeOf(TILKNYTTETREGISTRERINGSOM, index === 0 ? 'H' : 'V')),
    el('dokumentnummer', String(f.n)),
    skjerming(e.screening),
    el(
      'dokumentobjekt',
      el('versjonsnummer', '1'),
      kode('variantformat', codeOf(VARIANTFORMAT, f.variant)),
      f.formatDetails ? el('formatDetaljer', f.formatDetails) : null,
      el('mimeType', f.mediaType),
      el('filnavn', f.fileName),
      el('referanseDokumentfil', f.packageName),
      el('sjekksum', f.sha256),
      el('sjekksumAlgoritme', 'SHA-256'),
      el('filstoerrelse', String(f.size)),
    ),
    externalKey('referanseEksternNoekkel', input.fagsystem, f.key),
  );
}

function journalpost(input: ArkivmeldingInput): XmlElement {
  const e = input.entry;
  const number = parseCaseNumber(input.case.caseNumber);
  const children: (XmlNode | null)[] = [
    el('opprettetDato', e.createdAt),
    el('opprettetAv', e.createdBy),
    el(
      'referanseForelderMappe',
      number
        ? m(
            'saksnummer',
            m('saksaar', String(number.year)),
            m('sakssekvensnummer', String(number.seq)),
          )
        : null,
      m('referanseEksternNoekkel', m('fagsystem', input.fagsystem), m('noekkel', input.case.key)),
    ),
    skjerming(e.screening),
    ...e.files.map((f, i) => dokumentbeskrivelse(input, f, i)),
    el('tittel', e.title),
    el('offentligTittel', e.publicTitle),
    e.description ? el('beskrivelse', e.description) : null,
    kode('dokumentmedium', codeOf(DOKUMENTMEDIUM, 'E')),
    korrespondansepart(e),
    klassifikasjon(input.case.classification),
    externalKey('referanseEksternNoekkel', input.fagsystem, e.key),
    kode('journalposttype', codeOf(JOURNALPOSTTYPE, e.entryType)),
    kode('journalstatus', codeOf(JOURNALSTATUS, 'F')),
    el('journaldato', e.journalDate),
    e.documentDate ? el('dokumentetsDato', e.documentDate) : null,
    e.entryType === 'I' ? el('mottattDato', e.createdAt) : null,
    e.entryType === 'U' ? el('sendtDato', e.createdAt) : null,
    el('antallVedlegg', String(Math.max(0, e.files.length - 1))),
  ];
  return elAttr(
    'registrering',
    { 'xsi:type': 'journalpost' },
    children.filter((c): c is XmlNode => c !== null),
  );
}

export function buildArkivmelding(input: ArkivmeldingInput): string {
  if (input.entry.files.length === 0) throw new Error('En journalpost må ha minst ett dokument');
  const root = elAttr(
    'arkivmelding',
    { xmlns: ARKIVMELDING_NS, 'xmlns:n5mdk': METADATAKATALOG_NS, 'xmlns:xsi': XSI_NS },
    el('system', input.system),
    el('antallFiler', String(input.entry.files.length)),
    saksmappe(input),
    journalpost(input),
  );
  return serializeXml(root);
}
