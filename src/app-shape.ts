/**
 * What `startApp` (app.ts, the composition root) is given and what it gives back: the options a caller (the CLI, the
 * demo, a test) may set, and the running app with its parts and `stop()`.
 */
import type express from 'express';
import type { Registry } from 'prom-client';
import type { OutboxDispatcher, OutboxDispatcherOptions } from './alerts/outbox-dispatcher';
import type { AuditReport } from './tenant-audit/audit-report';
import type { TenantAuditOptions } from './tenant-audit/tenant-audit';
import type { Config } from './config';
import type { Routing, TenantId } from './glossary';
import type { TokenProvider } from './graph/client/credential';
import type { TenantDiscovery } from './tenants/tenant-discovery';
import type { GraphReader } from './graph/graph-reader';
import type { Ingest } from './ingest/ingest';
import type { Logger } from './logger';
import type { Queue } from './queue/queue';
import type { Database } from './store/database';
import type { Store } from './store/store';
import type { DeltaReconciler } from './subscriptions/delta-reconcile';
import type { SubscriptionManager } from './subscriptions/subscription-manager';
import type { Worker } from './worker/worker';
import type { TenantService } from './tenants/tenant-service';
import type { ChannelService } from './alerts/channels/channel-service';
import type { WatchedTenants } from './tenants/watched-tenants';
import type { WorkerOptions } from './worker/worker-context';

/** Where Graph is and how to get a token for a tenant. Defaults to the configured credential. */
export interface GraphAccess {
  baseUrl: string;
  tokenProvider: TokenProvider;
  /** How `tenants add <domain>` finds the tenant id before consent (tenant-discovery.ts); absent: after consent only. */
  discoverTenant?: TenantDiscovery;
}

export interface AppOptions {
  config: Config;
  logger: Logger;
  /** The demo and `serve` without a tenant point this at the built-in simulator. */
  graph?: GraphAccess;
  /** Tenants watched (delta reconcile, audits); default: the configured AZURE_TENANT_ID. */
  tenantIds?: TenantId[];
  /** Used when PUBLIC_BASE_URL is unset and Graph can reach the local server (the simulator). */
  publicBaseUrlFallback?: 'local-url';
  worker?: WorkerOptions;
  dispatcher?: Partial<OutboxDispatcherOptions>;
  /** Delta reconcile interval (the safety net for changes that fire no notification). Default 15 min. */
  reconcileIntervalMs?: number;
  /** Run the loops (default true). The CLI's one-shot commands open the app without them. */
  background?: boolean;
  /** Listen for HTTP (default true). */
  listen?: boolean;
  /** More routers mounted after /api and before the JSON 404 (the web console at '/'). */
  routers?: Array<{ path: string; router: express.Router }>;
}

export interface App {
  readonly config: Config;
  readonly logger: Logger;
  readonly database: Database;
  readonly store: Store;
  readonly queue: Queue;
  readonly graph: GraphReader;
  readonly subscriptions: SubscriptionManager;
  readonly reconciler: DeltaReconciler;
  readonly worker: Worker;
  readonly dispatcher: OutboxDispatcher;
  readonly ingest: Ingest;
  readonly metrics: Registry;
  /** `http://host:port` once listening, else null. */
  readonly url: string | null;
  /** `http://host:port` of the METRICS_PORT listener (GET /metrics only) once listening, else null. */
  readonly metricsUrl: string | null;
  readonly tenantIds: TenantId[];
  /** The tenant registry's operations (issue 19): add, check, remove. */
  readonly tenants: TenantService;
  /** The live list of watched tenants. */
  readonly watched: WatchedTenants;
  /** Named alert channels and per-tenant routes (issue 19). */
  readonly channels: ChannelService;
  /** Which sinks an alert goes to: the routes, else the environment's channels. */
  readonly routing: Routing;
  audit(tenantId: TenantId, options?: TenantAuditOptions): Promise<AuditReport>;
  /** Idempotent; drains and closes everything. */
  stop(): Promise<void>;
}
