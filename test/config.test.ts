import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, SECRET_VARIABLES } from '../src/config';
import { problemsOf } from './support/config-problems';

describe('configuration from the environment', () => {
  it('starts with embedded defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      databaseUrl: 'sqlite:./data/ra-watch.db',
      queue: { kind: 'embedded', maxDeliveries: 10 },
      graph: { baseUrl: 'https://graph.microsoft.com', tenantId: null, credential: { kind: 'none' } },
      slackWebhookUrl: null,
      email: null,
      clientStates: [],
      apiToken: null,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it.each([
    ['PORT', 'abc', /PORT="abc" .*Example: PORT=3000/],
    ['PORT', '70000', /PORT="70000" is above 65535/],
    [
      'PUBLIC_BASE_URL',
      'ra-watch.contoso.com',
      /PUBLIC_BASE_URL="ra-watch.contoso.com" is not an http\(s\) URL/,
    ],
    ['DATABASE_URL', 'mysql://x', /DATABASE_URL=\(value hidden\) is neither sqlite:<path> nor postgres:\/\//],
    ['QUEUE', 'kafka', /QUEUE="kafka" is neither embedded nor service-bus/],
    ['GRAPH_BASE_URL', 'graph.microsoft.us', /GRAPH_BASE_URL="graph.microsoft.us" is not an http\(s\) URL/],
    ['AZURE_TENANT_ID', 'contoso', /AZURE_TENANT_ID="contoso" is not a GUID/],
    ['AZURE_CLIENT_CERTIFICATE_PATH', '/nonexistent/cert.pem', /names a file that does not exist/],
    ['CLIENT_STATE', 'short', /CLIENT_STATE=\(value hidden\) is shorter than 16 characters/],
    ['CLIENT_STATE', 'x'.repeat(129), /is longer than 128 characters/],
    ['API_TOKEN', 'abc', /API_TOKEN=\(value hidden\) is shorter than 16/],
    ['SLACK_WEBHOOK_URL', 'not a url', /SLACK_WEBHOOK_URL=\(value hidden\) is not an http\(s\) URL/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL="loud" is not a log level/],
    ['QUEUE_MAX_DELIVERIES', '0', /QUEUE_MAX_DELIVERIES="0" is below 1/],
  ])('names %s and what is wrong with %j', (name, value, expected) => {
    const problems = problemsOf({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(expected);
  });

  it('reports every wrong variable at once, one line each', () => {
    const problems = problemsOf({ PORT: 'x', QUEUE: 'y', AZURE_TENANT_ID: 'z' });
    expect(problems.map((p) => p.split('=')[0])).toEqual(['PORT', 'QUEUE', 'AZURE_TENANT_ID']);
  });

  it('never prints a secret value, even when it is wrong', () => {
    const secret = 'hunter2-is-a-very-bad-secret-but-long-enough';
    const problems = problemsOf({
      SMTP_URL: `ftp://user:${secret}@mail`,
      SLACK_WEBHOOK_URL: `hooks/${secret}`,
      CLIENT_STATE: `${secret},short`,
    });
    expect(problems).toHaveLength(3);
    for (const line of problems) expect(line).not.toContain(secret);
    expect(SECRET_VARIABLES).toEqual(
      expect.arrayContaining(['AZURE_CLIENT_SECRET', 'CLIENT_STATE', 'SLACK_WEBHOOK_URL', 'SMTP_URL']),
    );
  });

  it('accepts several client states for rotation, the first used for new subscriptions', () => {
    const config = loadConfig({ CLIENT_STATE: 'first-secret-0123456789, second-secret-0123456789' });
    expect(config.clientStates).toEqual(['first-secret-0123456789', 'second-secret-0123456789']);
  });

  describe('choosing how to authenticate to Graph', () => {
    const tenant = '5f1c9a3e-7d2b-4c8e-9a61-3b0d4e2f8c17';
    const client = '3c9f1e27-84b6-4d0a-9f52-1e7a6c0b8d43';

    it('uses a static token when GRAPH_ACCESS_TOKEN is set', () => {
      expect(loadConfig({ GRAPH_ACCESS_TOKEN: 'tok' }).graph.credential).toEqual({
        kind: 'static-token',
        token: 'tok',
      });
    });

    it('uses a client secret with tenant and client ids, and the authority host for national clouds', () => {
      const config = loadConfig({
        AZURE_TENANT_ID: tenant,
        AZURE_CLIENT_ID: client,
        AZURE_CLIENT_SECRET: 's3cret',
        AZURE_AUTHORITY_HOST: 'https://login.microsoftonline.us',
        GRAPH_BASE_URL: 'https://graph.microsoft.us/',
      });
      expect(config.graph).toEqual({
        baseUrl: 'https://graph.microsoft.us',
        tenantId: tenant,
        credential: {
          kind: 'client-secret',
          tenantId: tenant,
          clientId: client,
          clientSecret: 's3cret',
          authorityHost: 'https://login.microsoftonline.us',
        },
      });
    });

    it('uses a certificate file that exists', () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'ra-watch-config-'));
      const pem = path.join(dir, 'app.pem');
      writeFileSync(pem, 'not really a certificate');
      const config = loadConfig({
        AZURE_TENANT_ID: tenant,
        AZURE_CLIENT_ID: client,
        AZURE_CLIENT_CERTIFICATE_PATH: pem,
      });
      expect(config.graph.credential).toEqual({
        kind: 'client-certificate',
        tenantId: tenant,
        clientId: client,
        certificatePath: pem,
      });
    });

    it('falls back to the managed identity when only the tenant is set', () => {
      expect(loadConfig({ AZURE_TENANT_ID: tenant }).graph.credential).toEqual({ kind: 'managed-identity' });
      expect(loadConfig({ AZURE_TENANT_ID: tenant, AZURE_CLIENT_ID: client }).graph.credential).toEqual({
        kind: 'managed-identity',
        clientId: client,
      });
    });

    it('says which ids a client secret is missing', () => {
      expect(problemsOf({ AZURE_CLIENT_SECRET: 's3cret' })).toEqual([
        expect.stringMatching(/AZURE_CLIENT_SECRET is set but AZURE_TENANT_ID and AZURE_CLIENT_ID are not/),
      ]);
    });

    it('refuses two ways at once', () => {
      expect(problemsOf({ GRAPH_ACCESS_TOKEN: 't', AZURE_CLIENT_SECRET: 's' })).toEqual([
        expect.stringMatching(/GRAPH_ACCESS_TOKEN and AZURE_CLIENT_SECRET are all set: choose one/),
      ]);
    });
  });

  it('needs a Service Bus connection or namespace when QUEUE=service-bus', () => {
    expect(problemsOf({ QUEUE: 'service-bus' })).toEqual([
      expect.stringMatching(/QUEUE=service-bus needs SERVICE_BUS_CONNECTION_STRING/),
    ]);
    const config = loadConfig({
      QUEUE: 'service-bus',
      SERVICE_BUS_NAMESPACE: 'contoso.servicebus.windows.net',
    });
    expect(config.queue).toEqual({
      kind: 'service-bus',
      queueName: 'ra-watch',
      namespace: 'contoso.servicebus.windows.net',
      maxDeliveries: 10,
    });
  });

  it('needs the three e-mail variables together', () => {
    expect(problemsOf({ SMTP_URL: 'smtp://localhost:2525' })).toEqual([
      expect.stringMatching(
        /e-mail alerts need SMTP_URL, ALERT_EMAIL_FROM and ALERT_EMAIL_TO together; missing ALERT_EMAIL_FROM, ALERT_EMAIL_TO/,
      ),
    ]);
    const config = loadConfig({
      SMTP_URL: 'smtp://localhost:2525',
      ALERT_EMAIL_FROM: 'ra@contoso.com',
      ALERT_EMAIL_TO: 'a@contoso.com, b@contoso.com',
    });
    expect(config.email).toEqual({
      smtpUrl: 'smtp://localhost:2525',
      from: 'ra@contoso.com',
      to: ['a@contoso.com', 'b@contoso.com'],
    });
    expect(
      problemsOf({ SMTP_URL: 'smtp://x', ALERT_EMAIL_FROM: 'ra@contoso.com', ALERT_EMAIL_TO: 'nobody' })[0],
    ).toMatch(/ALERT_EMAIL_TO="nobody" is not a comma-separated list/);
  });

  it('takes the Teams and generic webhooks, and refuses a signing secret without a URL', () => {
    const config = loadConfig({
      TEAMS_WEBHOOK_URL: 'https://teams.example/hook',
      ALERT_WEBHOOK_URL: 'https://psa.example/h',
      ALERT_WEBHOOK_SECRET: 'a-long-signing-secret',
    });
    expect(config.teamsWebhookUrl).toBe('https://teams.example/hook');
    expect(config.alertWebhook).toEqual({
      url: 'https://psa.example/h',
      secret: 'a-long-signing-secret',
      digests: false,
    });
    expect(loadConfig({}).alertWebhook).toBeNull();
    const problems = problemsOf({ ALERT_WEBHOOK_SECRET: 'a-long-signing-secret' });
    expect(problems).toEqual([
      expect.stringMatching(/ALERT_WEBHOOK_SECRET is set but ALERT_WEBHOOK_URL is not/),
    ]);
    expect(problems.join('\n')).not.toContain('a-long-signing-secret');
  });

  it('takes ALERT_WEBHOOK_DIGESTS and a whsec_ secret, and refuses a whsec_ secret that is not base64 (issue 20)', () => {
    const whsec = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    const config = loadConfig({
      ALERT_WEBHOOK_URL: 'https://psa.example/h',
      ALERT_WEBHOOK_SECRET: whsec,
      ALERT_WEBHOOK_DIGESTS: 'true',
    });
    expect(config.alertWebhook).toEqual({ url: 'https://psa.example/h', secret: whsec, digests: true });
    const problems = problemsOf({
      ALERT_WEBHOOK_URL: 'https://psa.example/h',
      ALERT_WEBHOOK_SECRET: 'whsec_not*base64*at*all!',
      ALERT_WEBHOOK_DIGESTS: 'yes',
    });
    expect(problems.join('\n')).toMatch(
      /ALERT_WEBHOOK_SECRET.*starts with whsec_ but the rest is not base64/,
    );
    expect(problems.join('\n')).toMatch(/ALERT_WEBHOOK_DIGESTS="yes" is not true or false/);
    expect(problems.join('\n')).not.toContain('not*base64');
  });

  it('takes Entra ID tokens for /api: tenant and audience, the role defaulting, issuer host from AZURE_AUTHORITY_HOST', () => {
    expect(loadConfig({}).apiEntra).toBeNull();
    const tenant = '5f1c9a3e-7d2b-4c8e-9a61-3b0d4e2f8c17';
    expect(
      loadConfig({
        API_ENTRA_TENANT_ID: tenant,
        API_ENTRA_AUDIENCE: 'api://ra-watch.contoso.com, 3c9f1e27-84b6-4d0a-9f52-1e7a6c0b8d43',
      }).apiEntra,
    ).toEqual({
      tenantId: tenant,
      audiences: ['api://ra-watch.contoso.com', '3c9f1e27-84b6-4d0a-9f52-1e7a6c0b8d43'],
      role: 'RaWatch.Admin',
      readerRole: 'RaWatch.Reader',
      authorityHost: 'https://login.microsoftonline.com',
    });
    const gov = loadConfig({
      API_ENTRA_TENANT_ID: tenant,
      API_ENTRA_AUDIENCE: 'api://ra-watch',
      API_ENTRA_ROLE: 'Ops.Write',
      API_ENTRA_READER_ROLE: 'Ops.Read',
      AZURE_AUTHORITY_HOST: 'https://login.microsoftonline.us/',
      // The sign-in host must name GRAPH_BASE_URL's cloud (issue 17 item 9).
      GRAPH_BASE_URL: 'https://graph.microsoft.us',
    });
    expect(gov.apiEntra).toMatchObject({
      role: 'Ops.Write',
      readerRole: 'Ops.Read',
      authorityHost: 'https://login.microsoftonline.us',
    });
  });

  it.each([
    [
      { API_ENTRA_TENANT_ID: '5f1c9a3e-7d2b-4c8e-9a61-3b0d4e2f8c17' },
      /API_ENTRA_TENANT_ID is set but API_ENTRA_AUDIENCE is not\. Example: API_ENTRA_AUDIENCE=api:\/\//,
    ],
    [
      { API_ENTRA_AUDIENCE: 'api://ra-watch' },
      /API_ENTRA_AUDIENCE is set but API_ENTRA_TENANT_ID is not\. Example: API_ENTRA_TENANT_ID=/,
    ],
    [
      { API_ENTRA_ROLE: 'RaWatch.Admin' },
      /API_ENTRA_ROLE is set but API_ENTRA_TENANT_ID and API_ENTRA_AUDIENCE are not/,
    ],
  ])('refuses Entra ID settings half set: %j', (env, expected) => {
    const problems = problemsOf(env);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^Entra ID tokens on \/api need API_ENTRA_TENANT_ID and API_ENTRA_AUDIENCE together/,
    );
    expect(problems[0]).toMatch(expected);
  });

  it.each([
    [
      'API_ENTRA_TENANT_ID',
      'contoso.onmicrosoft.com',
      /API_ENTRA_TENANT_ID="contoso.onmicrosoft.com" is not a GUID .*Example: API_ENTRA_TENANT_ID=/,
    ],
    [
      'API_ENTRA_AUDIENCE',
      'ra watch',
      /API_ENTRA_AUDIENCE="ra watch" is not a comma-separated list of client ids \(GUIDs\) or Application ID URIs/,
    ],
    ['API_ENTRA_ROLE', 'RaWatch Admin', /API_ENTRA_ROLE="RaWatch Admin" is not an app role value/],
  ])('names %s and what is wrong with %j', (name, value, expected) => {
    const env = {
      API_ENTRA_TENANT_ID: '5f1c9a3e-7d2b-4c8e-9a61-3b0d4e2f8c17',
      API_ENTRA_AUDIENCE: 'api://ra-watch',
      [name]: value,
    };
    const problems = problemsOf(env);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(expected);
  });
});
