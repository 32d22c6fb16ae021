/**
 * `/api/replay` (mounted there by the composition root):
 * - `POST /`            `{ from, to?, tenantId?, userId?, upn?, ruleId?, subscriptionId?, deliver?, preview?, by? }` → the
 *                       report. Dry run unless `deliver: true`; `preview: true` answers `{ selection, covered }` only.
 * - `GET /`             the latest recorded replays (`?tenantId=`).
 * - `GET /timeline/:user` one account's changes and alerts (`:user` = object id or UPN; `?tenantId=`).
 * Thin: validate, call one function, map typed errors (bad selection 400, unknown account 404).
 */
import express, { type Response, type Router } from 'express';
import { z } from 'zod';
import { sendJsonError } from '../http/error-body';
import { previewReplay, replay, type ReplayDeps, type ReplayOptions } from '../replay/replay';
import { ReplayInputError } from '../replay/replay-input-error';
import { listReplayRecords } from '../replay/replay-record';
import { timeline } from '../replay/timeline';
import { sendValidationError } from './api-error';
import { tenantIdField } from './input-schemas';

export interface ReplayRouterOptions extends ReplayDeps {
  routing: ReplayOptions['routing'];
  /** Items returned in a report (the rest are counted; use the CLI export for every item). Default 1000. */
  itemLimit?: number;
}

const optionalText = z.string().trim().max(512).optional();

// `from` is optional here on purpose: the selection parser owns the message for a missing start.
const replayBody = z
  .object({
    from: optionalText,
    to: optionalText,
    tenantId: optionalText,
    userId: optionalText,
    upn: optionalText,
    ruleId: optionalText,
    subscriptionId: optionalText,
    deliver: z.boolean().default(false),
    /** Only count the events the selection covers (nothing else is read, nothing written). */
    preview: z.boolean().default(false),
    by: z.string().trim().min(1).max(200).optional(),
  })
  .strict();

const tenantQuery = z.object({ tenantId: tenantIdField.optional() });

export function createReplayRouter(options: ReplayRouterOptions): Router {
  const router = express.Router();
  router.use(express.json({ limit: '16kb' }));

  router.post('/', async (req, res) => {
    const body = replayBody.safeParse(req.body ?? {});
    if (!body.success) return sendValidationError(res, body.error);
    const { deliver, preview, by, ...selection } = body.data;
    if (preview && deliver) {
      return sendJsonError(res, 400, 'invalid-request', 'Ask for either "preview" or "deliver", not both.');
    }
    try {
      if (preview) return void res.json(await previewReplay(options, selection));
      const report = await replay(options, selection, {
        deliver,
        routing: options.routing,
        by: by ?? 'api',
        itemLimit: options.itemLimit ?? 1000,
      });
      res.json(report);
    } catch (error) {
      if (!sendInputError(res, error)) throw error;
    }
  });

  router.get('/', async (req, res) => {
    const query = tenantQuery.safeParse(req.query);
    if (!query.success) return sendValidationError(res, query.error);
    res.json({ replays: await listReplayRecords(options.store, query.data.tenantId ?? null) });
  });

  router.get('/timeline/:user', async (req, res) => {
    const query = tenantQuery.safeParse(req.query);
    if (!query.success) return sendValidationError(res, query.error);
    try {
      res.json(
        await timeline(
          options.store,
          query.data.tenantId ?? options.defaultTenantId ?? null,
          req.params.user,
        ),
      );
    } catch (error) {
      if (!sendInputError(res, error)) throw error;
    }
  });

  return router;
}

function sendInputError(res: Response, error: unknown): boolean {
  if (!(error instanceof ReplayInputError)) return false;
  sendJsonError(res, error.code === 'unknown-user' ? 404 : 400, error.code, error.message);
  return true;
}
