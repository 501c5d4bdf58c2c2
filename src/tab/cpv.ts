import i18next from 'i18next';
import './strings/cpv.ts';

/** The short name of a CPV division (first two digits) in the UI language; '' when unknown. */
export function cpvDivisionName(division: string, lng: string): string {
  if (!/^\d{2}$/.test(division)) return '';
  return i18next.t(`cpv.${division}`, { lng, defaultValue: '' });
}
