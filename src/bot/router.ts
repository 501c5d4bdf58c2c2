import type { ActivityHandler, CloudAdapter } from 'botbuilder';
import express, { type Router } from 'express';
import { errors, jsonBody, type OpenApiPaths } from '../api/openapi-parts.ts';

/** Bot activities are small; anything bigger is refused before the bot sees it. */
export const MAX_ACTIVITY_BYTES = 256 * 1024;

/**
 * `POST /api/messages`: the Bot Framework endpoint. The adapter authenticates the request (unless
 * in dev mode), runs the bot and answers 200 (or the invoke response: the refreshed card).
 */
export function botRouter(adapter: CloudAdapter, bot: ActivityHandler): Router {
  const router = express.Router();
  router.post(
    '/api/messages',
    express.json({ limit: MAX_ACTIVITY_BYTES, strict: true }),
    async (req, res, next) => {
      try {
        await adapter.process(req, res, (context) => bot.run(context));
      } catch (error) {
        next(error);
      }
    },
  );
  return router;
}

/** When the bot is not configured (production without an app registration): 503 with the reason. */
export function disabledBotRouter(reason: string): Router {
  const router = express.Router();
  router.post('/api/messages', (_req, res) => {
    res.status(503).json({ error: `Boten er ikke konfigurert: ${reason}` });
  });
  return router;
}

/** OpenAPI path of the Bot Framework endpoint (authenticated by the Bot Connector's own token). */
export const openApi: OpenApiPaths = {
  '/api/messages': {
    post: {
      tags: ['Bot'],
      summary: 'Bot Framework-endepunktet (aktiviteter fra Teams via Bot Connector)',
      description: `Aktiviteter over ${MAX_ACTIVITY_BYTES} byte avvises med 413. I utviklingsmodus kreves ikke token.`,
      security: [{ botFramework: [] }],
      requestBody: jsonBody({
        type: 'object',
        required: ['type'],
        description: 'En Bot Framework-aktivitet (Bot Framework Activity schema)',
        properties: {
          type: { type: 'string' },
          id: { type: 'string' },
          channelId: { type: 'string' },
          serviceUrl: { type: 'string' },
          from: { type: 'object' },
          conversation: { type: 'object' },
          recipient: { type: 'object' },
          text: { type: 'string' },
          value: {},
        },
      }),
      responses: {
        200: { description: 'Behandlet (for invoke: svaret, f.eks. det oppdaterte kortet)' },
        ...errors(400, 401, 413),
        503: {
          description: 'Boten er ikke konfigurert',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      },
    },
  },
};
