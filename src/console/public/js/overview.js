// Overview: what is wrong right now (open alerts by severity), what the free allocation covers, whether Graph can
// still reach us (subscriptions: expiry countdown, last notification), and whether work is piling up (queue, dead
// letters).

import { api, ApiError } from './api.js';
import { byId, h, replaceChildren, scrollBox } from './element.js';
import {
  ago,
  alertState,
  formatDuration,
  ruleName,
  severityBadge,
  subjectName,
  timeElement,
} from './format.js';
import { currentTenant, startPage } from './shell.js';

const SEVERITIES = ['critical', 'warning', 'info'];

async function load() {
  const tenant = currentTenant();
  const query = tenant === null ? '' : `?tenantId=${encodeURIComponent(tenant)}`;
  const [summary, alerts, deadLetters] = await Promise.all([
    api(`/console/summary${query}`),
    api(`/alerts?state=open${tenant === null ? '' : `&tenantId=${encodeURIComponent(tenant)}`}`),
    api('/dead-letters?limit=20'),
  ]);
  let allocation = null;
  let allocationProblem = null;
  if (tenant !== null && tenant !== summary.defaultTenantId) {
    allocationProblem = `The allocation is computed for the configured tenant (${summary.defaultTenantId ?? 'none'}); pick it above to see it.`;
  } else {
    try {
      allocation = await api('/allocation');
    } catch (error) {
      if (error instanceof ApiError && error.needsSignIn) throw error;
      allocationProblem = error instanceof Error ? error.message : String(error);
    }
  }
  // The summary's clock fields change every poll; the page redraws anyway so the countdown moves.
  return {
    summary,
    alerts: alerts.alerts,
    deadLetters: deadLetters.deadLetters,
    allocation,
    allocationProblem,
  };
}

function render(data) {
  renderAlerts(data.summary, data.alerts);
  renderAllocation(data.allocation, data.allocationProblem);
  renderSubscriptions(data.summary);
  renderQueue(data.summary, data.deadLetters);
}

function renderAlerts(summary, alerts) {
  const counts = summary.openAlerts;
  replaceChildren(
    byId('severity-counts'),
    SEVERITIES.map((severity) =>
      h(
        'dl',
        { class: `tile severity-${severity}`, id: `count-${severity}` },
        h('dt', { text: `${severity[0].toUpperCase()}${severity.slice(1)}` }),
        h('dd', { text: counts.bySeverity[severity] }),
      ),
    ),
    h(
      'dl',
      { class: 'tile neutral' },
      h('dt', { text: 'Acknowledged' }),
      h('dd', { text: counts.acknowledged }),
    ),
  );
  const sorted = [...alerts].sort(
    (a, b) =>
      SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
      b.lastSeenAt.localeCompare(a.lastSeenAt),
  );
  if (sorted.length === 0) {
    replaceChildren(
      byId('open-alerts'),
      h('p', { class: 'notice notice-ok', text: 'No open alerts for this tenant.' }),
    );
    return;
  }
  replaceChildren(
    byId('open-alerts'),
    scrollBox(
      'Open alerts table',
      h(
        'table',
        { id: 'open-alerts-table' },
        h('caption', {
          text: `${sorted.length} open alert${sorted.length === 1 ? '' : 's'}, most severe first`,
        }),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Severity', 'Alert', 'Account', 'Rule', 'First seen', 'State'].map((t) =>
              h('th', { scope: 'col', text: t }),
            ),
          ),
        ),
        h(
          'tbody',
          {},
          sorted.map((alert) =>
            h(
              'tr',
              {},
              h('td', {}, severityBadge(alert.severity)),
              h(
                'td',
                {},
                h('a', {
                  href: `alert.html?id=${encodeURIComponent(alert.id)}`,
                  id: `alert-link-${alert.id}`,
                  text: alert.finding.title,
                }),
              ),
              h('td', {}, subjectName(alert)),
              h('td', { text: ruleName(alert.ruleId) }),
              h('td', {}, timeElement(alert.firstSeenAt)),
              h('td', { text: alertState(alert) }),
            ),
          ),
        ),
      ),
    ),
  );
}

