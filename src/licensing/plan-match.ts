/**
 * When a service plan counts as "the" plan a rule asks about: the same GUID, or a plan of the same family by
 * Microsoft's plan name (MCOEV_GOV counts as MCOEV). See PLAN_FAMILIES for why names are used.
 */
import type { ServicePlan } from '../glossary';
import { PLAN_FAMILIES, PLAN_ID_FAMILIES } from './catalog-data';

/** Graph sends GUIDs lower-case, but audit text and admin input may not: compare them case-insensitively. */
export function normaliseGuid(id: string): string {
  return id.trim().toLowerCase();
}

export function planMatches(plan: ServicePlan, planId: string): boolean {
  const wanted = normaliseGuid(planId);
  const given = normaliseGuid(plan.servicePlanId);
  if (given === wanted || PLAN_ID_FAMILIES.get(wanted)?.includes(given) === true) return true;
  const family = PLAN_FAMILIES.get(wanted);
  return family !== undefined && family.includes(plan.servicePlanName.toUpperCase());
}
