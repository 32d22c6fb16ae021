/**
 * `/api/tenants` (issue 19): the tenants ra-watch watches. Thin: validate, call the tenant service.
 * - `GET /` list; `POST /` `{"tenant": "<tenant id or domain>", "addedBy"?: "..."}` adds one (201; 200 when it was
 *   watched already), answering with its admin-consent link and the check;
 * - `GET /:id`; `DELETE /:id?purge=true` (its subscriptions are deleted in Graph; purge deletes its stored data);
 * - `POST /:id/check` tries the token and each Graph call ra-watch needs, naming a missing permission.
 */
import express, { type Router } from 'express';
import { z } from 'zod';
import { guidSchema } from '../guid';
import { sendJsonError } from '../http/error-body';
import { TenantInputError, type TenantService } from '../tenants/tenant-service';
import { TENANT_REF_HINT } from '../tenants/tenant-ref';
import { sendValidationError } from './api-error';

const addBody = z.strictObject({
  tenant: z.string().trim().min(1, `must be ${TENANT_REF_HINT}`).max(253, 'is longer than a domain can be'),
  addedBy: z.string().trim().min(1).max(200).optional(),
});
const idParam = guidSchema('is not a tenant id (a GUID)');
const removeQuery = z.object({ purge: z.enum(['true', 'false'], 'must be true or false').optional() });

export function createTenantsRouter(options: { tenants: TenantService }): Router {
  const { tenants } = options;
  const router = express.Router();
  router.use(express.json({ limit: '16kb' }));

  const tenantIdOf = (raw: string, res: express.Response): string | null => {
    const id = idParam.safeParse(raw);
    if (id.success) return id.data.toLowerCase();
    sendJsonError(res, 400, 'invalid-request', `id: ${JSON.stringify(raw)} is not a tenant id (a GUID).`);
    return null;
  };
  const notFound = (res: express.Response, id: string) =>
    sendJsonError(
      res,
      404,
      'not-found',
      `Tenant ${id} is not in the registry. List them with GET /api/tenants.`,
    );

  router.get('/', async (_req, res) => {
    res.json({ tenants: await tenants.list() });
  });

  router.post('/', async (req, res) => {
    const body = addBody.safeParse(req.body ?? {});
    if (!body.success) return sendValidationError(res, body.error);
    try {
      const outcome = await tenants.add(body.data.tenant, {
        by: body.data.addedBy ?? 'api',
        baseline: 'background',
      });
      res.status(outcome.alreadyWatched ? 200 : 201).json({
        tenant: outcome.tenant,
        consentUrl: outcome.tenant.consentUrl,
        check: outcome.check,
        alreadyWatched: outcome.alreadyWatched,
        subscribed: outcome.subscribed,
        baseline: outcome.baseline,
      });
    } catch (error) {
      if (error instanceof TenantInputError)
        return sendJsonError(res, 400, 'invalid-request', `tenant: ${error.message}`);
      throw error;
    }
  });

  router.get('/:id', async (req, res) => {
    const id = tenantIdOf(req.params.id, res);
    if (id === null) return;
    const tenant = await tenants.get(id);
    if (tenant === null) return notFound(res, id);
    res.json({ tenant });
  });

  router.post('/:id/check', async (req, res) => {
    const id = tenantIdOf(req.params.id, res);
    if (id === null) return;
    const result = await tenants.check(id);
    if (result === null) return notFound(res, id);
    res.json(result);
  });

  router.delete('/:id', async (req, res) => {
    const id = tenantIdOf(req.params.id, res);
    if (id === null) return;
    const query = removeQuery.safeParse(req.query);
    if (!query.success) return sendValidationError(res, query.error);
    const outcome = await tenants.remove(id, { purge: query.data.purge === 'true' });
    if (outcome === null) return notFound(res, id);
    res.json(outcome);
  });

  return router;
}
