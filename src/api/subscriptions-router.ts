/**
 * `/api/subscriptions`: list, create, renew and delete Graph change-notification subscriptions. Thin: validate, call
 * the manager. Its typed failures are mapped to a status by the API router (api-router.ts): Graph's refusals are
 * explained (the manager words them); a missing PUBLIC_BASE_URL or CLIENT_STATE is a 409: the request is fine, the
 * server is not set up for it yet.
 */
import express, { type Router } from 'express';
import { z } from 'zod';
import type { TenantId } from '../glossary';
import { sendJsonError } from '../http/error-body';
import type { SubscriptionManager } from '../subscriptions/subscription-manager';
import { sendValidationError } from './api-error';
import { opaqueId, tenantIdField } from './input-schemas';

const createBody = z.strictObject({
  tenantId: tenantIdField.optional(),
  resource: z.enum(['users', 'groups'], 'must be "users" or "groups"'),
});
const listQuery = z.object({ tenantId: tenantIdField.optional() });
const idParam = opaqueId('a subscription id');

export function createSubscriptionsRouter(options: {
  manager: SubscriptionManager;
  defaultTenantId?: TenantId | null;
}): Router {
  const { manager } = options;
  const router = express.Router();
  router.use(express.json({ limit: '16kb' }));

  router.get('/', async (req, res) => {
    const query = listQuery.safeParse(req.query);
    if (!query.success) return sendValidationError(res, query.error);
    res.json({ subscriptions: await manager.list(query.data.tenantId) });
  });

  router.post('/', async (req, res) => {
    const body = createBody.safeParse(req.body ?? {});
    if (!body.success) return sendValidationError(res, body.error);
    const tenantId = body.data.tenantId ?? options.defaultTenantId ?? null;
    if (tenantId === null) {
      return sendJsonError(
        res,
        400,
        'invalid-request',
        'tenantId: no tenant is configured (AZURE_TENANT_ID), so name one in the body.',
      );
    }
    res.status(201).json({ subscription: await manager.create({ tenantId, resource: body.data.resource }) });
  });

  // A malformed id is refused before anything asks Graph about it.
  router.param('id', (req, res, next, id: string) => {
    const parsed = idParam.safeParse(id);
    if (!parsed.success) return sendValidationError(res, parsed.error);
    next();
  });

  router.post('/:id/renew', async (req, res) => {
    const outcome = await manager.renew(req.params.id);
    res.json({ subscription: outcome.subscription, recreatedFrom: outcome.recreatedFrom });
  });

  router.delete('/:id', async (req, res) => {
    if (!(await manager.delete(req.params.id))) {
      return sendJsonError(
        res,
        404,
        'not-found',
        `No subscription ${req.params.id} is known to ra-watch. List them with GET /api/subscriptions.`,
      );
    }
    res.status(204).end();
  });

  return router;
}
