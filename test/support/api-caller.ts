/**
 * Calls ra-watch's `/api` over real HTTP the way a script does (bearer token, JSON body), answering the status, the
 * raw text (to check what must never be in it) and the parsed body in the shape the test reads.
 */
export interface ApiAnswer<T> {
  status: number;
  text: string;
  body: T;
}

export type ApiCall<T> = (method: string, path: string, body?: unknown) => Promise<ApiAnswer<T>>;

/** `baseUrl` is read at each call: the app it names is usually started after the caller is made. */
export function apiCaller<T>(baseUrl: () => string | null, token: string): ApiCall<T> {
  return async (method, path, body) => {
    const response = await fetch(`${baseUrl() ?? ''}/api${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, text, body: (text === '' ? null : JSON.parse(text)) as T };
  };
}
