// MSAL token providers against the local stand-in for Microsoft Entra ID's documented v2.0
// endpoints (tests/sharepoint/entra.ts: OpenID configuration, instance discovery, /oauth2/v2.0/token
// with the client-credentials and on-behalf-of grants), reached through MSAL's own network-client
// extension point; the token is then used against the local Graph server.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Graph } from '../../src/store/sharepoint/graph.ts';
import { clientCredentials, fetchNetwork, onBehalfOf } from '../../src/store/sharepoint/tokens.ts';
import { type GraphServer, startGraphServer } from '../graph/server.ts';
import { CLIENT, type EntraStandIn, SECRET, startEntra, TENANT } from './entra.ts';

describe('Entra ID tokens through MSAL', () => {
  let entra: EntraStandIn;
  let graphServer: GraphServer;
  let app: Parameters<typeof clientCredentials>[0];

  before(async () => {
    entra = await startEntra({ appToken: 'app-token' });
    graphServer = await startGraphServer({ token: 'app-token' });
    app = {
      tenantId: TENANT,
      clientId: CLIENT,
      clientSecret: SECRET,
      // MSAL only talks to the authority; the stand-in answers for it.
      networkClient: fetchNetwork(entra.fetch),
    };
  });
  after(async () => {
    await entra.close();
    await graphServer.close();
  });

  it('client credentials: a Graph token for the app, cached by MSAL, accepted by Graph', async () => {
    const tokens = clientCredentials(app);
    assert.equal(await tokens.getToken(), 'app-token');
    assert.equal(await tokens.getToken(), 'app-token');
    const cc = entra.grants.filter((g) => g.grant_type === 'client_credentials');
    assert.equal(cc.length, 1, 'the second call is served from MSAL’s cache');
    assert.equal(cc[0]?.scope?.split(' ').includes('https://graph.microsoft.com/.default'), true);
    const graph = new Graph({ baseUrl: graphServer.baseUrl, tokens });
    const site = await graph.get<{ id: string }>(
      `/sites/${encodeURIComponent(graphServer.siteId)}`,
    );
    assert.equal(site.id, graphServer.siteId);
  });

  it('on-behalf-of: the user’s SSO token is exchanged with the jwt-bearer grant', async () => {
    const sso = await entra.userToken({ oid: 'oid-kari', email: 'kari@kommune.example' });
    const tokens = onBehalfOf(app, sso);
    assert.equal(await tokens.getToken(), 'obo-oid-kari');
    const obo = entra.grants.find((g) => g.requested_token_use === 'on_behalf_of');
    assert.equal(obo?.grant_type, 'urn:ietf:params:oauth:grant-type:jwt-bearer');
    assert.equal(obo?.assertion, sso);
  });

  it('a wrong secret fails with Entra’s error; a missing secret is refused up front', async () => {
    await assert.rejects(
      clientCredentials({ ...app, clientSecret: 'feil' }).getToken(),
      /invalid_client/,
    );
    assert.throws(() => clientCredentials({ tenantId: TENANT, clientId: CLIENT }), /hemmelighet/);
  });
});
