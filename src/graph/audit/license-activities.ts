/**
 * Turns directory audit records into license activities (DOMAIN.md §5): one activity per `correlationId`, which is
 * one Graph `assignLicense` call (or one admin-center operation), whatever it adds and removes.
 *
 * A license operation is logged as "Change user license" plus an "Update user" sharing its correlationId. Where the
 * AssignedLicense old/new values sit has changed over time (older records: only on "Update user"; newer: on "Change
 * user license" itself), so both are read. The values are the full sets before and after; the activity is their
 * diff. Split "sequence" records are joined first. Pure: no I/O, no clock; problems are returned, never thrown.
 */
import { describeIssues } from '../../describe-issues';
import type { IsoTime, LicenseActivity, TenantId, UserId } from '../../glossary';
import { directoryAuditSchema, type DirectoryAudit } from '../wire-schemas';
import { parseAssignedLicenseValue, type AuditLicense } from './assigned-license-value';
import type { AuditParseProblem } from './audit-parse-problem';
import { joinSequenceRecords } from './sequence-records';

export const CHANGE_USER_LICENSE = 'Change user license';
export const UPDATE_USER = 'Update user';

export interface LicenseActivityParse {
  /** Oldest first. */
  activities: LicenseActivity[];
  problems: AuditParseProblem[];
}

export interface ParseOptions {
  tenantId: TenantId;
  /** Keep only activities on this user (the query filters by target already; a record may name several targets). */
  userId?: UserId;
}

export function parseLicenseActivities(
  records: readonly unknown[],
  options: ParseOptions,
): LicenseActivityParse {
  const problems: AuditParseProblem[] = [];
  const valid: DirectoryAudit[] = [];
  for (const raw of records) {
    const parsed = directoryAuditSchema.safeParse(raw);
    if (parsed.success) {
      valid.push(parsed.data);
      continue;
    }
    problems.push({
      correlationId: stringField(raw, 'correlationId'),
      recordIds: [stringField(raw, 'id') ?? '(no id)'],
      kind: 'unreadable-record',
      message: `directory audit record does not have the expected shape: ${describeIssues(parsed.error, { root: '(root)', limit: 1 })}`,
    });
  }

  const joined = joinSequenceRecords(valid);
  problems.push(...joined.problems);

  const groups = new Map<string, DirectoryAudit[]>();
  for (const record of joined.records) {
    // Failed operations changed nothing.
    if (record.result !== null && record.result !== undefined && record.result.toLowerCase() !== 'success')
      continue;
    // One correlationId can touch many users (group-based licensing processes a whole group): one activity per user.
    const key = `${(record.correlationId ?? record.id).toLowerCase()}|${userTargetOf(record)}`;
    const group = groups.get(key) ?? [];
    if (!group.some((r) => r.id === record.id)) group.push(record); // overlapping polls repeat records
    groups.set(key, group);
  }

  const activities: LicenseActivity[] = [];
  for (const [key, group] of groups) {
    const correlationId = key.slice(0, key.indexOf('|'));
    group.sort((a, b) => Date.parse(a.activityDateTime) - Date.parse(b.activityDateTime));
    const result = activityOf(correlationId, group, joined.partIds, options);
    if (result === null) continue;
    if ('problem' in result) problems.push(result.problem);
    else activities.push(result.activity);
  }
  activities.sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.activityId.localeCompare(b.activityId));
  return { activities, problems };
}

type ActivityResult = { activity: LicenseActivity } | { problem: AuditParseProblem } | null;

