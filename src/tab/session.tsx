import { createContext, useContext } from 'react';
import type { HostInfo, ThemeName } from './host.ts';
import type { TabConfig, Unit, User } from './types.ts';

/** Who is signed in, where the tab runs, and the shared directory (units, users). */
export interface Session {
  readonly me: User;
  readonly host: HostInfo;
  readonly config: TabConfig;
  readonly units: readonly Unit[];
  readonly users: readonly User[];
  readonly theme: ThemeName;
  /** Dev mode only: forget the picked user and show the picker again. */
  readonly switchUser: (() => void) | null;
  /** Reloads units and users (after the admin screen changed them). */
  readonly reloadDirectory: () => Promise<void>;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession utenfor SessionContext');
  return s;
}

export const userName = (s: Session, id: string | null | undefined): string =>
  id ? (s.users.find((u) => u.id === id)?.name ?? id) : '–';
export const unitName = (s: Session, id: string | null | undefined): string =>
  id ? (s.units.find((u) => u.id === id)?.name ?? id) : '–';
