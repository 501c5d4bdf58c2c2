import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { setApiLanguage } from './api.ts';
import { languageForLocale } from './host.ts';
import { coreStrings } from './strings/core.ts';

export const LANGUAGES = ['nb', 'nn', 'en'] as const;
const STORAGE_KEY = 'ko.language';

export function initI18n(locale: string): void {
  const stored = localStorage.getItem(STORAGE_KEY);
  const lng =
    stored && (LANGUAGES as readonly string[]).includes(stored)
      ? stored
      : languageForLocale(locale);
  void i18next.use(initReactI18next).init({
    resources: {
      nb: { translation: coreStrings.nb },
      nn: { translation: coreStrings.nn },
      en: { translation: coreStrings.en },
    },
    lng,
    // Every key exists in all three languages (tests/tab/i18n.test.ts); bokmål is only a safety net.
    fallbackLng: 'nb',
    interpolation: { escapeValue: false },
    returnNull: false,
    initAsync: false,
  });
  setApiLanguage(lng);
  document.documentElement.lang = lng;
}

export function setLanguage(lng: string): void {
  if (!(LANGUAGES as readonly string[]).includes(lng)) return;
  localStorage.setItem(STORAGE_KEY, lng);
  void i18next.changeLanguage(lng);
}
