/**
 * Replays a resource account's license activities to find Standard → Resource Account swaps and whether each was one
 * operation or two.
 *
 * A step "removes Standard" only when it takes away the LAST enabled MCOEV (an account holding Standard through two
 * SKUs that drops one is not swapping), and "adds the RA license" only when the account did not hold it before. So the
 * replay keeps the set of SKUs held, seeded from the before snapshot and corrected by the activities themselves:
 * audit records can predate or postdate a snapshot, so a SKU whose first activity is a removal was held at the start
 * of the window, and one whose first activity is an addition was not.
 */
import type { AssignedLicense, LicenseActivity, ResourceAccount, UserSnapshot } from '../glossary';
import { MCOEV_PLAN_ID, MCOEV_VIRTUALUSER_PLAN_ID } from '../licensing/catalog-data';
import type { LicenseCatalog } from '../licensing/license-catalog';
import { normaliseGuid } from '../licensing/plan-match';

export interface Holdings {
  standard: boolean;
  resourceAccountLicense: boolean;
}

export type SwapIncident =
  /** Standard removed in one activity, the RA license added in a later one (or not seen yet): a window with neither. */
  | { order: 'remove-first'; removal: LicenseActivity; addition: LicenseActivity | null }
  /** The RA license added in one activity while Standard was held, Standard removed in a later one. */
  | { order: 'add-first'; addition: LicenseActivity; removal: LicenseActivity }
  /** No audit record explains it, but the snapshots went from Standard only to neither: proof by itself. */
  | { order: 'remove-first-by-snapshots'; before: UserSnapshot; after: UserSnapshot };

export interface SwapReplay {
  incidents: SwapIncident[];
  /** Activities that removed Standard and added the RA license together: the correct, atomic swap. */
  atomic: LicenseActivity[];
}

export function holdingsOf(licenses: readonly AssignedLicense[], catalog: LicenseCatalog): Holdings {
  return {
    standard: catalog.hasEnabledPlan(licenses, MCOEV_PLAN_ID),
    resourceAccountLicense: catalog.hasEnabledPlan(licenses, MCOEV_VIRTUALUSER_PLAN_ID),
  };
}

/**
 * This account's activities, once each, oldest first. The audit log repeats records and our polls overlap, so the
 * same activity (correlation id) can arrive twice or in parts: its parts are merged, never counted as two activities.
 */
export function orderedActivities(
  activities: readonly LicenseActivity[],
  account: ResourceAccount,
): LicenseActivity[] {
  const byId = new Map<string, LicenseActivity>();
  for (const activity of activities) {
    if (normaliseGuid(activity.userId) !== normaliseGuid(account.userId)) continue;
    if (normaliseGuid(activity.tenantId) !== normaliseGuid(account.tenantId)) continue;
    const key = normaliseGuid(activity.activityId);
    const seen = byId.get(key);
    byId.set(key, seen === undefined ? activity : mergeParts(seen, activity));
  }
  return [...byId.values()].sort(
    (a, b) => Date.parse(a.at) - Date.parse(b.at) || a.activityId.localeCompare(b.activityId),
  );
}

function mergeParts(a: LicenseActivity, b: LicenseActivity): LicenseActivity {
  const union = (x: readonly string[], y: readonly string[]) => [...new Set([...x, ...y])];
  return {
    ...a,
    at: Date.parse(b.at) < Date.parse(a.at) ? b.at : a.at,
    initiatedBy: a.initiatedBy ?? b.initiatedBy,
    addedSkuIds: union(a.addedSkuIds, b.addedSkuIds),
    removedSkuIds: union(a.removedSkuIds, b.removedSkuIds),
    auditRecordIds: union(a.auditRecordIds, b.auditRecordIds),
  };
}

