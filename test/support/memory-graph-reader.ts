/**
 * An in-memory stand-in for the GraphReader port, for worker tests that need Graph's answers under their control
 * (the HTTP simulator covers the wire). The test mutates the tenant (users, SKUs, Teams configurations, audit
 * activities), switches faults on ("throw this once"), and reads back what was asked (`calls`).
 *
 * It behaves like the port promises: a missing user is a snapshot with `deleted: true`, never an error; snapshots
 * are stamped with the time of the read; audit activities are filtered by user and window.
 */
import type {
  AssignedLicense,
  LicenseActivity,
  LicenseAssignmentState,
  SubscribedSku,
  TenantId,
  UserId,
  UserSnapshot,
} from '../../src/glossary';
import type { DeltaPage, GraphReader, TeamsUserConfiguration } from '../../src/graph/graph-reader';

export interface MemoryUser {
  tenantId: TenantId;
  userId: UserId;
  displayName: string | null;
  userPrincipalName: string | null;
  accountEnabled: boolean | null;
  department: string | null;
  assignedLicenses: AssignedLicense[];
  licenseAssignmentStates: LicenseAssignmentState[];
}

type Method = Exclude<keyof GraphReader, 'getUsersDeltaPage'>;

export interface MemoryGraphCalls {
  /** The ids of each getUsers call, in order. */
  getUsers: UserId[][];
  getUser: UserId[];
  getSubscribedSkus: number;
  getTeamsUserConfiguration: UserId[];
  getLicenseActivities: Array<{ userId: UserId; from: string; to: string; returned: number }>;
}

export interface MemoryGraph {
  reader: GraphReader;
  calls: MemoryGraphCalls;
  /** Add or replace a user (fields not given keep their earlier value, or a plain default). */
  setUser(user: Partial<MemoryUser> & { tenantId: TenantId; userId: UserId }): void;
  /** A hard delete: Graph answers 404 from now on. */
  deleteUser(tenantId: TenantId, userId: UserId): void;
  setSkus(tenantId: TenantId, skus: SubscribedSku[]): void;
  /** Teams' answer for a user; null: no configuration (or the permission is missing). */
  setTeamsAccountType(tenantId: TenantId, userId: UserId, accountType: string | null): void;
  addActivities(...activities: LicenseActivity[]): void;
  /** The next `reads` audit reads return nothing: the records have not arrived yet. */
  delayAudit(reads: number): void;
  /** Every answer takes this long (a slow or throttled Graph); 0 by default. */
  setLatency(ms: number): void;
  /** The next call of `method` throws `error` (once per call to failNext). */
  failNext(method: Method, error: Error): void;
}

export function createMemoryGraph(): MemoryGraph {
  const key = (tenantId: string, id: string) => `${tenantId}/${id}`.toLowerCase();
  const users = new Map<string, MemoryUser>();
  const skus = new Map<TenantId, SubscribedSku[]>();
  const teams = new Map<string, string>();
  const activities: LicenseActivity[] = [];
  const faults = new Map<Method, Error[]>();
  let auditDelayReads = 0;
  let latencyMs = 0;
  const calls: MemoryGraphCalls = {
    getUsers: [],
    getUser: [],
    getSubscribedSkus: 0,
    getTeamsUserConfiguration: [],
    getLicenseActivities: [],
  };

  /** A fault is a rejected promise, as from the real adapter. */
  const fault = async (method: Method): Promise<void> => {
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    const error = faults.get(method)?.shift();
    if (error !== undefined) throw error;
  };

  const read = (tenantId: TenantId, userId: UserId): UserSnapshot => {
    const user = users.get(key(tenantId, userId));
    const observedAt = new Date().toISOString();
    if (user === undefined) {
      return {
        tenantId,
        userId,
        displayName: null,
        userPrincipalName: null,
        accountEnabled: null,
        department: null,
        assignedLicenses: [],
        licenseAssignmentStates: [],
        deleted: true,
        observedAt,
      };
    }
    return structuredClone({ ...user, deleted: false, observedAt });
  };

  const reader: GraphReader = {
    async getUser(tenantId, userId) {
      calls.getUser.push(userId);
      await fault('getUser');
      return read(tenantId, userId);
    },
    async getUsers(tenantId, userIds) {
      calls.getUsers.push([...userIds]);
      await fault('getUsers');
      return new Map(userIds.map((id) => [id, read(tenantId, id)]));
    },
    async getSubscribedSkus(tenantId) {
      calls.getSubscribedSkus += 1;
      await fault('getSubscribedSkus');
      return structuredClone(skus.get(tenantId) ?? []);
    },
    async getTeamsUserConfiguration(tenantId, userId) {
      calls.getTeamsUserConfiguration.push(userId);
      await fault('getTeamsUserConfiguration');
      const accountType = teams.get(key(tenantId, userId));
      const answer: TeamsUserConfiguration | null =
        accountType === undefined ? null : { userId, accountType, featureTypes: [] };
      return answer;
    },
    async listTeamsResourceAccounts(tenantId) {
      await fault('listTeamsResourceAccounts');
      return [...teams]
        .filter(
          ([k, accountType]) =>
            k.startsWith(`${tenantId.toLowerCase()}/`) && accountType === 'resourceAccount',
        )
        .map(([k, accountType]) => ({ userId: k.slice(k.indexOf('/') + 1), accountType, featureTypes: [] }));
    },
    async getLicenseActivities(tenantId, userId, from, to) {
      await fault('getLicenseActivities');
      let found: LicenseActivity[] = [];
      if (auditDelayReads > 0) {
        auditDelayReads -= 1;
      } else {
        found = activities.filter(
          (a) =>
            key(a.tenantId, a.userId) === key(tenantId, userId) &&
            Date.parse(a.at) >= Date.parse(from) &&
            Date.parse(a.at) <= Date.parse(to),
        );
      }
      calls.getLicenseActivities.push({ userId, from, to, returned: found.length });
      return structuredClone(found);
    },
    getUsersDeltaPage(): Promise<DeltaPage> {
      return Promise.reject(new Error('users delta is not part of the in-memory Graph stand-in'));
    },
  };

  return {
    reader,
    calls,
    setUser(user) {
      const earlier = users.get(key(user.tenantId, user.userId));
      users.set(key(user.tenantId, user.userId), {
        displayName: `User ${user.userId.slice(0, 8)}`,
        userPrincipalName: `${user.userId.slice(0, 8)}@contoso.com`,
        accountEnabled: true,
        department: null,
        assignedLicenses: [],
        licenseAssignmentStates: [],
        ...earlier,
        ...user,
      });
    },
    deleteUser(tenantId, userId) {
      users.delete(key(tenantId, userId));
    },
    setSkus(tenantId, list) {
      skus.set(tenantId, list);
    },
    setTeamsAccountType(tenantId, userId, accountType) {
      if (accountType === null) teams.delete(key(tenantId, userId));
      else teams.set(key(tenantId, userId), accountType);
    },
    addActivities(...list) {
      activities.push(...list);
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    delayAudit(reads) {
      auditDelayReads = reads;
    },
    failNext(method, error) {
      faults.set(method, [...(faults.get(method) ?? []), error]);
    },
  };
}
