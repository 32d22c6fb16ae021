// The console's only way to the API: same origin (or the base in <meta name="ra-watch-api">), JSON in and out, the
// admin's token as a bearer token. The token lives in sessionStorage: it is gone when the tab closes, and it is
// never put in a URL (URLs end up in logs and browser history). A token from "Sign in with Microsoft" is kept the
// same way, with where it came from and when it expires beside it (entra-sign-in.js).

import { clockTime } from './format.js';

const TOKEN_KEY = 'ra-watch-api-token';
const SESSION_KEY = 'ra-watch-api-session';

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    /** Sent with a token from "Sign in with Microsoft" (the explanation differs). */
    this.viaMicrosoft = false;
    /** A token was sent and refused with 401 (and is forgotten). */
    this.refusedToken = false;
  }

  /** 401 (no, wrong or expired token) or 403 (no API_TOKEN configured and not on loopback; a token without the role). */
  get needsSignIn() {
    return this.status === 401 || this.status === 403;
  }
}

function apiBase() {
  const meta = document.querySelector('meta[name="ra-watch-api"]');
  const base = meta === null ? '' : (meta.getAttribute('content') ?? '');
  return base.replace(/\/+$/, '');
}

export function getToken() {
  return sessionStorage.getItem(TOKEN_KEY);
}

/**
 * How the token in use was obtained: `{ source: 'token' | 'microsoft', expiresAt: epoch ms or null }`, or null when
 * signed out.
 */
export function getSession() {
  if (getToken() === null) return null;
  try {
    const session = JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null');
    if (session !== null && typeof session === 'object') {
      return {
        source: session.source === 'microsoft' ? 'microsoft' : 'token',
        expiresAt: typeof session.expiresAt === 'number' ? session.expiresAt : null,
      };
    }
  } catch {
    // A damaged entry: treat it as a pasted token, which never expires here.
  }
  return { source: 'token', expiresAt: null };
}

/** setToken(pasted) or setToken(accessToken, { source: 'microsoft', expiresAt }); setToken(null) signs out. */
export function setToken(token, details = {}) {
  if (token === null || token === '') {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(SESSION_KEY);
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, token);
  sessionStorage.setItem(
    SESSION_KEY,
    JSON.stringify({ source: details.source ?? 'token', expiresAt: details.expiresAt ?? null }),
  );
}

/** `api('/alerts?state=open')`, `api('/alerts/1/ack', { method: 'POST', body: {...} })`. Rejects with ApiError. */
export async function api(path, options = {}) {
  const response = await send(path, options, 'application/json');
  if (response.status === 204) return null;
  try {
    return await response.json();
  } catch {
    return null;
  }
}

/** A non-JSON answer (the CSV export) as a Blob, with the same token and the same errors as `api`. */
export async function apiBlob(path, accept) {
  return (await send(path, {}, accept)).blob();
}

async function send(path, options, accept) {
  const headers = { Accept: accept };
  const session = getSession();
  // An expired Microsoft sign-in is dropped before it is sent: without a refresh token (none is kept, see
  // entra-sign-in.js) the only way on is to sign in again.
  if (session !== null && session.expiresAt !== null && Date.now() >= session.expiresAt) {
    setToken(null);
    const error = new ApiError(
      401,
      'sign-in-expired',
      `Your Microsoft sign-in expired at ${clockTime(session.expiresAt)}.`,
    );
    error.viaMicrosoft = true;
    throw error;
  }
  const token = getToken();
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  const init = { method: options.method ?? 'GET', headers, cache: 'no-store' };
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }
  let response;
  try {
    response = await fetch(`${apiBase()}/api${path}`, init);
  } catch {
    throw new ApiError(0, 'unreachable', 'ra-watch did not answer. Is it running? The page keeps trying.');
  }
  if (response.ok) return response;
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  const error = data !== null && typeof data === 'object' ? data.error : null;
  const failure = new ApiError(
    response.status,
    typeof error?.code === 'string' ? error.code : `http-${response.status}`,
    typeof error?.message === 'string' ? error.message : `ra-watch answered HTTP ${response.status}.`,
  );
  failure.viaMicrosoft = session?.source === 'microsoft';
  // A refused token (401: wrong, expired, revoked) is of no further use: forget it, pasted or from Microsoft, so the
  // page asks for a new sign-in and the header no longer says "Signed in". A 403 keeps it: the token is valid, it
  // lacks a role (or is read-only), and the session line still says who is in.
  if (response.status === 401 && token !== null) {
    failure.refusedToken = true;
    setToken(null);
  }
  throw failure;
}

/** Encode one path segment (an alert id, a user id). */
export function segment(value) {
  return encodeURIComponent(String(value));
}
