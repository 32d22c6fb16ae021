/**
 * One simulated tenant: its SKUs, users and licensing groups, and every change to them. Each change bumps the
 * tenant's sync sequence (for users delta), leaves audit records for license activities, and is announced to the
 * notifier. One `assignLicense` is ONE license activity with ONE correlationId, whatever it adds and removes:
 * that is the fact ra-watch's swap rule stands on. Graph's refusals of assignLicense are in assign-license-checks.ts,
 * the licensing groups (and their licenses applied after a lag) in group-licensing.ts.
 */
import { randomUUID } from 'node:crypto';
import type { AssignedLicense } from '../../glossary';
import { AuditLog } from './audit-log';
import { checkLicenseRequest, type SimSku } from './assign-license-checks';
import { GraphOperationError } from './graph-operation-error';
import { GroupLicensing, type SimGroup } from './group-licensing';
import {
  adminInitiator,
  licenseAuditRecords,
  type AssignedPlanEntry,
  type AuditInitiator,
} from './license-audit-records';
import { effectiveLicenses, holdsSku, newSimUser, type SimUser } from './sim-user';
import { seedUserSchema, type ParsedSeedUser, type ParsedTenantSeed, type SeedUser } from './tenant-seed';
import { assignedPlanEntries, refreshPlans, type PlanSource } from './user-plans';

export type TenantChange =
  /** `licenses`: the change was a license activity (Graph may not notify those: see GraphSimulatorOptions). */
  | { kind: 'user'; userId: string; changeType: 'updated' | 'deleted'; licenses: boolean }
  | { kind: 'group'; groupId: string; memberId: string; removed: boolean };

export type { SimGroup } from './group-licensing';
export type { SimSku } from './assign-license-checks';

/** How late the tenant's audit records and group licenses are (the simulator's options). */
export interface TenantLags {
  auditLagMs: () => number;
  groupLicensingLagMs: () => number;
}

export interface UserPatch {
  displayName?: string;
  department?: string | null;
  jobTitle?: string | null;
  accountEnabled?: boolean;
  usageLocation?: string | null;
}

export class TenantState implements PlanSource {
  readonly tenantId: string;
  readonly accountName: string;
  readonly domain: string;
  /** The organisation's name (`GET /organization`). */
  readonly displayName: string;
  readonly skus = new Map<string, SimSku>();
  readonly users = new Map<string, SimUser>();
  readonly audit: AuditLog;
  private readonly licensing: GroupLicensing;
  /** Delta tokens carry the epoch they were issued in; `expireDeltaTokens` moves it on (410 for older ones). */
  deltaEpoch = 1;
  /** The next this-many license activities leave no audit records (faults.omitAuditRecordsNext). */
  omitAuditRecords = 0;
  private seq = 0;

  constructor(
    readonly seed: ParsedTenantSeed,
    lags: TenantLags,
    private readonly announce: (tenantId: string, change: TenantChange) => void,
  ) {
    this.tenantId = seed.tenantId.toLowerCase();
    this.accountName = seed.accountName;
    this.domain = `${seed.accountName}.onmicrosoft.com`;
    this.displayName = seed.displayName ?? seed.accountName;
    this.audit = new AuditLog(lags.auditLagMs);
    this.licensing = new GroupLicensing(
      {
        tenantId: this.tenantId,
        requireUser: (id) => this.requireUser(id),
        seats: (skuId) => {
          const sku = this.skus.get(skuId.toLowerCase());
          return sku === undefined
            ? undefined
            : { prepaid: sku.prepaidUnits, consumed: this.consumedUnits(skuId) };
        },
        announceMembership: (change) => this.announce(this.tenantId, { kind: 'group', ...change }),
        changeLicenses: (user, initiatedBy, mutate) => this.changeLicenses(user, initiatedBy, mutate),
        changeSilently: (user, mutate) => {
          mutate();
          this.refreshPlans(user);
        },
      },
      lags.groupLicensingLagMs,
    );
    for (const sku of seed.skus)
      this.skus.set(sku.skuId.toLowerCase(), { ...sku, subscriptionId: randomUUID() });
    for (const user of seed.users) this.insertUser(user, '2024-06-12T13:58:20Z');
    for (const group of seed.groups) {
      this.licensing.add(group);
      // Seeded members inherit silently: the seed is the starting state, not an activity.
      for (const memberId of group.memberIds) this.licensing.join(group.id, memberId, { silent: true });
    }
  }

