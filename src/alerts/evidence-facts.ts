/**
 * A finding's evidence (rule-specific JSON) as lines an admin reads: licenses by part number, the audit activities
 * with their times, counts. Rules put what they know in `evidence`; this reads the shapes `rules/license-evidence.ts`
 * and `rules/allocation-evidence.ts` write, and shows any other value as "label: value", so a new evidence field is
 * shown rather than lost.
 */
import type { Json } from '../glossary';

export interface Fact {
  label: string;
  value: string;
}

/** One license operation from the audit log, as the swap evidence records it. */
export interface ActivityLine {
  role: string;
  at: string;
  initiatedBy: string | null;
  added: string[];
  removed: string[];
}

type JsonObject = { [key: string]: Json };

const labels: Record<string, string> = {
  assignedLicenses: 'Licenses now',
  grants: 'Teams Phone Standard granted by',
  teamsPhoneStandardGrants: 'Teams Phone Standard granted by',
  failedAssignments: 'Failed license assignments',
  unknownSkuIds: 'Unknown SKUs',
  identifiedBy: 'Identified as resource account by',
  identificationDetail: 'Identification detail',
  holdsResourceAccountLicense: 'Holds the Resource Account license',
  withoutLicenseFrom: 'Without a license from',
  withoutLicenseUntil: 'Without a license until',
  secondsWithoutLicense: 'Seconds without a license',
  standardLastSeenAt: 'Teams Phone Standard last seen',
  neitherLicenseSeenAt: 'Neither license seen',
  qualifyingLicenses: 'Licenses that include Teams Phone',
  freeAllocation: 'Free allocation',
  needed: 'Resource accounts needing a license',
  purchasedRaLicenses: 'Resource Account licenses bought',
  toBuy: 'Beyond the free allocation (paid)',
  unclaimed: 'Free seats not yet claimed',
  basisText: 'Counting basis',
  observedAt: 'Observed at',
};

/** Keys shown elsewhere in the message (activities) or only useful to machines (ids already in the basis text). */
const hidden = new Set(['activities', 'basis', 'proof']);

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: Json | undefined): string | null {
  return typeof value === 'string' ? value : null;
}

function words(key: string): string {
  const spaced = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

/** `ENTERPRISEPREMIUM` for a license/grant object, with the group when group-based licensing brought it. */
function licenseName(item: Json): string {
  if (!isObject(item)) return scalar(item);
  const name = str(item.skuPartNumber) ?? str(item.skuId) ?? JSON.stringify(item);
  const parts = [name];
  const plans = item.disabledPlans;
  if (Array.isArray(plans) && plans.length > 0) parts.push(`(${plans.length} plan(s) disabled)`);
  const group = str(item.assignedByGroup);
  if (group !== null) parts.push(`via group ${group}`);
  const error = str(item.error);
  if (error !== null) parts.push(`error ${error}`);
  return parts.join(' ');
}

function scalar(value: Json): string {
  if (value === null) return 'none';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.map(licenseName).join(', ');
  return JSON.stringify(value);
}

export function evidenceFacts(evidence: JsonObject): Fact[] {
  const facts: Fact[] = [];
  for (const [key, value] of Object.entries(evidence)) {
    if (hidden.has(key) || value === undefined) continue;
    facts.push({ label: labels[key] ?? words(key), value: scalar(value) });
  }
  return facts;
}

function skuList(value: Json | undefined): string[] {
  return Array.isArray(value) ? value.map(licenseName) : [];
}

/** The audit activities of a swap, in the order the rule recorded them. */
export function evidenceActivities(evidence: JsonObject): ActivityLine[] {
  const activities = evidence.activities;
  if (!Array.isArray(activities)) return [];
  return activities.filter(isObject).map((activity) => ({
    role: str(activity.role) ?? 'license change',
    at: str(activity.at) ?? 'unknown time',
    initiatedBy: str(activity.initiatedBy),
    added: skuList(activity.addedSkus),
    removed: skuList(activity.removedSkus),
  }));
}

/** "2025-03-04 10:21:47 UTC: removed Teams Phone Standard (removed MCOEV) by admin@contoso.com" */
export function describeActivity(activity: ActivityLine): string {
  const changes = [
    activity.removed.length > 0 ? `removed ${activity.removed.join(', ')}` : null,
    activity.added.length > 0 ? `added ${activity.added.join(', ')}` : null,
  ].filter((c): c is string => c !== null);
  const by = activity.initiatedBy === null ? '' : ` by ${activity.initiatedBy}`;
  return `${readableTime(activity.at)}: ${activity.role}${changes.length > 0 ? ` (${changes.join('; ')})` : ''}${by}`;
}

/** `2025-03-04 10:21:47 UTC`: what an admin reads; the ISO form stays in the API. */
export function readableTime(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
