/**
 * What a simulator is started with: its port, how late its audit log and group licenses are, how it delivers
 * notifications, how slowly it answers, and the tenants to seed.
 */
import type { Logger } from '../../logger';
import type { TenantSeed } from './tenant-seed';

export interface GraphSimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  logger?: Logger;
  /**
   * Audit records become visible this long after the activity (default 3 s). Entra's are minutes late: p95 2 min,
   * p99 5 min (Entra "Microsoft Entra monitoring and health FAQ", reports-faq, activity-report latency;
   * https://learn.microsoft.com/entra/identity/monitoring-health/reports-faq). A function draws one lag per
   * activity (the benchmark draws them from that distribution); tests use a fixed one such as 60 s.
   */
  auditLagMs?: number | (() => number);
  /**
   * A member added to a licensing group gets the group's licenses this long after the membership change (default 0:
   * at once). Entra applies group-based licensing in the background (group-licensing.ts has the sources).
   */
  groupLicensingLagMs?: number;
  /** Users per users/delta page (default 50). */
  deltaPageSize?: number;
  /** Delta token lifetime (default 7 days). */
  deltaTokenTtlMs?: number;
  /** How long an endpoint has to answer the validation handshake (default 10 s, Graph's limit). */
  validationTimeoutMs?: number;
  /** Subscriptions per tenant before 403 (default 100, Graph's per-app quota). */
  maxSubscriptionsPerTenant?: number;
  notifications?: {
    latencyMs?: number;
    duplicateRate?: number;
    reorder?: boolean;
    random?: () => number;
    /** 2xx expected within this (default 3000 ms). */
    timeoutMs?: number;
    /** Attempts per delivery (default 4). */
    maxAttempts?: number;
    /** First retry delay, doubling (default 1000 ms). */
    retryBaseMs?: number;
    /**
     * Whether a license-only change fires a users notification (default true). Graph does not document it
     * (DOMAIN.md §5, UNCONFIRMED); false reproduces the pessimistic answer, where only delta and the audit log
     * can find the change.
     */
    onLicenseChange?: boolean;
  };
  /** Every Graph answer waits this long (default 0); the benchmark runs with 50 ms. */
  responseLatencyMs?: number;
  /**
   * Application permissions the simulated app lacks (e.g. ['AuditLog.Read.All']): their routes answer 403
   * Authorization_RequestDenied (permissions.ts). Change later with `denyPermissions`.
   */
  deniedPermissions?: string[];
  /** Tenants to seed at start. */
  seeds?: Array<TenantSeed | { seed: TenantSeed }>;
}
