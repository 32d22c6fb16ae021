// "Sign in with Microsoft": the OAuth 2.0 authorization code flow with PKCE (RFC 7636, S256) of a single-page app,
// run by the page itself against Entra ID, for an access token the API accepts (API_ENTRA_*). No library: the flow is
// two requests, and the console loads nothing from outside its origin.
//
// 1. beginSignIn(): a random verifier and state are kept in sessionStorage (this tab only), and the browser goes to
//    Entra's authorize endpoint with the verifier's SHA-256 challenge.
// 2. Entra sends the browser back to the redirect URI (the console's overview) with `#code=...&state=...` in the
//    fragment (response_mode=fragment: the code never reaches a server log), or `#error=...`.
// 3. finishSignIn(): the state must be the one this tab kept, before anything else is looked at; then the code is
//    redeemed at the token endpoint with the verifier (Entra answers SPA redirect URIs cross-origin, CORS), and the
//    access token is kept like a pasted token (api.js), with its expiry.
//
// No refresh token is kept, and none is asked for (no offline_access): a token in sessionStorage lives at most an
// hour or so, and when it expires the admin signs in again, which with an Entra session is one redirect. A refresh
// token in page storage would outlive that hour for anyone who can read the tab's storage.

import { setToken } from './api.js';

const PENDING_KEY = 'ra-watch-entra-pending';

/** A sign-in that could not complete; the message is for the admin, as is. */
export class SignInError extends Error {
  constructor(message) {
    super(message);
    this.name = 'SignInError';
  }
}

function isHttpUrl(value) {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/**
 * The server's sign-in settings (GET /console/auth.json), or null when it offers only the token form (or is an
 * older ra-watch without that read).
 */
export async function loadSignInSettings() {
  let data;
  try {
    const response = await fetch(new URL('console/auth.json', document.baseURI), {
      headers: { Accept: 'application/json' },
      cache: 'no-store',
    });
    if (!response.ok) return null;
    data = await response.json();
  } catch {
    return null;
  }
  const entra = data !== null && typeof data === 'object' ? data.entra : null;
  if (entra === null || typeof entra !== 'object') return null;
  const strings = ['authorizeEndpoint', 'tokenEndpoint', 'clientId', 'scope', 'redirectPath'];
  if (!strings.every((key) => typeof entra[key] === 'string' && entra[key] !== '')) return null;
  if (!isHttpUrl(entra.authorizeEndpoint) || !isHttpUrl(entra.tokenEndpoint)) return null;
  return entra;
}

/** The redirect URI registered for the console: its overview, on the origin the admin opened it at. */
export function redirectUriOf(settings) {
  return new URL(settings.redirectPath, location.origin).href;
}

function base64url(bytes) {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomString(byteCount) {
  return base64url(crypto.getRandomValues(new Uint8Array(byteCount)));
}

/** Go to Entra's sign-in page. Resolves only if the browser cannot (it then throws SignInError). */
export async function beginSignIn(settings) {
  // crypto.subtle exists only in a secure context: https, or http on localhost/127.0.0.1.
  if (globalThis.crypto?.subtle === undefined) {
    throw new SignInError(
      'Sign in with Microsoft needs the console opened over https (or on localhost). Use the API token here instead.',
    );
  }
  // 32 random bytes: a 43-character verifier, the least RFC 7636 allows and as much entropy as it asks for.
  const verifier = randomString(32);
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  const challenge = base64url(new Uint8Array(digest));
  const state = randomString(16);
  const redirectUri = redirectUriOf(settings);
  sessionStorage.setItem(
    PENDING_KEY,
    JSON.stringify({ state, verifier, redirectUri, returnTo: `${location.pathname}${location.search}` }),
  );
  const url = new URL(settings.authorizeEndpoint);
  url.search = new URLSearchParams({
    client_id: settings.clientId,
    response_type: 'code',
    redirect_uri: redirectUri,
    response_mode: 'fragment',
    scope: settings.scope,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  location.assign(url.href);
}

function takePending() {
  const raw = sessionStorage.getItem(PENDING_KEY);
  // One use: whatever happens next, this sign-in attempt is over.
  sessionStorage.removeItem(PENDING_KEY);
  try {
    const pending = JSON.parse(raw ?? 'null');
    const keys = ['state', 'verifier', 'redirectUri', 'returnTo'];
    return pending !== null && keys.every((key) => typeof pending[key] === 'string') ? pending : null;
  } catch {
    return null;
  }
}

/** A same-origin path to go back to after sign-in, or null. */
function safeReturnPath(value) {
  return value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\') ? value : null;
}

async function redeem(settings, pending, code) {
  let response;
  try {
    response = await fetch(settings.tokenEndpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams({
        client_id: settings.clientId,
        grant_type: 'authorization_code',
        code,
        redirect_uri: pending.redirectUri,
        code_verifier: pending.verifier,
        scope: settings.scope,
      }),
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch {
    throw new SignInError(
      `Microsoft's token endpoint (${new URL(settings.tokenEndpoint).origin}) did not answer, so the sign-in could not complete. Try again.`,
    );
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok || data === null || typeof data !== 'object') {
    const error = typeof data?.error === 'string' ? data.error : `HTTP ${response.status}`;
    const description = typeof data?.error_description === 'string' ? `: ${data.error_description}` : '';
    throw new SignInError(`Microsoft refused to complete the sign-in (${error})${description}`);
  }
  if (typeof data.access_token !== 'string' || data.access_token === '') {
    throw new SignInError('Microsoft answered the sign-in without an access token.');
  }
  const lifetime = Number(data.expires_in);
  // expires_in counts from now on this machine's clock; the token's own exp is for the API, not for us to parse.
  const expiresAt = Date.now() + (Number.isFinite(lifetime) && lifetime > 0 ? lifetime : 3600) * 1000;
  return { accessToken: data.access_token, expiresAt };
}

/**
 * On the page Entra sent the browser back to: complete the sign-in. Returns null when the address carries no
 * sign-in answer, `{ returnTo }` (a path, or null) once signed in; throws SignInError otherwise. Either way the
 * answer is taken out of the address bar and out of the history entry.
 */
export async function finishSignIn(settings) {
  const answer = new URLSearchParams(location.hash.slice(1));
  if (!answer.has('code') && !answer.has('error')) return null;
  history.replaceState(history.state, '', `${location.pathname}${location.search}`);
  const pending = takePending();
  if (pending === null || answer.get('state') !== pending.state) {
    throw new SignInError(
      'The sign-in answer does not belong to a sign-in started in this tab (its state does not match), so it was ' +
        'ignored and nothing was kept. Sign in again.',
    );
  }
  if (answer.has('error')) {
    const description = answer.get('error_description');
    throw new SignInError(
      `Microsoft sign-in did not complete (${answer.get('error')})${description ? `: ${description}` : '.'}`,
    );
  }
  const { accessToken, expiresAt } = await redeem(settings, pending, answer.get('code') ?? '');
  setToken(accessToken, { source: 'microsoft', expiresAt });
  return { returnTo: safeReturnPath(pending.returnTo) };
}
