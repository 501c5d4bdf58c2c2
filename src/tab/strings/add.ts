import i18next from 'i18next';

export type Dict = { [k: string]: string | Dict };

/**
 * Adds the strings of a lazily loaded screen to i18next (deep merge, never overwriting), so their
 * text travels in the screen's chunk instead of the initial bundle. Nynorsk falls back to bokmål.
 */
export function addStrings(bundles: { nb: Dict; nn: Dict; en: Dict }): void {
  for (const [lng, dict] of Object.entries(bundles)) {
    i18next.addResourceBundle(lng, 'translation', dict, true, false);
  }
}
