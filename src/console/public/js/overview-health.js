// The overview's health panels: whether Graph can still reach ra-watch (each subscription's expiry countdown, last
// notification and renewal) and whether work is piling up (queue depth, dead letters).

import { byId, h, replaceChildren, scrollBox } from './element.js';
import { ago, formatDuration, timeElement } from './format.js';

export function renderSubscriptions(summary) {
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

export function renderQueue(summary, deadLetters) {
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
