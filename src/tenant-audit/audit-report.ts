/**
 * What a full-tenant audit reports: every resource account and how it was recognised, every current violation of
 * every rule, and the allocation with its counting basis. Plain JSON, so it can be returned by the API, printed by the
 * CLI (table, --json, --csv) and compared with the previous audit.
 */
import type {
  Allocation,
  Finding,
  IdentificationSource,
  IsoTime,
  ResourceAccount,
  TenantId,
  UserId,
} from '../glossary';

export interface AuditLicense {
  skuId: string;
  /** Null when neither the tenant nor the catalog knows the SKU. */
  skuPartNumber: string | null;
}

export interface AuditResourceAccount {
  userId: UserId;
  upn: string | null;
  displayName: string | null;
  identifiedBy: IdentificationSource;
  /** What exactly decided (e.g. `accountType=resourceAccount`). */
  detail: string;
  application: ResourceAccount['application'];
  licenses: AuditLicense[];
}

export interface AuditRecording {
  /** Alerts opened by this audit (the baseline raises what the worker would have). */
  opened: number;
  stillOpen: number;
  resolved: number;
  /** Users handed to the worker because the stored snapshot was missing or out of date. */
  baselineQueued: number;
  deltaLinkStored: boolean;
}

export interface AuditReport {
  tenantId: TenantId;
  startedAt: IsoTime;
  finishedAt: IsoTime;
  usersScanned: number;
  pages: number;
  /** Users Graph's Teams configuration was asked about (candidates: disabled, RA license, known). */
  teamsLookups: number;
  /** Resource accounts in Teams' own list (read once, before the scan); null when it could not be read. */
  teamsResourceAccountsListed: number | null;
  resourceAccounts: AuditResourceAccount[];
  /** Every current violation: account findings, then tenant (allocation) findings. */
  findings: Finding[];
  allocation: Allocation;
  /** When the previous audit of this tenant finished, if one did. */
  previousAuditAt: IsoTime | null;
  /** Dedupe keys of findings the previous audit did not have (all of them when there was none). */
  newSinceLastAudit: string[];
  /** Dedupe keys the previous audit had and this one no longer finds. */
  goneSinceLastAudit: string[];
  /** Set when the audit ran with `record: true`. */
  recorded: AuditRecording | null;
}
