// A tenant check as an admin reads it (POST /api/tenants and POST /api/tenants/:id/check): the token, then each Graph
// permission ra-watch needs, ok or MISSING, then what to do. The same words as `ra-watch tenants check`.

import { h } from './element.js';
import { formatTime } from './format.js';

export function checkResult(check) {
  return h(
    'div',
    { class: 'check-result', id: 'check-result' },
    h(
      'p',
      { class: `notice ${check.ok ? 'notice-ok' : 'notice-error'}`, id: 'check-verdict' },
      check.ok
        ? 'ra-watch can watch this tenant: the token and every permission it needs are there.'
        : `ra-watch cannot watch this tenant yet${check.missing.length > 0 ? `: missing ${check.missing.join(', ')}` : ''}.`,
      ` (checked ${formatTime(check.checkedAt)})`,
    ),
    h(
      'table',
      { id: 'check-table' },
      h('caption', { text: 'What ra-watch tried' }),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Result', 'Needs', 'Call', 'Detail'].map((t) => h('th', { scope: 'col', text: t })),
        ),
      ),
      h(
        'tbody',
        {},
        h(
          'tr',
          { 'data-permission': 'token' },
          h('td', {}, resultBadge(check.token.ok)),
          h('td', { text: 'A token in the tenant' }),
          h('td', { text: 'client credentials' }),
          h('td', { text: check.token.detail ?? '' }),
        ),
        check.permissions.map((p) =>
          h(
            'tr',
            { 'data-permission': p.permission },
            h('td', {}, resultBadge(p.ok)),
            h('td', { text: p.permission }),
            h('td', { class: 'id', text: p.call }),
            h('td', { text: p.detail ?? (p.status === null ? '' : `HTTP ${p.status}`) }),
          ),
        ),
      ),
    ),
    check.fix === null ? null : h('p', { id: 'check-fix' }, h('strong', { text: 'To fix: ' }), check.fix),
  );
}

function resultBadge(ok) {
  return h('span', { class: `badge ${ok ? 'ok' : 'severity-critical'}`, text: ok ? 'ok' : 'MISSING' });
}

/**
 * The admin-consent link in a read-only field with a Copy button: it is sent to the customer's Global Administrator,
 * so it must be easy to copy whole. Falls back to selecting the text where the clipboard is not allowed.
 */
export function consentLink(url, idPrefix = 'consent') {
  if (url === null || url === undefined) {
    return h('p', {
      class: 'notice notice-info',
      text: "No admin-consent link: the server has no AZURE_CLIENT_ID (the multi-tenant app's client id) configured.",
    });
  }
  const input = h('input', {
    id: `${idPrefix}-url`,
    type: 'text',
    readonly: true,
    value: url,
    spellcheck: 'false',
    'aria-describedby': `${idPrefix}-hint`,
  });
  const said = h('span', { id: `${idPrefix}-copied`, role: 'status', class: 'muted' });
  return h(
    'div',
    { class: 'stack consent' },
    h(
      'div',
      { class: 'field' },
      h('label', { for: `${idPrefix}-url`, text: 'Admin-consent link' }),
      input,
      h('p', {
        id: `${idPrefix}-hint`,
        class: 'hint',
        text: "Send it to one of the tenant's Global Administrators: they open it, sign in and accept. Then check the tenant again.",
      }),
    ),
    h(
      'div',
      { class: 'filter-actions' },
      h('button', {
        type: 'button',
        class: 'secondary',
        id: `${idPrefix}-copy`,
        text: 'Copy the link',
        onclick: async () => {
          try {
            await navigator.clipboard.writeText(url);
            said.textContent = 'Copied.';
          } catch {
            input.focus();
            input.select();
            said.textContent = 'Selected: press Ctrl+C (or ⌘C) to copy it.';
          }
        },
      }),
      h('a', { href: url, target: '_blank', rel: 'noopener noreferrer', text: 'Open it' }),
      said,
    ),
  );
}