export function replaySwaps(
  before: UserSnapshot | null,
  after: UserSnapshot,
  activities: readonly LicenseActivity[],
  catalog: LicenseCatalog,
): SwapReplay {
  // disabledPlans are not in the audit activity: take them from whichever snapshot shows the SKU (MCOEV switched off
  // in an E5 license means that E5 never brought Standard).
  const knownLicenses = new Map<string, AssignedLicense>();
  for (const license of [...after.assignedLicenses, ...(before?.assignedLicenses ?? [])]) {
    knownLicenses.set(normaliseGuid(license.skuId), license);
  }
  const licenseFor = (skuId: string): AssignedLicense =>
    knownLicenses.get(normaliseGuid(skuId)) ?? { skuId, disabledPlans: [] };

  const held = initialHoldings(before, activities, licenseFor);
  const holdings = () => holdingsOf([...held.values()], catalog);

  const incidents: SwapIncident[] = [];
  const atomic: LicenseActivity[] = [];
  let pendingRemoval: LicenseActivity | null = null;
  let pendingAddition: LicenseActivity | null = null;
  let sawAddition = false;

  for (const activity of activities) {
    const was = holdings();
    for (const skuId of activity.removedSkuIds) held.delete(normaliseGuid(skuId));
    for (const skuId of activity.addedSkuIds) held.set(normaliseGuid(skuId), licenseFor(skuId));
    const now = holdings();

    const lostStandard = was.standard && !now.standard;
    const gainedRa = !was.resourceAccountLicense && now.resourceAccountLicense;
    const lostRa = was.resourceAccountLicense && !now.resourceAccountLicense;
    if (gainedRa) sawAddition = true;

    if (lostStandard && gainedRa) {
      atomic.push(activity);
      pendingRemoval = null;
      pendingAddition = null;
    } else if (lostStandard && lostRa) {
      // Everything removed at once is not a swap (the unlicensed rule reports the result).
      pendingRemoval = null;
      pendingAddition = null;
    } else if (lostStandard) {
      if (now.resourceAccountLicense && pendingAddition !== null) {
        incidents.push({ order: 'add-first', addition: pendingAddition, removal: activity });
      } else if (!now.resourceAccountLicense) {
        pendingRemoval = activity;
      }
      pendingAddition = null;
    } else if (gainedRa) {
      if (now.standard) {
        pendingAddition = activity;
      } else if (pendingRemoval !== null) {
        incidents.push({ order: 'remove-first', removal: pendingRemoval, addition: activity });
        pendingRemoval = null;
      }
    } else {
      if (lostRa) pendingAddition = null;
      if (!was.standard && now.standard) pendingRemoval = null;
    }
  }

  // Standard removed and no addition seen (yet): the account went without the RA license, whether or not the
  // addition's audit record has arrived. Unless Standard is back, that is a remove-first swap.
  if (pendingRemoval !== null && !holdingsOf(after.assignedLicenses, catalog).standard) {
    incidents.push({ order: 'remove-first', removal: pendingRemoval, addition: null });
  }

  if (incidents.length === 0 && atomic.length === 0 && !sawAddition && before !== null && !before.deleted) {
    const was = holdingsOf(before.assignedLicenses, catalog);
    const now = holdingsOf(after.assignedLicenses, catalog);
    if (was.standard && !was.resourceAccountLicense && !now.standard && !now.resourceAccountLicense) {
      incidents.push({ order: 'remove-first-by-snapshots', before, after });
    }
  }
  return { incidents, atomic };
}

function initialHoldings(
  before: UserSnapshot | null,
  activities: readonly LicenseActivity[],
  licenseFor: (skuId: string) => AssignedLicense,
): Map<string, AssignedLicense> {
  const held = new Map<string, AssignedLicense>();
  if (before !== null && !before.deleted) {
    for (const license of before.assignedLicenses) held.set(normaliseGuid(license.skuId), license);
  }
  const firstMention = new Map<string, 'added' | 'removed'>();
  for (const activity of activities) {
    for (const skuId of activity.removedSkuIds) {
      if (!firstMention.has(normaliseGuid(skuId))) firstMention.set(normaliseGuid(skuId), 'removed');
    }
    for (const skuId of activity.addedSkuIds) {
      if (!firstMention.has(normaliseGuid(skuId))) firstMention.set(normaliseGuid(skuId), 'added');
    }
  }
  for (const [skuId, mention] of firstMention) {
    if (mention === 'added') held.delete(skuId);
    else if (!held.has(skuId)) held.set(skuId, licenseFor(skuId));
  }
  return held;
}
