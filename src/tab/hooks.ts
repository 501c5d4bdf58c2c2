import { useCallback, useEffect, useRef, useState } from 'react';
import { get } from './api.ts';

export interface Loaded<T> {
  readonly data: T | null;
  readonly error: unknown;
  readonly loading: boolean;
  readonly reload: () => void;
}

/** GET a path (null: nothing to load); aborts when the path changes. */
/** `key`: change it to load the same path again (e.g. after a change elsewhere on the page). */
export function useGet<T>(path: string | null, key: unknown = 0): Loaded<T> {
  const [state, setState] = useState<{ data: T | null; error: unknown; loading: boolean }>({
    data: null,
    error: null,
    loading: path !== null,
  });
  const [n, setN] = useState(0);
  useEffect(() => {
    if (path === null) return;
    void n;
    void key;
    const ac = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    get<T>(path, ac.signal).then(
      (data) => setState({ data, error: null, loading: false }),
      (error: unknown) => {
        if (!ac.signal.aborted) setState({ data: null, error, loading: false });
      },
    );
    return () => ac.abort();
  }, [path, n, key]);
  const reload = useCallback(() => setN((x) => x + 1), []);
  return { ...state, reload };
}

export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const h = setTimeout(() => setV(value), ms);
    return () => clearTimeout(h);
  }, [value, ms]);
  return v;
}
