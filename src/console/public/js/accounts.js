// Resource accounts: every account ra-watch knows as one (or that an admin excluded), with its licenses, how it was
// identified and its open findings; filter and search in the page; add to and remove from the registry.

import { api, segment } from './api.js';
import { byId, h, replaceChildren, scrollBox } from './element.js';
import { accountName, humanise, severityBadge } from './format.js';
import { currentTenant, refresh, report, say, startPage } from './shell.js';

let latest = null;

async function load() {
  const tenant = currentTenant();
  return api(`/console/resource-accounts${tenant === null ? '' : `?tenantId=${encodeURIComponent(tenant)}`}`);
}

function matches(account, search, show) {
  if (show === 'findings' && account.openFindings.length === 0) return false;
  if (show === 'registry' && !account.inRegistry) return false;
  if (show === 'identified' && account.inRegistry) return false;
  if (show === 'excluded' && account.isResourceAccount) return false;
  if (search === '') return true;
  return [account.displayName, account.userPrincipalName, account.userId, account.note].some(
    (v) => typeof v === 'string' && v.toLowerCase().includes(search),
  );
}

function render(data) {
  latest = data;
  draw();
}

function draw() {
  if (latest === null) return;
  const search = byId('search').value.trim().toLowerCase();
  const show = byId('show').value;
  const all = latest.resourceAccounts;
  const shown = all
    .filter((a) => matches(a, search, show))
    .sort(
      (a, b) => b.openFindings.length - a.openFindings.length || accountName(a).localeCompare(accountName(b)),
    );
  byId('account-count').textContent =
    `Showing ${shown.length} of ${all.length} account${all.length === 1 ? '' : 's'}.`;
  if (shown.length === 0) {
    replaceChildren(
      byId('accounts'),
      h('p', {
        class: 'muted',
        text:
          all.length === 0
            ? 'No resource account is known yet: run an audit, or add one to the registry below.'
            : 'No account matches the filter.',
      }),
    );
    return;
  }
  replaceChildren(
    byId('accounts'),
    scrollBox(
      'Resource accounts table',
      h(
        'table',
        { id: 'accounts-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Account', 'Identified by', 'Application', 'Licenses', 'Open findings', 'Registry'].map((t) =>
              h('th', { scope: 'col', text: t }),
            ),
          ),
        ),
        h('tbody', {}, shown.map(row)),
      ),
    ),
  );
}

function row(account) {
  const name = accountName(account);
  return h(
    'tr',
    { 'data-user-id': account.userId },
    h(
      'td',
      {},
      h('strong', { text: name }),
      account.userPrincipalName !== null && account.userPrincipalName !== name
        ? h('div', { text: account.userPrincipalName })
        : null,
      h('div', { class: 'id', text: account.userId }),
      account.deleted ? h('div', { class: 'badge severity-warning', text: 'deleted' }) : null,
      account.isResourceAccount ? null : h('div', { class: 'badge state', text: 'not a resource account' }),
    ),
    h(
      'td',
      {},
      humanise(account.identifiedBy),
      h('div', { class: 'muted', text: account.detail }),
      account.note === null ? null : h('div', { text: `Note: ${account.note}` }),
    ),
    h('td', { text: humanise(account.application) }),
    h(
      'td',
      {},
      account.licenses === null
        ? h('span', { class: 'muted', text: 'not read yet' })
        : account.licenses.length === 0
          ? h('strong', { text: 'none' })
          : h(
              'ul',
              {},
              account.licenses.map((l) =>
                h(
                  'li',
                  {},
                  l.skuPartNumber ?? h('span', { class: 'id', text: l.skuId }),
                  l.assignedByGroup === null ? null : h('span', { class: 'muted', text: ' (by group)' }),
                ),
              ),
            ),
    ),
    h(
      'td',
      {},
      account.openFindings.length === 0
        ? h('span', { class: 'muted', text: 'none' })
        : h(
            'ul',
            {},
            account.openFindings.map((f) =>
              h(
                'li',
                {},
                severityBadge(f.severity),
                ' ',
                h('a', { href: `alert.html?id=${encodeURIComponent(f.alertId)}`, text: f.title }),
              ),
            ),
          ),
    ),
    h(
      'td',
      {},
      account.inRegistry
        ? h('button', {
            type: 'button',
            class: 'secondary',
            id: `remove-${account.userId}`,
            'aria-label': `Remove ${name} from the registry`,
            text: 'Remove',
            onclick: () => remove(account),
          })
        : h('span', { class: 'muted', text: 'not in the registry' }),
    ),
  );
}

async function remove(account) {
  const result = byId('remove-result');
  try {
    const tenant = currentTenant();
    await api(
      `/resource-accounts/${segment(account.userId)}${tenant === null ? '' : `?tenantId=${encodeURIComponent(tenant)}`}`,
      { method: 'DELETE' },
    );
    report(
      result,
      `${accountName(account)} was removed from the registry; ra-watch identifies it by itself again.`,
      'ok',
    );
    say('Registry entry removed', 'ok');
    await refresh();
    byId('search').focus();
  } catch (error) {
    report(result, `Not removed: ${error instanceof Error ? error.message : String(error)}`, 'error');
  }
}

byId('filter-form').addEventListener('submit', (event) => event.preventDefault());
byId('search').addEventListener('input', draw);
byId('show').addEventListener('change', draw);

byId('add-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const result = byId('add-result');
  const userId = byId('add-user').value.trim();
  const application = byId('add-application').value;
  const note = byId('add-note').value.trim();
  const by = byId('add-by').value.trim();
  const body = {
    isResourceAccount: byId('add-kind').value === 'yes',
    application: application === 'unknown' ? null : application,
    note: note === '' ? null : note,
    updatedBy: by === '' ? null : by,
  };
  const tenant = currentTenant();
  if (tenant !== null) body.tenantId = tenant;
  try {
    await api(`/resource-accounts/${segment(userId)}`, { method: 'PUT', body });
    report(
      result,
      `${userId} is now in the registry as ${body.isResourceAccount ? 'a resource account' : 'not a resource account'}.`,
      'ok',
    );
    byId('add-user').value = '';
    byId('add-note').value = '';
    await refresh();
  } catch (error) {
    report(result, `Not added: ${error instanceof Error ? error.message : String(error)}`, 'error');
  }
});

startPage({ load, render });
