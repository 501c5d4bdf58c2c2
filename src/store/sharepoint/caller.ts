// Who a Graph call is made as. The API runs each signed-in request inside a caller context that
// carries the user's own API token (the Teams SSO token); the SharePoint adapter marks the writes
// a user makes to the register as `asUser(actorId, …)`, and only those go to Graph with an
// on-behalf-of token for that user, so SharePoint's own permissions apply and *Modified By* is the
// person. Everything else — the shared read cache (delta), the follow-up engine's state, the
// outbox, the lease, provisioning, migration, a server-side job inside a request — uses the app's
// token (`asApp` makes it explicit). The context is an AsyncLocalStorage, so concurrent requests
// never see each other's caller. See docs/sharepoint.md, "Who writes: the user or the app".
import { AsyncLocalStorage } from 'node:async_hooks';
import type { OnBehalfOf, TokenProvider } from './tokens.ts';

export type { OnBehalfOf };

/** The signed-in user of the current request and the API token they presented. */
export interface Caller {
  /** The user's id in the directory (the actor id the register writes with). */
  readonly userId: string;
  /** The raw bearer token the user sent to the API (the on-behalf-of assertion). */
  readonly assertion: string;
}

interface Scope {
  readonly caller: Caller | null;
  /** Whether Graph calls made now are the caller's own writes (else: the app). */
  readonly actAsUser: boolean;
}

const scope = new AsyncLocalStorage<Scope>();

/** Runs `fn` (the rest of a request) with `caller` known; calls still go as the app by default. */
export function runWithCaller<T>(caller: Caller, fn: () => T): T {
  return scope.run({ caller, actAsUser: false }, fn);
}

/**
 * Runs `fn` as a write by `actorId`: when the current request's caller is that very user, Graph
 * calls inside use the user's on-behalf-of token; otherwise (a job, the CLI, a server-side change
 * with another actor such as `system`) they stay the app's.
 */
export function asUser<T>(actorId: string, fn: () => T): T {
  const caller = scope.getStore()?.caller ?? null;
  if (!caller || caller.userId !== actorId) return asApp(fn);
  return scope.run({ caller, actAsUser: true }, fn);
}

/** Runs `fn` with the app's own token, also inside a user's write. */
export function asApp<T>(fn: () => T): T {
  return scope.run({ caller: null, actAsUser: false }, fn);
}

/** The caller whose token Graph calls made now would use, or null for the app. */
export function actingUser(): Caller | null {
  const s = scope.getStore();
  return s?.actAsUser && s.caller ? s.caller : null;
}

/**
 * The token selector of the Graph transport: a user's on-behalf-of token inside their own write
 * (`asUser`) when on-behalf-of is configured, else the app's token. Without on-behalf-of (a
 * static GRAPH_TOKEN, AUTH_MODE=dev) every call is the app's.
 */
export function callerTokens(app: TokenProvider, onBehalfOf: OnBehalfOf | null): TokenProvider {
  return {
    getToken() {
      const user = onBehalfOf ? actingUser() : null;
      return user && onBehalfOf ? onBehalfOf(user.assertion) : app.getToken();
    },
  };
}
