/**
 * `/api/routes` (issue 19): which tenants' alerts of which severities go to which named channels.
 * - `GET /` the routes and the default route's channels; `POST /` add one (201); `DELETE /:id` (204).
 */
import express, { type Router } from 'express';
import { z } from 'zod';
import { routeInput } from '../alerts/channels/channel-input';
import type { ChannelService } from '../alerts/channels/channel-service';
import { sendJsonError } from '../http/error-body';
import { sendValidationError } from './api-error';
import { sendChannelError } from './channels-router';

const routeId = z.string().regex(/^r-[0-9a-f]{8}$/);

export function createRoutesRouter(options: { channels: ChannelService }): Router {
  const { channels } = options;
  const router = express.Router();
  router.use(express.json({ limit: '64kb' }));

  router.get('/', async (_req, res) => {
    res.json(await channels.listRoutes());
  });

  router.post('/', async (req, res) => {
    const body = routeInput.safeParse(req.body ?? {});
    if (!body.success) return sendValidationError(res, body.error);
    try {
      res.status(201).json({ route: await channels.addRoute(body.data, 'api') });
    } catch (error) {
      sendChannelError(res, error);
    }
  });

  router.delete('/:id', async (req, res) => {
    if (!routeId.safeParse(req.params.id).success)
      return sendJsonError(
        res,
        400,
        'invalid-request',
        `id: ${JSON.stringify(req.params.id)} is not a route id (r- and 8 hex digits; see GET /api/routes).`,
      );
    try {
      await channels.removeRoute(req.params.id);
      res.status(204).end();
    } catch (error) {
      sendChannelError(res, error);
    }
  });

  return router;
}
