// How times, durations and names are shown. Times are UTC with the zone written out: admins compare them with
// Microsoft's audit log, which is in UTC, and a silently local time would not match.

import { h } from './element.js';

export function formatTime(iso) {
  if (iso === null || iso === undefined) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** HH:MM UTC: the time of day alone, for today's moments (when a sign-in expires). */
export function clockTime(epochMs) {
  return `${new Date(epochMs).toISOString().slice(11, 16)} UTC`;
}

/** A <time> element with the machine-readable value. */
export function timeElement(iso) {
  if (iso === null || iso === undefined) return h('span', { text: '—' });
  return h('time', { datetime: iso, text: formatTime(iso) });
}

/** "3 d 4 h", "2 h 5 min", "45 s". */
export function formatDuration(ms) {
  const abs = Math.abs(ms);
  const s = Math.floor(abs / 1000);
  const d = Math.floor(s / 86400);
  const hr = Math.floor((s % 86400) / 3600);
  const min = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d} d ${hr} h`;
  if (hr > 0) return `${hr} h ${min} min`;
  if (min > 0) return `${min} min`;
  return `${s} s`;
}

/** "5 min ago" for a past time. */
export function ago(iso, nowMs = Date.now()) {
  if (iso === null || iso === undefined) return 'never';
  const ms = nowMs - Date.parse(iso);
  if (Number.isNaN(ms)) return String(iso);
  return ms < 1000 ? 'just now' : `${formatDuration(ms)} ago`;
}

/** The account's best name: display name, else UPN, else id. */
export function accountName(account) {
  return account.displayName ?? account.userPrincipalName ?? account.userId ?? 'unknown account';
}

/** `ra.non-atomic-swap` → "Non-atomic swap". */
const RULE_NAMES = {
  'ra.unlicensed': 'Resource account without its license',
  'ra.license-on-user': 'Resource account license on a user',
  'ra.standard-on-ra': 'Teams Phone Standard on a resource account',
  'ra.non-atomic-swap': 'License swapped in two steps',
  'ra.allocation-exceeded': 'Beyond the free allocation',
  'ra.allocation-unclaimed': 'Free allocation not claimed',
  'watch.blind': 'ra-watch cannot watch this tenant',
};

export function ruleName(ruleId) {
  return RULE_NAMES[ruleId] ?? ruleId;
}

export const RULE_IDS = Object.keys(RULE_NAMES);

/** A severity badge: the word is always written, colour only repeats it. */
export function severityBadge(severity) {
  return h('span', { class: `badge severity-${severity}`, text: severity });
}

/** `assignedByGroup` → "Assigned By Group" → "Assigned by group". */
export function humanise(key) {
  const words = String(key)
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Who an alert is about. */
export function subjectName(alert) {
  const subject = alert.finding.subject;
  return subject.kind === 'tenant' ? 'the tenant' : accountName(subject);
}

/** Where an alert stands, in words. */
export function alertState(alert) {
  if (alert.state === 'resolved') return 'resolved';
  if (alert.snoozedUntil !== null && Date.parse(alert.snoozedUntil) > Date.now())
    return `snoozed until ${alert.snoozedUntil.slice(0, 16).replace('T', ' ')} UTC`;
  if (alert.acknowledgedAt !== null) return `acknowledged by ${alert.acknowledgedBy ?? 'someone'}`;
  return 'open';
}
