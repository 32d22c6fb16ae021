// The routes half of the channels page: which tenants' alerts of which severities go to which named channels, listed
// with the tenants by name, and the form that adds one (tenants and channels ticked from the live lists).

import { api, segment } from './api.js';
import { byId, h, replaceChildren, scrollBox } from './element.js';
import { refresh, report, say } from './shell.js';

const SEVERITIES = ['critical', 'warning', 'info'];

export function renderRoutes(data) {
  renderList(data.routes, data.defaultChannels);
  // The choices are redrawn on every change of the lists; what the admin ticked stays ticked.
  fillChoices(
    'route-tenants',
    'route-tenant',
    data.tenants
      .filter((t) => t.status !== 'removed')
      .map((t) => ({ value: t.id, label: t.label ?? t.id, hint: t.label === null ? null : t.id })),
    'No tenant in the registry yet.',
  );
  fillChoices(
    'route-channels',
    'route-channel',
    data.channels.map((c) => ({ value: c.name, label: c.name, hint: c.target })),
    'No channel yet: add one above first.',
  );
}

function renderList(routes, defaultChannels) {
  const defaults = h('p', {
    class: 'muted',
    id: 'default-channels',
    text: `Default channels (from the server's environment): ${defaultChannels.length === 0 ? 'none' : defaultChannels.join(', ')}.`,
  });
  if (routes.length === 0) {
    replaceChildren(
      byId('routes'),
      h('p', { class: 'muted', text: 'No route: every alert goes to the default channels.' }),
      defaults,
    );
    return;
  }
  replaceChildren(
    byId('routes'),
    scrollBox(
      'Routes table',
      h(
        'table',
        { id: 'routes-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Route', 'Tenants', 'Severities', 'Channels', 'Also default', 'Actions'].map((t) =>
              h('th', { scope: 'col', text: t }),
            ),
          ),
        ),
        h(
          'tbody',
          {},
          routes.map((route) =>
            h(
              'tr',
              { 'data-route-id': route.id },
              h('td', { class: 'id', text: route.id }),
              h(
                'td',
                {},
                route.tenants.length === 0
                  ? h('em', { text: 'every tenant' })
                  : route.tenants.map((t) => h('div', { text: t.label ?? t.id })),
              ),
              h('td', { text: route.severities.join(', ') }),
              h('td', { text: route.channels.join(', ') }),
              h('td', { text: route.alsoDefault ? 'yes' : 'no' }),
              h(
                'td',
                {},
                h('button', {
                  type: 'button',
                  class: 'secondary',
                  id: `delete-route-${route.id}`,
                  'aria-label': `Delete the route ${route.id}`,
                  text: 'Delete',
                  onclick: () => remove(route),
                }),
              ),
            ),
          ),
        ),
      ),
    ),
    defaults,
  );
}

function fillChoices(containerId, idPrefix, options, empty) {
  const container = byId(containerId);
  const signature = JSON.stringify(options);
  if (container.dataset.signature === signature) return;
  const ticked = new Set(
    [...container.querySelectorAll('input[type=checkbox]:checked')].map((input) => input.value),
  );
  container.dataset.signature = signature;
  if (options.length === 0) {
    replaceChildren(container, h('p', { class: 'muted', text: empty }));
    return;
  }
  replaceChildren(
    container,
    options.map((option, index) => {
      const id = `${idPrefix}-${index}`;
      return h(
        'div',
        { class: 'check' },
        h('input', { id, type: 'checkbox', value: option.value, checked: ticked.has(option.value) }),
        h(
          'label',
          { for: id },
          option.label,
          option.hint === null ? null : h('span', { class: 'id', text: ` ${option.hint}` }),
        ),
      );
    }),
  );
}

const tickedIn = (containerId) =>
  [...byId(containerId).querySelectorAll('input[type=checkbox]:checked')].map((input) => input.value);

async function remove(route) {
  const result = byId('route-result');
  try {
    await api(`/routes/${segment(route.id)}`, { method: 'DELETE' });
    report(result, `The route ${route.id} was deleted.`, 'ok');
    say('Route deleted', 'ok');
    await refresh();
  } catch (error) {
    report(result, `Not deleted: ${error instanceof Error ? error.message : String(error)}`, 'error');
  }
}

export function wireRouteForm() {
  byId('route-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const result = byId('route-add-result');
    const channels = tickedIn('route-channels');
    const severities = SEVERITIES.filter((s) => byId(`route-severity-${s}`).checked);
    if (channels.length === 0 || severities.length === 0) {
      report(result, 'Tick at least one channel and one severity.', 'error');
      return;
    }
    const body = {
      tenantIds: tickedIn('route-tenants'),
      severities,
      channels,
      alsoDefault: byId('route-also-default').checked,
    };
    try {
      const answer = await api('/routes', { method: 'POST', body });
      const route = answer.route;
      report(
        result,
        `Route ${route.id} added: ${route.severities.join(', ')} alerts of ${route.tenants.length === 0 ? 'every tenant' : route.tenants.map((t) => t.label ?? t.id).join(', ')} go to ${route.channels.join(', ')}.`,
        'ok',
      );
      say('Route added', 'ok');
      await refresh();
    } catch (error) {
      report(result, `Not added: ${error instanceof Error ? error.message : String(error)}`, 'error');
    }
  });
}
