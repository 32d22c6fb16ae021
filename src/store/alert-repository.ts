/**
 * Reading and acknowledging alerts. Opening, updating and resolving are planned by `alerts/plan-alert-changes.ts`
 * and written by `record-observation.ts`.
 */
import { sql, type Kysely } from 'kysely';
import type { Alert } from '../glossary';
import { toAlert } from './alert-rows';
import { normaliseOptionalTime, normaliseTime } from './iso-time';
import type { Store } from './store';
import type { Tables } from './tables';

const PAGE = 500;

/** The account's UPN or display name contains `search` (lower case already). */
function subjectMatches(alert: Alert, search: string): boolean {
  const subject = alert.finding.subject;
  if (subject.kind !== 'user') return false;
  return [subject.userPrincipalName, subject.displayName].some(
    (value) => value !== null && value.toLowerCase().includes(search),
  );
}

export function createAlertRepository(db: Kysely<Tables>): Store['alerts'] {
  async function get(id: string) {
    const row = await db.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? null : toAlert(row);
  }
  return {
    get,
    async list(filter) {
      const limit = filter.limit ?? 500;
      let query = db.selectFrom('alerts').selectAll().orderBy('first_seen_at', 'desc').orderBy('id');
      if (filter.tenantId !== undefined) query = query.where('tenant_id', '=', filter.tenantId);
      if (filter.state !== undefined) query = query.where('state', '=', filter.state);
      if (filter.userId !== undefined) query = query.where('user_id', '=', filter.userId);
      if (filter.severity !== undefined) query = query.where('severity', '=', filter.severity);
      if (filter.ruleId !== undefined) query = query.where('rule_id', '=', filter.ruleId);
      const search = filter.search?.trim().toLowerCase() ?? '';
      if (search === '') return (await query.limit(limit).execute()).map(toAlert);
      // The UPN and name live in the finding's JSON: the SQL narrows to findings containing the text anywhere (the
      // same LIKE on both engines, wildcards escaped), and the subject's own fields decide, page by page.
      const pattern = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query = query.where(sql<boolean>`lower(finding) like ${pattern} escape '\\'`);
      const found: Alert[] = [];
      for (let offset = 0; found.length < limit; offset += PAGE) {
        const rows = await query.limit(PAGE).offset(offset).execute();
        found.push(...rows.map(toAlert).filter((alert) => subjectMatches(alert, search)));
        if (rows.length < PAGE) break;
      }
      return found.slice(0, limit);
    },
    async acknowledge(id, by, reason, snoozeUntil, at) {
      const result = await db
        .updateTable('alerts')
        .set({
          acknowledged_at: normaliseTime(at),
          acknowledged_by: by,
          acknowledge_reason: reason,
          snoozed_until: normaliseOptionalTime(snoozeUntil),
        })
        .where('id', '=', id)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) return null;
      return get(id);
    },
  };
}
