/**
 * Where the tab runs. In a plain browser window (not framed) teams-js is never loaded: its
 * `app.initialize()` would reject or, in a foreign iframe, hang. Framed, teams-js is loaded on demand
 * and `initialize()` is raced against a short timer; losing the race means "browser".
 */

export type ThemeName = 'light' | 'dark' | 'contrast';

export interface HostInfo {
  readonly kind: 'teams' | 'browser';
  readonly theme: ThemeName;
  /** BCP 47 locale from Teams, or from the browser. */
  readonly locale: string;
  /** Teams deep-link target (`subPageId`, formerly `subEntityId`): "task:<id>" or "contract:<id>". */
  readonly subPageId: string | null;
  /** Teams only: a fresh SSO token for our API. */
  readonly getToken?: () => Promise<string>;
  /** Teams only: calls back when the user changes the Teams theme. */
  readonly onThemeChange?: (handler: (theme: ThemeName) => void) => void;
}

export const teamsTheme = (t: string | undefined): ThemeName =>
  t === 'dark' ? 'dark' : t === 'contrast' ? 'contrast' : 'light';

export function browserTheme(): ThemeName {
  const params = new URLSearchParams(window.location.search);
  const forced = params.get('theme');
  if (forced === 'dark' || forced === 'light' || forced === 'contrast') return forced;
  if (window.matchMedia?.('(forced-colors: active)').matches) return 'contrast';
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

/** In a browser the UI stays in bokmål unless the browser asks for nynorsk (the language menu switches). */
const browserHost = (): HostInfo => ({
  kind: 'browser',
  theme: browserTheme(),
  locale: navigator.language?.toLowerCase().startsWith('nn') ? 'nn-NO' : 'nb-NO',
  subPageId: null,
});

export async function detectHost(timeoutMs = 1500): Promise<HostInfo> {
  let framed: boolean;
  try {
    framed = window.self !== window.top;
  } catch {
    framed = true; // cross-origin parent: that is what Teams looks like
  }
  if (!framed) return browserHost();
  try {
    const teams = await import('@microsoft/teams-js');
    const timer = new Promise<'timeout'>((resolve) =>
      setTimeout(() => resolve('timeout'), timeoutMs),
    );
    const won = await Promise.race([teams.app.initialize().then(() => 'teams' as const), timer]);
    if (won !== 'teams') return browserHost();
    const context = await teams.app.getContext();
    teams.app.notifySuccess();
    return {
      kind: 'teams',
      theme: teamsTheme(context.app.theme),
      locale: context.app.locale || 'nb-NO',
      subPageId: context.page.subPageId ?? null,
      getToken: () => teams.authentication.getAuthToken(),
      onThemeChange: (handler) =>
        teams.app.registerOnThemeChangeHandler((t) => handler(teamsTheme(t))),
    };
  } catch {
    return browserHost();
  }
}

/** A Teams deep-link target as a route of the tab. */
export function routeForSubPage(subPageId: string | null): string | null {
  if (!subPageId) return null;
  const m = /^(task|contract):(.+)$/.exec(subPageId);
  if (!m) return null;
  const id = encodeURIComponent(m[2] as string);
  return m[1] === 'task' ? `#/tasks/${id}` : `#/contracts/${id}`;
}

/** UI language from a locale: nynorsk and English when asked for, bokmål otherwise. */
export function languageForLocale(locale: string): 'nb' | 'nn' | 'en' {
  const l = locale.toLowerCase();
  if (l.startsWith('nn')) return 'nn';
  if (l.startsWith('en')) return 'en';
  return 'nb';
}