  get groups(): ReadonlyMap<string, SimGroup> {
    return this.licensing.groups;
  }

  /** Makes the changes whose time has come (group licenses applied after their lag); every request calls it. */
  settle(): void {
    this.licensing.applyDue();
  }

  stop(): void {
    this.licensing.stop();
  }

  get sequence(): number {
    return this.seq;
  }

  /** A live (not deleted) user by id or userPrincipalName, as Graph's `/users/{id|upn}` resolves it. */
  findUser(idOrUpn: string): SimUser | undefined {
    const key = idOrUpn.toLowerCase();
    const byId = this.users.get(key);
    const user = byId ?? [...this.users.values()].find((u) => u.userPrincipalName.toLowerCase() === key);
    return user && user.deleted === null ? user : undefined;
  }

  requireUser(idOrUpn: string): SimUser {
    const user = this.findUser(idOrUpn);
    if (!user)
      throw new GraphOperationError(
        404,
        'Request_ResourceNotFound',
        `Resource '${idOrUpn}' does not exist or one of its queried reference-property objects are not present.`,
      );
    return user;
  }

  consumedUnits(skuId: string): number {
    const sku = this.skus.get(skuId.toLowerCase());
    const modelled = [...this.users.values()].filter((u) => u.deleted === null && holdsSku(u, skuId)).length;
    return (sku?.unmodelledConsumedUnits ?? 0) + modelled;
  }

  skuPartNumber(skuId: string): string {
    return this.skus.get(skuId.toLowerCase())?.skuPartNumber ?? 'UNKNOWN';
  }

  assignLicense(
    idOrUpn: string,
    request: { addLicenses: AssignedLicense[]; removeLicenses: string[] },
    initiatedBy: AuditInitiator = adminInitiator(this.domain),
  ): string {
    const user = this.requireUser(idOrUpn);
    const add = request.addLicenses.map((l) => ({
      skuId: l.skuId.toLowerCase(),
      disabledPlans: l.disabledPlans.map((p) => p.toLowerCase()),
    }));
    const remove = request.removeLicenses.map((s) => s.toLowerCase());
    checkLicenseRequest(this.skus, (skuId) => this.consumedUnits(skuId), user, { add, remove });
    return this.changeLicenses(user, initiatedBy, () => {
      const now = new Date().toISOString();
      user.directLicenses = user.directLicenses.filter((l) => !remove.includes(l.skuId));
      for (const license of add) {
        user.directLicenses = user.directLicenses.filter((l) => l.skuId !== license.skuId);
        user.directLicenses.push({ ...license, lastUpdatedDateTime: now.replace(/\.\d{3}Z$/, 'Z') });
      }
    });
  }

  createUser(input: SeedUser): SimUser {
    const parsed = seedUserSchema.parse(input);
    if (this.users.has(parsed.id.toLowerCase()))
      throw new GraphOperationError(
        400,
        'Request_BadRequest',
        `Another object with the same value for property id already exists.`,
      );
    const user = this.insertUser(parsed, new Date().toISOString());
    this.touch(user);
    // Creation reaches a users subscription as `updated` (users and groups have no `created`).
    this.announce(this.tenantId, { kind: 'user', userId: user.id, changeType: 'updated', licenses: false });
    return user;
  }

