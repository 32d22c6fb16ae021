-- Per-tenant job leases (issue 21): each periodic job (delta reconcile, renewal, digest, retention, audits) runs once
-- per tenant per interval however many replicas run. A replica runs a job for a tenant only after taking its row
-- here with one conditional upsert (insert, or take over a row whose expires_at has passed); the row is held for the
-- interval, so the other replicas skip, and it moves to another replica once a dead holder's row expires.
-- Times are ISO text in one normal form (store/iso-time.ts), so comparing the text compares the instants.
CREATE TABLE job_leases (
  job TEXT NOT NULL,
  tenant_id TEXT NOT NULL,
  holder TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  PRIMARY KEY (job, tenant_id)
);
