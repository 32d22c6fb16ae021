-- Replay narrowed to one tenant reads that tenant's events in log order (WHERE tenant_id = ? ORDER BY id, with a
-- time range or not): without this index it scans every tenant's events of an MSP install. The (tenant_id,
-- received_at) index serves time ranges, but its rows are not in id order, so the sort would still be needed.
CREATE INDEX events_tenant_id ON events (tenant_id, id);
