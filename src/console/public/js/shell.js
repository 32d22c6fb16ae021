// What every console page shares: the sign-in form, the tenant picker, the status line and the polling loop.
// A page gives `load()` (read the API) and `render(data)` (draw it); the shell calls them now and every few seconds,
// redraws only when the data changed, and keeps keyboard focus where it was across a redraw.

import { api, ApiError, getToken, setToken } from './api.js';
import { byId, h, replaceChildren } from './element.js';

const TENANT_KEY = 'ra-watch-tenant';
const DEFAULT_POLL_MS = 5000;

let refreshNow = () => Promise.resolve();

/** The tenant the admin picked (or the configured one once the summary said which it is). */
export function currentTenant() {
  return sessionStorage.getItem(TENANT_KEY);
}

/** Ask for a redraw at once (after an action). */
export function refresh() {
  return refreshNow();
}

/** Tell the admin something in the status line (read out by screen readers, politely). */
export function say(message, kind = 'info') {
  const status = byId('status');
  status.textContent = message;
  status.dataset.kind = kind;
}

/** Show an action's outcome beside its form: role=alert for errors, status otherwise. */
export function report(container, message, kind) {
  replaceChildren(
    container,
    h('p', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status', text: message }),
  );
}

function pollInterval() {
  const meta = document.querySelector('meta[name="ra-watch-poll-ms"]');
  const value = meta === null ? NaN : Number(meta.getAttribute('content'));
  return Number.isFinite(value) && value >= 500 ? value : DEFAULT_POLL_MS;
}

function showSignIn(message) {
  const auth = byId('auth');
  byId('auth-message').textContent = message;
  auth.hidden = false;
  byId('main').setAttribute('aria-hidden', 'true');
  byId('main').inert = true;
  byId('token').focus();
  drawSession();
}

function hideSignIn() {
  byId('auth').hidden = true;
  byId('main').removeAttribute('aria-hidden');
  byId('main').inert = false;
}

function signInMessage(error) {
  if (error.code === 'loopback-only') {
    return (
      'This ra-watch has no API_TOKEN configured, so its API answers only on the machine it runs on (loopback). ' +
      'Open the console there, or set API_TOKEN on the server and sign in with it. ' +
      `(ra-watch said: ${error.message})`
    );
  }
  if (error.status === 403) return `ra-watch accepted the token but refused the request: ${error.message}`;
  return getToken() === null
    ? 'Sign in with the API token (API_TOKEN) configured on the ra-watch server.'
    : 'The API refused this token. Check it and sign in again.';
}

function drawSession() {
  const session = byId('session');
  if (getToken() === null) {
    replaceChildren(session);
    return;
  }
  replaceChildren(
    session,
    h('span', { class: 'session-state', text: 'Signed in with a token' }),
    h('button', {
      type: 'button',
      class: 'link-button',
      id: 'sign-out',
      text: 'Sign out',
      onclick: () => {
        setToken(null);
        location.reload();
      },
    }),
  );
}

async function fillTenants() {
  const select = byId('tenant');
  const summary = await api('/console/summary');
  let chosen = currentTenant();
  if (chosen === null || !summary.tenants.includes(chosen)) {
    chosen = summary.defaultTenantId ?? summary.tenants[0] ?? null;
    if (chosen !== null) sessionStorage.setItem(TENANT_KEY, chosen);
  }
  const signature = JSON.stringify(summary.tenants);
  if (select.dataset.signature !== signature) {
    select.dataset.signature = signature;
    replaceChildren(
      select,
      summary.tenants.map((tenantId) =>
        h('option', {
          value: tenantId,
          text: tenantId === summary.defaultTenantId ? `${tenantId} (configured)` : tenantId,
        }),
      ),
    );
  }
  if (chosen !== null) select.value = chosen;
}

/**
 * startPage({ load, render }): `load()` returns the page's data (it may read `currentTenant()`); `render(data)` draws
 * it. Errors from the API are shown in the status line; a 401/403 opens the sign-in form.
 */
export function startPage({ load, render, poll = true }) {
  let last = null;
  let timer = null;
  let running = null;

  const cycle = async () => {
    try {
      await fillTenants();
      const data = await load();
      const signature = JSON.stringify(data);
      if (signature !== last) {
        last = signature;
        const focusedId = document.activeElement?.id ?? '';
        render(data);
        // A redraw replaces nodes; put the keyboard focus back on the same control if it still exists.
        if (focusedId !== '' && document.activeElement?.id !== focusedId)
          document.getElementById(focusedId)?.focus();
      }
      hideSignIn();
      drawSession();
      say(`Up to date (${new Date().toISOString().slice(11, 19)} UTC)`, 'ok');
      document.body.dataset.loaded = 'true';
    } catch (error) {
      if (error instanceof ApiError && error.needsSignIn) showSignIn(signInMessage(error));
      else say(`Could not refresh: ${error instanceof Error ? error.message : String(error)}`, 'error');
    }
  };

  const schedule = () => {
    if (!poll) return;
    clearTimeout(timer);
    timer = setTimeout(async () => {
      await run();
      schedule();
    }, pollInterval());
  };

  const run = () => {
    running ??= cycle().finally(() => {
      running = null;
    });
    return running;
  };
  refreshNow = run;

  byId('auth-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const token = byId('token').value.trim();
    if (token === '') return;
    setToken(token);
    byId('token').value = '';
    await run();
    if (byId('auth').hidden) byId('main').focus();
  });
  byId('tenant').addEventListener('change', async (event) => {
    sessionStorage.setItem(TENANT_KEY, event.target.value);
    last = null;
    await run();
  });

  drawSession();
  void run().then(schedule);
}
