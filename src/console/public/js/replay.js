// Replay: re-run the stored changes of a range through today's rules. The preview is a dry run (it writes only the
// replay record and sends nothing) and shows the counts and the differences with what was alerted at the time; the
// new alerts are delivered only after the admin confirms, with exactly the selection that was previewed.

import { api } from './api.js';
import { byId, h, replaceChildren, scrollBox } from './element.js';
import { ruleName, severityBadge, timeElement } from './format.js';
import { currentTenant, refresh, report, say, startPage } from './shell.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The selection the shown preview was made with: delivery uses it, not whatever the form holds now. */
let previewed = null;

async function load() {
  const tenant = currentTenant();
  return api(`/replay${tenant === null ? '' : `?tenantId=${encodeURIComponent(tenant)}`}`);
}

function render(data) {
  const replays = data.replays.slice(0, 10);
  if (replays.length === 0) {
    replaceChildren(
      byId('recent'),
      h('p', { class: 'muted', text: 'No replay has been run for this tenant.' }),
    );
    return;
  }
  replaceChildren(
    byId('recent'),
    scrollBox(
      'Recent replays table',
      h(
        'table',
        { id: 'recent-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Started', 'Mode', 'By', 'Range', 'Events', 'Same', 'New', 'Gone', 'Delivered'].map((t) =>
              h('th', { scope: 'col', text: t }),
            ),
          ),
        ),
        h(
          'tbody',
          {},
          replays.map((r) =>
            h(
              'tr',
              {},
              h('td', {}, timeElement(r.startedAt)),
              h('td', { text: r.mode }),
              h('td', { text: r.by }),
              h('td', {}, timeElement(r.selection.from), ' to ', timeElement(r.selection.to)),
              h('td', { text: r.covered }),
              h('td', { text: r.outcomes.same }),
              h('td', { text: r.outcomes.new }),
              h('td', { text: r.outcomes.gone }),
              h('td', { text: r.delivered }),
            ),
          ),
        ),
      ),
    ),
  );
}

function selectionFromForm() {
  const selection = { from: byId('replay-from').value.trim() };
  const to = byId('replay-to').value.trim();
  const user = byId('replay-user').value.trim();
  const rule = byId('replay-rule').value;
  if (to !== '') selection.to = to;
  if (user !== '') {
    if (GUID.test(user)) selection.userId = user;
    else selection.upn = user;
  }
  if (rule !== '') selection.ruleId = rule;
  const tenant = currentTenant();
  if (tenant !== null) selection.tenantId = tenant;
  return selection;
}

function countTile(label, value, id) {
  return h('div', { class: 'tile neutral', id }, h('dt', { text: label }), h('dd', { text: value }));
}