function renderAllocation(allocation, problem) {
  const container = byId('allocation');
  if (allocation === null) {
    replaceChildren(
      container,
      h('p', { class: 'notice notice-info', text: problem ?? 'The allocation is not available.' }),
    );
    return;
  }
  const purchased = allocation.purchasedRaLicenses;
  const scale = Math.max(1, allocation.freeAllocation, allocation.needed, purchased ?? 0);
  const bar = (label, value, kind) => [
    h('span', { text: label }),
    h(
      'div',
      { class: 'bar-track', 'aria-hidden': 'true' },
      h('div', { class: `bar ${kind}`, style: { width: `${Math.round(((value ?? 0) / scale) * 100)}%` } }),
    ),
    h('span', { class: 'bar-value', text: value ?? 'unknown' }),
  ];
  replaceChildren(
    container,
    h(
      'figure',
      { class: 'figure', id: 'allocation-figure' },
      h(
        'figcaption',
        { class: 'muted' },
        `${allocation.needed} resource account${allocation.needed === 1 ? ' needs' : 's need'} a license; ${allocation.freeAllocation} are free (25 + 1 per 10 of ${allocation.qualifyingLicenses} qualifying licenses); ` +
          `${purchased ?? 'an unknown number of'} resource-account licenses are bought.`,
      ),
      h(
        'div',
        { class: 'bars' },
        bar('Free allocation', allocation.freeAllocation, 'free'),
        bar('Needed', allocation.needed, 'needed'),
        bar('Purchased', purchased, 'purchased'),
      ),
      h(
        'dl',
        { class: 'callouts' },
        h(
          'div',
          { class: `tile ${allocation.toBuy > 0 ? 'severity-info' : 'neutral'}` },
          h('dt', { text: 'To buy (beyond the free allocation)' }),
          h('dd', { text: allocation.toBuy }),
        ),
        h(
          'div',
          {
            class: `tile ${allocation.unclaimed !== null && allocation.unclaimed > 0 ? 'severity-warning' : 'neutral'}`,
          },
          h('dt', { text: 'Unclaimed (free, still to "buy" at $0)' }),
          h('dd', { text: allocation.unclaimed ?? 'unknown' }),
        ),
      ),
    ),
    h(
      'details',
      {},
      h('summary', { text: 'How this was counted' }),
      h('p', { text: allocation.basisText }),
      h('p', { text: allocation.resourceAccountsBasis }),
    ),
  );
}

function renderSubscriptions(summary) {
  const container = byId('subscriptions');
  if (summary.subscriptions.length === 0) {
    replaceChildren(
      container,
      h('p', {
        class: 'notice notice-error',
        text: 'No subscription: Graph does not notify ra-watch of changes for this tenant; only the periodic delta reconcile sees them.',
      }),
    );
    return;
  }
  const generated = Date.parse(summary.generatedAt);
  replaceChildren(
    container,
    scrollBox(
      'Subscriptions table',
      h(
        'table',
        { id: 'subscriptions-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Resource', 'Status', 'Expires', 'Last notification', 'Last renewed'].map((t) =>
              h('th', { scope: 'col', text: t }),
            ),
          ),
        ),
        h(
          'tbody',
          {},
          summary.subscriptions.map((s) =>
            h(
              'tr',
              {},
              h('td', {}, s.resource, h('div', { class: 'id', text: s.id })),
              h(
                'td',
                {},
                h('span', {
                  class: `badge ${s.status === 'active' ? 'ok' : 'severity-critical'}`,
                  text: s.status,
                }),
              ),
              h(
                'td',
                {},
                s.expiresInMs > 0
                  ? `in ${formatDuration(s.expiresInMs)}`
                  : `expired ${formatDuration(s.expiresInMs)} ago`,
                h('br'),
                timeElement(s.expiresAt),
              ),
              h('td', { text: ago(s.lastNotificationAt, generated) }),
              h('td', { text: s.lastRenewedAt === null ? 'not yet' : ago(s.lastRenewedAt, generated) }),
            ),
          ),
        ),
      ),
    ),
  );
}

function renderQueue(summary, deadLetters) {
  const q = summary.queue;
  const tile = (label, value, kind = 'neutral', id = undefined) =>
    h('div', { class: `tile ${kind}`, id }, h('dt', { text: label }), h('dd', { text: value }));
  replaceChildren(
    byId('queue'),
    h(
      'dl',
      { class: 'tiles' },
      tile('Ready', q.ready),
      tile('Scheduled (follow-ups)', q.scheduled),
      tile('In progress', q.inFlight),
      tile(
        'Dead letters',
        summary.deadLetters,
        summary.deadLetters > 0 ? 'severity-critical' : 'neutral',
        'dead-letter-count',
      ),
    ),
    deadLetters.length === 0
      ? h('p', { class: 'muted', text: 'No dead letters: every piece of work was done.' })
      : scrollBox(
          'Dead letters table',
          h(
            'table',
            {},
            h('caption', {
              text: 'Work ra-watch could not do (retry with `ra-watch dead-letters retry <id>` once the cause is fixed)',
            }),
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ['When', 'Reason', 'Detail', 'Deliveries'].map((t) => h('th', { scope: 'col', text: t })),
              ),
            ),
            h(
              'tbody',
              {},
              deadLetters.map((d) =>
                h(
                  'tr',
                  {},
                  h('td', {}, timeElement(d.deadLetteredAt)),
                  h('td', { text: d.reason }),
                  h('td', { text: d.description ?? '' }),
                  h('td', { text: d.deliveryCount }),
                ),
              ),
            ),
          ),
        ),
  );
}

startPage({ load, render });
