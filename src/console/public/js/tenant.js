// One tenant (tenant.html?id=...): who it is and how watching it goes (status and why), its admin-consent link, its
// open alerts, its free-license allocation and its subscriptions; "Check now" tries the token and each permission
// again and says what is missing; "Remove" stops watching it, after a confirmation.

import { api, ApiError, segment } from './api.js';
import { byId, h, replaceChildren, scrollBox } from './element.js';
import { ago, formatTime, ruleName, severityBadge, subjectName, timeElement } from './format.js';
import { renderSubscriptions } from './overview-health.js';
import { refresh, report, say, startPage } from './shell.js';
import { checkResult, consentLink } from './tenant-check.js';
import { statusBadge, subscriptionBadge, tenantName } from './tenant-format.js';

const tenantId = (new URLSearchParams(location.search).get('id') ?? '').trim().toLowerCase();

async function load() {
  if (tenantId === '') return { missing: 'No tenant named: open a tenant from the Tenants page.' };
  const q = `tenantId=${encodeURIComponent(tenantId)}`;
  let row;
  try {
    row = await api(`/console/tenants/${segment(tenantId)}`);
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 400))
      return { missing: error.message };
    throw error;
  }
  const [registered, alerts, summary] = await Promise.all([
    // A tenant watched by configuration alone (the demo's) is not in the registry: no consent link, no check.
    api(`/tenants/${segment(tenantId)}`).catch((error) => {
      if (error instanceof ApiError && error.status === 404) return null;
      throw error;
    }),
    api(`/alerts?state=open&${q}&limit=500`),
    api(`/console/summary?${q}`),
  ]);
  return { row, registered: registered?.tenant ?? null, alerts: alerts.alerts, summary };
}

function render(data) {
  if (data.missing !== undefined) {
    byId('tenant-title').textContent = 'Tenant not found';
    report(byId('about'), data.missing, 'error');
    byId('check-now').disabled = true;
    byId('remove').disabled = true;
    return;
  }
  const tenant = data.row.tenant;
  const generated = Date.parse(data.row.generatedAt);
  byId('tenant-title').textContent = tenantName(tenant);
  document.title = `${tenantName(tenant)} · ra-watch`;
  const inRegistry = data.registered !== null;
  byId('check-now').disabled = !inRegistry;
  byId('remove').disabled = !inRegistry || tenant.status === 'removed';
  const fact = (label, ...value) => [h('dt', { text: label }), h('dd', {}, ...value)];
  replaceChildren(
    byId('about'),
    h(
      'dl',
      { class: 'facts', id: 'tenant-facts' },
      fact('Name', tenant.displayName ?? h('span', { class: 'muted', text: 'not read yet' })),
      fact('Default domain', tenant.defaultDomain ?? h('span', { class: 'muted', text: 'not read yet' })),
      fact('Tenant id', h('span', { class: 'id', text: tenant.id })),
      fact(
        'Status',
        statusBadge(tenant.status),
        tenant.statusDetail === null ? null : h('div', { id: 'status-detail', text: tenant.statusDetail }),
      ),
      fact(
        'Added',
        tenant.addedAt === null
          ? 'by configuration'
          : `${formatTime(tenant.addedAt)}${data.registered?.addedBy ? ` by ${data.registered.addedBy}` : ''}`,
      ),
      fact('Last checked', tenant.checkedAt === null ? 'never' : ago(tenant.checkedAt, generated)),
      fact(
        'Open alerts',
        `${tenant.openAlerts.critical} critical, ${tenant.openAlerts.warning} warning, ${tenant.openAlerts.info} info`,
      ),
      fact('Subscriptions', subscriptionBadge(tenant.subscriptions.health)),
      fact('Last notification', ago(tenant.lastNotificationAt, generated)),
    ),
    inRegistry
      ? null
      : h('p', {
          class: 'notice notice-info',
          text: 'Watched by configuration, not in the tenant registry: add it on the Tenants page to check it or see its consent link.',
        }),
  );
  replaceChildren(
    byId('consent'),
    inRegistry
      ? consentLink(data.registered.consentUrl)
      : h('p', { class: 'muted', text: 'Not in the registry.' }),
  );
  renderOpenAlerts(data.alerts);
  renderTenantAllocation(tenant.allocation);
  renderSubscriptions(data.summary);
}

