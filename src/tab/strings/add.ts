import i18next from 'i18next';

export type Dict = { [k: string]: string | Dict };

/** The same keys as `T`, every leaf a string: what nynorsk and English must provide for bokmål. */
export type Same<T> = { [K in keyof T]: T[K] extends string ? string : Same<T[K]> };

/** One module's strings in the three languages, nynorsk and English with exactly bokmål's keys. */
export interface Bundles<T extends Dict> {
  readonly nb: T;
  readonly nn: Same<T>;
  readonly en: Same<T>;
}

/**
 * Declares a module's strings: bokmål fixes the keys, and the type checker refuses a nynorsk or English
 * set that lacks a key or has one more (tests/tab/i18n.test.ts checks the same at run time, plus empty
 * texts and interpolation variables).
 */
export function defineStrings<T extends Dict>(bundles: {
  nb: T;
  nn: NoInfer<Same<T>>;
  en: NoInfer<Same<T>>;
}): Bundles<T> {
  return bundles;
}

/**
 * Adds the strings of a lazily loaded screen to i18next (deep merge, never overwriting), so their
 * text travels in the screen's chunk instead of the initial bundle.
 */
export function addStrings(bundles: {
  readonly nb: Dict;
  readonly nn: Dict;
  readonly en: Dict;
}): void {
  for (const lng of ['nb', 'nn', 'en'] as const) {
    i18next.addResourceBundle(lng, 'translation', bundles[lng], true, false);
  }
}
