/**
 * A user's service plans, as Entra tracks them for `assignedPlans` and the audit log's AssignedPlan: every plan of
 * every license held, minus the license's disabledPlans. A plan the user loses stays listed as Deleted (as in
 * graph-samples user-with-licenses.json); a plan regained gets a fresh SubscribedPlanId and timestamp.
 */
import { randomUUID } from 'node:crypto';
import type { AssignedPlanEntry } from './license-audit-records';
import { serviceInstanceOfPlan } from './plan-service';
import { effectiveLicenses, type SimUser } from './sim-user';

export interface PlanSource {
  /** The tenant SKU's plans, or undefined when the tenant does not have it. */
  plansOf(skuId: string): Array<{ servicePlanId: string; servicePlanName: string }> | undefined;
  planName(servicePlanId: string): string;
}

export function refreshPlans(user: SimUser, source: PlanSource): void {
  const enabled = new Set<string>();
  for (const license of effectiveLicenses(user)) {
    for (const plan of source.plansOf(license.skuId) ?? []) {
      const id = plan.servicePlanId.toLowerCase();
      if (!license.disabledPlans.some((d) => d.toLowerCase() === id)) enabled.add(id);
    }
  }
  const now = new Date().toISOString();
  for (const id of enabled) {
    const grant = user.planGrants.get(id);
    if (grant?.capabilityStatus === 'Enabled') continue;
    user.planGrants.set(id, {
      servicePlanId: id,
      subscribedPlanId: randomUUID(),
      assignedDateTime: now,
      capabilityStatus: 'Enabled',
    });
  }
  for (const grant of user.planGrants.values())
    if (!enabled.has(grant.servicePlanId)) grant.capabilityStatus = 'Deleted';
}

/** The AssignedPlan audit value: the plans enabled now. */
export function assignedPlanEntries(user: SimUser, source: PlanSource): AssignedPlanEntry[] {
  return [...user.planGrants.values()]
    .filter((g) => g.capabilityStatus === 'Enabled')
    .map((g) => ({
      SubscribedPlanId: g.subscribedPlanId,
      ServiceInstance: serviceInstanceOfPlan(source.planName(g.servicePlanId)),
      CapabilityStatus: 0,
      AssignedTimestamp: g.assignedDateTime,
      InitialState: null,
      Capability: null,
      ServicePlanId: g.servicePlanId,
    }));
}
