/**
 * The schema as Kysely sees it: one row type per table, the same on both engines. Times the store exposes are ISO
 * strings (normalised, so they sort as text); queue times are epoch milliseconds. Booleans are 0/1 integers and
 * JSON is text on both engines, so one query layer reads both without per-engine mapping. PostgreSQL returns
 * bigint columns as strings, hence `number | string` on the generated ids.
 */
import type { ColumnType } from 'kysely';

/** A bigint identity: written by the database, read as number (SQLite) or string (pg). */
type BigId = ColumnType<number | string, never, never>;
/** A bigint value written by us, read as number or string. */
type BigValue = ColumnType<number | string, number, number>;
type NullableBigValue = ColumnType<number | string | null, number | null, number | null>;
/** A 0/1 flag. */
type Flag = number;

export interface UserSnapshotsTable {
  tenant_id: string;
  user_id: string;
  snapshot: string;
  observed_at: string;
  deleted: Flag;
}

export interface EventsTable {
  id: BigId;
  tenant_id: string;
  user_id: string;
  subscription_id: string | null;
  source_kind: string;
  received_at: string;
  graph_time: string | null;
  recorded_at: string;
  change: string;
}

export interface EventAnnotationsTable {
  id: BigId;
  event_id: BigValue;
  activities: string;
  annotated_at: string;
}

export interface AlertsTable {
  id: string;
  tenant_id: string;
  dedupe_key: string;
  rule_id: string;
  severity: string;
  user_id: string | null;
  state: string;
  finding: string;
  first_seen_at: string;
  last_seen_at: string;
  seen_count: number;
  resolved_at: string | null;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  acknowledge_reason: string | null;
  snoozed_until: string | null;
  event_id: NullableBigValue;
  replayed: Flag;
}

export interface AlertOutboxTable {
  id: string;
  tenant_id: string;
  alert_id: string;
  kind: string;
  sink: string;
  status: string;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  idempotency_key: string;
  created_at: string;
  delivered_at: string | null;
  dead_at: string | null;
}

export interface SubscriptionsTable {
  id: string;
  tenant_id: string;
  resource: string;
  change_type: string;
  notification_url: string;
  lifecycle_notification_url: string | null;
  expires_at: string;
  client_state_ref: string;
  created_at: string;
  last_renewed_at: string | null;
  last_notification_at: string | null;
  status: string;
}

export interface ResourceAccountRegistryTable {
  tenant_id: string;
  user_id: string;
  is_resource_account: Flag;
  application: string;
  note: string | null;
  updated_at: string;
  updated_by: string | null;
}

export interface IdentificationsTable {
  tenant_id: string;
  user_id: string;
  is_resource_account: Flag;
  identified_by: string | null;
  detail: string;
  application: string;
  checked_at: string;
}

export interface SettingsTable {
  tenant_id: string;
  key: string;
  value: string;
  updated_at: string;
}

export interface TenantsTable {
  id: string;
  display_name: string | null;
  default_domain: string | null;
  status: string;
  status_detail: string | null;
  added_at: string;
  added_by: string | null;
  checked_at: string | null;
  settings: string;
}

/** Named alert channels (migration 005, alerts/channels/); `sealed_secrets` is ciphertext. */
export interface AlertChannelsTable {
  name: string;
  kind: string;
  target: string;
  sealed_secrets: string | null;
  settings: string;
  created_at: string;
  created_by: string | null;
  updated_at: string;
}

/** Per-tenant alert routes (migration 005); the list columns are JSON arrays as text. */
export interface AlertRoutesTable {
  id: string;
  tenant_ids: string;
  severities: string;
  channels: string;
  also_default: number;
  created_at: string;
  created_by: string | null;
}

export interface LeasesTable {
  name: string;
  holder: string;
  until: string;
}

/** Per-tenant job leases (migration 004, background/per-tenant-job.ts). */
export interface JobLeasesTable {
  job: string;
  tenant_id: string;
  holder: string;
  expires_at: string;
}

export interface QueueMessagesTable {
  seq: BigId;
  message_id: string;
  ordering_key: string;
  body: string;
  coalescing: Flag;
  coalesced_count: number;
  enqueued_at: BigValue;
  visible_at: BigValue;
  delivery_count: number;
  lease_token: string | null;
  lease_expires_at: NullableBigValue;
  /** The work item's tenant (migration 006): receive takes work round-robin across tenants. */
  tenant_id: string;
}

export interface QueueDeadLettersTable {
  id: string;
  message_id: string;
  ordering_key: string;
  body: string;
  coalescing: Flag;
  reason: string;
  description: string | null;
  delivery_count: number;
  enqueued_at: BigValue;
  dead_lettered_at: BigValue;
}

export interface Tables {
  user_snapshots: UserSnapshotsTable;
  events: EventsTable;
  event_annotations: EventAnnotationsTable;
  alerts: AlertsTable;
  alert_outbox: AlertOutboxTable;
  subscriptions: SubscriptionsTable;
  resource_account_registry: ResourceAccountRegistryTable;
  identifications: IdentificationsTable;
  settings: SettingsTable;
  leases: LeasesTable;
  job_leases: JobLeasesTable;
  tenants: TenantsTable;
  alert_channels: AlertChannelsTable;
  alert_routes: AlertRoutesTable;
  queue_messages: QueueMessagesTable;
  queue_dead_letters: QueueDeadLettersTable;
}
