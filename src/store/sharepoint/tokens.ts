// Tokens for Graph from Microsoft Entra ID through MSAL: client credentials for background work
// (the scheduler, provisioning, migration) and on-behalf-of for a signed-in user's requests, so that
// SharePoint's own permissions apply to what the user reads and writes. MSAL caches the tokens and
// renews them before they expire.
import {
  AuthError,
  ConfidentialClientApplication,
  type Configuration,
  type INetworkModule,
  InteractionRequiredAuthError,
  type NetworkRequestOptions,
  type NetworkResponse,
} from '@azure/msal-node';
import { DomainError } from '../../core/index.ts';

export interface TokenProvider {
  getToken(): Promise<string>;
}

/** Exchanges a user's API token for a Graph token on their behalf (MSAL's on-behalf-of flow). */
export type OnBehalfOf = (assertion: string) => Promise<string>;

export interface EntraAppOptions {
  readonly tenantId: string;
  readonly clientId: string;
  /** A client secret, or a certificate (preferred in production). */
  readonly clientSecret?: string | undefined;
  readonly certificate?:
    | { readonly thumbprintSha256: string; readonly privateKey: string }
    | undefined;
  /** https://login.microsoftonline.com unless a sovereign cloud. */
  readonly authorityHost?: string | undefined;
  /** Graph's resource scope; `https://graph.microsoft.com/.default` by default. */
  readonly scope?: string | undefined;
  /** MSAL's HTTP client (e.g. through a corporate proxy); MSAL's own by default. */
  readonly networkClient?: INetworkModule | undefined;
}

/** How the process reaches Entra ID over HTTP (same signature as `fetch`). */
export type EntraFetch = (url: string, init: RequestInit) => Promise<Response>;

/** MSAL's network module on top of a fetch function. */
export function fetchNetwork(f: EntraFetch): INetworkModule {
  const send = async <T>(
    method: 'GET' | 'POST',
    url: string,
    options?: NetworkRequestOptions,
  ): Promise<NetworkResponse<T>> => {
    const res = await f(url, {
      method,
      ...(options?.headers ? { headers: options.headers } : {}),
      ...(options?.body !== undefined ? { body: options.body } : {}),
    });
    const text = await res.text();
    return {
      status: res.status,
      headers: Object.fromEntries(res.headers.entries()),
      body: (text ? JSON.parse(text) : {}) as T,
    };
  };
  return {
    sendGetRequestAsync: (url, options) => send('GET', url, options),
    sendPostRequestAsync: (url, options) => send('POST', url, options),
  };
}

export function confidentialClient(o: EntraAppOptions): ConfidentialClientApplication {
  if (!o.clientSecret && !o.certificate) {
    throw new Error('Entra-appen trenger en klienthemmelighet eller et sertifikat');
  }
  const networkClient = o.networkClient;
  const config: Configuration = {
    auth: {
      clientId: o.clientId,
      authority: `${(o.authorityHost ?? 'https://login.microsoftonline.com').replace(/\/$/, '')}/${o.tenantId}`,
      ...(o.certificate
        ? {
            clientCertificate: {
              thumbprintSha256: o.certificate.thumbprintSha256,
              privateKey: o.certificate.privateKey,
            },
          }
        : { clientSecret: o.clientSecret }),
    },
    ...(networkClient ? { system: { networkClient } } : {}),
  };
  return new ConfidentialClientApplication(config);
}

const scopeOf = (o: EntraAppOptions) => [o.scope ?? 'https://graph.microsoft.com/.default'];

/** The app's own token (application permissions, e.g. Sites.Selected). */
export function clientCredentials(o: EntraAppOptions, app = confidentialClient(o)): TokenProvider {
  return {
    async getToken() {
      const result = await app.acquireTokenByClientCredential({ scopes: scopeOf(o) });
      if (!result?.accessToken) throw new Error('Fikk ikke token fra Entra ID');
      return result.accessToken;
    },
  };
}

/**
 * Graph tokens on behalf of users, from one confidential client: MSAL caches each user's token by
 * the hash of the assertion (the user's API token) and renews it when needed. Entra's refusals
 * become the API's answers — consent missing (AADSTS65001): 403; an assertion Entra will not
 * exchange (expired, revoked, needs a new sign-in or MFA): 401 — never a silent fallback to the
 * app's token. Other failures (Entra unreachable, the app's secret wrong) stay errors (500).
 */
export function onBehalfOfTokens(o: EntraAppOptions, app = confidentialClient(o)): OnBehalfOf {
  return async (assertion) => {
    let result: Awaited<ReturnType<ConfidentialClientApplication['acquireTokenOnBehalfOf']>>;
    try {
      result = await app.acquireTokenOnBehalfOf({ oboAssertion: assertion, scopes: scopeOf(o) });
    } catch (error) {
      throw oboFailure(error);
    }
    if (!result?.accessToken) throw new Error('Fikk ikke token på vegne av brukeren');
    return result.accessToken;
  };
}

/** Entra's answer to an on-behalf-of request as the error the API should give. */
export function oboFailure(error: unknown): Error {
  if (!(error instanceof AuthError)) {
    return new Error('Fikk ikke token på vegne av brukeren fra Entra ID', { cause: error });
  }
  const errorNo = (error as AuthError & { errorNo?: string | number }).errorNo;
  const text = `${error.errorCode} ${error.subError} ${error.errorMessage}`;
  if (String(errorNo) === '65001' || /AADSTS65001|consent_required/.test(text)) {
    return new DomainError(
      'forbidden',
      'Kontraktsoppfølging har ikke samtykke til å bruke SharePoint på dine vegne. ' +
        'Be en administrator om å gi samtykke i Entra ID, og prøv igjen.',
    );
  }
  if (
    error instanceof InteractionRequiredAuthError ||
    /^(invalid_grant|interaction_required|login_required)$/.test(error.errorCode)
  ) {
    return new DomainError(
      'unauthorized',
      'Innloggingen din kan ikke brukes mot SharePoint (den er utløpt eller krever ny ' +
        'pålogging). Lukk og åpne appen i Teams, og prøv igjen.',
    );
  }
  return new Error(`Fikk ikke token på vegne av brukeren fra Entra ID: ${error.errorCode}`, {
    cause: error,
  });
}

/** A token for Graph on behalf of the user whose API token (from Teams SSO) is `userToken`. */
export function onBehalfOf(
  o: EntraAppOptions,
  userToken: string,
  app = confidentialClient(o),
): TokenProvider {
  const exchange = onBehalfOfTokens(o, app);
  return { getToken: () => exchange(userToken) };
}

/** A fixed token (local Graph test server, or a token obtained elsewhere). */
export const staticToken = (token: string): TokenProvider => ({ getToken: async () => token });
