/**
 * `/api/alerts`: the alerts with their delivery state (which sink has it, which is retrying and why, which gave up),
 * filtered (alerts-query.ts) as JSON or CSV, and acknowledge/snooze, one or many (`POST /ack` with `ids`). Thin: validate, call the store, map the result. Delivery errors were written without
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
import { alertsCsv, listQuery } from './alerts-query';
import { opaqueId } from './input-schemas';

const alertIdParam = opaqueId('an alert id');

const ackFields = {
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
};
const ackBody = z.strictObject(ackFields);
/** Bulk acknowledge: the same fields for up to 500 alerts at once (the console's "acknowledge selected"). */
const bulkAckBody = z.strictObject({
  ...ackFields,
  ids: z
    .array(alertIdParam, 'must be a list of alert ids')
    .min(1, 'must name at least one alert')
    .max(500, 'must name at most 500 alerts'),
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

/** The snooze time normalised, or the error to answer when it is not in the future. */
function futureSnooze(value: string | null | undefined, at: Date): string | null | Error {
  const snoozeUntil = value == null ? null : new Date(value).toISOString();
  if (snoozeUntil !== null && Date.parse(snoozeUntil) <= at.getTime())
    return new Error(`snoozeUntil: ${snoozeUntil} is not in the future.`);
  return snoozeUntil;
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
    const { format, upn, ...filter } = query.data;
    const alerts = await store.alerts.list({ ...filter, search: upn });
    if (format === 'csv') {
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', 'attachment; filename="ra-watch-alerts.csv"');
      return res.send(alertsCsv(alerts));
    }
    res.json({ alerts: await Promise.all(alerts.map(view)) });
  });

  /** Acknowledge many at once; ids that name no alert are listed, not an error for the rest. */
  router.post('/ack', async (req, res) => {
    const body = bulkAckBody.safeParse(req.body ?? {});
    if (!body.success) return sendValidationError(res, body.error);
    const at = now();
    const snoozeUntil = futureSnooze(body.data.snoozeUntil, at);
    if (snoozeUntil instanceof Error) return sendJsonError(res, 400, 'invalid-request', snoozeUntil.message);
    const acknowledged: string[] = [];
    const notFound: string[] = [];
    for (const id of new Set(body.data.ids)) {
      const alert = await store.alerts.acknowledge(
        id,
        body.data.by,
        body.data.reason ?? null,
        snoozeUntil,
        at.toISOString(),
      );
      (alert === null ? notFound : acknowledged).push(id);
    }
    options.logger.info(
      { alerts: acknowledged.length, by: body.data.by, snoozeUntil },
      'alerts acknowledged in bulk',
    );
    res.json({ acknowledged, notFound });
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
    const snoozeUntil = futureSnooze(body.data.snoozeUntil, at);
    if (snoozeUntil instanceof Error) return sendJsonError(res, 400, 'invalid-request', snoozeUntil.message);
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
