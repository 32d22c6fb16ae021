/**
 * Which tenant a queued message belongs to, for fairness across tenants: the embedded queue stores it beside the
 * message (`tenant_id`, migration 006) and deals each receive round-robin across tenants (embedded/fair-heads.ts);
 * Service Bus puts the message in one of its tenant's sessions (service-bus/tenant-session.ts). Every work item
 * names its tenant (work-item.ts); a body that does not (a poison message, which the worker dead-letters on sight)
 * falls back to the ordering key's prefix, which every sender builds as `tenant/subject` (`orderingKeyFor`), else
 * ''. Migration 006 backfills by the same rule.
 *
 * The SQLite send thread is handed the answer (sqlite-send-protocol.ts), never this file.
 */
export function tenantOfMessage(body: unknown, orderingKey: string): string {
  if (typeof body === 'object' && body !== null && 'tenantId' in body) {
    const tenantId = body.tenantId;
    if (typeof tenantId === 'string') return tenantId;
  }
  const slash = orderingKey.indexOf('/');
  return slash > 0 ? orderingKey.slice(0, slash) : '';
}
