/**
 * A simulated tenant's licensing groups: membership, and the licenses a group brings its members.
 *
 * Entra applies group-based licensing in the background, after the membership change: the groups notification
 * (with `members@delta`) can arrive before the member holds the group's licenses, and errors such as no seat left
 * are recorded on the user later rather than refused (Entra, "Resolve group license assignment problems":
 * https://learn.microsoft.com/entra/identity/users/licensing-groups-resolve-problems; DOMAIN.md §7, microsoft-graph-docs
 * issue 9915; the delay is unconfirmed, seconds to minutes). So a member added to a licensed group gets its licenses
 * `lagMs` later (GraphSimulatorOptions.groupLicensingLagMs; 0: at once, as before). Due applications are made
 * whenever the tenant is next touched (any request) and by a timer, so both a real-time simulator (the demo) and a
 * test that moves the clock see them at the right time. Seeded members hold their group licenses from the start.
 */
import type { AssignedLicense } from '../../glossary';
import { GraphOperationError } from './graph-operation-error';
import { GROUP_BASED_LICENSING_INITIATOR, type AuditInitiator } from './license-audit-records';
import { holdsSku, type SimUser } from './sim-user';

export interface SimGroup {
  id: string;
  displayName: string;
  assignedLicenses: AssignedLicense[];
  memberIds: Set<string>;
}

/** What the groups need from their tenant. */
export interface GroupTenant {
  readonly tenantId: string;
  requireUser(idOrUpn: string): SimUser;
  /** Seats: the SKU's prepaid units and how many are used. */
  seats(skuId: string): { prepaid: number; consumed: number } | undefined;
  announceMembership(change: { groupId: string; memberId: string; removed: boolean }): void;
  /** One license activity (audit records, delta sequence, notification). */
  changeLicenses(user: SimUser, initiatedBy: AuditInitiator, mutate: () => void): string;
  /** A change that is no activity (the seed): plans refreshed, nothing recorded. */
  changeSilently(user: SimUser, mutate: () => void): void;
}

interface PendingApplication {
  dueMs: number;
  groupId: string;
  userId: string;
}

export class GroupLicensing {
  readonly groups = new Map<string, SimGroup>();
  private pending: PendingApplication[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly tenant: GroupTenant,
    private readonly lagMs: () => number,
  ) {}

  add(group: Omit<SimGroup, 'memberIds'>): void {
    this.groups.set(group.id.toLowerCase(), { ...group, id: group.id.toLowerCase(), memberIds: new Set() });
  }

  /** Membership changes: `silent` for the seed (no notification, licenses held from the start). */
  join(groupId: string, userId: string, { silent }: { silent: boolean }): void {
    const group = this.requireGroup(groupId);
    const user = this.tenant.requireUser(userId);
    if (group.memberIds.has(user.id)) return;
    group.memberIds.add(user.id);
    if (!silent) this.tenant.announceMembership({ groupId: group.id, memberId: user.id, removed: false });
    if (group.assignedLicenses.length === 0) return;
    if (silent) {
      this.tenant.changeSilently(user, () => this.grant(group, user));
      return;
    }
    const lag = this.lagMs();
    if (lag <= 0) {
      this.tenant.changeLicenses(user, GROUP_BASED_LICENSING_INITIATOR, () => this.grant(group, user));
      return;
    }
    this.pending.push({ dueMs: Date.now() + lag, groupId: group.id, userId: user.id });
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.applyDue();
    }, lag);
    timer.unref();
    this.timers.add(timer);
  }

  leave(groupId: string, idOrUpn: string): void {
    const group = this.requireGroup(groupId);
    const user = this.tenant.requireUser(idOrUpn);
    if (!group.memberIds.delete(user.id)) return;
    // A license not applied yet never will be.
    this.pending = this.pending.filter((p) => !(p.groupId === group.id && p.userId === user.id));
    this.tenant.announceMembership({ groupId: group.id, memberId: user.id, removed: true });
    if (user.groupLicenses.some((g) => g.groupId === group.id)) {
      this.tenant.changeLicenses(user, GROUP_BASED_LICENSING_INITIATOR, () => {
        user.groupLicenses = user.groupLicenses.filter((g) => g.groupId !== group.id);
      });
    }
  }

  /** A deleted user leaves every group, with nothing left to apply. */
  forget(userId: string): void {
    for (const group of this.groups.values()) group.memberIds.delete(userId);
    this.pending = this.pending.filter((p) => p.userId !== userId);
  }

  /** Applies the group licenses whose time has come (Date.now(), which a test may move). */
  applyDue(nowMs = Date.now()): void {
    const due = this.pending.filter((p) => p.dueMs <= nowMs).sort((a, b) => a.dueMs - b.dueMs);
    if (due.length === 0) return;
    this.pending = this.pending.filter((p) => p.dueMs > nowMs);
    for (const application of due) {
      const group = this.groups.get(application.groupId);
      const user = this.findLiveUser(application.userId);
      if (group === undefined || user === undefined || !group.memberIds.has(user.id)) continue;
      this.tenant.changeLicenses(user, GROUP_BASED_LICENSING_INITIATOR, () => this.grant(group, user));
    }
  }

  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private grant(group: SimGroup, user: SimUser): void {
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    for (const license of group.assignedLicenses) {
      const seats = this.tenant.seats(license.skuId);
      const seatFree =
        holdsSku(user, license.skuId) || (seats !== undefined && seats.consumed < seats.prepaid);
      // A group that cannot assign (no seat left) records the failure on the user instead of refusing the member.
      user.groupLicenses.push({
        groupId: group.id,
        skuId: license.skuId.toLowerCase(),
        disabledPlans: license.disabledPlans,
        state: seatFree ? 'Active' : 'Error',
        error: seatFree ? 'None' : 'CountViolation',
        lastUpdatedDateTime: now,
      });
    }
  }

  private findLiveUser(userId: string): SimUser | undefined {
    try {
      return this.tenant.requireUser(userId);
    } catch {
      return undefined;
    }
  }

  private requireGroup(groupId: string): SimGroup {
    const group = this.groups.get(groupId.toLowerCase());
    if (!group)
      throw new GraphOperationError(
        404,
        'Request_ResourceNotFound',
        `Resource '${groupId}' does not exist or one of its queried reference-property objects are not present.`,
      );
    return group;
  }
}
