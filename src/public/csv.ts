import { stringify } from 'csv-stringify/sync';
import type { PublicAgreement } from '../core/public-agreement.ts';

/**
 * A cell that a spreadsheet would read as a formula (=, +, -, @, tab, CR) gets a leading
 * apostrophe, so opening the open-data file can never run anything (CSV injection).
 */
export function safeCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

const COLUMNS = [
  'avtalenummer',
  'saksnummer',
  'tittel',
  'beskrivelse',
  'status',
  'type',
  'prosedyre',
  'cpv',
  'leverandorer',
  'startdato',
  'sluttdato',
  'gjeldende_sluttdato',
  'seneste_mulige_sluttdato',
  'anslatt_verdi_nok',
  'maksimal_verdi_nok',
  'apen_for_samarbeidspartnere',
  'samarbeidspartnere',
  'unntatt_offentlighet',
  'sist_endret',
] as const;

/** The catalogue as CSV (RFC 4180, UTF-8 with BOM so spreadsheets read æ, ø and å). */
export function agreementsCsv(agreements: readonly PublicAgreement[]): string {
  const withheldText = 'Unntatt offentlighet';
  const rows = agreements.map((a) => {
    const row: Record<(typeof COLUMNS)[number], string> = {
      avtalenummer: a.reference,
      saksnummer: a.caseNumber ?? '',
      tittel: a.title ?? withheldText,
      beskrivelse: a.description ?? withheldText,
      status: a.status,
      type: a.type,
      prosedyre: a.procedure,
      cpv: a.cpvCodes.join(' '),
      leverandorer:
        a.suppliers === null
          ? withheldText
          : a.suppliers
              .map((s) => `${s.name} (${s.orgnr}${s.rank !== null ? `, rang ${s.rank}` : ''})`)
              .join('; '),
      startdato: a.startDate ?? '',
      sluttdato: a.endDate ?? '',
      gjeldende_sluttdato: a.currentEndDate ?? '',
      seneste_mulige_sluttdato: a.options === null ? '' : (a.maximumEndDate ?? ''),
      anslatt_verdi_nok: a.estimatedValueOre === null ? '' : (a.estimatedValueOre / 100).toFixed(2),
      maksimal_verdi_nok: a.maxValueOre === null ? '' : (a.maxValueOre / 100).toFixed(2),
      apen_for_samarbeidspartnere: a.openToPartners ? 'ja' : 'nei',
      samarbeidspartnere: a.usableBy.partners.join('; '),
      unntatt_offentlighet: a.withheld.map((w) => `${w.field}: ${w.legalBasis}`).join('; '),
      sist_endret: a.updatedAt,
    };
    return COLUMNS.map((c) => safeCell(row[c]));
  });
  return `\uFEFF${stringify([COLUMNS as unknown as string[], ...rows], { record_delimiter: '\r\n' })}`;
}
