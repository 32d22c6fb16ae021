/**
 * The composed app with Entra ID tokens configured from the environment (API_ENTRA_*, AZURE_AUTHORITY_HOST pointing
 * at a stand-in sign-in host over real HTTP): an open alert is acknowledged only by a caller with the app role; every
 * refused token leaves it untouched; API_TOKEN and the console's API keep working; no token reaches the log.
 */
import { createRouting } from '../../src/alerts/alert-routing';
import { startApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config';
import { RA_USER_ID, TENANT_ID, unlicensedFinding } from '../alerts/alert-fixtures';
import { captureLog, type CapturedLog } from '../alerts/dispatch-harness';
import {
  API_APP_ID_URI,
  API_CLIENT_ID,
  ENTRA_TENANT_ID,
  newSigningKey,
  startEntraStub,
  type EntraStub,
} from '../api/entra-stub';
import { createTestDatabase, type TestDatabase } from '../support/databases';

const API_TOKEN = 'an-api-token-for-the-app-entra-tests-01';
const CLIENT_STATE = 'a-client-state-for-the-entra-tests-0123';

describe('the composed app with Entra ID tokens on /api', () => {
  let entra: EntraStub;
  let db: TestDatabase;
  let app: App;
  let log: CapturedLog;
  let alertId: string;

  beforeAll(async () => {
    entra = await startEntraStub();
    db = await createTestDatabase('sqlite');
    log = captureLog();
    const config = loadConfig({
      DATABASE_URL: db.url,
      PORT: '0',
      HOST: '127.0.0.1',
      API_TOKEN,
      CLIENT_STATE,
      AZURE_AUTHORITY_HOST: entra.authorityHost,
      API_ENTRA_TENANT_ID: ENTRA_TENANT_ID,
      API_ENTRA_AUDIENCE: `${API_APP_ID_URI},${API_CLIENT_ID}`,
    });
    app = await startApp({ config, logger: log.logger, background: false });
    const observed = await app.store.recordObservation(
      {
        scope: { tenantId: TENANT_ID, userId: RA_USER_ID, ruleIds: ['ra.unlicensed'] },
        findings: [unlicensedFinding()],
        at: new Date().toISOString(),
      },
      createRouting({ sinks: [] }),
    );
    alertId = observed.opened[0]!.id;
  });
  afterAll(async () => {
    await app.stop();
    await db.drop();
    await entra.close();
  });

  const ack = (token: string) =>
    fetch(`${app.url}/api/alerts/${alertId}/ack`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ by: 'ops-automation@contoso.com', reason: 'ticket 4711' }),
    });

  it.each<[string, () => Promise<string>, number]>([
    ['a token without the app role', () => entra.mint({ claims: { roles: ['Some.OtherRole'] } }), 403],
    ['a token for another API', () => entra.mint({ claims: { aud: 'api://another-api' } }), 401],
    [
      'a token from another tenant',
      () =>
        entra.mint({ claims: { iss: `${entra.authorityHost}/11111111-2222-4333-8444-555555555555/v2.0` } }),
      401,
    ],
    ['an expired token', () => entra.mint({ expiresIn: -3600 }), 401],
    [
      'a token signed with a key the tenant does not publish',
      async () => entra.mint({ key: await newSigningKey('key-2026-11') }),
      401,
    ],
  ])('refuses %s and leaves the alert unacknowledged', async (_what, tokenFor, status) => {
    const token = await tokenFor();
    const res = await ack(token);
    expect(res.status).toBe(status);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect(await res.json()).toMatchObject({
      error: { code: status === 403 ? 'forbidden' : 'unauthorized', requestId: expect.any(String) as string },
    });
    const alert = await app.store.alerts.get(alertId);
    expect(alert).toMatchObject({ state: 'open', acknowledgedAt: null, acknowledgedBy: null });
    expect(log.text()).not.toContain(token);
  });

  it('serves API_TOKEN alongside, the console API included', async () => {
    const headers = { Authorization: `Bearer ${API_TOKEN}` };
    expect((await fetch(`${app.url}/api/alerts?state=open`, { headers })).status).toBe(200);
    expect((await fetch(`${app.url}/api/console/summary`, { headers })).status).toBe(200);
  });

  it('acknowledges the alert for a caller whose token holds the role', async () => {
    const token = await entra.mint();
    const res = await ack(token);
    expect(res.status).toBe(200);
    expect(await app.store.alerts.get(alertId)).toMatchObject({
      acknowledgedBy: 'ops-automation@contoso.com',
    });
    expect(log.text()).not.toContain(token);
  });
});
