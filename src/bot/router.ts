import type { ActivityHandler, CloudAdapter } from 'botbuilder';
import express, { type Router } from 'express';

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
