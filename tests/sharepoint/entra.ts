// A local stand-in for Microsoft Entra ID's documented v2.0 endpoints, on loopback: instance
// discovery, OpenID configuration, the signing keys (JWKS) the API validates user tokens with, and
// /oauth2/v2.0/token with the client-credentials and on-behalf-of (jwt-bearer) grants. Users' API
// tokens (what Teams SSO gives the tab) are signed here; an on-behalf-of grant verifies the
// assertion like Entra does (signature, issuer, audience = the app, not expired) and answers a
// Graph token per user (`obo-<oid>`) with `client_info`, so MSAL caches it for that user. Refusals
// per user follow Entra's error format (AADSTS65001 consent missing, AADSTS50173 grant revoked).
// `fetch` reaches it as https://login.microsoftonline.com (for the services option `entraFetch`), and every token
// request is kept in `grants`.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK, jwtVerify, SignJWT } from 'jose';
import type { EntraFetch } from '../../src/store/sharepoint/tokens.ts';

export const ENTRA_HOST = 'https://login.microsoftonline.com';
export const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const CLIENT = '11111111-2222-3333-4444-555555555555';
export const SECRET = 'hemmelig';

export type OboRefusal = 'consent' | 'revoked';

export interface EntraStandIn {
  readonly url: string;
  /** Every form posted to the token endpoint, in order. */
  readonly grants: Record<string, string>[];
  /** `fetch` for https://login.microsoftonline.com/… that reaches this server instead. */
  readonly fetch: EntraFetch;
  /** A user's API token (audience: the app), as Teams SSO would give the tab. */
  userToken(claims: {
    oid: string;
    email: string;
    name?: string;
    roles?: string[];
  }): Promise<string>;
  /** From now on, on-behalf-of requests for `oid` are refused this way (null: allowed again). */
  refuse(oid: string, how: OboRefusal | null): void;
  /** On-behalf-of grants answered so far (per user oid). */
  oboGrants(oid?: string): number;
  close(): Promise<void>;
}

export async function startEntra(options: { appToken?: string } = {}): Promise<EntraStandIn> {
  const appToken = options.appToken ?? 'app-token';
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  const issuer = `${ENTRA_HOST}/${TENANT}/v2.0`;
  const grants: Record<string, string>[] = [];
  const refusals = new Map<string, OboRefusal>();
  const oboCount = new Map<string, number>();

  const refusal = (how: OboRefusal) =>
    how === 'consent'
      ? {
          error: 'invalid_grant',
          error_description:
            'AADSTS65001: The user or administrator has not consented to use the application ' +
            `with ID '${CLIENT}'. Send an interactive authorization request for this user and resource.`,
          error_codes: [65001],
          suberror: 'consent_required',
        }
      : {
          error: 'invalid_grant',
          error_description:
            'AADSTS50173: The provided grant has expired due to it being revoked, a fresh auth ' +
            'token is needed.',
          error_codes: [50173],
        };

  async function token(form: Record<string, string>): Promise<[number, unknown]> {
    if (form.client_id !== CLIENT || form.client_secret !== SECRET) {
      return [
        401,
        {
          error: 'invalid_client',
          error_description: 'AADSTS7000215: Invalid client secret provided.',
        },
      ];
    }
    if (form.grant_type === 'client_credentials') {
      return [200, { token_type: 'Bearer', expires_in: 3600, access_token: appToken }];
    }
    if (
      form.grant_type === 'urn:ietf:params:oauth:grant-type:jwt-bearer' &&
      form.requested_token_use === 'on_behalf_of'
    ) {
      let oid: string;
      try {
        const { payload } = await jwtVerify(form.assertion ?? '', async () => publicKey, {
          issuer,
          audience: CLIENT,
        });
        oid = String(payload.oid);
      } catch {
        return [
          400,
          {
            error: 'invalid_grant',
            error_description: 'AADSTS50013: Assertion failed signature validation.',
            error_codes: [50013],
          },
        ];
      }
      const how = refusals.get(oid);
      if (how) return [400, refusal(how)];
      oboCount.set(oid, (oboCount.get(oid) ?? 0) + 1);
      const clientInfo = Buffer.from(JSON.stringify({ uid: oid, utid: TENANT })).toString(
        'base64url',
      );
      return [
        200,
        {
          token_type: 'Bearer',
          scope: 'https://graph.microsoft.com/.default',
          expires_in: 3600,
          ext_expires_in: 3600,
          access_token: `obo-${oid}`,
          client_info: clientInfo,
        },
      ];
    }
    return [400, { error: 'unsupported_grant_type', error_description: 'AADSTS70003' }];
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (url.pathname === '/common/discovery/instance') {
        return json(200, {
          tenant_discovery_endpoint: `${ENTRA_HOST}/${TENANT}/v2.0/.well-known/openid-configuration`,
          'api-version': '1.1',
          metadata: [
            {
              preferred_network: 'login.microsoftonline.com',
              preferred_cache: 'login.windows.net',
              aliases: ['login.microsoftonline.com', 'login.windows.net'],
            },
          ],
        });
      }
      if (url.pathname === `/${TENANT}/v2.0/.well-known/openid-configuration`) {
        return json(200, {
          token_endpoint: `${ENTRA_HOST}/${TENANT}/oauth2/v2.0/token`,
          authorization_endpoint: `${ENTRA_HOST}/${TENANT}/oauth2/v2.0/authorize`,
          end_session_endpoint: `${ENTRA_HOST}/${TENANT}/oauth2/v2.0/logout`,
          jwks_uri: `${ENTRA_HOST}/${TENANT}/discovery/v2.0/keys`,
          issuer,
        });
      }
      if (url.pathname === `/${TENANT}/discovery/v2.0/keys`) return json(200, { keys: [jwk] });
      if (url.pathname === `/${TENANT}/oauth2/v2.0/token` && req.method === 'POST') {
        const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString()));
        grants.push(form);
        const [status, body] = await token(form);
        return json(status, body);
      }
      json(404, { error: 'not_found' });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    grants,
    async fetch(target, init) {
      const u = new URL(target);
      if (u.origin !== ENTRA_HOST) throw new Error(`Not Entra ID: ${target}`);
      return fetch(`${url}${u.pathname}${u.search}`, init);
    },
    userToken: (c) =>
      new SignJWT({
        oid: c.oid,
        preferred_username: c.email,
        name: c.name ?? c.email,
        tid: TENANT,
        scp: 'access_as_user',
        ...(c.roles ? { roles: c.roles } : {}),
      })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer(issuer)
        .setAudience(CLIENT)
        .setIssuedAt()
        .setExpirationTime('10m')
        .setJti(crypto.randomUUID())
        .sign(privateKey),
    refuse(oid, how) {
      if (how) refusals.set(oid, how);
      else refusals.delete(oid);
    },
    oboGrants(oid) {
      if (oid !== undefined) return oboCount.get(oid) ?? 0;
      return [...oboCount.values()].reduce((a, b) => a + b, 0);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
