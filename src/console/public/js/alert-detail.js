// Alert detail: the proof (evidence), why it matters, what to do (remediation), where the messages went, the
// account's timeline (changes with their audit activities, alerts raised and resolved), and acknowledge/snooze.

import { api, ApiError, segment } from './api.js';
import { byId, h, replaceChildren, scrollBox } from './element.js';
import { renderEvidence, skuLabel } from './evidence.js';
import { alertState, ruleName, severityBadge, subjectName, timeElement } from './format.js';
import { refresh, report, say, startPage } from './shell.js';

const alertId = new URLSearchParams(location.search).get('id');
let skuNames = null;

async function load() {
  if (alertId === null || alertId === '')
    return { missing: 'No alert is named: open one from the overview.' };
  skuNames ??= (await api('/console/sku-names')).skus;
  let alert;
  try {
    alert = await api(`/alerts/${segment(alertId)}`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return { missing: error.message };
    throw error;
  }
  let timeline = null;
  let timelineProblem = null;
  if (alert.userId !== null) {
    try {
      timeline = await api(
        `/replay/timeline/${segment(alert.userId)}?tenantId=${encodeURIComponent(alert.tenantId)}`,
      );
    } catch (error) {
      if (error instanceof ApiError && error.needsSignIn) throw error;
      timelineProblem = error instanceof Error ? error.message : String(error);
    }
  }
  return { alert, timeline, timelineProblem, skuNames };
}

function render(data) {
  if (data.missing !== undefined) {
    replaceChildren(byId('alert-head'), h('h1', { text: 'Alert not found' }));
    replaceChildren(byId('alert-body'), h('p', { class: 'notice notice-error', text: data.missing }));
    byId('ack-form').hidden = true;
    return;
  }
  const { alert } = data;
  const finding = alert.finding;
  document.title = `${finding.title} · ra-watch`;
  replaceChildren(
    byId('alert-head'),
    h('h1', { text: finding.title }),
    h(
      'p',
      {},
      severityBadge(alert.severity),
      ' ',
      h('span', { class: 'badge state', id: 'alert-state', text: alertState(alert) }),
    ),
  );
  replaceChildren(
    byId('alert-body'),
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'facts-title' },
      h('h2', { id: 'facts-title', text: 'Summary' }),
      h(
        'dl',
        { class: 'facts' },
        fact('Rule', `${ruleName(alert.ruleId)} (${alert.ruleId})`),
        fact(
          'Account',
          subjectName(alert),
          alert.userId === null ? null : h('div', { class: 'id', text: alert.userId }),
        ),
        fact('Tenant', h('span', { class: 'id', text: alert.tenantId })),
        fact('First seen', timeElement(alert.firstSeenAt)),
        fact(
          'Last seen',
          timeElement(alert.lastSeenAt),
          ` (found ${alert.seenCount} time${alert.seenCount === 1 ? '' : 's'})`,
        ),
        alert.resolvedAt === null ? null : fact('Resolved', timeElement(alert.resolvedAt)),
        alert.acknowledgedAt === null
          ? null
          : fact(
              'Acknowledged',
              `by ${alert.acknowledgedBy ?? 'someone'} at `,
              timeElement(alert.acknowledgedAt),
              alert.acknowledgeReason === null ? '' : `: ${alert.acknowledgeReason}`,
            ),
        alert.snoozedUntil === null ? null : fact('Snoozed until', timeElement(alert.snoozedUntil)),
        alert.replayed ? fact('Origin', 'raised by a replay with delivery') : null,
      ),
    ),
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'why-title' },
      h('h2', { id: 'why-title', text: 'Why it matters' }),
      h('p', { text: finding.whyItMatters }),
    ),
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'remedy-title' },
      h('h2', { id: 'remedy-title', text: 'What to do' }),
      h(
        'ol',
        { id: 'remediation' },
        finding.remediation.map((step) => h('li', { text: step })),
      ),
    ),
    h(
      'section',
      { class: 'panel evidence', 'aria-labelledby': 'evidence-title', id: 'evidence' },
      h('h2', { id: 'evidence-title', text: 'Evidence' }),
      renderEvidence(finding.evidence, data.skuNames),
    ),
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'deliveries-title' },
      h('h2', { id: 'deliveries-title', text: 'Where it was sent' }),
      alert.deliveries.length === 0
        ? h('p', { class: 'muted', text: 'No message was owed to any channel.' })
        : scrollBox(
            'Deliveries table',
            h(
              'table',
              {},
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  ['Channel', 'Message', 'Status', 'Attempts', 'Delivered', 'Last error'].map((t) =>
                    h('th', { scope: 'col', text: t }),
                  ),
                ),
              ),
              h(
                'tbody',
                {},
                alert.deliveries.map((d) =>
                  h(
                    'tr',
                    {},
                    h('td', { text: d.sink }),
                    h('td', { text: d.kind }),
                    h('td', { text: d.status }),
                    h('td', { text: d.attempts }),
                    h('td', {}, timeElement(d.deliveredAt)),
                    h('td', { text: d.lastError ?? '' }),
                  ),
                ),
              ),
            ),
          ),
    ),
  );
  renderTimeline(data);
}

