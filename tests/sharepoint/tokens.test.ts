// MSAL token providers against a local stand-in for Microsoft Entra ID's documented v2.0 endpoints
// (OpenID configuration, instance discovery, /oauth2/v2.0/token with the client-credentials and
// on-behalf-of grants), reached through MSAL's own network-client extension point; the token is
// then used against the local Graph server.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { INetworkModule, NetworkRequestOptions } from '@azure/msal-node';
import { Graph } from '../../src/store/sharepoint/graph.ts';
import { clientCredentials, onBehalfOf } from '../../src/store/sharepoint/tokens.ts';
import { type GraphServer, startGraphServer } from '../graph/server.ts';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT = '11111111-2222-3333-4444-555555555555';

describe('Entra ID tokens through MSAL', () => {
  let entra: Server;
  let entraUrl = '';
  const grants: Record<string, string>[] = [];
  let graphServer: GraphServer;

  before(async () => {
    entra = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://x');
        const json = (status: number, body: unknown) => {
          res.writeHead(status, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify(body));
        };
        const host = 'https://login.microsoftonline.com';
        if (url.pathname === '/common/discovery/instance') {
          return json(200, {
            tenant_discovery_endpoint: `${host}/${TENANT}/v2.0/.well-known/openid-configuration`,
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
            token_endpoint: `${host}/${TENANT}/oauth2/v2.0/token`,
            authorization_endpoint: `${host}/${TENANT}/oauth2/v2.0/authorize`,
            end_session_endpoint: `${host}/${TENANT}/oauth2/v2.0/logout`,
            issuer: `${host}/${TENANT}/v2.0`,
          });
        }
        if (url.pathname === `/${TENANT}/oauth2/v2.0/token` && req.method === 'POST') {
          const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString()));
          grants.push(form);
          if (form.client_id !== CLIENT || form.client_secret !== 'hemmelig') {
            return json(401, { error: 'invalid_client', error_description: 'bad secret' });
          }
          if (form.grant_type === 'client_credentials') {
            return json(200, { token_type: 'Bearer', expires_in: 3600, access_token: 'app-token' });
          }
          if (
            form.grant_type === 'urn:ietf:params:oauth:grant-type:jwt-bearer' &&
            form.requested_token_use === 'on_behalf_of' &&
            form.assertion === 'user-sso-token'
          ) {
            return json(200, { token_type: 'Bearer', expires_in: 3600, access_token: 'obo-token' });
          }
          return json(400, { error: 'invalid_grant', error_description: 'unsupported grant' });
        }
        json(404, { error: 'not_found' });
      });
    });
    await new Promise<void>((r) => entra.listen(0, '127.0.0.1', r));
    entraUrl = `http://127.0.0.1:${(entra.address() as AddressInfo).port}`;
    graphServer = await startGraphServer({ token: 'app-token' });
  });
  after(async () => {
    entra.close();
    await graphServer.close();
  });

  /** MSAL's network client, pointed at the local Entra stand-in instead of the internet. */
  const network: INetworkModule = {
    async sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions) {
      return send<T>('GET', url, options);
    },
    async sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions) {
      return send<T>('POST', url, options);
    },
  };
  async function send<T>(method: string, url: string, options?: NetworkRequestOptions) {
    const u = new URL(url);
    assert.equal(u.host, 'login.microsoftonline.com', 'MSAL only talks to the authority');
    const res = await fetch(`${entraUrl}${u.pathname}${u.search}`, {
      method,
      headers: options?.headers,
      body: options?.body,
    });
    return {
      status: res.status,
      headers: Object.fromEntries(res.headers.entries()),
      body: (await res.json()) as T,
    };
  }

  const app = {
    tenantId: TENANT,
    clientId: CLIENT,
    clientSecret: 'hemmelig',
    networkClient: network,
  };

  it('client credentials: a Graph token for the app, cached by MSAL, accepted by Graph', async () => {
    const tokens = clientCredentials(app);
    assert.equal(await tokens.getToken(), 'app-token');
    assert.equal(await tokens.getToken(), 'app-token');
    const cc = grants.filter((g) => g.grant_type === 'client_credentials');
    assert.equal(cc.length, 1, 'the second call is served from MSAL’s cache');
    assert.equal(cc[0]?.scope?.split(' ').includes('https://graph.microsoft.com/.default'), true);
    const graph = new Graph({ baseUrl: graphServer.baseUrl, tokens });
    const site = await graph.get<{ id: string }>(
      `/sites/${encodeURIComponent(graphServer.siteId)}`,
    );
    assert.equal(site.id, graphServer.siteId);
  });

  it('on-behalf-of: the user’s SSO token is exchanged with the jwt-bearer grant', async () => {
    const tokens = onBehalfOf(app, 'user-sso-token');
    assert.equal(await tokens.getToken(), 'obo-token');
    const obo = grants.find((g) => g.requested_token_use === 'on_behalf_of');
    assert.equal(obo?.assertion, 'user-sso-token');
  });

  it('a wrong secret fails with Entra’s error; a missing secret is refused up front', async () => {
    await assert.rejects(
      clientCredentials({ ...app, clientSecret: 'feil' }).getToken(),
      /invalid_client/,
    );
    assert.throws(() => clientCredentials({ tenantId: TENANT, clientId: CLIENT }), /hemmelighet/);
  });
});
