-- Fairness across tenants (issue 19 item 6): each receive takes work round-robin across the tenants that have due
-- messages (src/queue/embedded/fair-heads.ts), so one tenant's storm (a bulk license change on 20,000 users) does
-- not hold another tenant's single change behind it. The tenant is a column, not parsed out of the body or the
-- ordering key per receive, so that receive can list the tenants and take each tenant's oldest heads on an index.
--
-- Backfill: the body's tenantId (every work item has one, src/queue/work-item.ts); a body that is not JSON or has
-- none (a poison message) falls back to the ordering key's prefix (`tenant/subject`), else ''. PostgreSQL 15 has no
-- pg_input_is_valid, so the body is parsed by a temporary function that answers NULL where the cast would fail.
ALTER TABLE queue_messages ADD COLUMN tenant_id TEXT NOT NULL DEFAULT '';

CREATE FUNCTION pg_temp.queue_body_tenant(body TEXT) RETURNS TEXT LANGUAGE plpgsql AS $$
BEGIN
  RETURN body::jsonb ->> 'tenantId';
EXCEPTION WHEN others THEN
  RETURN NULL;
END
$$;

UPDATE queue_messages SET tenant_id = COALESCE(
  pg_temp.queue_body_tenant(body),
  CASE WHEN strpos(ordering_key, '/') > 1 THEN split_part(ordering_key, '/', 1) END,
  '');

DROP FUNCTION pg_temp.queue_body_tenant(TEXT);

-- (tenant_id, seq): one tenant's messages in queue order, for "each tenant's oldest heads", and a skip-scan of the
-- distinct tenants (MIN(tenant_id) WHERE tenant_id > $1).
CREATE INDEX queue_messages_tenant ON queue_messages (tenant_id, seq);
