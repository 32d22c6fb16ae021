-- The tenant registry (issue 19): every tenant ra-watch watches, with the names an admin knows it by (Graph's
-- GET /organization: displayName and the default verified domain), how it is going (active, pending-consent, blind,
-- removed), who added it and when, and per-tenant settings as JSON text (same on both engines, like every JSON column).
-- Ids are stored lower-case, as everywhere else.
CREATE TABLE tenants (
  id TEXT PRIMARY KEY,
  display_name TEXT,
  default_domain TEXT,
  status TEXT NOT NULL,
  status_detail TEXT,
  added_at TEXT NOT NULL,
  added_by TEXT,
  checked_at TEXT,
  settings TEXT NOT NULL DEFAULT '{}'
);
