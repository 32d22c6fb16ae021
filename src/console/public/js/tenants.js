// Tenants: every tenant this install watches on one screen (an MSP's morning look): its status, open critical and
// warning alerts, Resource Account licenses to buy, subscription health and when Graph last notified. One read
// (GET /api/console/tenants) per poll, however many tenants. Below, adding a tenant: its admin-consent link and the
// check that says what is missing.

import { api } from './api.js';
import { byId, h, replaceChildren, scrollBox } from './element.js';
import { ago, formatDuration } from './format.js';
import { refresh, report, say, startPage } from './shell.js';
import { checkResult, consentLink } from './tenant-check.js';
import { statusBadge, subscriptionBadge, tenantHref, tenantName } from './tenant-format.js';

async function load() {
  return api('/console/tenants');
}

function render(data) {
  const generated = Date.parse(data.generatedAt);
  // Trouble first: the most critical alerts open, then warnings; then by name.
  const tenants = [...data.tenants].sort(
    (a, b) =>
      b.openAlerts.critical - a.openAlerts.critical ||
      b.openAlerts.warning - a.openAlerts.warning ||
      tenantName(a).localeCompare(tenantName(b)),
  );
  byId('tenant-count').textContent =
    `${tenants.length} tenant${tenants.length === 1 ? '' : 's'}; ` +
    `${tenants.filter((t) => t.openAlerts.critical > 0).length} with critical alerts open.`;
  if (tenants.length === 0) {
    replaceChildren(byId('tenants'), h('p', { class: 'muted', text: 'No tenant yet: add one below.' }));
    return;
  }
  replaceChildren(
    byId('tenants'),
    scrollBox(
      'Tenants table',
      h(
        'table',
        { id: 'tenants-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            [
              'Tenant',
              'Status',
              'Critical',
              'Warning',
              'RA licenses to buy',
              'Subscriptions',
              'Last notification',
            ].map((t) => h('th', { scope: 'col', text: t })),
          ),
        ),
        h(
          'tbody',
          {},
          tenants.map((t) => row(t, generated)),
        ),
      ),
    ),
  );
}

function row(tenant, generated) {
  const count = (n, severity) =>
    h(
      'td',
      { class: 'count', 'data-count': severity },
      n > 0 ? h('strong', { text: n }) : h('span', { text: 0 }),
    );
  return h(
    'tr',
    { 'data-tenant-id': tenant.id },
    h(
      'td',
      {},
      h('a', { href: tenantHref(tenant.id), class: 'tenant-name', text: tenantName(tenant) }),
      tenant.defaultDomain === null || tenant.displayName === null
        ? null
        : h('div', { text: tenant.defaultDomain }),
      h('div', { class: 'id', text: tenant.id }),
    ),
    h(
      'td',
      {},
      statusBadge(tenant.status),
      // The detail can hold a whole consent link: folded, so one pending tenant does not widen every row.
      tenant.statusDetail === null
        ? null
        : h(
            'details',
            { class: 'status-detail' },
            h('summary', { text: 'Why' }),
            h('p', { text: tenant.statusDetail }),
          ),
    ),
    count(tenant.openAlerts.critical, 'critical'),
    count(tenant.openAlerts.warning, 'warning'),
    h(
      'td',
      { 'data-count': 'to-buy' },
      tenant.allocation === null
        ? h('span', { class: 'muted', text: 'not read yet' })
        : tenant.allocation.toBuy > 0
          ? h('strong', { text: tenant.allocation.toBuy })
          : h('span', { text: 0 }),
    ),
    h(
      'td',
      {},
      subscriptionBadge(tenant.subscriptions.health),
      tenant.subscriptions.expiresAt === null
        ? null
        : h('div', {
            class: 'muted',
            text:
              tenant.subscriptions.expiresInMs > 0
                ? `expires in ${formatDuration(tenant.subscriptions.expiresInMs)}`
                : `expired ${formatDuration(tenant.subscriptions.expiresInMs)} ago`,
          }),
    ),
    h('td', { text: ago(tenant.lastNotificationAt, generated) }),
  );
}

byId('add-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const result = byId('add-result');
  const button = byId('add-submit');
  const tenant = byId('add-tenant').value.trim();
  const by = byId('add-by').value.trim();
  if (tenant === '') return;
  button.disabled = true;
  report(result, `Checking ${tenant}…`, 'info');
  try {
    const answer = await api('/tenants', {
      method: 'POST',
      body: by === '' ? { tenant } : { tenant, addedBy: by },
    });
    const added = answer.tenant;
    const name = added.label ?? added.id;
    replaceChildren(
      result,
      h(
        'p',
        {
          class: `notice ${added.status === 'active' ? 'notice-ok' : 'notice-info'}`,
          role: 'status',
          id: 'add-outcome',
        },
        answer.alreadyWatched
          ? `${name} was watched already; checked again.`
          : added.status === 'active'
            ? `${name} is now watched${answer.subscribed ? ': subscribed to its changes, baseline audit started' : ''}.`
            : `${name} was added, pending consent: send the link below to one of its Global Administrators, then check it on its page.`,
        ' ',
        h('a', { href: tenantHref(added.id), text: 'Open its page' }),
      ),
      consentLink(answer.consentUrl, 'add-consent'),
      checkResult(answer.check),
    );
    byId('add-tenant').value = '';
    say(`Tenant ${name} added`, 'ok');
    await refresh();
  } catch (error) {
    report(result, `Not added: ${error instanceof Error ? error.message : String(error)}`, 'error');
  } finally {
    button.disabled = false;
  }
});

startPage({ load, render });
