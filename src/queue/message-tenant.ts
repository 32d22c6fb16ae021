/**
 * Which tenant a queued message belongs to, stored beside it (`tenant_id`, migration 006) so that receive can take
 * work round-robin across tenants (embedded/fair-heads.ts; Service Bus by its sessions, service-bus/tenant-session.ts). Every work item names its tenant (work-item.ts); a body that
 * does not (a poison message, which the worker dead-letters on sight) falls back to the ordering key's prefix,
 * which every sender builds as `tenant/subject` (`orderingKeyFor`), else ''. Migration 006 backfills by the same
 * rule.
 *
 * Pure and type-only in its imports: the SQLite send thread is given the answer, never this file (sqlite-send-protocol.ts).
 */
export function tenantOfMessage(body: unknown, orderingKey: string): string {
  if (typeof body === 'object' && body !== null && 'tenantId' in body) {
    const tenantId = body.tenantId;
    if (typeof tenantId === 'string') return tenantId;
  }
  const slash = orderingKey.indexOf('/');
  return slash > 0 ? orderingKey.slice(0, slash) : '';
}
