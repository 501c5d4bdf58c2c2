import { Router } from 'express';
import { z } from 'zod';
import { announcementInputSchema } from '../../core/followup/announcement.ts';
import { followUpFor } from '../../followup/wire.ts';
import type { Services } from '../../services.ts';
import { currentUser } from '../auth.ts';
import { parseWith } from '../http.ts';
import {
  errors,
  itemsOf,
  jsonBody,
  type OpenApiPaths,
  ok,
  pathParameter,
  queryParameters,
} from '../openapi-parts.ts';

export const listQuery = z
  .object({ limit: z.coerce.number().int().min(1).max(500).optional() })
  .strict();

/**
 * Kontraktservice's announcements to the Teams channels where the bot is installed (routine
 * updates, courses, general news), delivered through the channel outbox; every route is for
 * Kontraktservice only (403 otherwise).
 *
 * - `GET /announcements/channels` — the channels the bot is installed in
 * - `POST /announcements` `{ kind, title, text, link?, course?: { date, time?, place }, channelIds? }` — 201
 * - `GET /announcements?limit=` — sent announcements, newest first, with delivery status per channel
 * - `GET /announcements/:id`
 */
export function announcementRoutes(services: Services): Router {
  const router = Router();
  const announcements = () => followUpFor(services).announcements;

  router.get('/announcements/channels', async (req, res) => {
    res.json({ items: await announcements().channels(currentUser(req)) });
  });
  router.post('/announcements', async (req, res) => {
    const a = await announcements().create(currentUser(req), req.body);
    res
      .status(201)
      .location(`/api/announcements/${encodeURIComponent(a.id)}`)
      .json(a);
  });
  router.get('/announcements', async (req, res) => {
    const user = currentUser(req);
    const q = parseWith(listQuery, req.query);
    res.json({ items: await announcements().list(user, q.limit) });
  });
  router.get('/announcements/:id', async (req, res) => {
    res.json(await announcements().get(currentUser(req), req.params.id as string));
  });
  return router;
}

const tags = ['Kunngjøringer'];

/** OpenAPI paths of the announcements (Kontraktservice only: 403 for everyone else). */
export const openApi: OpenApiPaths = {
  '/api/announcements/channels': {
    get: {
      tags,
      summary: 'Kanalene boten er installert i',
      responses: { 200: ok('Kanaler', itemsOf()), ...errors(403) },
    },
  },
  '/api/announcements': {
    post: {
      tags,
      summary: 'Send en kunngjøring til kanalene (alle, eller channelIds)',
      requestBody: jsonBody(announcementInputSchema),
      responses: {
        201: ok('Kunngjøringen med leveringsstatus per kanal (Location)'),
        ...errors(400, 403),
      },
    },
    get: {
      tags,
      summary: 'Sendte kunngjøringer, nyeste først',
      parameters: queryParameters(listQuery),
      responses: { 200: ok('Kunngjøringer', itemsOf()), ...errors(400, 403) },
    },
  },
  '/api/announcements/{id}': {
    get: {
      tags,
      summary: 'Én kunngjøring med leveringsstatus',
      parameters: [pathParameter('id', 'Kunngjøringens id')],
      responses: { 200: ok('Kunngjøringen'), ...errors(403, 404) },
    },
  },
};
