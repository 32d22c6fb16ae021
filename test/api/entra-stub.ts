/**
 * A stand-in for Entra ID's sign-in host over real HTTP: it publishes a tenant's signing keys (JWKS) at the paths
 * Entra uses, v2.0 and v1.0, and mints access tokens signed with the matching private key, the way Entra shapes
 * them (RS256, `kid` header; iss/aud/exp/azp/roles claims). Keys can be rolled, and the endpoint can fail or vanish.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type KeyLike } from 'jose';

export const ENTRA_TENANT_ID = '7d0f3c52-1a6b-4e89-b2f4-9c1e5a7d3b60';
export const API_CLIENT_ID = '3c9f1e27-84b6-4d0a-9f52-1e7a6c0b8d43';
export const API_APP_ID_URI = 'api://ra-watch.contoso.com';
export const CALLER_APP_ID = 'e1b2c3d4-5f60-4718-9a0b-c1d2e3f4a5b6';

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
  close(): Promise<void>;
}

export async function startEntraStub(): Promise<EntraStub> {
  let requests = 0;
  const state = { published: [await newSigningKey('key-2026-11')], failing: false };
  const server: Server = createServer((req, res) => {
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
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ keys: state.published.map((k) => k.publicJwk) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const authorityHost = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const v2Issuer = `${authorityHost}/${ENTRA_TENANT_ID}/v2.0`;

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
    async mint(options: MintOptions = {}) {
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
      return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: key.kid }).sign(key.privateKey);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
