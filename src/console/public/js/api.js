// The console's only way to the API: same origin (or the base in <meta name="ra-watch-api">), JSON in and out, the
// admin's token as a bearer token. The token lives in sessionStorage: it is gone when the tab closes, and it is
// never put in a URL (URLs end up in logs and browser history).

const TOKEN_KEY = 'ra-watch-api-token';

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }

  /** 401 (no or wrong token) or 403 (no API_TOKEN configured and we are not on loopback). */
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

export function setToken(token) {
  if (token === null || token === '') sessionStorage.removeItem(TOKEN_KEY);
  else sessionStorage.setItem(TOKEN_KEY, token);
}

/** `api('/alerts?state=open')`, `api('/alerts/1/ack', { method: 'POST', body: {...} })`. Rejects with ApiError. */
export async function api(path, options = {}) {
  const headers = { Accept: 'application/json' };
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
  if (response.status === 204) return null;
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) {
    const error = data !== null && typeof data === 'object' ? data.error : null;
    throw new ApiError(
      response.status,
      typeof error?.code === 'string' ? error.code : `http-${response.status}`,
      typeof error?.message === 'string' ? error.message : `ra-watch answered HTTP ${response.status}.`,
    );
  }
  return data;
}

/** Encode one path segment (an alert id, a user id). */
export function segment(value) {
  return encodeURIComponent(String(value));
}
