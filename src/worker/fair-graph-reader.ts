/**
 * The worker's Graph reader with its reads shared fairly between tenants (tenant-fair-semaphore.ts): every call
 * waits for a slot of its tenant first. One `getUsers` ($batch of up to 20 users) is one slot. The reader under it
 * (graph-reader-client.ts) still gates each tenant on Graph's Retry-After; this bounds how many of one tenant's
 * reads may be in flight at all.
 */
import type { GraphReader } from '../graph/graph-reader';
import type { TenantFairSemaphore } from './tenant-fair-semaphore';

export function fairGraphReader(reader: GraphReader, slots: TenantFairSemaphore): GraphReader {
  const batch = reader.getLicenseActivitiesBatch?.bind(reader);
  return {
    getUser: (tenantId, userId) => slots.run(tenantId, () => reader.getUser(tenantId, userId)),
    getUsers: (tenantId, userIds) => slots.run(tenantId, () => reader.getUsers(tenantId, userIds)),
    getSubscribedSkus: (tenantId, options) =>
      slots.run(tenantId, () => reader.getSubscribedSkus(tenantId, options)),
    getTeamsUserConfiguration: (tenantId, userId) =>
      slots.run(tenantId, () => reader.getTeamsUserConfiguration(tenantId, userId)),
    listTeamsResourceAccounts: (tenantId) =>
      slots.run(tenantId, () => reader.listTeamsResourceAccounts(tenantId)),
    getLicenseActivities: (tenantId, userId, from, to) =>
      slots.run(tenantId, () => reader.getLicenseActivities(tenantId, userId, from, to)),
    ...(batch === undefined
      ? {}
      : {
          getLicenseActivitiesBatch: (tenantId, queries) =>
            slots.run(tenantId, () => batch(tenantId, queries)),
        }),
    getUsersDeltaPage: (tenantId, link) =>
      slots.run(tenantId, () => reader.getUsersDeltaPage(tenantId, link)),
  };
}