function fact(label, ...value) {
  return h('div', {}, h('dt', { text: label }), h('dd', {}, value));
}

function renderTimeline({ alert, timeline, timelineProblem, skuNames }) {
  const container = byId('timeline');
  if (alert.userId === null) {
    replaceChildren(
      container,
      h('p', { class: 'muted', text: 'A tenant-level alert has no account timeline.' }),
    );
    return;
  }
  if (timeline === null) {
    replaceChildren(
      container,
      h('p', { class: 'notice notice-info', text: timelineProblem ?? 'No timeline.' }),
    );
    return;
  }
  const skus = (ids) => (ids.length === 0 ? 'nothing' : ids.map((id) => skuLabel(id, skuNames)).join(', '));
  replaceChildren(
    container,
    h(
      'ol',
      { class: 'timeline', id: 'timeline-list' },
      timeline.entries.map((entry) => {
        if (entry.kind === 'change') {
          const c = entry.change;
          return h(
            'li',
            { class: 'change' },
            timeElement(entry.at),
            h(
              'div',
              {},
              h('strong', { text: 'License change' }),
              ` (learned from ${c.source.kind}): added ${skus(c.addedSkuIds)}; removed ${skus(c.removedSkuIds)}`,
            ),
            c.activities.length === 0
              ? null
              : h(
                  'ul',
                  {},
                  c.activities.map((a) =>
                    h(
                      'li',
                      {},
                      'Audit activity ',
                      h('span', { class: 'id', text: a.activityId }),
                      ' at ',
                      timeElement(a.at),
                      ` by ${a.initiatedBy ?? 'unknown'}: added ${skus(a.addedSkuIds)}; removed ${skus(a.removedSkuIds)}`,
                    ),
                  ),
                ),
          );
        }
        const raised = entry.kind === 'alert-raised';
        return h(
          'li',
          { class: entry.kind },
          timeElement(entry.at),
          h(
            'div',
            {},
            h('strong', { text: raised ? 'Alert raised' : 'Alert resolved' }),
            ' ',
            severityBadge(entry.alert.severity),
            ' ',
            entry.alert.id === alert.id
              ? h('span', { text: entry.alert.finding.title })
              : h('a', {
                  href: `alert.html?id=${encodeURIComponent(entry.alert.id)}`,
                  text: entry.alert.finding.title,
                }),
          ),
        );
      }),
    ),
  );
}

byId('ack-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const result = byId('ack-result');
  const snooze = byId('ack-snooze').value;
  const body = { by: byId('ack-by').value.trim() };
  const reason = byId('ack-reason').value.trim();
  if (reason !== '') body.reason = reason;
  if (snooze !== '') {
    // datetime-local has no zone: it is the admin's local time, sent as an exact instant.
    const at = new Date(snooze);
    if (Number.isNaN(at.getTime()))
      return report(result, 'Snooze until: not a valid date and time.', 'error');
    body.snoozeUntil = at.toISOString();
  }
  byId('ack-submit').disabled = true;
  try {
    const alert = await api(`/alerts/${segment(alertId)}/ack`, { method: 'POST', body });
    report(
      result,
      alert.snoozedUntil === null
        ? `Acknowledged by ${alert.acknowledgedBy}.`
        : `Acknowledged and snoozed until ${alert.snoozedUntil.slice(0, 16).replace('T', ' ')} UTC.`,
      'ok',
    );
    say('Alert acknowledged', 'ok');
    await refresh();
  } catch (error) {
    report(result, `Not acknowledged: ${error instanceof Error ? error.message : String(error)}`, 'error');
  } finally {
    byId('ack-submit').disabled = false;
  }
});

startPage({ load, render });
