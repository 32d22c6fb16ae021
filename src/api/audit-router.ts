/**
 * `POST /api/audit`: run the full-tenant audit now and answer with its report. One audit per tenant at a time: a
 * second request while one runs gets a 409 rather than a second scan of the whole tenant.
 */
import express, { type Router } from 'express';
import { z } from 'zod';
import type { TenantId } from '../glossary';
import { sendJsonError } from '../http/error-body';
import type { AuditReport } from '../tenant-audit/audit-report';
import type { TenantAuditOptions } from '../tenant-audit/tenant-audit';
import { sendValidationError } from './api-error';
import { tenantIdField } from './input-schemas';

const auditBody = z.strictObject({
  tenantId: tenantIdField.optional(),
  /** Also write the verdicts as alerts (the baseline). */
  record: z.boolean('must be true or false').optional(),
});

export interface AuditRouterOptions {
  runAudit: (tenantId: TenantId, options?: TenantAuditOptions) => Promise<AuditReport>;
  defaultTenantId: TenantId | null;
}

export function createAuditRouter(options: AuditRouterOptions): Router {
  const router = express.Router();
  router.use(express.json({ limit: '16kb' }));
  const running = new Set<TenantId>();

  // Graph throttling or refusing (a typed error) is answered by the API router (api-router.ts).
  router.post('/', async (req, res) => {
    const body = auditBody.safeParse(req.body ?? {});
    if (!body.success) return sendValidationError(res, body.error);
    const tenantId = body.data.tenantId ?? options.defaultTenantId;
    if (tenantId === null) {
      return sendJsonError(
        res,
        400,
        'invalid-request',
        'tenantId: no tenant is configured (AZURE_TENANT_ID), so name one in the body.',
      );
    }
    const key = tenantId.toLowerCase();
    if (running.has(key))
      return sendJsonError(
        res,
        409,
        'audit-running',
        `An audit of tenant ${tenantId} is already running; wait for its report.`,
      );
    running.add(key);
    try {
      res.json(await options.runAudit(tenantId, { record: body.data.record ?? false }));
    } finally {
      running.delete(key);
    }
  });

  return router;
}
