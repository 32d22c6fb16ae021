/**
 * What a replay covers: a time range on `receivedAt` (when ra-watch received the trigger, the event log's own clock),
 * optionally narrowed to one tenant, one account (object id or UPN), one rule or one Graph subscription.
 *
 * Decisions:
 * - `from` is required: an open start would silently mean "the whole log", and re-running the whole log through
 *   today's rules (and possibly delivering it) must be a deliberate choice, so the caller spells it out.
 * - `to` defaults to now. A `to` later than now is clamped to now (the log holds nothing from the future); a `from`
 *   in the future is an error, since such a range can only be a typo.
 * - Times are ISO 8601 with an explicit zone (`Z` or `+01:00`), a bare date (midnight UTC), or relative to now
 *   (`90m`, `24h`, `7d`, `2w`: that long before now). A time without a zone is refused: it would be read in the
 *   server's local zone and select a different range than the admin meant.
 * - Only the per-account rules can be replayed; the allocation rules describe the tenant's seat counts today and
 *   have no events to replay.
 */
import type { IsoTime, RuleId, TenantId, UserId } from '../glossary';
import { isGuid } from '../guid';
import { ACCOUNT_STATE_RULES } from '../rules/evaluate';
import { ReplayInputError } from './replay-input-error';

/** The rules a replay re-evaluates: the account-state rules and the (event-shaped) swap rule. */
export const REPLAYABLE_RULES: readonly RuleId[] = [...ACCOUNT_STATE_RULES, 'ra.non-atomic-swap'];

/** Raw selection, as the CLI options or the API body give it. */
export interface ReplaySelectionInput {
  from?: string | undefined;
  to?: string | undefined;
  tenantId?: string | undefined;
  userId?: string | undefined;
  upn?: string | undefined;
  ruleId?: string | undefined;
  subscriptionId?: string | undefined;
}

/** A validated selection. `from` inclusive, `to` exclusive, both normalised ISO UTC. */
export interface ReplaySelection {
  from: IsoTime;
  to: IsoTime;
  tenantId: TenantId | null;
  userId: UserId | null;
  /** The UPN asked for; the replay resolves it to `userId` from the stored snapshots. */
  upn: string | null;
  ruleId: RuleId | null;
  subscriptionId: string | null;
}

const RELATIVE = /^(\d+)\s*([smhdw])$/i;
/** The longest duration before now a range may start at: the event log keeps at most 36500 days (EVENT_RETENTION_DAYS). */
const MAX_RELATIVE_MS = 36_500 * 86_400_000;
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;
const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const EXAMPLE_TIME = '2026-11-24T08:00:00Z';

export function parseReplaySelection(input: ReplaySelectionInput, now: Date = new Date()): ReplaySelection {
  const fromText = blankToUndefined(input.from);
  if (fromText === undefined) {
    throw new ReplayInputError(
      'invalid-selection',
      'from',
      'A replay needs a start: "from" is required (an ISO 8601 time or a duration before now such as 7d); "to" defaults to now',
      '7d',
    );
  }
  const from = parseReplayTime('from', fromText, now);
  const toText = blankToUndefined(input.to);
  let to = toText === undefined ? now : parseReplayTime('to', toText, now);

  if (from.getTime() > now.getTime()) {
    throw new ReplayInputError(
      'invalid-selection',
      'from',
      `"from" ${JSON.stringify(fromText)} is in the future (${from.toISOString()}, now is ${now.toISOString()}): the event log holds only the past`,
      '24h',
    );
  }
  if (to.getTime() > now.getTime()) to = now;
  if (from.getTime() >= to.getTime()) {
    throw new ReplayInputError(
      'invalid-selection',
      'to',
      `The range is inverted or empty: "from" ${from.toISOString()} is not before "to" ${to.toISOString()}; put the earlier time in "from"`,
      now.toISOString(),
    );
  }

  const userId = blankToUndefined(input.userId);
  const upn = blankToUndefined(input.upn);
  if (userId !== undefined && upn !== undefined) {
    throw new ReplayInputError(
      'invalid-selection',
      'upn',
      'Give either "userId" or "upn", not both',
      'ra_cq_sales@contoso.onmicrosoft.com',
    );
  }
  if (userId !== undefined && !isGuid(userId)) {
    throw new ReplayInputError(
      'invalid-selection',
      'userId',
      `"userId" must be the account's object id (a GUID), got ${JSON.stringify(userId)}; to select by sign-in name use "upn"`,
      'a3f6c2d1-9b84-4e7a-8c15-6d2e0f9b7a41',
    );
  }
  if (upn !== undefined && !/^[^@\s]+@[^@\s]+$/.test(upn)) {
    throw new ReplayInputError(
      'invalid-selection',
      'upn',
      `"upn" must be a user principal name, got ${JSON.stringify(upn)}`,
      'ra_cq_sales@contoso.onmicrosoft.com',
    );
  }
  const tenantId = blankToUndefined(input.tenantId);
  if (tenantId !== undefined && !isGuid(tenantId)) {
    throw new ReplayInputError(
      'invalid-selection',
      'tenantId',
      `"tenantId" must be the tenant's id (a GUID), got ${JSON.stringify(tenantId)}`,
      '5f1c9a3e-7d2b-4c8e-9a61-3b0d4e2f8c17',
    );
  }

  return {
    from: from.toISOString(),
    to: to.toISOString(),
    tenantId: tenantId?.toLowerCase() ?? null,
    userId: userId?.toLowerCase() ?? null,
    upn: upn ?? null,
    ruleId: parseRuleId(blankToUndefined(input.ruleId)),
    subscriptionId: blankToUndefined(input.subscriptionId) ?? null,
  };
}

