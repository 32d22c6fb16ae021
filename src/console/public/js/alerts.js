// Alerts: every alert, open and resolved (the history), filtered by state, severity, rule and account (UPN or name
// search, object id), newest first; select some and acknowledge them at once; export what the filters show as CSV.
// The filters live in the address bar (?state=resolved&upn=...), so a filtered list can be bookmarked and shared.

import { api, apiBlob, ApiError } from './api.js';
import { byId, h, replaceChildren, scrollBox } from './element.js';
import { alertState, RULE_IDS, ruleName, severityBadge, subjectName, timeElement } from './format.js';
import { currentTenant, refresh, report, say, startPage } from './shell.js';

const FILTERS = ['state', 'severity', 'ruleId', 'upn', 'userId'];
const FIELD = {
  state: 'filter-state',
  severity: 'filter-severity',
  ruleId: 'filter-rule',
  upn: 'filter-upn',
  userId: 'filter-user',
};
const LIMIT = 500;

/** Alert ids ticked for the bulk acknowledgement; kept across the polls' redraws. */
const selected = new Set();

function fillRuleOptions() {
  byId('filter-rule').append(...RULE_IDS.map((id) => h('option', { value: id, text: ruleName(id) })));
}

/** The filters from the address bar into the form (on load, and after back/forward). */
function formFromAddress() {
  const params = new URLSearchParams(location.search);
  for (const name of FILTERS) byId(FIELD[name]).value = params.get(name) ?? '';
}

/** The filters as the API's query, with the tenant picked above. */
function query(extra = {}) {
  const params = new URLSearchParams();
  for (const name of FILTERS) {
    const value = byId(FIELD[name]).value.trim();
    if (value !== '') params.set(name, value);
  }
  const tenant = currentTenant();
  if (tenant !== null) params.set('tenantId', tenant);
  params.set('limit', String(LIMIT));
  for (const [key, value] of Object.entries(extra)) params.set(key, value);
  return params;
}

async function load() {
  try {
    return { alerts: (await api(`/alerts?${query()}`)).alerts, problem: null };
  } catch (error) {
    // A filter the API refuses (400) is said beside the list; sign-in problems go to the shell.
    if (error instanceof ApiError && error.status === 400) return { alerts: [], problem: error.message };
    throw error;
  }
}

function render(data) {
  const container = byId('alert-list');
  const ids = new Set(data.alerts.map((a) => a.id));
  for (const id of [...selected]) if (!ids.has(id)) selected.delete(id);
  if (data.problem !== null) {
    replaceChildren(container, h('p', { class: 'notice notice-error', role: 'alert', text: data.problem }));
  } else if (data.alerts.length === 0) {
    replaceChildren(
      container,
      h('p', { class: 'notice notice-ok', text: 'No alert matches these filters.' }),
    );
  } else {
    replaceChildren(container, table(data.alerts));
  }
  drawSelection();
}

function table(alerts) {
  const open = alerts.filter((a) => a.state === 'open');
  const all = h('input', {
    type: 'checkbox',
    id: 'select-all',
    'aria-label': 'Select every open alert shown',
    onchange: (event) => {
      for (const alert of open) {
        if (event.target.checked) selected.add(alert.id);
        else selected.delete(alert.id);
      }
      for (const box of document.querySelectorAll('input.select-alert')) box.checked = event.target.checked;
      drawSelection();
    },
  });
  all.checked = open.length > 0 && open.every((a) => selected.has(a.id));
  all.disabled = open.length === 0;
  const more = alerts.length >= LIMIT ? ` (the newest ${LIMIT}; narrow the filters for the rest)` : '';
  return scrollBox(
    'Alerts table',
    h(
      'table',
      { id: 'alerts-table' },
      h('caption', { text: `${alerts.length} alert${alerts.length === 1 ? '' : 's'}, newest first${more}` }),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, all),
          ['Severity', 'Alert', 'Account', 'Rule', 'State', 'First seen', 'Resolved'].map((t) =>
            h('th', { scope: 'col', text: t }),
          ),
        ),
      ),
      h('tbody', {}, alerts.map(row)),
    ),
  );
}

function row(alert) {
  const box =
    alert.state === 'open'
      ? h('input', {
          type: 'checkbox',
          class: 'select-alert',
          id: `select-${alert.id}`,
          'aria-label': `Select "${alert.finding.title}"`,
          onchange: (event) => {
            if (event.target.checked) selected.add(alert.id);
            else selected.delete(alert.id);
            drawSelection();
          },
        })
      : null;
  if (box !== null) box.checked = selected.has(alert.id);
  return h(
    'tr',
    { 'data-alert-id': alert.id, class: alert.state },
    h('td', {}, box),
    h('td', {}, severityBadge(alert.severity)),
    h('td', {}, h('a', { href: `alert.html?id=${encodeURIComponent(alert.id)}`, text: alert.finding.title })),
    h('td', {}, subjectName(alert)),
    h('td', { text: ruleName(alert.ruleId) }),
    h('td', { text: alertState(alert) }),
    h('td', {}, timeElement(alert.firstSeenAt)),
    h('td', {}, alert.resolvedAt === null ? '—' : timeElement(alert.resolvedAt)),
  );
}

function drawSelection() {
  const count = selected.size;
  byId('bulk-count').textContent =
    count === 0 ? 'No alert selected.' : `${count} alert${count === 1 ? '' : 's'} selected.`;
  byId('bulk-submit').disabled = count === 0;
}

byId('filters').addEventListener('submit', async (event) => {
  event.preventDefault();
  const params = query();
  params.delete('tenantId');
  params.delete('limit');
  const search = params.toString();
  history.replaceState(null, '', `${location.pathname}${search === '' ? '' : `?${search}`}`);
  await refresh();
});

byId('export-csv').addEventListener('click', async () => {
  const result = byId('export-result');
  try {
    // The API needs the bearer token, which a plain link cannot send: fetch it, then hand the browser a file.
    const blob = await apiBlob(`/alerts?${query({ format: 'csv', limit: '10000' })}`, 'text/csv');
    const link = h('a', { href: URL.createObjectURL(blob), download: 'ra-watch-alerts.csv', hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
    report(result, 'Exported the alerts these filters show (ra-watch-alerts.csv).', 'ok');
  } catch (error) {
    report(result, `Not exported: ${error instanceof Error ? error.message : String(error)}`, 'error');
  }
});

byId('bulk-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const result = byId('bulk-result');
  const body = { ids: [...selected], by: byId('bulk-by').value.trim() };
  const reason = byId('bulk-reason').value.trim();
  if (reason !== '') body.reason = reason;
  byId('bulk-submit').disabled = true;
  try {
    const answer = await api('/alerts/ack', { method: 'POST', body });
    const gone = answer.notFound.length === 0 ? '' : ` ${answer.notFound.length} no longer exist.`;
    report(result, `Acknowledged ${answer.acknowledged.length} alert(s) as ${body.by}.${gone}`, 'ok');
    selected.clear();
    say('Alerts acknowledged', 'ok');
    await refresh();
  } catch (error) {
    report(result, `Not acknowledged: ${error instanceof Error ? error.message : String(error)}`, 'error');
  } finally {
    drawSelection();
  }
});

fillRuleOptions();
formFromAddress();
startPage({ load, render });
