/**
 * A stand-in for Entra ID's sign-in host over real HTTP: it publishes a tenant's signing keys (JWKS) at the paths
 * Entra uses, v2.0 and v1.0, and mints access tokens signed with the matching private key, the way Entra shapes
 * them (RS256, `kid` header; iss/aud/exp/azp/roles claims). Keys can be rolled, and the endpoint can fail or vanish.
 *
 * For the console's "Sign in with Microsoft" it also plays the v2.0 authorize and token endpoints of a single-page
 * app registration (`spa`), as for a user already signed in to Entra: authorize checks the client id, the exact
 * redirect URI, the PKCE S256 challenge and the scope, then sends the browser straight back with a code (or with an
 * error, or a different state, when told to); the token endpoint answers cross-origin only for the origins of the
 * registered redirect URIs (as Entra does for SPA redirect URIs), redeems each code once, for the same client and
 * redirect URI, with the verifier whose SHA-256 is the challenge, and returns an access token for the API.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type KeyLike } from 'jose';

export const ENTRA_TENANT_ID = '7d0f3c52-1a6b-4e89-b2f4-9c1e5a7d3b60';
export const API_CLIENT_ID = '3c9f1e27-84b6-4d0a-9f52-1e7a6c0b8d43';
export const API_APP_ID_URI = 'api://ra-watch.contoso.com';
export const CALLER_APP_ID = 'e1b2c3d4-5f60-4718-9a0b-c1d2e3f4a5b6';
/** The console's SPA app registration (CONSOLE_ENTRA_CLIENT_ID). */
export const CONSOLE_CLIENT_ID = '8a4e2b1c-6d3f-4a7e-9b0c-2e5f7a1d3c96';
/** The signed-in user's object id. */
export const USER_OBJECT_ID = 'a7c4e9d2-3b1f-4e6a-8d5c-0f2b9e7a1c34';

/** What `GET /console/auth.json` tells the console about this stand-in, for an API audience's `scope`. */
export function expectedConsoleSignIn(authorityHost: string, scope: string): Record<string, unknown> {
  const authority = `${authorityHost}/${ENTRA_TENANT_ID}`;
  return {
    authority,
    authorizeEndpoint: `${authority}/oauth2/v2.0/authorize`,
    tokenEndpoint: `${authority}/oauth2/v2.0/token`,
    clientId: CONSOLE_CLIENT_ID,
    scope,
    redirectPath: '/',
  };
}

export interface SigningKey {
  kid: string;
  privateKey: KeyLike;
  publicJwk: JWK;
}

export async function newSigningKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, use: 'sig', alg: 'RS256' } };
}

export interface MintOptions {
  /** Claims over the defaults (v2.0 issuer, the API's client id, azp, the role); `undefined` removes one. */
  claims?: Record<string, unknown>;
  /** Seconds from now; negative for an expired token. Default 600. */
  expiresIn?: number;
  key?: SigningKey;
}

/** A single-page app registration: its client id and its exact "Single-page application" redirect URIs. */
export interface SpaRegistration {
  clientId: string;
  redirectUris: string[];
}

/** How the next sign-ins go (mutable). */
export interface SignInBehaviour {
  /** The app roles the signed-in user holds on the API (the token's `roles`); [] leaves the claim out. */
  roles: string[];
  /** Answer authorize with this error (redirected back, as Entra does) instead of a code. */
  authorizeError: { error: string; description: string } | null;
  /** Send back this state instead of the one the browser sent (a crossed or forged answer). */
  forgedState: string | null;
  /** The issued access tokens' lifetime in seconds (default 3599, as Entra's ~1 hour). */
  expiresIn: number;
}

export interface EntraStub {
  /** AZURE_AUTHORITY_HOST for ra-watch: `http://127.0.0.1:<port>`. */
  readonly authorityHost: string;
  readonly v2Issuer: string;
  readonly v1Issuer: string;
  readonly v1JwksUrl: string;
  /** The keys currently published. */
  published: SigningKey[];
  /** Answer the key endpoints with 500 while true. */
  failing: boolean;
  /** How many times the key endpoints were asked. */
  readonly jwksRequests: number;
  mint(options?: MintOptions): Promise<string>;
  /** The console's registration; authorize and token refuse everything until it is set. */
  spa: SpaRegistration | null;
  readonly signIn: SignInBehaviour;
  /** Requests to the token endpoint (any outcome), and codes redeemed for a token. */
  readonly tokenRequests: number;
  readonly redeemed: number;
  close(): Promise<void>;
}

