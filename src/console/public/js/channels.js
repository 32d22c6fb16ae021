// Channels and routes (issue 19 item 4): named alert destinations (Slack, Teams, e-mail, a signed webhook) and the
// routes that send each tenant's alerts of some severities to some of them. A channel's URL and signing secret go
// to the server once, from password fields, and are never shown again: the API answers with the host only.
// The routes half of the page is routes.js. A server without the channels API (older than it) answers 404: the page
// says so instead of failing.

import { api, ApiError, segment } from './api.js';
import { byId, h, replaceChildren, scrollBox } from './element.js';
import { formatTime } from './format.js';
import { renderRoutes, wireRouteForm } from './routes.js';
import { refresh, report, say, startPage } from './shell.js';

const KIND_NAMES = { slack: 'Slack', teams: 'Microsoft Teams', email: 'E-mail', webhook: 'Webhook' };

async function load() {
  let channels;
  try {
    channels = await api('/channels');
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return { unavailable: true };
    throw error;
  }
  const [routes, tenants] = await Promise.all([api('/routes'), api('/tenants')]);
  return {
    unavailable: false,
    channels: channels.channels,
    routes: routes.routes,
    defaultChannels: routes.defaultChannels,
    tenants: tenants.tenants,
  };
}

function render(data) {
  const sections = ['channels-title', 'routes-title'].map((id) => byId(id).closest('section'));
  if (data.unavailable) {
    for (const section of sections) section.hidden = true;
    replaceChildren(
      byId('channels-unavailable'),
      h('p', {
        class: 'notice notice-info',
        id: 'channels-api-missing',
        role: 'status',
        text: 'The channels API is not available on this server (it answered 404 for /api/channels): this ra-watch is older than named channels and routes. Alerts go to the channels configured in its environment.',
      }),
    );
    return;
  }
  for (const section of sections) section.hidden = false;
  replaceChildren(byId('channels-unavailable'));
  renderChannels(data.channels);
  renderRoutes(data);
}

function renderChannels(channels) {
  const container = byId('channels');
  if (channels.length === 0) {
    replaceChildren(
      container,
      h('p', {
        class: 'muted',
        text: 'No named channel yet: every alert goes to the default channels. Add one below.',
      }),
    );
    return;
  }
  replaceChildren(
    container,
    scrollBox(
      'Channels table',
      h(
        'table',
        { id: 'channels-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Name', 'Kind', 'Target', 'Signing secret', 'Digests', 'Used by', 'Actions'].map((t) =>
              h('th', { scope: 'col', text: t }),
            ),
          ),
        ),
        h('tbody', {}, channels.map(channelRow)),
      ),
    ),
  );
}

function channelRow(channel) {
  return h(
    'tr',
    { 'data-channel': channel.name },
    h(
      'td',
      {},
      h('strong', { text: channel.name }),
      h('div', {
        class: 'muted',
        text: `added ${formatTime(channel.createdAt)}${channel.createdBy === null ? '' : ` by ${channel.createdBy}`}`,
      }),
    ),
    h('td', { text: KIND_NAMES[channel.kind] ?? channel.kind }),
    h('td', { class: 'channel-target', text: channel.target }),
    h('td', {
      text: channel.kind === 'webhook' ? (channel.secretSet ? 'set' : 'not set') : '—',
    }),
    h('td', { text: channel.digests ? 'yes' : 'no' }),
    h(
      'td',
      {},
      channel.usedBy.length === 0
        ? h('span', { class: 'muted', text: 'no route' })
        : channel.usedBy.map((id) => h('div', { class: 'id', text: id })),
    ),
    h(
      'td',
      {},
      h(
        'div',
        { class: 'filter-actions' },
        h('button', {
          type: 'button',
          class: 'secondary',
          id: `test-${channel.name}`,
          'aria-label': `Send test message to ${channel.name}`,
          text: 'Send test',
          onclick: () => sendTest(channel),
        }),
        h('button', {
          type: 'button',
          class: 'secondary',
          id: `delete-${channel.name}`,
          'aria-label': `Delete the channel ${channel.name}`,
          text: 'Delete',
          onclick: () => remove(channel),
        }),
      ),
    ),
  );
}

async function sendTest(channel) {
  const result = byId('channel-result');
  report(result, `Sending a test message to ${channel.name}…`, 'info');
  try {
    const answer = await api(`/channels/${segment(channel.name)}/test`, { method: 'POST' });
    report(
      result,
      answer.ok
        ? `Test message sent to ${channel.name}${answer.detail === null ? '' : `: ${answer.detail}`}.`
        : `The test message to ${channel.name} failed: ${answer.detail ?? 'no detail'}.`,
      answer.ok ? 'ok' : 'error',
    );
  } catch (error) {
    report(result, `Not sent: ${error instanceof Error ? error.message : String(error)}`, 'error');
  }
}

async function remove(channel) {
  const result = byId('channel-result');
  try {
    await api(`/channels/${segment(channel.name)}`, { method: 'DELETE' });
    report(result, `The channel ${channel.name} was deleted.`, 'ok');
    say('Channel deleted', 'ok');
    await refresh();
  } catch (error) {
    report(result, `Not deleted: ${error instanceof Error ? error.message : String(error)}`, 'error');
  }
}

/** The fields a kind needs: a URL (Slack, Teams, webhook), a signing secret (webhook), recipients (e-mail). */
function showFieldsFor(kind) {
  byId('channel-url-field').hidden = kind === 'email';
  byId('channel-url').required = kind !== 'email';
  byId('channel-secret-field').hidden = kind !== 'webhook';
  byId('channel-to-field').hidden = kind !== 'email';
  byId('channel-to').required = kind === 'email';
  // The API's defaults: a webhook's receiver is a program, which rarely wants the daily digest.
  byId('channel-digests').checked = kind !== 'webhook';
}

byId('channel-kind').addEventListener('change', (event) => showFieldsFor(event.target.value));
showFieldsFor(byId('channel-kind').value);

byId('channel-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const result = byId('channel-add-result');
  const kind = byId('channel-kind').value;
  const body = { name: byId('channel-name').value.trim(), kind, digests: byId('channel-digests').checked };
  if (kind === 'email') {
    body.to = byId('channel-to')
      .value.split(/[,;\s]+/)
      .map((a) => a.trim())
      .filter((a) => a !== '');
  } else {
    body.url = byId('channel-url').value.trim();
  }
  const secret = byId('channel-secret').value.trim();
  if (kind === 'webhook' && secret !== '') body.secret = secret;
  try {
    const answer = await api('/channels', { method: 'POST', body });
    report(result, `The channel ${answer.channel.name} was added (${answer.channel.target}).`, 'ok');
    // The secrets leave the page as soon as they are sent.
    for (const id of ['channel-name', 'channel-url', 'channel-secret', 'channel-to']) byId(id).value = '';
    say('Channel added', 'ok');
    await refresh();
  } catch (error) {
    report(result, `Not added: ${error instanceof Error ? error.message : String(error)}`, 'error');
  }
});

wireRouteForm();
startPage({ load, render });