  updateUser(idOrUpn: string, patch: UserPatch): void {
    const user = this.requireUser(idOrUpn);
    if (patch.displayName !== undefined) user.displayName = patch.displayName;
    if (patch.department !== undefined) user.department = patch.department;
    if (patch.jobTitle !== undefined) user.jobTitle = patch.jobTitle;
    if (patch.accountEnabled !== undefined) user.accountEnabled = patch.accountEnabled;
    if (patch.usageLocation !== undefined) user.usageLocation = patch.usageLocation;
    this.touch(user);
    this.announce(this.tenantId, { kind: 'user', userId: user.id, changeType: 'updated', licenses: false });
  }

  /** Soft delete arrives as `updated` and delta `@removed: changed`; a permanent delete as `deleted` / `deleted`. */
  deleteUser(idOrUpn: string, options: { permanent?: boolean } = {}): void {
    const user = this.requireUser(idOrUpn);
    user.deleted = options.permanent === true ? 'permanent' : 'soft';
    this.licensing.forget(user.id);
    this.touch(user);
    this.announce(this.tenantId, {
      kind: 'user',
      userId: user.id,
      changeType: options.permanent === true ? 'deleted' : 'updated',
      licenses: false,
    });
  }

  addGroupMember(groupId: string, idOrUpn: string): void {
    this.licensing.join(groupId, this.requireUser(idOrUpn).id, { silent: false });
  }

  removeGroupMember(groupId: string, idOrUpn: string): void {
    this.licensing.leave(groupId, idOrUpn);
  }

  /** Applies a license mutation as one activity: audit pair, delta sequence, notification. */
  private changeLicenses(user: SimUser, initiatedBy: AuditInitiator, mutate: () => void): string {
    const correlationId = randomUUID();
    const before = effectiveLicenses(user);
    const plansBefore = this.assignedPlanEntries(user);
    mutate();
    this.refreshPlans(user);
    const after = effectiveLicenses(user);
    const atMs = Date.now();
    const records = licenseAuditRecords({
      tenantId: this.tenantId,
      correlationId,
      atMs,
      user,
      before,
      after,
      plansBefore,
      plansAfter: this.assignedPlanEntries(user),
      initiatedBy,
      detailOn: this.seed.auditDetailOn,
      skuPartNumber: (skuId) => this.skuPartNumber(skuId),
      sequence: this.audit.takeSequence(),
      splitAbove: this.seed.splitAuditDetailAbove ?? null,
    });
    // Practical365 documented license changes that never reached the audit log: a fault can reproduce that.
    if (this.omitAuditRecords > 0) this.omitAuditRecords--;
    else this.audit.add(records, atMs);
    this.touch(user);
    this.announce(this.tenantId, { kind: 'user', userId: user.id, changeType: 'updated', licenses: true });
    return correlationId;
  }

  private touch(user: SimUser): void {
    user.changeSeq = ++this.seq;
    user.modifiedDateTime = new Date().toISOString();
  }

  planName(servicePlanId: string): string {
    for (const sku of this.skus.values()) {
      const plan = sku.servicePlans.find(
        (p) => p.servicePlanId.toLowerCase() === servicePlanId.toLowerCase(),
      );
      if (plan) return plan.servicePlanName;
    }
    return 'UNKNOWN';
  }

  private insertUser(seed: ParsedSeedUser, createdDateTime: string): SimUser {
    const user = newSimUser(seed, createdDateTime, ++this.seq);
    this.users.set(user.id, user);
    this.refreshPlans(user);
    return user;
  }

  private refreshPlans(user: SimUser): void {
    refreshPlans(user, this);
  }

  private assignedPlanEntries(user: SimUser): AssignedPlanEntry[] {
    return assignedPlanEntries(user, this);
  }

  plansOf(skuId: string): Array<{ servicePlanId: string; servicePlanName: string }> | undefined {
    return this.skus.get(skuId.toLowerCase())?.servicePlans;
  }
}
