-- Named alert channels and per-tenant routes (issue 19). A channel's secret settings (its webhook URL, a signing
-- secret) are in `sealed_secrets`, encrypted with CHANNEL_SECRETS_KEY (src/alerts/channels/channel-secrets.ts), and
-- null when it has none (an e-mail channel); `target` is what may be shown (a URL's host, the recipients);
-- `settings` holds the rest as JSON text. A route sends the alerts of some tenants (`tenant_ids`, a JSON array;
-- empty: every tenant) and some severities to some channels (JSON arrays), and `also_default` 1 keeps the
-- environment's channels too.
CREATE TABLE alert_channels (
  name TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  target TEXT NOT NULL,
  sealed_secrets TEXT,
  settings TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL,
  created_by TEXT,
  updated_at TEXT NOT NULL
);
CREATE TABLE alert_routes (
  id TEXT PRIMARY KEY,
  tenant_ids TEXT NOT NULL,
  severities TEXT NOT NULL,
  channels TEXT NOT NULL,
  also_default INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  created_by TEXT
);