/** One end of a range: ISO 8601 with a zone, a bare date (UTC midnight), `now`, or a duration before now. */
export function parseReplayTime(field: 'from' | 'to', text: string, now: Date): Date {
  const value = text.trim();
  if (value.toLowerCase() === 'now') return now;
  const relative = RELATIVE.exec(value);
  if (relative !== null) {
    const amount = Number(relative[1]);
    const unit = UNIT_MS[relative[2]!.toLowerCase()]!;
    // A huge amount would make an invalid Date (a RangeError further on, a 500): say what is allowed instead.
    if (!(amount * unit <= MAX_RELATIVE_MS)) {
      throw new ReplayInputError(
        'invalid-selection',
        field,
        `"${field}" ${JSON.stringify(text.slice(0, 40))} reaches too far back: a duration before now is at most 36500 days (100 years)`,
        '30d',
      );
    }
    return new Date(now.getTime() - amount * unit);
  }
  const iso = ISO.exec(value);
  if (iso === null) {
    throw new ReplayInputError(
      'invalid-selection',
      field,
      `"${field}" ${JSON.stringify(text)} is neither an ISO 8601 time nor a duration before now (90m, 24h, 7d, 2w)`,
      EXAMPLE_TIME,
    );
  }
  const [, y, mo, d, h, mi, s, frac, zone] = iso;
  if (h !== undefined && zone === undefined) {
    throw new ReplayInputError(
      'invalid-selection',
      field,
      `"${field}" ${JSON.stringify(text)} has no time zone; add "Z" for UTC or an offset such as "+01:00"`,
      EXAMPLE_TIME,
    );
  }
  // Graph writes up to 7 fractional digits; Date parses at most milliseconds reliably.
  const ms = (frac ?? '').padEnd(3, '0').slice(0, 3);
  const normalised = `${y}-${mo}-${d}T${h ?? '00'}:${mi ?? '00'}:${s ?? '00'}.${ms}${normaliseZone(zone)}`;
  const date = new Date(normalised);
  // Reject impossible calendar dates (2026-02-30) instead of letting them roll over into March.
  const dayOk =
    Number(mo) >= 1 && Number(mo) <= 12 && Number(d) >= 1 && Number(d) <= daysInMonth(Number(y), Number(mo));
  if (
    Number.isNaN(date.getTime()) ||
    !dayOk ||
    Number(h ?? 0) > 23 ||
    Number(mi ?? 0) > 59 ||
    Number(s ?? 0) > 59
  ) {
    throw new ReplayInputError(
      'invalid-selection',
      field,
      `"${field}" ${JSON.stringify(text)} is not a real date and time`,
      EXAMPLE_TIME,
    );
  }
  return date;
}

function parseRuleId(text: string | undefined): RuleId | null {
  if (text === undefined) return null;
  const rule = REPLAYABLE_RULES.find((id) => id === text.toLowerCase());
  if (rule !== undefined) return rule;
  const tenantRule = text === 'ra.allocation-exceeded' || text === 'ra.allocation-unclaimed';
  throw new ReplayInputError(
    'invalid-selection',
    'ruleId',
    tenantRule
      ? `${text} describes the tenant's seat counts today and has no events to replay; replayable rules: ${REPLAYABLE_RULES.join(', ')}`
      : `Unknown rule ${JSON.stringify(text)}; replayable rules: ${REPLAYABLE_RULES.join(', ')}`,
    'ra.unlicensed',
  );
}

function normaliseZone(zone: string | undefined): string {
  if (zone === undefined || zone.toUpperCase() === 'Z') return 'Z';
  return zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function blankToUndefined(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}
