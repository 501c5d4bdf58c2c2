// On-behalf-of tokens through MSAL against the local Entra stand-in: one confidential client,
// MSAL's cache per user assertion (counted as grants at the stand-in), Entra's refusals mapped to
// the API's 401/403, and the token selector of the Graph transport (caller.ts).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DomainError } from '../../src/core/index.ts';
import { asApp, asUser, callerTokens, runWithCaller } from '../../src/store/sharepoint/caller.ts';
import { sharePointFromEnv } from '../../src/store/sharepoint/connect.ts';
import {
  clientCredentials,
  confidentialClient,
  type EntraAppOptions,
  fetchNetwork,
  onBehalfOfTokens,
} from '../../src/store/sharepoint/tokens.ts';
import { CLIENT, type EntraStandIn, SECRET, startEntra, TENANT } from './entra.ts';

describe('on-behalf-of tokens (MSAL, local Entra ID)', () => {
  let entra: EntraStandIn;
  let options: EntraAppOptions;
  before(async () => {
    entra = await startEntra();
    options = {
      tenantId: TENANT,
      clientId: CLIENT,
      clientSecret: SECRET,
      networkClient: fetchNetwork(entra.fetch),
    };
  });
  after(() => entra.close());

  const cachedAccessTokens = (msal: ReturnType<typeof confidentialClient>) =>
    Object.keys(
      (JSON.parse(msal.getTokenCache().serialize()) as { AccessToken: Record<string, unknown> })
        .AccessToken,
    ).length;

  it('MSAL caches one token per user: the same assertion is exchanged once', async () => {
    const msal = confidentialClient(options);
    const obo = onBehalfOfTokens(options, msal);
    const anne = await entra.userToken({ oid: 'oid-anne', email: 'anne@kommune.example' });
    const bjorn = await entra.userToken({ oid: 'oid-bjorn', email: 'bjorn@kommune.example' });
    assert.equal(await obo(anne), 'obo-oid-anne');
    assert.equal(await obo(anne), 'obo-oid-anne');
    assert.equal(await obo(bjorn), 'obo-oid-bjorn');
    assert.equal(await obo(anne), 'obo-oid-anne');
    assert.equal(entra.oboGrants('oid-anne'), 1, 'served from the cache after the first grant');
    assert.equal(entra.oboGrants('oid-bjorn'), 1);
    const grant = entra.grants.find((g) => g.requested_token_use === 'on_behalf_of');
    assert.equal(grant?.assertion, anne);
    assert.equal(grant?.scope?.split(' ').includes('https://graph.microsoft.com/.default'), true);

    // A new SSO token from the same user is a new assertion: one new grant, and it replaces the
    // user's entry (the cache grows with users, not with their sign-ins).
    const anneAgain = await entra.userToken({ oid: 'oid-anne', email: 'anne@kommune.example' });
    assert.notEqual(anneAgain, anne);
    assert.equal(await obo(anneAgain), 'obo-oid-anne');
    assert.equal(entra.oboGrants('oid-anne'), 2);
    assert.equal(cachedAccessTokens(msal), 2);

    // The app's own token from the same client is cached beside them.
    const app = clientCredentials(options, msal);
    assert.equal(await app.getToken(), 'app-token');
    assert.equal(await app.getToken(), 'app-token');
    assert.equal(entra.grants.filter((g) => g.grant_type === 'client_credentials').length, 1);
  });

  it('Entra’s refusals become the API’s answers, never the app’s token', async () => {
    const obo = onBehalfOfTokens(options);
    const carl = await entra.userToken({ oid: 'oid-carl', email: 'carl@kommune.example' });
    entra.refuse('oid-carl', 'consent');
    await assert.rejects(obo(carl), (e: unknown) => {
      assert.ok(e instanceof DomainError);
      assert.equal(e.code, 'forbidden');
      assert.match(e.message, /samtykke/);
      return true;
    });
    entra.refuse('oid-carl', 'revoked');
    await assert.rejects(obo(carl), (e: unknown) => {
      assert.ok(e instanceof DomainError);
      assert.equal(e.code, 'unauthorized');
      assert.match(e.message, /logg|pålogging/i);
      return true;
    });
    entra.refuse('oid-carl', null);
    assert.equal(await obo(carl), 'obo-oid-carl');
    // A forged assertion (not signed by Entra) is refused by Entra: 401.
    const [h, p] = carl.split('.');
    await assert.rejects(obo(`${h}.${p}.AAAA`), { code: 'unauthorized' });
    // The app's own secret wrong: a server error, not the user's fault (500), and no token.
    const wrong = onBehalfOfTokens({ ...options, clientSecret: 'feil' });
    await assert.rejects(wrong(carl), (e: unknown) => {
      assert.ok(!(e instanceof DomainError));
      assert.match(String(e), /invalid_client/);
      return true;
    });
  });

  it('the selector: a user’s token only inside their own write, the app’s everywhere else', async () => {
    const seen: string[] = [];
    const tokens = callerTokens({ getToken: async () => 'app' }, async (assertion) => {
      seen.push(assertion);
      return `user:${assertion}`;
    });
    assert.equal(await tokens.getToken(), 'app');
    const caller = { userId: 'eier1', assertion: 'sso-eier1' };
    await runWithCaller(caller, async () => {
      assert.equal(await tokens.getToken(), 'app', 'a request alone does not switch identity');
      assert.equal(await asUser('eier1', () => tokens.getToken()), 'user:sso-eier1');
      assert.equal(await asUser('system', () => tokens.getToken()), 'app', 'another actor');
      await asUser('eier1', async () => {
        await new Promise((r) => setTimeout(r, 1));
        assert.equal(await tokens.getToken(), 'user:sso-eier1', 'kept across awaits');
        assert.equal(await asApp(() => tokens.getToken()), 'app', 'asApp inside a user write');
      });
    });
    assert.equal(await asUser('eier1', () => tokens.getToken()), 'app', 'no caller: the app');
    // Without on-behalf-of configured (GRAPH_TOKEN) every call is the app's.
    const plain = callerTokens({ getToken: async () => 'static' }, null);
    assert.equal(
      await runWithCaller(caller, () => asUser('eier1', () => plain.getToken())),
      'static',
    );
    assert.deepEqual(seen, ['sso-eier1', 'sso-eier1']);
  });

  it('concurrent callers never see each other’s token', async () => {
    const tokens = callerTokens({ getToken: async () => 'app' }, async (assertion) => {
      await new Promise((r) => setTimeout(r, Math.random() * 5));
      return `user:${assertion}`;
    });
    const users = Array.from({ length: 20 }, (_, i) => `u${i}`);
    const results = await Promise.all(
      users.flatMap((u) =>
        [0, 1, 2].map(() =>
          runWithCaller({ userId: u, assertion: `sso-${u}` }, async () => {
            await new Promise((r) => setTimeout(r, Math.random() * 5));
            return [u, await asUser(u, () => tokens.getToken())] as const;
          }),
        ),
      ),
    );
    for (const [u, token] of results) assert.equal(token, `user:sso-${u}`);
  });

  it('on-behalf-of is on with Entra sign-in and a secret; off with GRAPH_TOKEN, dev or SHAREPOINT_OBO=off', () => {
    const base = {
      SHAREPOINT_SITE_ID:
        'contoso.sharepoint.com,2b4f620f-c75b-4b8b-a9fd-419c83e4f8e7,9b2a8640-d9e5-49f2-8aa8-b7bb4f65e893',
      ENTRA_TENANT_ID: TENANT,
      ENTRA_CLIENT_ID: CLIENT,
      ENTRA_CLIENT_SECRET: SECRET,
    };
    assert.equal(sharePointFromEnv(base).onBehalfOf, true);
    assert.equal(
      sharePointFromEnv({ ...base, AUTH_MODE: 'entra', SHAREPOINT_OBO: 'on' }).onBehalfOf,
      true,
    );
    assert.equal(sharePointFromEnv({ ...base, AUTH_MODE: 'dev' }).onBehalfOf, false);
    assert.equal(sharePointFromEnv({ ...base, SHAREPOINT_OBO: 'off' }).onBehalfOf, false);
    assert.equal(sharePointFromEnv({ ...base, GRAPH_TOKEN: 'statisk' }).onBehalfOf, false);
    for (const bad of ['yes', 'OFF ', '<script>', '']) {
      assert.throws(() => sharePointFromEnv({ ...base, SHAREPOINT_OBO: bad }), /SHAREPOINT_OBO/);
    }
  });
});
