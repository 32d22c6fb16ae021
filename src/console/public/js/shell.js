// What every console page shares: the sign-in form (and "Sign in with Microsoft" when the server offers it), the
// tenant picker, the status line and the polling loop. The page's .html holds only its <main id="main">; the header,
// sign-in panel and status line around it are drawn by page-frame.js when this module is evaluated, which is before
// any page module's own code runs (a page imports this module, so it is evaluated first).
// A page gives `load()` (read the API) and `render(data)` (draw it); the shell calls them now and every few seconds,
// redraws only when the data changed, and keeps keyboard focus where it was across a redraw.

import { api, ApiError, getSession, getToken, setToken } from './api.js';
import { byId, h, replaceChildren } from './element.js';
import { clockTime } from './format.js';
import { beginSignIn, finishSignIn, loadSignInSettings, SignInError } from './entra-sign-in.js';
import { drawPageFrame } from './page-frame.js';

const TENANT_KEY = 'ra-watch-tenant';
const DEFAULT_POLL_MS = 5000;

drawPageFrame();

let refreshNow = () => Promise.resolve();
/** The server's Microsoft sign-in settings, or null: the token form only. */
let microsoft = null;
/** Why the last token was dropped (expired, refused): still said on the polls after, until a new attempt. */
let tokenRefusal = null;

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
  // Polling shows the panel again every few seconds: move the focus only when it is not in the panel already, so
  // it never leaves the token field while the admin is typing.
  if (!auth.contains(document.activeElement))
    (microsoft === null ? byId('token') : byId('microsoft-sign-in')).focus();
  drawSession();
}

/** A sign-in that went wrong, said in the sign-in panel until the next attempt (role=alert: read out at once). */
function showSignInProblem(message) {
  const problem = byId('auth-problem');
  problem.hidden = message === null;
  problem.textContent = message ?? '';
}

/** The "Sign in with Microsoft" button and the problem line, added to the page's sign-in panel. */
function drawMicrosoftSignIn() {
  const problem = h('p', { id: 'auth-problem', class: 'notice notice-error', role: 'alert', hidden: true });
  byId('auth-message').after(problem);
  if (microsoft === null) return;
  const button = h('button', {
    type: 'button',
    id: 'microsoft-sign-in',
    text: 'Sign in with Microsoft',
    onclick: async () => {
      showSignInProblem(null);
      tokenRefusal = null;
      button.disabled = true;
      try {
        await beginSignIn(microsoft);
      } catch (error) {
        button.disabled = false;
        showSignInProblem(error instanceof Error ? error.message : String(error));
      }
    },
  });
  byId('auth-form').before(
    h(
      'div',
      { class: 'stack microsoft-sign-in' },
      h('div', {}, button),
      h('p', {
        class: 'hint',
        text: 'With your work account, if an administrator gave you access to ra-watch. Or use the API token:',
      }),
    ),
  );
}

/**
 * Before the first read: learn whether Microsoft sign-in is offered and, on the page Entra sent the browser back to,
 * complete it. Resolves false when the page is being left (back to where the sign-in started).
 */
async function prepareSignIn() {
  microsoft = await loadSignInSettings();
  drawMicrosoftSignIn();
  if (microsoft === null) return true;
  try {
    const done = await finishSignIn(microsoft);
    if (done?.returnTo && done.returnTo !== `${location.pathname}${location.search}`) {
      location.replace(done.returnTo);
      return false;
    }
  } catch (error) {
    showSignInProblem(error instanceof SignInError ? error.message : `Sign-in failed: ${String(error)}`);
  }
  return true;
}

function hideSignIn() {
  byId('auth').hidden = true;
  byId('main').removeAttribute('aria-hidden');
  byId('main').inert = false;
}

/** api.js dropped a token (expired, or refused with 401): remember why, for the polls that follow. */
function noteRefusal(error) {
  if (error.viaMicrosoft && error.code === 'sign-in-expired')
    tokenRefusal = `${error.message} Sign in again.`;
  else if (error.viaMicrosoft && error.refusedToken)
    tokenRefusal = `ra-watch did not accept your Microsoft sign-in: ${error.message} Sign in again.`;
  else if (error.refusedToken) tokenRefusal = 'The API refused this token. Check it and sign in again.';
}

function signInMessage(error) {
  if (error.viaMicrosoft && error.status === 403) {
    return (
      `You are signed in with Microsoft, but ra-watch refused the request: ${error.message} ` +
      "An administrator can assign you that app role on ra-watch's API app (Enterprise applications, Users and " +
      'groups); then sign in again.'
    );
  }
  if (tokenRefusal !== null && getToken() === null) return tokenRefusal;
  if (error.code === 'loopback-only') {
    return (
      'This ra-watch has no API_TOKEN configured, so its API answers only on the machine it runs on (loopback). ' +
      'Open the console there, or set API_TOKEN on the server and sign in with it. ' +
      `(ra-watch said: ${error.message})`
    );
  }
  if (error.status === 403) return `ra-watch accepted the token but refused the request: ${error.message}`;
  return microsoft === null
    ? 'Sign in with the API token (API_TOKEN) configured on the ra-watch server.'
    : 'Sign in with Microsoft, or with the API token (API_TOKEN) configured on the ra-watch server.';
}

function sessionText(current) {
  if (current.source !== 'microsoft') return 'Signed in with a token';
  return current.expiresAt === null
    ? 'Signed in with Microsoft'
    : `Signed in with Microsoft until ${clockTime(current.expiresAt)}`;
}

function drawSession() {
  const session = byId('session');
  const current = getSession();
  if (current === null) {
    replaceChildren(session);
    return;
  }
  replaceChildren(
    session,
    // Signing out forgets the token in this tab; an Entra session (if any) stays, as with any app using it.
    h('span', { class: 'session-state', id: 'session-state', text: sessionText(current) }),
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
  const labels = summary.tenantLabels ?? {};
  const signature = JSON.stringify([summary.tenants, labels]);
  if (select.dataset.signature !== signature) {
    select.dataset.signature = signature;
    replaceChildren(
      select,
      summary.tenants.map((tenantId) => {
        // The customer's name and domain first, the id beside it (issue 19).
        const named = labels[tenantId] === undefined ? tenantId : `${labels[tenantId]} · ${tenantId}`;
        return h('option', {
          value: tenantId,
          text: tenantId === summary.defaultTenantId ? `${named} (configured)` : named,
        });
      }),
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
      if (error instanceof ApiError && error.needsSignIn) {
        noteRefusal(error);
        showSignIn(signInMessage(error));
      } else say(`Could not refresh: ${error instanceof Error ? error.message : String(error)}`, 'error');
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
  // After an action (or new filters) the page needs a read that starts now: one already under way may have been sent
  // before the change, so it is waited for and another follows.
  refreshNow = async () => {
    if (running !== null) await running;
    return run();
  };

  byId('auth-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const token = byId('token').value.trim();
    if (token === '') return;
    showSignInProblem(null);
    tokenRefusal = null;
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
  void prepareSignIn().then((staying) => (staying ? run().then(schedule) : undefined));
}
