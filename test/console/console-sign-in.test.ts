/**
 * The console's Microsoft sign-in settings: derived from the configuration (authority, scope for a URI or a bare
 * client id audience), answered unauthenticated and uncached by the console router, with the page policy widened
 * only by the sign-in host's origin. And the stand-in Entra ID the browser test relies on refusing what Entra
 * refuses (a wrong PKCE verifier, a code used twice, another redirect URI, a request that is not cross-origin), so
 * that test proves the console's flow rather than a lenient stub.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { loadConfig } from '../../src/config';
import { CONSOLE_AUTH_PATH, createConsoleRouter } from '../../src/console/console-router';
import { consoleSignInSettings, type ConsoleSignIn } from '../../src/console/console-sign-in';
import { contentSecurityPolicy, securityHeaders } from '../../src/http/security-headers';
import {
  API_CLIENT_ID,
  CONSOLE_CLIENT_ID,
  ENTRA_TENANT_ID,
  startEntraStub,
  type EntraStub,
} from '../api/entra-stub';

const TENANT = '5f1c9a3e-7d2b-4c8e-9a61-3b0d4e2f8c17';

describe('consoleSignInSettings', () => {
  it('is null unless both the API settings and CONSOLE_ENTRA_CLIENT_ID are there', () => {
    expect(consoleSignInSettings(loadConfig({}))).toBeNull();
    expect(
      consoleSignInSettings(
        loadConfig({ API_ENTRA_TENANT_ID: TENANT, API_ENTRA_AUDIENCE: 'api://ra-watch' }),
      ),
    ).toBeNull();
  });

  it('asks for the first audience /.default at the configured sign-in host, in the public cloud by default', () => {
    const settings = consoleSignInSettings(
      loadConfig({
        API_ENTRA_TENANT_ID: TENANT,
        API_ENTRA_AUDIENCE: `api://ra-watch.contoso.com,${API_CLIENT_ID}`,
        CONSOLE_ENTRA_CLIENT_ID: CONSOLE_CLIENT_ID,
      }),
    );
    expect(settings).toEqual({
      authority: `https://login.microsoftonline.com/${TENANT}`,
      authorizeEndpoint: `https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/authorize`,
      tokenEndpoint: `https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token`,
      clientId: CONSOLE_CLIENT_ID,
      scope: 'api://ra-watch.contoso.com/.default',
      redirectPath: '/',
    });
  });

  it('uses a bare client id audience as is (not api://<guid>), and a national cloud host', () => {
    const settings = consoleSignInSettings(
      loadConfig({
        API_ENTRA_TENANT_ID: TENANT,
        API_ENTRA_AUDIENCE: API_CLIENT_ID,
        AZURE_AUTHORITY_HOST: 'https://login.microsoftonline.us/',
        GRAPH_BASE_URL: 'https://graph.microsoft.us',
        CONSOLE_ENTRA_CLIENT_ID: CONSOLE_CLIENT_ID,
      }),
    );
    expect(settings).toMatchObject({
      authority: `https://login.microsoftonline.us/${TENANT}`,
      scope: `${API_CLIENT_ID}/.default`,
    });
  });
});

describe('the console router with and without Microsoft sign-in', () => {
  const servers: Server[] = [];
  afterAll(async () => {
    for (const server of servers) await new Promise((resolve) => server.close(resolve));
  });

  /** The console behind the app's security headers, as express-app.ts mounts it. */
  const serve = async (signIn: ConsoleSignIn | null): Promise<string> => {
    const app = express();
    app.use(securityHeaders());
    app.use('/', createConsoleRouter({ signIn }));
    const server = app.listen(0, '127.0.0.1');
    servers.push(server);
    await new Promise((resolve) => server.once('listening', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  const settings = consoleSignInSettings(
    loadConfig({
      API_ENTRA_TENANT_ID: TENANT,
      API_ENTRA_AUDIENCE: API_CLIENT_ID,
      AZURE_AUTHORITY_HOST: 'https://login.microsoftonline.us',
      // A US Government tenant: the sign-in host and Graph must name the same cloud (national-clouds.ts).
      GRAPH_BASE_URL: 'https://graph.microsoft.us',
      CONSOLE_ENTRA_CLIENT_ID: CONSOLE_CLIENT_ID,
    }),
  );

  it('says "no Microsoft sign-in" without a token, uncached, and keeps the strict policy', async () => {
    const base = await serve(null);
    const res = await fetch(`${base}${CONSOLE_AUTH_PATH}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ entra: null });
    const page = await fetch(`${base}/`);
    expect(page.headers.get('content-security-policy')).toBe(contentSecurityPolicy());
    expect(contentSecurityPolicy()).toContain("connect-src 'self';");
  });

  it('gives the public sign-in parameters and lets the pages connect to the sign-in host only', async () => {
    const base = await serve(settings);
    const res = await fetch(`${base}${CONSOLE_AUTH_PATH}`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ entra: settings });
    const policy = (await fetch(`${base}/`)).headers.get('content-security-policy') ?? '';
    const directives = (value: string) => new Map(value.split(';').map((d) => [d.split(' ')[0], d] as const));
    const strict = directives(contentSecurityPolicy());
    const widened = directives(policy);
    expect(widened.get('connect-src')).toBe("connect-src 'self' https://login.microsoftonline.us");
    for (const [name, directive] of strict)
      if (name !== 'connect-src') expect(widened.get(name)).toBe(directive);
    expect([...widened.keys()]).toEqual([...strict.keys()]);
  });

  it('sends the same policy string helmet sends for the app (one definition)', async () => {
    const app = express();
    app.use(securityHeaders({ connectSrc: ['https://login.microsoftonline.com'] }));
    app.get('/', (_req, res) => res.send('ok'));
    const server = app.listen(0, '127.0.0.1');
    servers.push(server);
    await new Promise((resolve) => server.once('listening', resolve));
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    expect(res.headers.get('content-security-policy')).toBe(
      contentSecurityPolicy({ connectSrc: ['https://login.microsoftonline.com'] }),
    );
  });
});

describe('the stand-in Entra ID refuses what Entra refuses', () => {
  let entra: EntraStub;
  const redirectUri = 'http://127.0.0.1:9/';
  const origin = 'http://127.0.0.1:9';
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');

  beforeAll(async () => {
    entra = await startEntraStub();
    entra.spa = { clientId: CONSOLE_CLIENT_ID, redirectUris: [redirectUri] };
  });
  afterAll(() => entra.close());

  const authorize = async (overrides: Record<string, string> = {}) => {
    const url = new URL(`${entra.authorityHost}/${ENTRA_TENANT_ID}/oauth2/v2.0/authorize`);
    url.search = new URLSearchParams({
      client_id: CONSOLE_CLIENT_ID,
      response_type: 'code',
      redirect_uri: redirectUri,
      response_mode: 'fragment',
      scope: `${API_CLIENT_ID}/.default`,
      state: 'st',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...overrides,
    }).toString();
    return fetch(url, { redirect: 'manual' });
  };
  const codeFrom = async () => {
    const res = await authorize();
    expect(res.status).toBe(302);
    const answer = new URLSearchParams(new URL(res.headers.get('location') ?? '').hash.slice(1));
    expect(answer.get('state')).toBe('st');
    return answer.get('code') ?? '';
  };
  const redeem = (form: Record<string, string>, headers: Record<string, string> = { Origin: origin }) =>
    fetch(`${entra.authorityHost}/${ENTRA_TENANT_ID}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams({
        client_id: CONSOLE_CLIENT_ID,
        grant_type: 'authorization_code',
        redirect_uri: redirectUri,
        ...form,
      }),
    });

  it('does not redirect to an unregistered redirect URI or for another client', async () => {
    expect((await authorize({ redirect_uri: 'http://127.0.0.1:9/elsewhere' })).status).toBe(400);
    expect((await authorize({ client_id: API_CLIENT_ID })).status).toBe(400);
  });

  it('redeems a code once, with the right verifier, cross-origin only', async () => {
    const wrong = await redeem({
      code: await codeFrom(),
      code_verifier: randomBytes(32).toString('base64url'),
    });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({
      error: 'invalid_grant',
      error_description: expect.stringMatching(/AADSTS501481/),
    });

    expect((await redeem({ code: await codeFrom(), code_verifier: verifier }, {})).status).toBe(400);

    const code = await codeFrom();
    const ok = await redeem({ code, code_verifier: verifier });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe(origin);
    expect(await ok.json()).toMatchObject({
      token_type: 'Bearer',
      access_token: expect.any(String),
      expires_in: 3599,
    });
    const again = await redeem({ code, code_verifier: verifier });
    expect(await again.json()).toMatchObject({
      error: 'invalid_grant',
      error_description: expect.stringMatching(/already redeemed/),
    });

    const elsewhere = await redeem(
      { code: await codeFrom(), code_verifier: verifier },
      { Origin: 'http://evil.example' },
    );
    expect(elsewhere.headers.get('access-control-allow-origin')).toBeNull();
  });
});
