import express, { type Express, Router } from 'express';
import helmet from 'helmet';
import { botRoutes } from '../bot/wire.ts';
import type { Services } from '../services.ts';
import { authenticate } from './auth.ts';
import { errorHandler, notFoundRoute } from './errors.ts';
import { openApiDocument } from './openapi.ts';
import { announcementRoutes } from './routes/announcements.ts';
import { contractRoutes } from './routes/contracts.ts';
import { dashboardRoutes } from './routes/dashboard.ts';
import { directoryRoutes } from './routes/directory.ts';
import { documentRoutes } from './routes/documents.ts';
import { followupRoutes } from './routes/followup.ts';
import { publicRoutes } from './routes/public.ts';
import { registerIoRoutes } from './routes/register-io.ts';
import { spendRoutes } from './routes/spend.ts';
import { tabRoutes } from './routes/tab.ts';

/** Routers that need a signed-in user, mounted under /api. Areas add theirs here. */
const authenticatedRoutes: ((services: Services) => Router)[] = [
  contractRoutes,
  directoryRoutes,
  documentRoutes,
  dashboardRoutes,
  registerIoRoutes,
  followupRoutes,
  announcementRoutes,
  spendRoutes,
];

/** Faces that bring their own authentication (bot, public catalogue, tab files), mounted at /. */
const openRoutes: ((services: Services) => Router)[] = [botRoutes, tabRoutes, publicRoutes];

export function createApp(services: Services): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(
    helmet({
      contentSecurityPolicy: false, // set per face: the tab runs inside Teams, the catalogue has its own
      frameguard: false,
      crossOriginEmbedderPolicy: false,
    }),
  );

  app.get('/api/health', async (_req, res) => {
    const store = await services.store.health();
    res.status(store.ok ? 200 : 503).json({ status: store.ok ? 'ok' : 'unavailable', store });
  });
  app.get('/api/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });

  for (const routes of openRoutes) app.use(routes(services));

  const api = Router();
  api.use(express.json({ limit: '1mb', strict: true }));
  api.use(authenticate(services));
  for (const routes of authenticatedRoutes) api.use(routes(services));
  app.use('/api', api);

  app.use(notFoundRoute);
  app.use(errorHandler((message, error) => services.log('error', message, error)));
  return app;
}
