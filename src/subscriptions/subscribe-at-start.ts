/**
 * First start on a tenant: subscribe to users and groups when Graph can reach us. Creating a subscription is not
 * idempotent (issue 17 item 5): replicas started together would each see none and each create one, doubling every
 * delivery. So the replica that takes the tenant's `subscribe-at-start` lease (store job_leases, one conditional
 * upsert) lists and creates; the others leave it to that one. The lease outlives a slow create and then expires, so
 * a replica that died halfway leaves the next start to finish the job.
 */
import { randomUUID } from 'node:crypto';
import type { TenantId } from '../glossary';
import type { Logger } from '../logger';
import type { Store } from '../store/store';
import type { SubscriptionManager } from './subscription-manager';

export const SUBSCRIBE_AT_START_JOB = 'subscribe-at-start';
const LEASE_MS = 5 * 60_000;

export interface SubscribeAtStartDeps {
  store: Pick<Store, 'jobLeases'>;
  subscriptions: Pick<SubscriptionManager, 'list' | 'create'>;
  logger: Logger;
  publicBaseUrl: string | null;
  /** This replica's name in the lease (default: a fresh id per call). */
  holder?: string;
  now?: () => Date;
}

/** What happened: subscribed (the resources created), already (nothing to do), elsewhere (another replica's turn). */
export type SubscribeAtStartOutcome =
  | { kind: 'subscribed'; created: Array<'users' | 'groups'> }
  | { kind: 'no-public-url' }
  | { kind: 'another-replica' };

export async function subscribeAtStart(
  deps: SubscribeAtStartDeps,
  tenantId: TenantId,
): Promise<SubscribeAtStartOutcome> {
  if (deps.publicBaseUrl === null) {
    deps.logger.warn(
      { tenantId },
      'PUBLIC_BASE_URL is not set, so Graph cannot deliver change notifications here: only the periodic delta reconcile will see changes. Set PUBLIC_BASE_URL to the https address Graph can reach.',
    );
    return { kind: 'no-public-url' };
  }
  const now = (deps.now ?? (() => new Date()))();
  const lease = {
    job: SUBSCRIBE_AT_START_JOB,
    tenantId,
    holder: deps.holder ?? randomUUID(),
    expiresAt: new Date(now.getTime() + LEASE_MS).toISOString(),
  };
  if (!(await deps.store.jobLeases.tryAcquire(lease, now.toISOString()))) {
    deps.logger.info({ tenantId }, 'another replica is subscribing this tenant');
    return { kind: 'another-replica' };
  }
  const active = (await deps.subscriptions.list(tenantId)).filter((s) => s.status === 'active');
  const created: Array<'users' | 'groups'> = [];
  for (const resource of ['users', 'groups'] as const) {
    if (active.some((s) => s.resource === resource)) continue;
    await deps.subscriptions.create({ tenantId, resource });
    created.push(resource);
  }
  return { kind: 'subscribed', created };
}