function renderOpenAlerts(alerts) {
  const container = byId('open-alerts');
  if (alerts.length === 0) {
    replaceChildren(container, h('p', { class: 'muted', text: 'No open alert.' }));
    return;
  }
  replaceChildren(
    container,
    scrollBox(
      'Open alerts table',
      h(
        'table',
        { id: 'tenant-alerts-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Severity', 'Alert', 'About', 'First seen'].map((t) => h('th', { scope: 'col', text: t })),
          ),
        ),
        h(
          'tbody',
          {},
          alerts.map((alert) =>
            h(
              'tr',
              { 'data-alert-id': alert.id },
              h('td', {}, severityBadge(alert.severity)),
              h(
                'td',
                {},
                h('a', {
                  href: `alert.html?id=${encodeURIComponent(alert.id)}`,
                  id: `alert-link-${alert.id}`,
                  text: alert.finding.title,
                }),
                h('div', { class: 'muted', text: ruleName(alert.ruleId) }),
              ),
              h('td', { text: subjectName(alert) }),
              h('td', {}, timeElement(alert.firstSeenAt)),
            ),
          ),
        ),
      ),
    ),
  );
}

function renderTenantAllocation(allocation) {
  const container = byId('allocation');
  if (allocation === null) {
    replaceChildren(
      container,
      h('p', {
        class: 'notice notice-info',
        text: "Not known yet: ra-watch has not read this tenant's licenses (subscribedSkus). The first audit or change reads them.",
      }),
    );
    return;
  }
  const tile = (label, value, kind, id) =>
    h('div', { class: `tile ${kind}`, id }, h('dt', { text: label }), h('dd', { text: value ?? 'unknown' }));
  replaceChildren(
    container,
    h(
      'dl',
      { class: 'tiles', id: 'tenant-allocation' },
      tile('Free allocation', allocation.freeAllocation, 'neutral', 'allocation-free'),
      tile('Used (resource accounts)', allocation.needed, 'neutral', 'allocation-used'),
      tile('Bought', allocation.purchasedRaLicenses, 'neutral', 'allocation-bought'),
      tile(
        'To buy',
        allocation.toBuy,
        allocation.toBuy > 0 ? 'severity-info' : 'neutral',
        'allocation-to-buy',
      ),
      tile(
        'Unclaimed (free, "buy" at $0)',
        allocation.unclaimed,
        allocation.unclaimed !== null && allocation.unclaimed > 0 ? 'severity-warning' : 'neutral',
        'allocation-unclaimed',
      ),
    ),
    h(
      'details',
      {},
      h('summary', { text: 'How this was counted' }),
      h('p', { text: allocation.basisText }),
      h('p', { text: allocation.resourceAccountsBasis }),
      h('p', {
        class: 'muted',
        text: `Licenses as read from the tenant ${formatTime(allocation.skusReadAt)}.`,
      }),
    ),
  );
}

byId('check-now').addEventListener('click', async () => {
  const result = byId('action-result');
  const button = byId('check-now');
  button.disabled = true;
  report(result, 'Checking the token and each permission…', 'info');
  try {
    const answer = await api(`/tenants/${segment(tenantId)}/check`, { method: 'POST' });
    replaceChildren(result, checkResult(answer.check));
    say('Tenant checked', 'ok');
    await refresh();
  } catch (error) {
    report(result, `Not checked: ${error instanceof Error ? error.message : String(error)}`, 'error');
  } finally {
    button.disabled = false;
  }
});

byId('remove').addEventListener('click', () => {
  const confirm = byId('remove-confirm');
  const name = byId('tenant-title').textContent;
  const purge = h('input', { id: 'remove-purge', type: 'checkbox' });
  const close = () => {
    confirm.hidden = true;
    replaceChildren(confirm);
    byId('remove').focus();
  };
  replaceChildren(
    confirm,
    h(
      'div',
      { class: 'notice notice-error', role: 'alertdialog', 'aria-labelledby': 'remove-question' },
      h('p', {
        id: 'remove-question',
        text: `Stop watching ${name}? ra-watch deletes its subscriptions in Graph and no longer alerts on it. Its alerts and history stay unless you purge them too.`,
      }),
      h(
        'div',
        { class: 'check' },
        purge,
        h('label', { for: 'remove-purge', text: 'Also delete its stored data (purge)' }),
      ),
      h(
        'div',
        { class: 'filter-actions' },
        h('button', {
          type: 'button',
          id: 'remove-yes',
          text: 'Yes, remove it',
          onclick: async () => {
            const result = byId('action-result');
            try {
              const outcome = await api(
                `/tenants/${segment(tenantId)}${purge.checked ? '?purge=true' : ''}`,
                { method: 'DELETE' },
              );
              close();
              report(
                result,
                `${name} was removed: ${outcome.deletedSubscriptions.length} subscription(s) deleted in Graph${outcome.purged === null ? '' : ', its stored data purged'}.`,
                'ok',
              );
              say('Tenant removed', 'ok');
              await refresh();
            } catch (error) {
              report(
                result,
                `Not removed: ${error instanceof Error ? error.message : String(error)}`,
                'error',
              );
            }
          },
        }),
        h('button', { type: 'button', class: 'secondary', id: 'remove-no', text: 'Cancel', onclick: close }),
      ),
    ),
  );
  confirm.hidden = false;
  byId('remove-yes').focus();
});

startPage({ load, render });
