/**
 * What every route handler is given: the tenants, the subscriptions, the simulator's URL (for absolute
 * `@odata.nextLink`s) and the knobs tests turn.
 */
import type { SubscriptionRegistry } from './subscription-registry';
import type { TenantState } from './tenant-state';

export interface SimContext {
  tenant(tenantId: string): TenantState;
  baseUrl(): string;
  subscriptions: SubscriptionRegistry;
  /** Users per page of `users/delta` (Graph picks its own; small pages exercise the client's paging). */
  deltaPageSize: number;
  /** Directory delta tokens live about 7 days (graph-samples README §8). */
  deltaTokenTtlMs: number;
}
