/**
 * The console's Microsoft sign-in as the composed app offers it: startApp from src/app.ts with nothing mounted in
 * front of its own console router (the browser tests' harness mounts a console of its own, so it cannot notice the
 * app's being built without the settings), configured from an environment like the container's, over real HTTP.
 *
 * With CONSOLE_ENTRA_CLIENT_ID and API_ENTRA_*, `/console/auth.json` answers the public settings derived from the
 * configuration, the pages may connect to the sign-in host (a stand-in over real HTTP, test/api/entra-stub.ts), and
 * those settings, followed as the browser follows them, get a token the app's own API accepts. Without it, the
 * console offers no Microsoft sign-in and its pages keep connect-src to the same origin.
 */
import { createHash, randomBytes } from 'node:crypto';
import { startApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config';
import type { ConsoleSignIn } from '../../src/console/console-sign-in';
import { contentSecurityPolicy } from '../../src/http/security-headers';
import { silentLogger } from '../../src/logger';
import {
  API_APP_ID_URI,
  API_CLIENT_ID,
  CONSOLE_CLIENT_ID,
  ENTRA_TENANT_ID,
  expectedConsoleSignIn,
  startEntraStub,
  type EntraStub,
} from '../api/entra-stub';
import { createTestDatabase, type TestDatabase } from '../support/databases';

const API_TOKEN = 'an-api-token-for-the-console-sign-in-app-tests';
const CLIENT_STATE = 'a-client-state-for-the-console-sign-in-tests';

interface Running {
  app: App;
  db: TestDatabase;
}

async function start(env: Record<string, string>): Promise<Running> {
  const db = await createTestDatabase('sqlite');
  const config = loadConfig({
    DATABASE_URL: db.url,
    PORT: '0',
    HOST: '127.0.0.1',
    API_TOKEN,
    CLIENT_STATE,
    ...env,
  });
  const app = await startApp({ config, logger: silentLogger(), background: false });
  return { app, db };
}

async function stop(running: Running | undefined): Promise<void> {
  if (running === undefined) return;
  await running.app.stop();
  await running.db.drop();
}

/** A Content-Security-Policy header as directive name -> the whole directive. */
function directives(policy: string): Map<string, string> {
  return new Map(
    policy.split(';').map((directive) => [directive.trim().split(' ')[0] ?? '', directive.trim()]),
  );
}

/** The console's pages: the overview (also the sign-in redirect URI), a page by name, and a script. */
const CONSOLE_PAGES = ['/', '/index.html', '/js/entra-sign-in.js'];

/**
 * Around a describe block: the stand-in sign-in host, and the app started with the API_ENTRA_* settings for it plus
 * `extra`. The returned getters are read inside the tests (the hooks have run by then).
 */
function appWithEntraSettings(extra: Record<string, string>): { url: () => string; entra: () => EntraStub } {
  let entra: EntraStub | undefined;
  let running: Running | undefined;
  beforeAll(async () => {
    entra = await startEntraStub();
    running = await start({
      AZURE_AUTHORITY_HOST: entra.authorityHost,
      API_ENTRA_TENANT_ID: ENTRA_TENANT_ID,
      API_ENTRA_AUDIENCE: `${API_APP_ID_URI},${API_CLIENT_ID}`,
      ...extra,
    });
  });
  afterAll(async () => {
    await stop(running);
    await entra?.close();
  });
  return {
    url: () => running?.app.url ?? '',
    entra: () => {
      if (entra === undefined) throw new Error('the stand-in sign-in host did not start');
      return entra;
    },
  };
}

describe('the composed app with CONSOLE_ENTRA_CLIENT_ID and API_ENTRA_*', () => {
  const { url, entra: stub } = appWithEntraSettings({ CONSOLE_ENTRA_CLIENT_ID: CONSOLE_CLIENT_ID });

  it('answers the public sign-in settings without a token, uncached', async () => {
    const res = await fetch(`${url()}/console/auth.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    // The scope is the first API_ENTRA_AUDIENCE value's.
    expect(await res.json()).toEqual({
      entra: expectedConsoleSignIn(stub().authorityHost, `${API_APP_ID_URI}/.default`),
    });
  });

  it.each(CONSOLE_PAGES)(
    'lets %s connect to the sign-in host, the rest of the policy unchanged',
    async (path) => {
      const res = await fetch(`${url()}${path}`);
      expect(res.status).toBe(200);
      const policy = directives(res.headers.get('content-security-policy') ?? '');
      const strict = directives(contentSecurityPolicy());
      expect(policy.get('connect-src')).toBe(`connect-src 'self' ${stub().authorityHost}`);
      expect([...policy.keys()]).toEqual([...strict.keys()]);
      for (const [name, directive] of strict)
        if (name !== 'connect-src') expect(policy.get(name)).toBe(directive);
    },
  );

  it("gets, by those settings, a token the app's API accepts", async () => {
    const settings = ((await (await fetch(`${url()}/console/auth.json`)).json()) as { entra: ConsoleSignIn })
      .entra;
    const redirectUri = `${url()}${settings.redirectPath}`;
    stub().spa = { clientId: settings.clientId, redirectUris: [redirectUri] };
    const verifier = randomBytes(32).toString('base64url');
    const authorize = new URL(settings.authorizeEndpoint);
    authorize.search = new URLSearchParams({
      client_id: settings.clientId,
      response_type: 'code',
      redirect_uri: redirectUri,
      response_mode: 'fragment',
      scope: settings.scope,
      state: 'console-state',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();
    const back = await fetch(authorize, { redirect: 'manual' });
    expect(back.status).toBe(302);
    const answer = new URLSearchParams(new URL(back.headers.get('location') ?? '').hash.slice(1));
    expect(answer.get('error_description')).toBeNull();
    const redeemed = await fetch(settings.tokenEndpoint, {
      method: 'POST',
      // As the console's page sends it: cross-origin from the app's origin.
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: new URL(url()).origin },
      body: new URLSearchParams({
        client_id: settings.clientId,
        grant_type: 'authorization_code',
        code: answer.get('code') ?? '',
        redirect_uri: redirectUri,
        code_verifier: verifier,
      }),
    });
    expect(redeemed.status).toBe(200);
    const { access_token: accessToken } = (await redeemed.json()) as { access_token: string };
    const alerts = await fetch(`${url()}/api/alerts?state=open`, {
      headers: { Authorization: `Bearer ${accessToken}` },
    });
    expect(alerts.status).toBe(200);
    expect(await alerts.json()).toEqual({ alerts: [] });
  });
});

describe('the composed app with API_ENTRA_* but no CONSOLE_ENTRA_CLIENT_ID', () => {
  const { url, entra: stub } = appWithEntraSettings({});

  it('says the console offers no Microsoft sign-in', async () => {
    const res = await fetch(`${url()}/console/auth.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ entra: null });
  });

  it.each(CONSOLE_PAGES)('keeps connect-src of %s to the same origin', async (path) => {
    const res = await fetch(`${url()}${path}`);
    expect(res.status).toBe(200);
    const policy = res.headers.get('content-security-policy') ?? '';
    expect(directives(policy).get('connect-src')).toBe("connect-src 'self'");
    expect(policy).toBe(contentSecurityPolicy());
    expect(policy).not.toContain(stub().authorityHost);
  });
});
