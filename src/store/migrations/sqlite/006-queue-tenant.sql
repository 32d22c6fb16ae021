-- Fairness across tenants (issue 19 item 6): each receive takes work round-robin across the tenants that have due
-- messages (src/queue/embedded/fair-heads.ts), so one tenant's storm (a bulk license change on 20,000 users) does
-- not hold another tenant's single change behind it. The tenant is a column, not parsed out of the body or the
-- ordering key per receive, so that receive can list the tenants and take each tenant's oldest heads on an index.
--
-- Backfill: the body's tenantId (every work item has one, src/queue/work-item.ts); a body that is not JSON or has
-- none (a poison message) falls back to the ordering key's prefix (`tenant/subject`), else ''.
ALTER TABLE queue_messages ADD COLUMN tenant_id TEXT NOT NULL DEFAULT '';
UPDATE queue_messages SET tenant_id = COALESCE(
  CASE WHEN json_valid(body) AND json_type(body, '$.tenantId') = 'text' THEN json_extract(body, '$.tenantId') END,
  CASE WHEN instr(ordering_key, '/') > 1 THEN substr(ordering_key, 1, instr(ordering_key, '/') - 1) END,
  '');

-- (tenant_id, seq): one tenant's messages in queue order, for "each tenant's oldest heads", and a skip-scan of the
-- distinct tenants (MIN(tenant_id) WHERE tenant_id > ?). Its key grows at the end of each tenant's range (seq
-- ascends), so an insert touches the same few pages, unlike the random-GUID index migration 003 removed.
CREATE INDEX queue_messages_tenant ON queue_messages (tenant_id, seq);
