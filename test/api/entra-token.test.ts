/**
 * The /api guard with Entra ID access tokens, over real HTTP on both sides: the guard in front of a route that
 * counts writes, and a stand-in Entra sign-in host publishing the tenant's keys. Each refused token must leave the
 * write count alone; the token itself must never reach the log.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { SignJWT, UnsecuredJWT } from 'jose';
import {
  createEntraTokenVerifier,
  trustedIssuers,
  type EntraVerifierOptions,
  type TrustedIssuer,
} from '../../src/api/entra-token';
import { requireApiToken } from '../../src/api/require-api-token';
import type { ApiEntraConfig } from '../../src/config';
import { requestIds } from '../../src/http/request-id';
import { captureLog, type CapturedLog } from '../alerts/dispatch-harness';
import {
  API_APP_ID_URI,
  API_CLIENT_ID,
  CALLER_APP_ID,
  ENTRA_TENANT_ID,
  newSigningKey,
  startEntraStub,
  type EntraStub,
} from './entra-stub';

const API_TOKEN = 'an-api-token-for-the-entra-tests-0123';

interface ErrorAnswer {
  error: { code: string; message: string; requestId?: string };
}

interface Guarded {
  url: string;
  writes: () => number;
  log: CapturedLog;
}

describe('the /api guard with Entra ID access tokens', () => {
  let entra: EntraStub;
  const servers: Server[] = [];

  beforeAll(async () => {
    entra = await startEntraStub();
  });
  afterAll(async () => {
    for (const s of servers) s.closeAllConnections();
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    await entra.close();
  });

  function configFor(authorityHost = entra.authorityHost): ApiEntraConfig {
    return {
      tenantId: ENTRA_TENANT_ID,
      audiences: [API_APP_ID_URI, API_CLIENT_ID],
      role: 'RaWatch.Admin',
      authorityHost,
    };
  }

  async function serve(
    options: {
      apiToken?: string | null;
      config?: ApiEntraConfig;
      verifier?: EntraVerifierOptions;
      issuers?: TrustedIssuer[];
    } = {},
  ): Promise<Guarded> {
    const log = captureLog();
    const config = options.config ?? configFor();
    const verifier = createEntraTokenVerifier(
      config,
      options.verifier,
      options.issuers ?? trustedIssuers(config),
    );
    let writes = 0;
    const app = express();
    app.use(requestIds());
    app.use(
      '/api',
      requireApiToken(options.apiToken === undefined ? API_TOKEN : options.apiToken, {
        entra: verifier,
        logger: log.logger,
      }),
    );
    app.post('/api/things', (_req, res) => {
      writes += 1;
      res.status(201).json({ created: true });
    });
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    servers.push(server);
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, writes: () => writes, log };
  }

  const post = (g: Guarded, token?: string) =>
    fetch(`${g.url}/api/things`, {
      method: 'POST',
      headers: token === undefined ? {} : { Authorization: `Bearer ${token}` },
    });

  it('lets a v2.0 access token with the app role through', async () => {
    const g = await serve();
    const res = await post(g, await entra.mint());
    expect(res.status).toBe(201);
    expect(g.writes()).toBe(1);
  });

  it('accepts the Application ID URI as audience too, and still API_TOKEN alongside', async () => {
    const g = await serve();
    expect((await post(g, await entra.mint({ claims: { aud: API_APP_ID_URI } }))).status).toBe(201);
    expect((await post(g, API_TOKEN)).status).toBe(201);
    expect(g.writes()).toBe(2);
  });

  it('answers 403 with insufficient_scope to a valid token without the role, and does nothing', async () => {
    const g = await serve();
    for (const claims of [{ roles: ['RaWatch.Reader'] }, { roles: undefined }]) {
      const token = await entra.mint({ claims });
      const res = await post(g, token);
      expect(res.status).toBe(403);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="ra-watch", error="insufficient_scope"');
      const body = (await res.json()) as ErrorAnswer;
      expect(body.error.code).toBe('forbidden');
      expect(body.error.message).toBe('The token is valid but does not hold the app role "RaWatch.Admin".');
      expect(g.log.text()).not.toContain(token);
    }
    expect(g.writes()).toBe(0);
    // The refusal is logged with the caller and the request id the caller got back, never with the token.
    const line = JSON.parse(g.log.lines.find((l) => l.includes('"status":403'))!) as Record<string, unknown>;
    expect(line).toMatchObject({
      level: 40,
      appId: CALLER_APP_ID,
      reason: 'the token does not hold the app role "RaWatch.Admin"',
    });
    expect(line.requestId).toEqual(expect.any(String));
  });

  const otherKey = newSigningKey('key-2026-11'); // the published kid, another key: a forgery
  const unknownKid = newSigningKey('key-nobody-published');
  const hmacSecret = new TextEncoder().encode('a-shared-secret-an-attacker-chose-0123456789');

  it.each<[string, (e: EntraStub) => Promise<string>, RegExp]>([
    [
      'a wrong audience',
      (e) => e.mint({ claims: { aud: 'api://some-other-api' } }),
      /not for this API \(aud\)/,
    ],
    [
      'another tenant as issuer',
      (e) => e.mint({ claims: { iss: `${e.authorityHost}/11111111-2222-4333-8444-555555555555/v2.0` } }),
      /not from the configured tenant/,
    ],
    ['no issuer', (e) => e.mint({ claims: { iss: undefined } }), /not from the configured tenant/],
    ['an expired token', (e) => e.mint({ expiresIn: -3600 }), /has expired/],
    [
      'a forged signature under the published kid',
      async (e) => e.mint({ key: await otherKey }),
      /signature is not valid/,
    ],
    [
      'a key the tenant does not publish',
      async (e) => e.mint({ key: await unknownKid }),
      /key the tenant does not publish/,
    ],
    [
      'alg none',
      (e) =>
        Promise.resolve(
          new UnsecuredJWT({
            iss: e.v2Issuer,
            aud: API_CLIENT_ID,
            azp: CALLER_APP_ID,
            roles: ['RaWatch.Admin'],
          })
            .setExpirationTime('10m')
            .encode(),
        ),
      /not signed with RS256/,
    ],
    [
      'HS256 with a secret of its own',
      (e) =>
        new SignJWT({ iss: e.v2Issuer, aud: API_CLIENT_ID, azp: CALLER_APP_ID, roles: ['RaWatch.Admin'] })
          .setProtectedHeader({ alg: 'HS256', kid: 'key-2026-11' })
          .setExpirationTime('10m')
          .sign(hmacSecret),
      /not signed with RS256/,
    ],
    ['an ID token (no azp or appid)', (e) => e.mint({ claims: { azp: undefined } }), /not an access token/],
    [
      'no expiry',
      (e) => e.mint({ claims: { exp: undefined } }),
      /exp.{0,3} claim is not acceptable \(missing\)/,
    ],
    ['three parts that are not a JWT', () => Promise.resolve('abc.def.ghi'), /not a JWT/],
  ])('answers 401 with invalid_token to %s, and does nothing', async (_what, tokenFor, reason) => {
    const g = await serve();
    const token = await tokenFor(entra);
    const res = await post(g, token);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="ra-watch", error="invalid_token"');
    const body = (await res.json()) as ErrorAnswer;
    expect(body.error.code).toBe('unauthorized');
    expect(body.error.message).toMatch(reason);
    expect(g.writes()).toBe(0);
    expect(g.log.text()).toMatch(reason);
    expect(g.log.text()).not.toContain(token);
  });

  it('answers 401 without a header or with a token that is neither, naming what it accepts', async () => {
    const g = await serve();
    const none = await post(g);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="ra-watch"');
    expect(((await none.json()) as ErrorAnswer).error.message).toBe(
      'Send "Authorization: Bearer <token>" with API_TOKEN or an Entra ID access token.',
    );
    const wrong = await post(g, 'wrong-token-wrong-token');
    expect(wrong.status).toBe(401);
    expect(g.writes()).toBe(0);
  });

  it('with only Entra configured, refuses API_TOKEN-like guesses and serves Entra tokens (no loopback exemption)', async () => {
    const g = await serve({ apiToken: null });
    expect((await post(g)).status).toBe(401);
    expect((await post(g, API_TOKEN)).status).toBe(401);
    expect((await post(g, await entra.mint())).status).toBe(201);
    expect(g.writes()).toBe(1);
  });

  it('accepts a v1.0 token (appid, Application ID URI) from the v1.0 issuer, checked against the v1.0 keys', async () => {
    const config = configFor();
    // sts.windows.net cannot be served here: the v1.0 issuer is trusted with its keys on the stand-in host.
    const g = await serve({
      config,
      issuers: [...trustedIssuers(config), { issuer: entra.v1Issuer, jwksUrl: entra.v1JwksUrl }],
    });
    const v1 = await entra.mint({
      claims: { iss: entra.v1Issuer, aud: API_APP_ID_URI, azp: undefined, appid: CALLER_APP_ID, ver: '1.0' },
    });
    expect((await post(g, v1)).status).toBe(201);
    // ...but not a v1.0 issuer the configuration does not trust (a national cloud: v2.0 only).
    const plain = await serve({ config });
    expect((await post(plain, v1)).status).toBe(401);
  });

  it('fetches the keys again when Entra rolls them (a token with a new kid)', async () => {
    const g = await serve({ verifier: { jwksCooldownMs: 0 } });
    const first = entra.published;
    expect((await post(g, await entra.mint())).status).toBe(201);
    const rolled = await newSigningKey('key-2026-12');
    entra.published = [rolled, ...first];
    try {
      const before = entra.jwksRequests;
      expect((await post(g, await entra.mint({ key: rolled }))).status).toBe(201);
      expect(entra.jwksRequests).toBe(before + 1);
    } finally {
      entra.published = first;
    }
  });

  it('does not let a stream of unknown kids hammer the key endpoint', async () => {
    const g = await serve();
    expect((await post(g, await entra.mint())).status).toBe(201);
    const before = entra.jwksRequests;
    for (let i = 0; i < 5; i += 1) {
      expect((await post(g, await entra.mint({ key: await newSigningKey(`forged-${i}`) }))).status).toBe(401);
    }
    // jose refetches for an unknown kid at most once per 30-second cooldown.
    expect(entra.jwksRequests).toBeLessThanOrEqual(before + 1);
  });

  it('answers 503 (not a crash, not a 401) while the keys cannot be fetched; API_TOKEN keeps working; recovers', async () => {
    entra.failing = true;
    try {
      const g = await serve();
      const token = await entra.mint();
      const res = await post(g, token);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('30');
      const body = (await res.json()) as ErrorAnswer;
      expect(body.error).toMatchObject({
        code: 'auth-unavailable',
        message:
          'Entra ID signing keys are unavailable right now, so the token cannot be checked; try again shortly.',
      });
      expect(g.log.text()).toMatch(
        /signing keys at http:\/\/127\.0\.0\.1:\d+\/7d0f3c52-1a6b-4e89-b2f4-9c1e5a7d3b60\/discovery\/v2\.0\/keys could not be read/,
      );
      expect(g.log.text()).not.toContain(token);
      expect((await post(g, API_TOKEN)).status).toBe(201);
      entra.failing = false;
      expect((await post(g, token)).status).toBe(201);
      expect(g.writes()).toBe(2);
    } finally {
      entra.failing = false;
    }
  });

  it('answers 503 when the sign-in host does not answer at all', async () => {
    const gone = await startEntraStub();
    const token = await gone.mint();
    await gone.close();
    const g = await serve({ config: configFor(gone.authorityHost) });
    const res = await post(g, token);
    expect(res.status).toBe(503);
    expect(((await res.json()) as ErrorAnswer).error.code).toBe('auth-unavailable');
    expect(g.writes()).toBe(0);
  });
});

describe('the issuers trusted for a tenant', () => {
  it('in the public cloud: the v2.0 issuer and the v1.0 sts.windows.net issuer, each with its own keys', () => {
    expect(
      trustedIssuers({
        authorityHost: 'https://login.microsoftonline.com/',
        tenantId: '7D0F3C52-1A6B-4E89-B2F4-9C1E5A7D3B60',
      }),
    ).toEqual([
      {
        issuer: 'https://login.microsoftonline.com/7d0f3c52-1a6b-4e89-b2f4-9c1e5a7d3b60/v2.0',
        jwksUrl: 'https://login.microsoftonline.com/7d0f3c52-1a6b-4e89-b2f4-9c1e5a7d3b60/discovery/v2.0/keys',
      },
      {
        issuer: 'https://sts.windows.net/7d0f3c52-1a6b-4e89-b2f4-9c1e5a7d3b60/',
        jwksUrl: 'https://login.microsoftonline.com/7d0f3c52-1a6b-4e89-b2f4-9c1e5a7d3b60/discovery/keys',
      },
    ]);
  });

  it('in a national cloud: the v2.0 issuer on its own sign-in host only', () => {
    expect(
      trustedIssuers({ authorityHost: 'https://login.microsoftonline.us', tenantId: ENTRA_TENANT_ID }),
    ).toEqual([
      {
        issuer: `https://login.microsoftonline.us/${ENTRA_TENANT_ID}/v2.0`,
        jwksUrl: `https://login.microsoftonline.us/${ENTRA_TENANT_ID}/discovery/v2.0/keys`,
      },
    ]);
  });
});