function activityOf(
  correlationId: string,
  group: DirectoryAudit[],
  partIds: Map<string, string[]>,
  options: ParseOptions,
): ActivityResult {
  const recordIds = group.flatMap((r) => partIds.get(r.id) ?? [r.id]);
  const detail = licenseDetailOf(group, options.userId);
  const isLicenseOperation = group.some(
    (r) => r.activityDisplayName.toLowerCase() === CHANGE_USER_LICENSE.toLowerCase(),
  );
  if (detail === null) {
    // An "Update user" that changed something else is not a license activity; a "Change user license" without its
    // detail usually means the paired record has not arrived yet.
    if (!isLicenseOperation) return null;
    return {
      problem: {
        correlationId,
        recordIds,
        kind: 'license-detail-missing',
        message: `"${CHANGE_USER_LICENSE}" ${correlationId} carries no AssignedLicense values, and no "${UPDATE_USER}" with them was found (it may arrive later)`,
      },
    };
  }
  const userId = detail.userId ?? options.userId;
  if (
    options.userId !== undefined &&
    userId !== undefined &&
    userId.toLowerCase() !== options.userId.toLowerCase()
  )
    return null;
  const oldValue = parseAssignedLicenseValue(detail.oldValue);
  const newValue = parseAssignedLicenseValue(detail.newValue);
  if (!oldValue.ok || !newValue.ok) {
    const message = [oldValue, newValue].flatMap((v) => (v.ok ? [] : [v.problem])).join('; ');
    return { problem: { correlationId, recordIds, kind: 'unparseable-license-value', message } };
  }
  const first = group[0];
  if (first === undefined || userId === undefined) return null;
  const before = skuIds(oldValue.licenses);
  const after = skuIds(newValue.licenses);
  return {
    activity: {
      activityId: group.find((r) => r.correlationId)?.correlationId ?? correlationId,
      tenantId: options.tenantId,
      userId,
      at: toIso(first.activityDateTime),
      initiatedBy: initiatorOf(group),
      addedSkuIds: [...after].filter((id) => !before.has(id)).sort(),
      removedSkuIds: [...before].filter((id) => !after.has(id)).sort(),
      auditRecordIds: recordIds,
    },
  };
}

interface LicenseDetail {
  userId: UserId | undefined;
  oldValue: string | null | undefined;
  newValue: string | null | undefined;
}

/** The AssignedLicense property, preferring the "Change user license" record (the newer format) over "Update user". */
function licenseDetailOf(group: DirectoryAudit[], userId: UserId | undefined): LicenseDetail | null {
  const ordered = [...group].sort(
    (a, b) =>
      Number(b.activityDisplayName === CHANGE_USER_LICENSE) -
      Number(a.activityDisplayName === CHANGE_USER_LICENSE),
  );
  for (const record of ordered) {
    const targets = record.targetResources.filter(
      (t) =>
        userId === undefined ||
        t.id === null ||
        t.id === undefined ||
        t.id.toLowerCase() === userId.toLowerCase(),
    );
    for (const target of targets) {
      const property = (target.modifiedProperties ?? []).find(
        (p) => p.displayName?.trim().toLowerCase() === 'assignedlicense',
      );
      if (property !== undefined) {
        return { userId: target.id ?? userId, oldValue: property.oldValue, newValue: property.newValue };
      }
    }
  }
  return null;
}

/** The user a record is about: the first target of type User (or the first target), lower-cased; '' when none. */
function userTargetOf(record: DirectoryAudit): string {
  const target =
    record.targetResources.find((t) => t.type?.toLowerCase() === 'user') ?? record.targetResources[0];
  return (target?.id ?? '').toLowerCase();
}

function skuIds(licenses: AuditLicense[]): Set<string> {
  return new Set(licenses.map((l) => l.skuId.toLowerCase()));
}

function initiatorOf(group: DirectoryAudit[]): string | null {
  for (const record of group) {
    const by = record.initiatedBy;
    const who = by?.user?.userPrincipalName ?? by?.app?.displayName ?? by?.user?.id ?? by?.app?.appId ?? null;
    if (who !== null && who !== '') return who;
  }
  return null;
}

/** Graph's 7-digit fractions and offsets, normalised to the glossary's ISO UTC form. */
function toIso(time: string): IsoTime {
  return new Date(Date.parse(time)).toISOString();
}

function stringField(raw: unknown, key: string): string | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const value = (raw as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : null;
}