interface IssuedCode {
  clientId: string;
  redirectUri: string;
  challenge: string;
  scope: string;
  roles: string[];
  used: boolean;
}

function base64url(buffer: Buffer): string {
  return buffer.toString('base64url');
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startEntraStub(): Promise<EntraStub> {
  let requests = 0;
  let tokenRequests = 0;
  let redeemed = 0;
  const state = {
    published: [await newSigningKey('key-2026-11')],
    failing: false,
    spa: null as SpaRegistration | null,
  };
  const signIn: SignInBehaviour = {
    roles: ['RaWatch.Admin'],
    authorizeError: null,
    forgedState: null,
    expiresIn: 3599,
  };
  const codes = new Map<string, IssuedCode>();
  // Filled once listening; the handlers below run only after that.
  let mint: (options?: MintOptions) => Promise<string> = () => Promise.reject(new Error('not listening yet'));

  const scopeAccepted = (scope: string) =>
    scope.split(' ').some((s) => s === `${API_CLIENT_ID}/.default` || s === `${API_APP_ID_URI}/.default`);

  const authorize = (url: URL, res: ServerResponse): void => {
    const q = url.searchParams;
    const spa = state.spa;
    const redirectUri = q.get('redirect_uri') ?? '';
    // Entra shows its own error page (it redirects nowhere) for an unknown client or an unregistered redirect URI.
    if (spa === null || q.get('client_id') !== spa.clientId) {
      res
        .writeHead(400, { 'Content-Type': 'text/plain' })
        .end(`AADSTS700016: Application with identifier '${q.get('client_id') ?? ''}' was not found.`);
      return;
    }
    if (!spa.redirectUris.includes(redirectUri)) {
      res
        .writeHead(400, { 'Content-Type': 'text/plain' })
        .end(`AADSTS50011: The redirect URI '${redirectUri}' does not match the redirect URIs configured.`);
      return;
    }
    const fragment = q.get('response_mode') === 'fragment';
    const back = (params: Record<string, string>): void => {
      const target = new URL(redirectUri);
      const encoded = new URLSearchParams(params).toString();
      if (fragment) target.hash = encoded;
      else target.search = encoded;
      res.writeHead(302, { Location: target.href, 'Cache-Control': 'no-store' }).end();
    };
    const sentState = q.get('state') ?? '';
    const answerState = signIn.forgedState ?? sentState;
    const invalid = (description: string): void =>
      back({ error: 'invalid_request', error_description: description, state: answerState });
    if (q.get('response_type') !== 'code') return invalid('AADSTS900144: response_type must be code.');
    if (q.get('code_challenge_method') !== 'S256')
      return invalid('AADSTS501491: code_challenge_method must be S256.');
    const challenge = q.get('code_challenge') ?? '';
    if (!/^[A-Za-z0-9_-]{43}$/.test(challenge))
      return invalid('AADSTS501491: code_challenge is not a base64url SHA-256.');
    const scope = q.get('scope') ?? '';
    if (!scopeAccepted(scope)) return invalid(`AADSTS650053: scope '${scope}' does not name the API.`);
    if (signIn.authorizeError !== null) {
      return back({
        error: signIn.authorizeError.error,
        error_description: signIn.authorizeError.description,
        state: answerState,
      });
    }
    const code = base64url(randomBytes(24));
    codes.set(code, {
      clientId: spa.clientId,
      redirectUri,
      challenge,
      scope,
      roles: [...signIn.roles],
      used: false,
    });
    back({ code, state: answerState, session_state: base64url(randomBytes(8)) });
  };

  const token = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    tokenRequests += 1;
    const origin = req.headers.origin;
    const allowed = state.spa?.redirectUris.map((u) => new URL(u).origin) ?? [];
    const cors: Record<string, string> =
      origin !== undefined && allowed.includes(origin)
        ? { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' }
        : {};
    const answer = (status: number, body: object): void => {
      res
        .writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...cors })
        .end(JSON.stringify(body));
    };
    const refuse = (error: string, description: string): void =>
      answer(400, { error, error_description: description });
    if (req.method === 'OPTIONS') {
      res
        .writeHead(204, {
          ...cors,
          'Access-Control-Allow-Methods': 'POST',
          'Access-Control-Allow-Headers': 'content-type',
        })
        .end();
      return;
    }
    const form = new URLSearchParams(await readBody(req));
    if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      return refuse('invalid_request', 'AADSTS900144: the body must be form-encoded.');
    }
    // Entra redeems a SPA's code only cross-origin (a browser's fetch sends Origin).
    if (origin === undefined)
      return refuse(
        'invalid_request',
        "AADSTS9002327: Tokens issued for the 'Single-Page Application' client-type may only be redeemed via cross-origin requests.",
      );
    if (form.get('grant_type') !== 'authorization_code')
      return refuse('unsupported_grant_type', 'AADSTS70003: grant_type must be authorization_code.');
    const code = codes.get(form.get('code') ?? '');
    if (code === undefined) return refuse('invalid_grant', 'AADSTS70000: the code is not valid.');
    if (code.used)
      return refuse('invalid_grant', 'AADSTS54005: OAuth2 Authorization code was already redeemed.');
    code.used = true;
    if (form.get('client_id') !== code.clientId)
      return refuse('invalid_client', 'AADSTS700016: the code was issued to another client.');
    if (form.get('redirect_uri') !== code.redirectUri)
      return refuse(
        'invalid_grant',
        'AADSTS500112: redirect_uri does not match the one the code was issued for.',
      );
    const verifier = form.get('code_verifier') ?? '';
    if (base64url(createHash('sha256').update(verifier).digest()) !== code.challenge) {
      return refuse(
        'invalid_grant',
        'AADSTS501481: The Code_Verifier does not match the code_challenge supplied in the authorization request.',
      );
    }
    redeemed += 1;
    const accessToken = await mint({
      expiresIn: signIn.expiresIn,
      claims: {
        azp: code.clientId,
        oid: USER_OBJECT_ID,
        scp: 'access_as_user',
        roles: code.roles.length === 0 ? undefined : code.roles,
      },
    });
    answer(200, {
      token_type: 'Bearer',
      scope: code.scope,
      expires_in: signIn.expiresIn,
      ext_expires_in: signIn.expiresIn,
      access_token: accessToken,
    });
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stub');
    if (req.method === 'GET' && url.pathname === `/${ENTRA_TENANT_ID}/oauth2/v2.0/authorize`) {
      authorize(url, res);
      return;
    }
    if (
      url.pathname === `/${ENTRA_TENANT_ID}/oauth2/v2.0/token` &&
      (req.method === 'POST' || req.method === 'OPTIONS')
    ) {
      token(req, res).catch(() => res.writeHead(500).end());
      return;
    }
    const known = [`/${ENTRA_TENANT_ID}/discovery/v2.0/keys`, `/${ENTRA_TENANT_ID}/discovery/keys`];
    if (req.method !== 'GET' || !known.includes(req.url ?? '')) {
      res.writeHead(404).end();
      return;
    }
    requests += 1;
    if (state.failing) {
      res.writeHead(500, { 'Content-Type': 'text/plain' }).end('AADSTS90002: temporarily unavailable');
      return;
    }
    res
      .writeHead(200, { 'Content-Type': 'application/json' })
      .end(JSON.stringify({ keys: state.published.map((k) => k.publicJwk) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const authorityHost = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const v2Issuer = `${authorityHost}/${ENTRA_TENANT_ID}/v2.0`;

  mint = async (options: MintOptions = {}) => {
    const key = options.key ?? state.published[0]!;
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = {
      iss: v2Issuer,
      aud: API_CLIENT_ID,
      iat: now - 60,
      nbf: now - 60,
      exp: now + (options.expiresIn ?? 600),
      azp: CALLER_APP_ID,
      oid: 'f0e1d2c3-b4a5-4968-8776-655443322110',
      tid: ENTRA_TENANT_ID,
      roles: ['RaWatch.Admin'],
      ver: '2.0',
      ...options.claims,
    };
    for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: key.kid })
      .sign(key.privateKey);
  };

  return {
    authorityHost,
    v2Issuer,
    v1Issuer: `https://sts.windows.net/${ENTRA_TENANT_ID}/`,
    v1JwksUrl: `${authorityHost}/${ENTRA_TENANT_ID}/discovery/keys`,
    get published() {
      return state.published;
    },
    set published(keys: SigningKey[]) {
      state.published = keys;
    },
    get failing() {
      return state.failing;
    },
    set failing(value: boolean) {
      state.failing = value;
    },
    get jwksRequests() {
      return requests;
    },
    mint: (options?: MintOptions) => mint(options),
    get spa() {
      return state.spa;
    },
    set spa(registration: SpaRegistration | null) {
      state.spa = registration;
    },
    signIn,
    get tokenRequests() {
      return tokenRequests;
    },
    get redeemed() {
      return redeemed;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
