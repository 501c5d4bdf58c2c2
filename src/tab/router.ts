import { useSyncExternalStore } from 'react';

/** Hash routes: `#/register?status=active`, `#/contracts/<id>`, `#/tasks/<id>`, `#/dashboard`, `#/admin`. */
export interface Route {
  readonly segments: readonly string[];
  readonly query: URLSearchParams;
  readonly hash: string;
}

function parse(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '');
  const [path = '', search = ''] = raw.split('?');
  const segments = path
    .split('/')
    .filter(Boolean)
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
  return { segments, query: new URLSearchParams(search), hash };
}

let current = parse(window.location.hash);
const listeners = new Set<() => void>();
window.addEventListener('hashchange', () => {
  current = parse(window.location.hash);
  for (const l of listeners) l();
});

export function useRoute(): Route {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => current,
  );
}

export function navigate(hash: string, replace = false): void {
  if (replace) {
    window.history.replaceState(null, '', hash);
    current = parse(hash);
    for (const l of listeners) l();
  } else {
    window.location.hash = hash;
  }
}

export const contractHref = (id: string) => `#/contracts/${encodeURIComponent(id)}`;
export const taskHref = (id: string) => `#/tasks/${encodeURIComponent(id)}`;
/** The overdue tasks of one unit that the user may see (from the dashboard's per-unit count). */
export const overdueTasksHref = (unitId: string) => `#/tasks?unit=${encodeURIComponent(unitId)}`;
export function registerHref(params: Record<string, string | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) p.set(k, v);
  const s = p.toString();
  return s ? `#/register?${s}` : '#/register';
}
