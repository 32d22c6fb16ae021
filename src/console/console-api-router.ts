/**
 * `/api/console` (mounted inside `/api`, behind the same bearer-token guard): the two reads the console polls that
 * the rest of the API does not answer in one call.
 * - `GET /summary?tenantId=`            open alerts by severity, queue depth, dead letters, subscription health.
 * - `GET /resource-accounts?tenantId=`  the registry + identified accounts, with names, licenses, open findings.
 * - `GET /sku-names`                    SKU id → part number for the known SKUs, so a timeline shows names, not GUIDs.
 * - `GET /tenants`                      every tenant in one row each: names, status, alert counts, licenses to buy,
 *                                       subscription health, last notification (console-tenants.ts; issue 19).
 * - `GET /tenants/:id`                  one of those rows (the tenant page).
 * Thin: validate the query, call one function, answer JSON.
 */
import express, { type Router } from 'express';
import { z } from 'zod';
import type { TenantId } from '../glossary';
import { sendJsonError } from '../http/error-body';
import type { Queue } from '../queue/queue';
import type { Store } from '../store/store';
import { sendValidationError } from '../api/api-error';
import { tenantIdField } from '../api/input-schemas';
import { KNOWN_SKUS } from '../licensing/catalog-data';
import { listConsoleAccounts } from './console-accounts';
import { buildConsoleSummary } from './console-summary';
import { getConsoleTenant, listConsoleTenants } from './console-tenants';
import { guidSchema } from '../guid';
import type { WatchedTenants } from '../tenants/watched-tenants';

export interface ConsoleApiRouterOptions {
  store: Store;
  queue: Queue;
  /** Watched tenants, configured first (App.tenantIds): the first is the default tenant. */
  tenantIds?: readonly TenantId[];
  /** The live list of watched tenants (issue 19). */
  watched?: WatchedTenants;
  /** ALLOCATION_COUNT_TEAMS_ROOMS, for the per-tenant allocation of `GET /tenants`. */
  countTeamsRooms?: boolean;
  now?: () => Date;
}

const tenantQuery = z.object({
  tenantId: tenantIdField.optional(),
});
const tenantIdParam = guidSchema('is not a tenant id (a GUID)');

export function createConsoleApiRouter(options: ConsoleApiRouterOptions): Router {
  const router = express.Router();
  const defaultTenantId = options.tenantIds?.[0] ?? null;

  router.get('/summary', async (req, res) => {
    const query = tenantQuery.safeParse(req.query);
    if (!query.success) return sendValidationError(res, query.error);
    res.json(await buildConsoleSummary(options, query.data.tenantId?.toLowerCase() ?? null));
  });

  router.get('/resource-accounts', async (req, res) => {
    const query = tenantQuery.safeParse(req.query);
    if (!query.success) return sendValidationError(res, query.error);
    const tenantId = query.data.tenantId?.toLowerCase() ?? defaultTenantId;
    if (tenantId === null) {
      return sendJsonError(
        res,
        400,
        'invalid-request',
        'tenantId: no tenant is configured (AZURE_TENANT_ID), so name one (?tenantId=).',
      );
    }
    res.json({ tenantId, resourceAccounts: await listConsoleAccounts(options.store, tenantId) });
  });

  router.get('/sku-names', (_req, res) => {
    res.json({
      skus: Object.fromEntries(KNOWN_SKUS.map((sku) => [sku.skuId.toLowerCase(), sku.skuPartNumber])),
    });
  });

  router.get('/tenants', async (_req, res) => {
    res.json(await listConsoleTenants(options));
  });

  router.get('/tenants/:id', async (req, res) => {
    const id = tenantIdParam.safeParse(req.params.id);
    if (!id.success)
      return sendJsonError(
        res,
        400,
        'invalid-request',
        `id: ${JSON.stringify(req.params.id)} is not a tenant id (a GUID).`,
      );
    const answer = await getConsoleTenant(options, id.data);
    if (answer === null)
      return sendJsonError(
        res,
        404,
        'not-found',
        `Tenant ${id.data} is neither in the registry nor watched. List them with GET /api/console/tenants.`,
      );
    res.json(answer);
  });

  return router;
}
