// Overview: what is wrong right now (open alerts by severity), what the free allocation covers
// (overview-allocation.js), whether Graph can still reach us and whether work is piling up (overview-health.js).
// Every alert, resolved ones included, is on the Alerts page (alerts.js).

import { api, ApiError } from './api.js';
import { byId, h, replaceChildren, scrollBox } from './element.js';
import { alertState, ruleName, severityBadge, subjectName, timeElement } from './format.js';
import { renderAllocation } from './overview-allocation.js';
import { renderQueue, renderSubscriptions } from './overview-health.js';
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

startPage({ load, render });
