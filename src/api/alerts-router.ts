/**
 * `/api/alerts`: the alerts with their delivery state (which sink has it, which is retrying and why, which gave up),
 * and acknowledge/snooze. Thin: validate, call the store, map the result. Delivery errors were written without
 * webhook URLs, and are redacted again here: an API answer must never carry a secret.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { redactUrls } from '../alerts/redact-url';
import type { Logger } from '../logger';
import { sendJsonError } from '../http/error-body';
import type { Alert } from '../glossary';
import type { OutboxEntry, Store } from '../store/store';
import { sendValidationError } from './api-error';
import { guidSchema } from '../guid';
import { opaqueId, tenantIdField } from './input-schemas';

const listQuery = z.object({
  state: z.enum(['open', 'resolved'], 'must be "open" or "resolved"').optional(),
  tenantId: tenantIdField.optional(),
  userId: guidSchema('must be the user object id (a GUID)').optional(),
  limit: z.coerce
    .number('must be a number')
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(1000, 'must be at most 1000')
    .default(100),
});

const alertIdParam = opaqueId('an alert id');

const ackBody = z.strictObject({
  by: z
    .string('must name who acknowledges (a name or e-mail)')
    .trim()
    .min(1, 'must not be empty')
    .max(200, 'must be at most 200 characters'),
  reason: z.string().max(1000, 'must be at most 1000 characters').nullable().optional(),
  snoozeUntil: z.iso
    .datetime({ offset: true, message: 'must be an ISO-8601 time, e.g. 2025-03-05T09:00:00Z' })
    .nullable()
    .optional(),
});

export interface DeliveryView {
  sink: string;
  kind: OutboxEntry['kind'];
  status: OutboxEntry['status'];
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

export type AlertView = Alert & { deliveries: DeliveryView[] };

function deliveryView(entry: OutboxEntry): DeliveryView {
  return {
    sink: entry.sink,
    kind: entry.kind,
    status: entry.status,
    attempts: entry.attempts,
    nextAttemptAt: entry.status === 'pending' ? entry.nextAttemptAt : null,
    lastError: entry.lastError === null ? null : redactUrls(entry.lastError),
    deliveredAt: entry.deliveredAt,
    createdAt: entry.createdAt,
  };
}

export function createAlertsRouter(options: { store: Store; logger: Logger; now?: () => Date }): Router {
  const { store } = options;
  const now = options.now ?? (() => new Date());
  const router = express.Router();
  router.use(express.json({ limit: '16kb' }));

  const view = async (alert: Alert): Promise<AlertView> => ({
    ...alert,
    deliveries: (await store.outbox.listForAlert(alert.id)).map(deliveryView),
  });

  router.get('/', async (req, res) => {
    const query = listQuery.safeParse(req.query);
    if (!query.success) return sendValidationError(res, query.error);
    const alerts = await store.alerts.list(query.data);
    res.json({ alerts: await Promise.all(alerts.map(view)) });
  });

  router.param('id', (req, res, next, id: string) => {
    const parsed = alertIdParam.safeParse(id);
    if (!parsed.success) return sendValidationError(res, parsed.error);
    next();
  });

  router.get('/:id', async (req, res) => {
    const alert = await store.alerts.get(req.params.id);
    if (alert === null) return sendJsonError(res, 404, 'not-found', `No alert with id ${req.params.id}.`);
    res.json(await view(alert));
  });

  router.post('/:id/ack', async (req, res) => {
    const body = ackBody.safeParse(req.body ?? {});
    if (!body.success) return sendValidationError(res, body.error);
    const at = now();
    const snoozeUntil = body.data.snoozeUntil == null ? null : new Date(body.data.snoozeUntil).toISOString();
    if (snoozeUntil !== null && Date.parse(snoozeUntil) <= at.getTime()) {
      return sendJsonError(res, 400, 'invalid-request', `snoozeUntil: ${snoozeUntil} is not in the future.`);
    }
    const alert = await store.alerts.acknowledge(
      req.params.id,
      body.data.by,
      body.data.reason ?? null,
      snoozeUntil,
      at.toISOString(),
    );
    if (alert === null) return sendJsonError(res, 404, 'not-found', `No alert with id ${req.params.id}.`);
    options.logger.info({ alertId: alert.id, by: body.data.by, snoozeUntil }, 'alert acknowledged');
    res.json(await view(alert));
  });

  // A body that is not JSON is the caller's mistake: 400 in the one error shape, not a 500.
  router.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (
      typeof error === 'object' &&
      error !== null &&
      'type' in error &&
      error.type === 'entity.parse.failed'
    ) {
      return sendJsonError(res, 400, 'invalid-json', 'The body is not valid JSON.');
    }
    next(error);
  });

  return router;
}
