/**
 * The doctor's answers when the basics are wrong, in-process (test/cli/doctor.test.ts runs the whole command as a
 * process): a wrong variable stops at the configuration; no tenant, a refused credential and an unset
 * PUBLIC_BASE_URL each fail with their fix; the store is opened for real (SQLite).
 */
import { runDoctor } from '../../src/doctor/run-doctor';
import { silentLogger } from '../../src/logger';
import { openDatabase } from '../../src/store/database';
import { createStore } from '../../src/store/sql-store';
import { createEmptyDatabase } from '../support/databases';

const TENANT = '5f1c9a3e-7d2b-4c8e-9a61-3b0d4e2f8c17';
const CLIENT = '3c9f1e27-84b6-4d0a-9f52-1e7a6c0b8d43';

describe('runDoctor', () => {
  it('stops at the configuration, naming the wrong variable', async () => {
    const report = await runDoctor({ env: { PORT: 'eighty' }, logger: silentLogger() });
    expect(report.ok).toBe(false);
    expect(report.checks).toHaveLength(1);
    expect(report.checks[0]).toMatchObject({ check: 'config', status: 'fail' });
    expect(report.checks[0]?.detail).toMatch(/PORT="eighty" .*Example: PORT=3000/);
  });

  it('fails with a fix when no tenant is watched and PUBLIC_BASE_URL is unset', async () => {
    const db = await createEmptyDatabase('sqlite');
    try {
      const report = await runDoctor({ env: { DATABASE_URL: db.url }, logger: silentLogger() });
      const byCheck = new Map(report.checks.map((c) => [c.check, c]));
      expect(byCheck.get('store')?.status).toBe('ok');
      expect(byCheck.get('graph-token')).toMatchObject({
        status: 'fail',
        detail: expect.stringContaining('AZURE_TENANT_ID is not set') as unknown,
      });
      expect(byCheck.get('public-url')).toMatchObject({ status: 'fail' });
      expect(byCheck.get('public-url')?.fix).toMatch(/Set PUBLIC_BASE_URL/);
      expect(report).toMatchObject({ ok: false, problems: 2 });
    } finally {
      await db.drop();
    }
  });

  it('reports a refused credential once, with what to check, and tries no permission with it', async () => {
    const db = await createEmptyDatabase('sqlite');
    try {
      const refused = Object.assign(new Error('AADSTS7000215: Invalid client secret provided.'), {
        name: 'AuthenticationError',
      });
      const report = await runDoctor({
        env: {
          DATABASE_URL: db.url,
          AZURE_TENANT_ID: TENANT,
          AZURE_CLIENT_ID: CLIENT,
          AZURE_CLIENT_SECRET: 'expired-secret',
        },
        logger: silentLogger(),
        tokenProvider: () => Promise.reject(refused),
      });
      const token = report.checks.find((c) => c.check === 'graph-token');
      expect(token).toMatchObject({ status: 'fail', tenantId: TENANT });
      expect(token?.detail).toContain('AADSTS7000215');
      expect(token?.fix).toMatch(/AZURE_CLIENT_SECRET/);
      expect(report.checks.some((c) => c.check === 'graph-permission')).toBe(false);
      expect(report.checks.find((c) => c.check === 'clock')?.status).toBe('skipped');
    } finally {
      await db.drop();
    }
  });

  it('checks every watched tenant: AZURE_TENANT_ID and each one the registry holds (not a removed one)', async () => {
    const db = await createEmptyDatabase('sqlite');
    const customer = '9a7b3c1d-2e4f-4a6b-8c0d-1e2f3a4b5c6d';
    const removed = '0b1c2d3e-4f5a-4b6c-9d7e-8f9a0b1c2d3e';
    try {
      const database = await openDatabase(db.url, { logger: silentLogger() });
      const store = createStore(database);
      const record = { displayName: null, defaultDomain: null, statusDetail: null, addedBy: 'cli' };
      const at = new Date().toISOString();
      await store.tenants.put({
        ...record,
        id: customer,
        status: 'active',
        addedAt: at,
        checkedAt: null,
        settings: {},
      });
      await store.tenants.put({
        ...record,
        id: removed,
        status: 'removed',
        addedAt: at,
        checkedAt: null,
        settings: {},
      });
      await database.close();
      const asked: string[] = [];
      const report = await runDoctor({
        env: {
          DATABASE_URL: db.url,
          AZURE_TENANT_ID: TENANT,
          AZURE_CLIENT_ID: CLIENT,
          AZURE_CLIENT_SECRET: 's',
        },
        logger: silentLogger(),
        tokenProvider: (tenantId) => {
          asked.push(tenantId);
          return Promise.reject(new Error(`AADSTS700016: not consented in ${tenantId}`));
        },
      });
      const tokens = report.checks.filter((c) => c.check === 'graph-token');
      expect(tokens.map((c) => c.tenantId)).toEqual([TENANT, customer]);
      expect(asked).toEqual([TENANT, customer]);
      expect(report.ok).toBe(false);
    } finally {
      await db.drop();
    }
  });

  it('says Graph did not answer once, and skips the probes that would wait the same way', async () => {
    const db = await createEmptyDatabase('sqlite');
    try {
      const report = await runDoctor({
        env: {
          DATABASE_URL: db.url,
          AZURE_TENANT_ID: TENANT,
          GRAPH_ACCESS_TOKEN: 'a-token',
          // Port 1 on loopback refuses at once: no Graph there.
          GRAPH_BASE_URL: 'http://127.0.0.1:1',
        },
        logger: silentLogger(),
      });
      const probes = report.checks.filter((c) => c.check === 'graph-permission');
      expect(probes.map((c) => c.status)).toEqual([
        'fail',
        'skipped',
        'skipped',
        'skipped',
        'skipped',
        'skipped',
      ]);
      expect(probes[0]?.fix).toMatch(/GRAPH_BASE_URL/);
    } finally {
      await db.drop();
    }
  });
});
