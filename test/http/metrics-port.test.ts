/**
 * METRICS_PORT: /metrics moves to a listener of its own and leaves the public port, so a deployment can expose that
 * port inside its network only (Container Apps ingress routes whole ports, not paths). Real sockets on both ports.
 */
import { startApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/logger';
import { createTestDatabase, type TestDatabase } from '../support/databases';

describe('the app with METRICS_PORT set', () => {
  let db: TestDatabase;
  let app: App;

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    const config = loadConfig({ DATABASE_URL: db.url, PORT: '0', METRICS_PORT: '0', HOST: '127.0.0.1' });
    app = await startApp({ config, logger: silentLogger(), background: false });
  });
  afterAll(async () => {
    await app.stop();
    await db.drop();
  });

  it('serves /metrics on the metrics port, on a port other than the public one', async () => {
    expect(app.metricsUrl).not.toBeNull();
    expect(app.metricsUrl).not.toBe(app.url);
    const metrics = await fetch(`${app.metricsUrl!}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/^# TYPE ra_watch_queue_depth gauge$/m);
  });

  it('no longer serves /metrics on the public port, which still serves the probes', async () => {
    const publicMetrics = await fetch(`${app.url!}/metrics`);
    // The console's router is mounted at '/': whatever it answers, it is not the Prometheus text.
    expect(await publicMetrics.text()).not.toMatch(/ra_watch_/);
    expect((await fetch(`${app.url!}/healthz`)).status).toBe(200);
  });

  it('answers nothing but /metrics on the metrics port', async () => {
    expect((await fetch(`${app.metricsUrl!}/healthz`)).status).toBe(404);
    expect((await fetch(`${app.metricsUrl!}/api/alerts`)).status).toBe(404);
  });

  it('closes the metrics port on stop', async () => {
    const url = app.metricsUrl!;
    await app.stop();
    await expect(fetch(`${url}/metrics`)).rejects.toThrow();
  });
});

describe('the app without METRICS_PORT', () => {
  it('serves /metrics on the public port and has no metrics listener', async () => {
    const db = await createTestDatabase('sqlite');
    const app = await startApp({
      config: loadConfig({ DATABASE_URL: db.url, PORT: '0', HOST: '127.0.0.1' }),
      logger: silentLogger(),
      background: false,
    });
    try {
      expect(app.metricsUrl).toBeNull();
      expect(await (await fetch(`${app.url!}/metrics`)).text()).toMatch(
        /^# TYPE ra_watch_queue_depth gauge$/m,
      );
    } finally {
      await app.stop();
      await db.drop();
    }
  });
});
