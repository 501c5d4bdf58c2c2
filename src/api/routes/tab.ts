import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express, { type Response, Router } from 'express';
import type { Services } from '../../services.ts';
import { type OpenApiPaths, ok, PUBLIC_ACCESS } from '../openapi-parts.ts';

/** Where `npm run build:tab` puts the built tab (vite.config in src/tab). */
export const TAB_DIST = fileURLToPath(new URL('../../../dist/tab', import.meta.url));

/**
 * Who may frame the tab: the Teams, Outlook and Microsoft 365 clients (web and desktop hosts).
 * See Microsoft's guidance for Teams tabs: frame-ancestors must list the Teams and Office hosts.
 */
export const FRAME_ANCESTORS = [
  "'self'",
  'https://teams.microsoft.com',
  'https://*.teams.microsoft.com',
  'https://teams.cloud.microsoft',
  'https://*.cloud.microsoft',
  'https://*.office.com',
  'https://outlook.office.com',
  'https://outlook.office365.com',
  'https://*.microsoft365.com',
  'https://*.skype.com',
];

const LOGIN = 'https://login.microsoftonline.com';

/** Content-Security-Policy of the tab: own scripts only; Fluent's runtime styles; Entra sign-in. */
export function tabCsp(): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    // Griffel (Fluent UI v9) inserts style rules at run time.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self' ${LOGIN}`,
    // MSAL's silent token renewal uses a hidden iframe to the sign-in page.
    `frame-src 'self' ${LOGIN}`,
    "object-src 'none'",
    "base-uri 'self'",
    `form-action 'self' ${LOGIN}`,
    `frame-ancestors ${FRAME_ANCESTORS.join(' ')}`,
  ].join('; ');
}

function tabHeaders(res: Response): void {
  res.setHeader('Content-Security-Policy', tabCsp());
  res.setHeader('Referrer-Policy', 'strict-origin-when-cross-origin');
  res.setHeader('X-Content-Type-Options', 'nosniff');
}

/**
 * The built Teams tab at /tab (static, hashed assets cached for a year, index.html never cached)
 * and the tab's unauthenticated start-up facts at /api/tab-config: whether the server runs in dev
 * mode (then the demo users to pick from) and the Entra ID settings for browser sign-in.
 */
export function tabRoutes(services: Services): Router {
  const router = Router();
  const c = services.config;

  router.get('/api/tab-config', async (_req, res) => {
    const dev = c.AUTH_MODE === 'dev';
    const users = dev ? await services.store.directory.listUsers() : [];
    const host = (() => {
      try {
        return new URL(c.PUBLIC_BASE_URL).host;
      } catch {
        return 'localhost';
      }
    })();
    res.setHeader('Cache-Control', 'no-store');
    res.json({
      authMode: dev ? 'dev' : 'entra',
      devUsers: users.map((u) => ({ id: u.id, name: u.name, role: u.role })),
      entra:
        !dev && c.ENTRA_CLIENT_ID && c.ENTRA_TENANT_ID
          ? {
              clientId: c.ENTRA_CLIENT_ID,
              authority: `${c.ENTRA_AUTHORITY_HOST}/${c.ENTRA_TENANT_ID}`,
              scopes: [`api://${host}/${c.ENTRA_CLIENT_ID}/access_as_user`],
            }
          : null,
      organisationName: c.ORGANISATION_NAME,
    });
  });

  // Express matches '/tab' and '/tab/' alike (non-strict routing): redirect only the bare one.
  router.get('/tab', (req, res, next) => {
    if (req.originalUrl.split('?')[0] === '/tab') res.redirect(301, '/tab/');
    else next();
  });
  const statics = express.static(TAB_DIST, {
    index: 'index.html',
    fallthrough: true,
    redirect: false,
    setHeaders(res, path) {
      tabHeaders(res);
      res.setHeader(
        'Cache-Control',
        path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  router.use('/tab', (req, res, next) => {
    if (!existsSync(TAB_DIST)) {
      tabHeaders(res);
      res
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('Fanen er ikke bygget. Kjør «npm run build:tab» og start serveren på nytt.');
      return;
    }
    statics(req, res, next);
  });
  return router;
}

/** OpenAPI paths of the tab's start-up facts and the tab itself (both without sign-in). */
export const openApi: OpenApiPaths = {
  '/api/tab-config': {
    get: {
      tags: ['Teams-fane'],
      summary: 'Fanens oppstartsfakta: autentiseringsmodus, demobrukere (dev), Entra ID-oppsett',
      security: PUBLIC_ACCESS,
      responses: {
        200: ok('Oppsettet', {
          type: 'object',
          required: ['authMode', 'devUsers', 'entra', 'organisationName'],
          properties: {
            authMode: { enum: ['dev', 'entra'] },
            devUsers: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  id: { type: 'string' },
                  name: { type: 'string' },
                  role: { type: 'string' },
                },
              },
            },
            entra: {
              type: ['object', 'null'],
              properties: {
                clientId: { type: 'string' },
                authority: { type: 'string' },
                scopes: { type: 'array', items: { type: 'string' } },
              },
            },
            organisationName: { type: 'string' },
          },
        }),
      },
    },
  },
  '/tab': {
    get: {
      tags: ['Teams-fane'],
      summary: 'Teams-fanen',
      description:
        'GET /tab sendes videre til /tab/, der den bygde fanen serveres som statiske filer (index.html og hash-navngitte ressurser); 503 med forklaring hvis fanen ikke er bygget.',
      security: PUBLIC_ACCESS,
      responses: {
        301: { description: 'Videre til /tab/' },
        200: {
          description: 'Fanens index.html',
          content: { 'text/html': { schema: { type: 'string' } } },
        },
        503: { description: 'Fanen er ikke bygget (npm run build:tab)' },
      },
    },
  },
};
