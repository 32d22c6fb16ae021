/**
 * `/api/channels` (issue 19): named alert channels. Thin: validate, call the channel service, answer JSON. No
 * answer ever holds a channel's URL or signing secret (the service's views have neither).
 * - `GET /` list; `POST /` add one (201); `GET /:name`; `DELETE /:name` (204; 409 while a route uses it);
 * - `POST /:name/test` sends a test message and says whether it arrived.
 */
import express, { type Response, type Router } from 'express';
import { channelInput, channelName } from '../alerts/channels/channel-input';
import { ChannelServiceError, type ChannelService } from '../alerts/channels/channel-service';
import { sendJsonError } from '../http/error-body';
import { sendValidationError } from './api-error';

/** A refusal of the channel service as the API's one error shape; anything else goes to the error handler. */
export function sendChannelError(res: Response, error: unknown): void {
  if (!(error instanceof ChannelServiceError)) throw error;
  sendJsonError(res, error.status, error.code, error.message);
}

export function createChannelsRouter(options: { channels: ChannelService }): Router {
  const { channels } = options;
  const router = express.Router();
  router.use(express.json({ limit: '16kb' }));

  const nameOf = (raw: string, res: Response): string | null => {
    const name = channelName.safeParse(raw);
    if (name.success) return name.data;
    sendJsonError(
      res,
      400,
      'invalid-request',
      `name: ${JSON.stringify(raw)} ${name.error.issues[0]?.message}.`,
    );
    return null;
  };

  router.get('/', async (_req, res) => {
    res.json({ channels: await channels.listChannels() });
  });

  router.post('/', async (req, res) => {
    const body = channelInput.safeParse(req.body ?? {});
    if (!body.success) return sendValidationError(res, body.error);
    try {
      res.status(201).json({ channel: await channels.addChannel(body.data, 'api') });
    } catch (error) {
      sendChannelError(res, error);
    }
  });

  router.get('/:name', async (req, res) => {
    const name = nameOf(req.params.name, res);
    if (name === null) return;
    try {
      res.json({ channel: await channels.getChannel(name) });
    } catch (error) {
      sendChannelError(res, error);
    }
  });

  router.delete('/:name', async (req, res) => {
    const name = nameOf(req.params.name, res);
    if (name === null) return;
    try {
      await channels.removeChannel(name);
      res.status(204).end();
    } catch (error) {
      sendChannelError(res, error);
    }
  });

  router.post('/:name/test', async (req, res) => {
    const name = nameOf(req.params.name, res);
    if (name === null) return;
    try {
      res.json(await channels.testChannel(name));
    } catch (error) {
      sendChannelError(res, error);
    }
  });

  return router;
}
