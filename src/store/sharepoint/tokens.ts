// Tokens for Graph from Microsoft Entra ID through MSAL: client credentials for background work
// (the scheduler, provisioning, migration) and on-behalf-of for a signed-in user's requests, so that
// SharePoint's own permissions apply to what the user reads and writes. MSAL caches the tokens and
// renews them before they expire.
import {
  ConfidentialClientApplication,
  type Configuration,
  type INetworkModule,
} from '@azure/msal-node';

export interface TokenProvider {
  getToken(): Promise<string>;
}

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

export function confidentialClient(o: EntraAppOptions): ConfidentialClientApplication {
  if (!o.clientSecret && !o.certificate) {
    throw new Error('Entra-appen trenger en klienthemmelighet eller et sertifikat');
  }
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
    ...(o.networkClient ? { system: { networkClient: o.networkClient } } : {}),
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

/** A token for Graph on behalf of the user whose API token (from Teams SSO) is `userToken`. */
export function onBehalfOf(
  o: EntraAppOptions,
  userToken: string,
  app = confidentialClient(o),
): TokenProvider {
  return {
    async getToken() {
      const result = await app.acquireTokenOnBehalfOf({
        oboAssertion: userToken,
        scopes: scopeOf(o),
      });
      if (!result?.accessToken) throw new Error('Fikk ikke token på vegne av brukeren');
      return result.accessToken;
    },
  };
}

/** A fixed token (local Graph test server, or a token obtained elsewhere). */
export const staticToken = (token: string): TokenProvider => ({ getToken: async () => token });
