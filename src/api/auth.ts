import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { createRemoteJWKSet, customFetch, type JWTPayload, jwtVerify } from 'jose';
import { DomainError, type User } from '../core/index.ts';
import type { Services } from '../services.ts';
import { runWithCaller } from '../store/sharepoint/caller.ts';

declare global {
  namespace Express {
    interface Request {
      user?: User;
    }
  }
}

/** The signed-in user of a request; throws 401 where authentication did not run or failed. */
export function currentUser(req: Request): User {
  if (!req.user) throw new DomainError('unauthorized', 'Du må være logget inn');
  return req.user;
}

/** The app role in Entra ID that makes a user an administrator in Kontraktservice. */
export const ADMIN_APP_ROLE = 'Kontraktservice.Admin';

export interface EntraOptions {
  readonly tenantId: string;
  readonly clientId: string;
  readonly audiences: readonly string[];
  /** Default https://login.microsoftonline.com; tests point it at a local server. */
  readonly authorityHost: string;
}

/**
 * Production: validates the Entra ID bearer token (issuer, audience, signature via the tenant's
 * JWKS) and maps it to a user of the directory by object id or e-mail. A first-time user is
 * registered as a reader. With the SharePoint store the rest of the request runs with the user
 * and their token as the caller (src/store/sharepoint/caller.ts), so the user's own register
 * writes reach SharePoint on their behalf.
 */
export function entraAuth(services: Services, options: EntraOptions): RequestHandler {
  const viaEntra = services.entraFetch;
  const jwks = createRemoteJWKSet(
    new URL(`${options.authorityHost}/${options.tenantId}/discovery/v2.0/keys`),
    viaEntra ? { [customFetch]: (url, init) => viaEntra(url, init as RequestInit) } : {},
  );
  const issuers = [
    `${options.authorityHost}/${options.tenantId}/v2.0`,
    `https://sts.windows.net/${options.tenantId}/`,
  ];
  return async (req: Request, _res: Response, next: NextFunction) => {
    try {
      const header = req.headers.authorization ?? '';
      const match = /^Bearer ([\w-]+\.[\w-]+\.[\w-]+)$/.exec(header);
      if (!match) throw new DomainError('unauthorized', 'Mangler gyldig innloggingstoken (Bearer)');
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(match[1] as string, jwks, {
          issuer: issuers,
          audience: [...options.audiences],
          algorithms: ['RS256'],
          clockTolerance: 60,
        }));
      } catch (error) {
        services.log('info', 'Avvist token', String(error));
        throw new DomainError('unauthorized', 'Innloggingstokenet er ugyldig eller utløpt');
      }
      const user = await userFromClaims(services, payload);
      req.user = user;
      if (services.sharePoint) {
        runWithCaller({ userId: user.id, assertion: match[1] as string }, () => next());
      } else next();
    } catch (error) {
      next(error);
    }
  };
}

async function userFromClaims(services: Services, claims: JWTPayload): Promise<User> {
  const dir = services.store.directory;
  const oid = typeof claims.oid === 'string' ? claims.oid : null;
  const email = String(claims.preferred_username ?? claims.upn ?? claims.email ?? '').toLowerCase();
  if (!oid) throw new DomainError('unauthorized', 'Tokenet mangler brukerens objekt-id (oid)');
  let user =
    (await dir.getUser(oid)) ??
    (email ? (await dir.listUsers()).find((u) => u.email.toLowerCase() === email) : undefined) ??
    null;
  if (!user) {
    user = await dir.saveUser(
      { id: oid, name: String(claims.name ?? email ?? oid), email, role: 'reader', unitId: null },
      'system',
    );
  }
  const roles = Array.isArray(claims.roles) ? claims.roles : [];
  return roles.includes(ADMIN_APP_ROLE) ? { ...user, role: 'kontraktservice' } : user;
}

/**
 * Development only (AUTH_MODE=dev, loopback only): the user is named by the `X-Dev-User` header
 * (or `?devUser=` for links opened in a browser).
 */
export function devAuth(services: Services): RequestHandler {
  return async (req, _res, next) => {
    try {
      const id =
        req.header('x-dev-user') ??
        (typeof req.query.devUser === 'string' ? req.query.devUser : '');
      if (!id) {
        throw new DomainError(
          'unauthorized',
          'Utviklingsmodus: angi brukeren i X-Dev-User (kontraktservice, eier1, eier2 eller leser)',
        );
      }
      const user = await services.store.directory.getUser(id);
      if (!user)
        throw new DomainError('unauthorized', `Utviklingsmodus: brukeren «${id}» finnes ikke`);
      req.user = user;
      next();
    } catch (error) {
      next(error);
    }
  };
}

export function authenticate(services: Services): RequestHandler {
  const c = services.config;
  if (c.AUTH_MODE === 'dev') return devAuth(services);
  if (!c.ENTRA_TENANT_ID || !c.ENTRA_CLIENT_ID) {
    throw new Error('AUTH_MODE=entra krever ENTRA_TENANT_ID og ENTRA_CLIENT_ID');
  }
  const audiences = c.ENTRA_AUDIENCE
    ? c.ENTRA_AUDIENCE.split(',').map((a) => a.trim())
    : [c.ENTRA_CLIENT_ID, `api://${new URL(c.PUBLIC_BASE_URL).host}/${c.ENTRA_CLIENT_ID}`];
  return entraAuth(services, {
    tenantId: c.ENTRA_TENANT_ID,
    clientId: c.ENTRA_CLIENT_ID,
    audiences,
    authorityHost: c.ENTRA_AUTHORITY_HOST,
  });
}
