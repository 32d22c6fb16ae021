/**
 * `/api/resource-accounts`: the admin's registry of resource accounts (DOMAIN.md §4 source 4, which always wins over
 * inference) shown with the accounts ra-watch identified itself, so an admin sees the whole list, can declare an
 * account Teams or the conventions missed (a resource account that lost every license is found only this way, by
 * Teams, or by an application-instance binding) and can exclude one they got wrong.
 *
 * A change is handed to the worker (a `user-changed` read) when a queue is given, so the account is evaluated under
 * its new identity at once rather than at its next change.
 */
import express, { type Router } from 'express';
import { z } from 'zod';
import type { IsoTime, TenantId } from '../glossary';
import { guidSchema } from '../guid';
import { sendJsonError } from '../http/error-body';
import type { Queue } from '../queue/queue';
import { userRecheckMessage } from '../queue/user-recheck';
import type { Store } from '../store/store';
import { sendValidationError } from './api-error';
import { tenantIdField } from './input-schemas';

const userIdParam = guidSchema('must be the user object id (a GUID, as in Entra or Graph)');
const tenantQuery = z.object({ tenantId: tenantIdField.optional() });
const putBody = z.strictObject({
  tenantId: tenantIdField.optional(),
  isResourceAccount: z.boolean(
    'must be true (it is a resource account) or false (it is not, whatever conventions say)',
  ),
  application: z
    .enum(['auto-attendant', 'call-queue'], 'must be "auto-attendant", "call-queue" or null')
    .nullable()
    .optional(),
  note: z.string().max(500, 'must be at most 500 characters').nullable().optional(),
  updatedBy: z.string().max(200).nullable().optional(),
});

export interface ResourceAccountListing {
  tenantId: TenantId;
  userId: string;
  isResourceAccount: boolean;
  /** `registry`: the admin said so; anything else: how ra-watch identified it. */
  identifiedBy: string;
  application: string;
  detail: string;
  note: string | null;
  updatedAt: IsoTime;
}

export function createRegistryRouter(options: {
  store: Store;
  defaultTenantId: TenantId | null;
  queue?: Queue;
  now?: () => Date;
}): Router {
  const { store } = options;
  const now = options.now ?? (() => new Date());
  const router = express.Router();
  router.use(express.json({ limit: '16kb' }));

  const tenantOf = (given: string | undefined): TenantId | null => given ?? options.defaultTenantId;
  const noTenant =
    'tenantId: no tenant is configured (AZURE_TENANT_ID), so name one (?tenantId= or in the body).';

  const reevaluate = async (tenantId: TenantId, userId: string): Promise<void> => {
    if (options.queue === undefined) return;
    await options.queue.send([userRecheckMessage(tenantId, userId, now())]);
  };

  router.get('/', async (req, res) => {
    const query = tenantQuery.safeParse(req.query);
    if (!query.success) return sendValidationError(res, query.error);
    const tenantId = tenantOf(query.data.tenantId);
    if (tenantId === null) return sendJsonError(res, 400, 'invalid-request', noTenant);
    const [registry, identified] = await Promise.all([
      store.registry.list(tenantId),
      store.identifications.listResourceAccounts(tenantId),
    ]);
    const declared = new Set(registry.map((e) => e.userId.toLowerCase()));
    const listing: ResourceAccountListing[] = [
      ...registry.map((e) => ({
        tenantId: e.tenantId,
        userId: e.userId,
        isResourceAccount: e.isResourceAccount,
        identifiedBy: 'registry',
        application: e.application,
        detail: e.isResourceAccount
          ? 'declared a resource account by an admin'
          : 'excluded by an admin: not a resource account',
        note: e.note,
        updatedAt: e.updatedAt,
      })),
      // The registry wins: an identified account the admin has declared or excluded is listed once, as the registry says.
      ...identified
        .filter(
          (r) =>
            !declared.has(r.userId.toLowerCase()) && r.identifiedBy !== null && r.identifiedBy !== 'registry',
        )
        .map((r) => ({
          tenantId: r.tenantId,
          userId: r.userId,
          isResourceAccount: r.isResourceAccount,
          identifiedBy: r.identifiedBy ?? 'unknown',
          application: r.application,
          detail: r.detail,
          note: null,
          updatedAt: r.checkedAt,
        })),
    ];
    res.json({ tenantId, resourceAccounts: listing });
  });

  router.put('/:userId', async (req, res) => {
    const userId = userIdParam.safeParse(req.params.userId);
    if (!userId.success) return sendValidationError(res, userId.error);
    const body = putBody.safeParse(req.body ?? {});
    if (!body.success) return sendValidationError(res, body.error);
    const tenantId = tenantOf(body.data.tenantId);
    if (tenantId === null) return sendJsonError(res, 400, 'invalid-request', noTenant);
    const entry = {
      tenantId,
      userId: userId.data.toLowerCase(),
      isResourceAccount: body.data.isResourceAccount,
      application: body.data.application ?? ('unknown' as const),
      note: body.data.note ?? null,
      updatedAt: now().toISOString(),
      updatedBy: body.data.updatedBy ?? null,
    };
    await store.registry.put(entry);
    await reevaluate(tenantId, entry.userId);
    res.json({ entry });
  });

  router.delete('/:userId', async (req, res) => {
    const userId = userIdParam.safeParse(req.params.userId);
    if (!userId.success) return sendValidationError(res, userId.error);
    const query = tenantQuery.safeParse(req.query);
    if (!query.success) return sendValidationError(res, query.error);
    const tenantId = tenantOf(query.data.tenantId);
    if (tenantId === null) return sendJsonError(res, 400, 'invalid-request', noTenant);
    if (!(await store.registry.delete(tenantId, userId.data.toLowerCase()))) {
      return sendJsonError(
        res,
        404,
        'not-found',
        `User ${userId.data} is not in the registry of tenant ${tenantId}. GET /api/resource-accounts lists it.`,
      );
    }
    await reevaluate(tenantId, userId.data.toLowerCase());
    res.status(204).end();
  });

  return router;
}