function renderReport(replay) {
  const differences = replay.items.filter((item) => item.outcome !== 'same');
  const byRule = Object.entries(replay.byRule);
  replaceChildren(
    byId('preview-result'),
    h(
      'p',
      {},
      `Events received from `,
      timeElement(replay.selection.from),
      ' to ',
      timeElement(replay.selection.to),
      replay.mode === 'dry-run' ? ' (dry run: nothing was sent).' : '.',
    ),
    replay.notice === null ? null : h('p', { class: 'notice notice-info', text: replay.notice }),
    h(
      'dl',
      { class: 'tiles', id: 'replay-counts' },
      countTile('Events in range', replay.covered, 'replay-covered'),
      countTile('Findings today', replay.findings, 'replay-findings'),
      countTile('Same as then', replay.outcomes.same, 'replay-same'),
      countTile('New (not alerted then)', replay.outcomes.new, 'replay-new'),
      countTile('Gone (alerted then, not now)', replay.outcomes.gone, 'replay-gone'),
    ),
    byRule.length === 0
      ? null
      : scrollBox(
          'Replay results by rule',
          h(
            'table',
            { id: 'replay-by-rule' },
            h('caption', { text: 'By rule' }),
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ['Rule', 'Same', 'New', 'Gone'].map((t) => h('th', { scope: 'col', text: t })),
              ),
            ),
            h(
              'tbody',
              {},
              byRule.map(([ruleId, c]) =>
                h(
                  'tr',
                  {},
                  h('td', { text: ruleName(ruleId) }),
                  h('td', { text: c.same }),
                  h('td', { text: c.new }),
                  h('td', { text: c.gone }),
                ),
              ),
            ),
          ),
        ),
    h('h3', { text: 'Differences' }),
    differences.length === 0
      ? h('p', {
          class: 'muted',
          id: 'no-differences',
          text: "None: today's rules agree with what was alerted at the time.",
        })
      : scrollBox(
          'Replay differences table',
          h(
            'table',
            { id: 'replay-differences' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ['Outcome', 'Severity', 'Finding', 'Account', 'Received', 'Delivery'].map((t) =>
                  h('th', { scope: 'col', text: t }),
                ),
              ),
            ),
            h(
              'tbody',
              {},
              differences.map((item) =>
                h(
                  'tr',
                  {},
                  h('td', {
                    text: item.outcome === 'new' ? 'new: would fire now' : 'gone: would not fire now',
                  }),
                  h('td', {}, severityBadge(item.severity)),
                  h(
                    'td',
                    {},
                    item.alertId === null
                      ? item.title
                      : h('a', {
                          href: `alert.html?id=${encodeURIComponent(item.alertId)}`,
                          text: item.title,
                        }),
                  ),
                  h('td', { text: item.displayName ?? item.userPrincipalName ?? item.userId }),
                  h('td', {}, timeElement(item.receivedAt)),
                  h('td', { text: item.delivery ?? '' }),
                ),
              ),
            ),
          ),
        ),
    replay.itemsOmitted > 0
      ? h('p', {
          class: 'muted',
          text: `${replay.itemsOmitted} more items are not shown; the CLI's replay export lists every one.`,
        })
      : null,
  );
}

byId('replay-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const selection = selectionFromForm();
  const panel = byId('preview-panel');
  byId('preview').disabled = true;
  replaceChildren(byId('deliver-result'));
  try {
    const replay = await api('/replay', {
      method: 'POST',
      body: { ...selection, deliver: false, by: 'console' },
    });
    previewed = selection;
    panel.hidden = false;
    renderReport(replay);
    const form = byId('deliver-form');
    form.hidden = replay.outcomes.new === 0;
    byId('deliver-confirm').checked = false;
    byId('deliver-confirm-label').textContent =
      `Yes, send the ${replay.outcomes.new} new alert${replay.outcomes.new === 1 ? '' : 's'} to the configured channels (marked as replayed; ones already sent are skipped)`;
    byId('deliver').textContent =
      `Deliver ${replay.outcomes.new} new alert${replay.outcomes.new === 1 ? '' : 's'}`;
    say('Preview ready', 'ok');
    byId('preview-title').focus();
    void refresh();
  } catch (error) {
    panel.hidden = false;
    previewed = null;
    byId('deliver-form').hidden = true;
    report(
      byId('preview-result'),
      `No preview: ${error instanceof Error ? error.message : String(error)}`,
      'error',
    );
  } finally {
    byId('preview').disabled = false;
  }
});

byId('deliver-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  if (previewed === null || !byId('deliver-confirm').checked) return;
  byId('deliver').disabled = true;
  try {
    const replay = await api('/replay', {
      method: 'POST',
      body: { ...previewed, deliver: true, by: 'console' },
    });
    renderReport(replay);
    byId('deliver-form').hidden = true;
    const d = replay.delivery;
    void refresh();
    report(
      byId('deliver-result'),
      `Delivered ${d.delivered} alert${d.delivered === 1 ? '' : 's'}; ${d.alreadyDelivered} had been delivered by an earlier replay; ${d.alreadyAlerted} had been alerted at another time.`,
      'ok',
    );
  } catch (error) {
    report(
      byId('deliver-result'),
      `Not delivered: ${error instanceof Error ? error.message : String(error)}`,
      'error',
    );
  } finally {
    byId('deliver').disabled = false;
  }
});

startPage({ load, render });
