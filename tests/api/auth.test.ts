import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { loadConfig } from '../../src/config.ts';
import { start } from '../../src/main.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const TENANT = '11111111-2222-3333-4444-555555555555';
const CLIENT = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';

/** Entra ID's key endpoint as documented (`/{tenant}/discovery/v2.0/keys`), on loopback. */
async function startJwks(jwk: JWK): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    if (req.url === `/${TENANT}/discovery/v2.0/keys`) {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('Entra ID bearer tokens', () => {
  let jwks: { url: string; server: Server };
  let s: TestServer;
  let sign: (
    claims: Record<string, unknown>,
    opts?: { issuer?: string; audience?: string; exp?: string },
  ) => Promise<string>;
  let otherKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

  before(async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
    otherKey = (await generateKeyPair('RS256')).privateKey;
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    jwks = await startJwks(jwk);
    sign = (claims, opts = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer(opts.issuer ?? `${jwks.url}/${TENANT}/v2.0`)
        .setAudience(opts.audience ?? CLIENT)
        .setIssuedAt()
        .setExpirationTime(opts.exp ?? '10m')
        .sign(privateKey);
    s = await startTestServer({
      AUTH_MODE: 'entra',
      ENTRA_TENANT_ID: TENANT,
      ENTRA_CLIENT_ID: CLIENT,
      ENTRA_AUTHORITY_HOST: jwks.url,
    });
  });
  after(async () => {
    await s.close();
    jwks.server.close();
  });

  const get = (token: string | null) =>
    s.request(null, 'GET', '/api/me', undefined, token ? { authorization: `Bearer ${token}` } : {});

  it('accepts a valid token and maps it to the directory user by e-mail', async () => {
    const r = await get(
      await sign({ oid: 'oid-eier1', preferred_username: 'EIER1@kommune.example', name: 'Eirik' }),
    );
    assert.equal(r.status, 200, r.text);
    assert.equal((r.json() as { id: string }).id, 'eier1');
  });

  it('registers an unknown employee as a reader, and honours the admin app role', async () => {
    const r = await get(
      await sign({ oid: 'oid-ny', preferred_username: 'ny@kommune.example', name: 'Ny Ansatt' }),
    );
    assert.equal((r.json() as { role: string }).role, 'reader');
    const admin = await get(
      await sign({
        oid: 'oid-ny',
        preferred_username: 'ny@kommune.example',
        roles: ['Kontraktservice.Admin'],
      }),
    );
    assert.equal((admin.json() as { role: string }).role, 'kontraktservice');
  });

  it('refuses a missing, expired, foreign-signed, wrong-audience or wrong-issuer token', async () => {
    assert.equal((await get(null)).status, 401);
    assert.equal((await get('not.a.token')).status, 401);
    assert.equal((await get(await sign({ oid: 'x' }, { exp: '-1h' }))).status, 401);
    assert.equal((await get(await sign({ oid: 'x' }, { audience: 'api://other' }))).status, 401);
    assert.equal(
      (await get(await sign({ oid: 'x' }, { issuer: 'https://evil.example/v2.0' }))).status,
      401,
    );
    const forged = await new SignJWT({ oid: 'x' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(`${jwks.url}/${TENANT}/v2.0`)
      .setAudience(CLIENT)
      .setExpirationTime('10m')
      .sign(otherKey);
    assert.equal((await get(forged)).status, 401);
    const devHeader = await s.request('kontraktservice', 'GET', '/api/me');
    assert.equal(devHeader.status, 401, 'X-Dev-User means nothing outside dev mode');
  });
});

describe('dev mode', () => {
  it('is refused unless bound to loopback', async () => {
    const config = loadConfig({
      AUTH_MODE: 'dev',
      HOST: '0.0.0.0',
      PORT: '0',
      DATA_DIR: '/tmp/ko-never',
      LOG_LEVEL: 'silent',
    });
    await assert.rejects(start(config), /loopback/);
  });
});
