// The frame around every console page: the skip link, the header (brand, navigation, tenant picker, session), the
// sign-in panel and the status line. It is built here, once, so the pages hold only their own <main id="main">; the
// ids, classes and labels are the ones the CSS, shell.js and the browser tests rely on, so change them with care.
// Built with h() (no markup parsed, nothing inline), so the strict CSP needs nothing more.

import { h } from './element.js';

/** The navigation, in order. `file` is the page's name in the address ('' is the folder, i.e. index.html). */
const NAV = [
  { href: './', file: 'index.html', text: 'Overview' },
  { href: 'tenants.html', file: 'tenants.html', text: 'Tenants' },
  { href: 'alerts.html', file: 'alerts.html', text: 'Alerts' },
  { href: 'accounts.html', file: 'accounts.html', text: 'Resource accounts' },
  { href: 'replay.html', file: 'replay.html', text: 'Replay' },
  { href: 'channels.html', file: 'channels.html', text: 'Channels' },
];

/** This page's file name, from the address: a detail page (tenant.html, alert.html) matches no navigation entry. */
function currentFile() {
  const name = location.pathname.slice(location.pathname.lastIndexOf('/') + 1);
  return name === '' ? 'index.html' : name;
}

function header() {
  const current = currentFile();
  return h(
    'header',
    { class: 'top' },
    h(
      'p',
      { class: 'brand' },
      h('a', { href: './', text: 'ra-watch' }),
      ' ',
      h('span', { class: 'brand-sub', text: 'Teams Phone resource accounts' }),
    ),
    h(
      'nav',
      { 'aria-label': 'Console' },
      h(
        'ul',
        {},
        NAV.map((entry) =>
          h(
            'li',
            {},
            h('a', {
              href: entry.href,
              'aria-current': entry.file === current ? 'page' : null,
              text: entry.text,
            }),
          ),
        ),
      ),
    ),
    h(
      'div',
      { class: 'tenant-picker' },
      h('label', { for: 'tenant', text: 'Tenant' }),
      h('select', { id: 'tenant' }),
    ),
    h('div', { id: 'session', class: 'session' }),
  );
}

/** Hidden until the API asks for a sign-in; shell.js fills the message and adds "Sign in with Microsoft". */
function signInPanel() {
  return h(
    'section',
    { id: 'auth', class: 'auth panel', hidden: true, 'aria-labelledby': 'auth-title' },
    h('h2', { id: 'auth-title', text: 'Sign in' }),
    h('p', { id: 'auth-message' }),
    h(
      'form',
      { id: 'auth-form', class: 'stack' },
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'token', text: 'API token' }),
        h('input', {
          id: 'token',
          name: 'token',
          type: 'password',
          autocomplete: 'current-password',
          required: true,
        }),
      ),
      h('div', {}, h('button', { type: 'submit', text: 'Sign in' })),
    ),
  );
}

/**
 * Put the frame around the page's <main id="main">: the skip link first (the first thing a keyboard reaches), then
 * the header and the sign-in panel before the main content, and the status line after it. Module scripts run once
 * the document is parsed, so <main> is there.
 */
export function drawPageFrame() {
  const main = document.getElementById('main');
  if (main === null) throw new Error('the page has no element #main');
  main.before(
    h('a', { class: 'skip-link', href: '#main', text: 'Skip to content' }),
    header(),
    signInPanel(),
  );
  main.after(h('footer', { class: 'foot' }, h('p', { id: 'status', role: 'status' })));
}
