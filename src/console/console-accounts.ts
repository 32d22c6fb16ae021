/**
 * The console's resource-account list: the registry and the accounts ra-watch identified (the registry wins, as in
 * `GET /api/resource-accounts`), each joined with what an admin needs to judge it at a glance: its name, the licenses
 * of its last snapshot (SKU part numbers from the known catalog) and its open findings.
 */
import type { Alert, IsoTime, Severity, TenantId, UserId } from '../glossary';
import { createLicenseCatalog } from '../licensing/license-catalog';
import type { Store } from '../store/store';

export interface ConsoleLicense {
  skuId: string;
  /** `MCOEV`, `PHONESYSTEM_VIRTUALUSER`...; null for a SKU the catalog does not know. */
  skuPartNumber: string | null;
  /** The group that assigned it (group-based licensing), when one did. */
  assignedByGroup: string | null;
}

export interface ConsoleFinding {
  alertId: string;
  ruleId: string;
  severity: Severity;
  title: string;
}

export interface ConsoleAccount {
  tenantId: TenantId;
  userId: UserId;
  displayName: string | null;
  userPrincipalName: string | null;
  isResourceAccount: boolean;
  /** `registry` when an admin declared or excluded it; otherwise how ra-watch identified it. */
  identifiedBy: string;
  inRegistry: boolean;
  application: string;
  detail: string;
  note: string | null;
  updatedAt: IsoTime;
  /** null until ra-watch has read the account from Graph once. */
  licenses: ConsoleLicense[] | null;
  deleted: boolean;
  openFindings: ConsoleFinding[];
}

const ALERT_LIMIT = 10_000;

export async function listConsoleAccounts(store: Store, tenantId: TenantId): Promise<ConsoleAccount[]> {
  const [registry, identified, open] = await Promise.all([
    store.registry.list(tenantId),
    store.identifications.listResourceAccounts(tenantId),
    store.alerts.list({ tenantId, state: 'open', limit: ALERT_LIMIT }),
  ]);
  const declared = new Set(registry.map((e) => e.userId.toLowerCase()));
  const base = [
    ...registry.map((e) => ({
      userId: e.userId,
      isResourceAccount: e.isResourceAccount,
      identifiedBy: 'registry',
      inRegistry: true,
      application: e.application,
      detail: e.isResourceAccount
        ? 'declared a resource account by an admin'
        : 'excluded by an admin: not a resource account',
      note: e.note,
      updatedAt: e.updatedAt,
    })),
    ...identified
      .filter(
        (r) =>
          !declared.has(r.userId.toLowerCase()) && r.identifiedBy !== null && r.identifiedBy !== 'registry',
      )
      .map((r) => ({
        userId: r.userId,
        isResourceAccount: r.isResourceAccount,
        identifiedBy: r.identifiedBy ?? 'unknown',
        inRegistry: false,
        application: r.application,
        detail: r.detail,
        note: null,
        updatedAt: r.checkedAt,
      })),
  ];

  const findingsByUser = new Map<string, ConsoleFinding[]>();
  for (const alert of open) {
    if (alert.userId === null) continue;
    const key = alert.userId.toLowerCase();
    findingsByUser.set(key, [...(findingsByUser.get(key) ?? []), findingOf(alert)]);
  }
  // Names only: the tenant's own subscribedSkus would need a Graph call on every poll, and the known catalog names
  // every SKU that matters to resource accounts.
  const catalog = createLicenseCatalog([]);

  return Promise.all(
    base.map(async (entry): Promise<ConsoleAccount> => {
      const snapshot = await store.snapshots.get(tenantId, entry.userId);
      const groups = new Map(
        (snapshot?.licenseAssignmentStates ?? []).map((s) => [s.skuId.toLowerCase(), s.assignedByGroup]),
      );
      return {
        tenantId,
        ...entry,
        displayName: snapshot?.displayName ?? null,
        userPrincipalName: snapshot?.userPrincipalName ?? null,
        licenses:
          snapshot === null
            ? null
            : snapshot.assignedLicenses.map((l) => ({
                skuId: l.skuId,
                skuPartNumber: catalog.skuPartNumber(l.skuId),
                assignedByGroup: groups.get(l.skuId.toLowerCase()) ?? null,
              })),
        deleted: snapshot?.deleted ?? false,
        openFindings: findingsByUser.get(entry.userId.toLowerCase()) ?? [],
      };
    }),
  );
}

function findingOf(alert: Alert): ConsoleFinding {
  return { alertId: alert.id, ruleId: alert.ruleId, severity: alert.severity, title: alert.finding.title };
}
