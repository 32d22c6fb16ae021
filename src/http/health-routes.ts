/**
 * Liveness and readiness (DESIGN.md public surface). /healthz says the process answers, nothing more, so a
 * restart-on-failure probe never kills a process that is only waiting for its database. /readyz runs the readiness
 * checks (store and queue reachable; Graph accepting the credential, from the last token and answer per tenant:
 * graph/client/credential-health.ts) and is 200 only when every check is 'ok'; a load balancer then stops sending
 * Graph's notifications to a replica that could not store them, or could not read Graph to act on them.
 */
import { Router } from 'express';
import { describeError } from '../errors';
import type { Logger } from '../logger';

/** Each check's state: exactly 'ok' when healthy, otherwise a short reason ("unreachable: ECONNREFUSED"). */
export type ReadinessCheck = () => Promise<Record<string, string>>;

export function healthRoutes(readiness: ReadinessCheck, logger: Logger): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    let checks: Record<string, string>;
    try {
      checks = await readiness();
    } catch (error) {
      logger.warn({ err: error }, 'readiness check threw');
      // The message of a driver error can carry a host name; say only that the probe itself failed.
      checks = { readiness: `failed: ${describeError(error).slice(0, 200)}` };
    }
    const ready = Object.values(checks).every((state) => state === 'ok');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ok' : 'unavailable', checks });
  });
  return router;
}

/** 'ok', or why the check failed: one readiness entry (the store's ping, the queue's). */
export async function probe(check: () => Promise<void>): Promise<string> {
  try {
    await check();
    return 'ok';
  } catch (error) {
    return describeError(error);
  }
}
