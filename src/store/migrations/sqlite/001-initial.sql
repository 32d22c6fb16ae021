-- ra-watch initial schema (SQLite). Never edit once released: add 002-*.sql instead.
-- Times the store exposes are normalised ISO-8601 text (they sort as text); queue times are epoch milliseconds.

CREATE TABLE user_snapshots (
  tenant_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  snapshot TEXT NOT NULL,
  observed_at TEXT NOT NULL,
  deleted INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, user_id)
);

-- Append-only: rows are inserted by recordObservation and never updated.
CREATE TABLE events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  subscription_id TEXT,
  source_kind TEXT NOT NULL,
  received_at TEXT NOT NULL,
  graph_time TEXT,
  recorded_at TEXT NOT NULL,
  change TEXT NOT NULL
);
CREATE INDEX events_tenant_received ON events (tenant_id, received_at);
CREATE INDEX events_tenant_user ON events (tenant_id, user_id, id);
CREATE INDEX events_subscription ON events (subscription_id, id);

-- Audit activities learned after the event was written (the swap follow-up), kept beside it.
CREATE TABLE event_annotations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id INTEGER NOT NULL REFERENCES events (id),
  activities TEXT NOT NULL,
  annotated_at TEXT NOT NULL
);
CREATE INDEX event_annotations_event ON event_annotations (event_id);

CREATE TABLE alerts (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  dedupe_key TEXT NOT NULL,
  rule_id TEXT NOT NULL,
  severity TEXT NOT NULL,
  user_id TEXT,
  state TEXT NOT NULL,
  finding TEXT NOT NULL,
  first_seen_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  seen_count INTEGER NOT NULL,
  resolved_at TEXT,
  acknowledged_at TEXT,
  acknowledged_by TEXT,
  acknowledge_reason TEXT,
  snoozed_until TEXT,
  event_id INTEGER,
  replayed INTEGER NOT NULL
);
-- One open alert per problem per tenant: "one finding never alerts twice". Resolved ones may repeat (reopen).
CREATE UNIQUE INDEX alerts_open_dedupe ON alerts (tenant_id, dedupe_key) WHERE state = 'open';
CREATE INDEX alerts_tenant_state ON alerts (tenant_id, state, user_id);

CREATE TABLE alert_outbox (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  alert_id TEXT NOT NULL REFERENCES alerts (id),
  kind TEXT NOT NULL,
  sink TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_at TEXT NOT NULL,
  last_error TEXT,
  idempotency_key TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  delivered_at TEXT,
  dead_at TEXT
);
CREATE INDEX alert_outbox_due ON alert_outbox (status, next_attempt_at);
CREATE INDEX alert_outbox_alert ON alert_outbox (alert_id);

CREATE TABLE subscriptions (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  resource TEXT NOT NULL,
  change_type TEXT NOT NULL,
  notification_url TEXT NOT NULL,
  lifecycle_notification_url TEXT,
  expires_at TEXT NOT NULL,
  client_state_ref TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_renewed_at TEXT,
  last_notification_at TEXT,
  status TEXT NOT NULL
);
CREATE INDEX subscriptions_tenant ON subscriptions (tenant_id);

CREATE TABLE resource_account_registry (
  tenant_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  is_resource_account INTEGER NOT NULL,
  application TEXT NOT NULL,
  note TEXT,
  updated_at TEXT NOT NULL,
  updated_by TEXT,
  PRIMARY KEY (tenant_id, user_id)
);

CREATE TABLE identifications (
  tenant_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  is_resource_account INTEGER NOT NULL,
  identified_by TEXT,
  detail TEXT NOT NULL,
  application TEXT NOT NULL,
  checked_at TEXT NOT NULL,
  PRIMARY KEY (tenant_id, user_id)
);

CREATE TABLE settings (
  tenant_id TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (tenant_id, key)
);

-- Leader leases (one replica renews subscriptions). Install-wide, so no tenant.
CREATE TABLE leases (
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  until TEXT NOT NULL
);

-- The embedded queue. seq gives send order (per-key FIFO); a row is leased while lease_expires_at > now.
CREATE TABLE queue_messages (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  message_id TEXT NOT NULL,
  ordering_key TEXT NOT NULL,
  body TEXT NOT NULL,
  coalescing INTEGER NOT NULL,
  coalesced_count INTEGER NOT NULL,
  enqueued_at INTEGER NOT NULL,
  visible_at INTEGER NOT NULL,
  delivery_count INTEGER NOT NULL,
  lease_token TEXT,
  lease_expires_at INTEGER
);
CREATE INDEX queue_messages_key ON queue_messages (ordering_key, seq);
CREATE INDEX queue_messages_message_id ON queue_messages (message_id);
CREATE INDEX queue_messages_visible ON queue_messages (visible_at, seq);
CREATE UNIQUE INDEX queue_messages_lease_token ON queue_messages (lease_token);

CREATE TABLE queue_dead_letters (
  id TEXT PRIMARY KEY,
  message_id TEXT NOT NULL,
  ordering_key TEXT NOT NULL,
  body TEXT NOT NULL,
  coalescing INTEGER NOT NULL,
  reason TEXT NOT NULL,
  description TEXT,
  delivery_count INTEGER NOT NULL,
  enqueued_at INTEGER NOT NULL,
  dead_lettered_at INTEGER NOT NULL
);
CREATE INDEX queue_dead_letters_time ON queue_dead_letters (dead_lettered_at);
