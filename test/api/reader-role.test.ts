/**
 * The read-only app role (issue 20 item 8): an Entra ID token holding API_ENTRA_READER_ROLE (RaWatch.Reader) and not
 * the admin role may GET the API and nothing else, refused with a 403 that says why; the admin role may do both; a
 * token with neither is refused as before. Real HTTP, tokens signed by the stand-in tenant (test/api/entra-stub.ts).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createEntraTokenVerifier } from '../../src/api/entra-token';
import { requireApiToken } from '../../src/api/require-api-token';
import { loadConfig } from '../../src/config';
import { requestIds } from '../../src/http/request-id';
import { captureLog } from '../alerts/dispatch-harness';
import { API_CLIENT_ID, ENTRA_TENANT_ID, startEntraStub, type EntraStub } from './entra-stub';

describe('the read-only app role on /api', () => {
  let entra: EntraStub;
  let server: Server;
  let url: string;
  let writes = 0;
  const log = captureLog();

  beforeAll(async () => {
    entra = await startEntraStub();
    // The role names as an admin configures them: the defaults of API_ENTRA_ROLE and API_ENTRA_READER_ROLE.
    const config = loadConfig({
      API_ENTRA_TENANT_ID: ENTRA_TENANT_ID,
      API_ENTRA_AUDIENCE: API_CLIENT_ID,
      AZURE_AUTHORITY_HOST: entra.authorityHost,
    });
    expect(config.apiEntra).toMatchObject({ role: 'RaWatch.Admin', readerRole: 'RaWatch.Reader' });
    const app = express();
    app.use(requestIds());
    app.use(
      '/api',
      requireApiToken('an-api-token-for-the-reader-tests-0123', {
        entra: createEntraTokenVerifier(config.apiEntra!),
        logger: log.logger,
      }),
    );
    app.get('/api/things', (_req, res) => res.json({ things: [] }));
    for (const method of ['post', 'delete'] as const) {
      app[method]('/api/things', (_req, res) => {
        writes += 1;
        res.status(201).json({ done: true });
      });
    }
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/things`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await entra.close();
  });

  const call = async (method: string, roles: string[]) => {
    const token = await entra.mint({ claims: { roles } });
    const res = await fetch(url, { method, headers: { Authorization: `Bearer ${token}` } });
    return {
      status: res.status,
      wwwAuthenticate: res.headers.get('www-authenticate'),
      body: (await res.json()) as { error?: { code: string; message: string } },
    };
  };

  it('lets a reader GET, and refuses its POST and DELETE with 403 read-only, doing nothing', async () => {
    expect((await call('GET', ['RaWatch.Reader'])).status).toBe(200);
    for (const method of ['POST', 'DELETE']) {
      const refused = await call(method, ['RaWatch.Reader']);
      expect(refused.status).toBe(403);
      expect(refused.body.error?.code).toBe('read-only');
      expect(refused.body.error?.message).toBe(
        `The token holds the read-only app role "RaWatch.Reader": it may read, not ${method}. Acknowledging and changing need "RaWatch.Admin".`,
      );
      expect(refused.wwwAuthenticate).toContain('error="insufficient_scope"');
    }
    expect(writes).toBe(0);
    expect(log.text()).toMatch(/"reason":"read-only role"/);
  });

  it('lets the admin role (alone or with the reader role) write', async () => {
    expect((await call('POST', ['RaWatch.Admin'])).status).toBe(201);
    expect((await call('DELETE', ['RaWatch.Reader', 'RaWatch.Admin'])).status).toBe(201);
    expect(writes).toBe(2);
  });

  it('refuses a token with neither role, naming both', async () => {
    for (const method of ['GET', 'POST']) {
      const refused = await call(method, ['Something.Else']);
      expect(refused.status).toBe(403);
      expect(refused.body.error?.message).toBe(
        'The token is valid but does not hold the app role "RaWatch.Admin" or "RaWatch.Reader".',
      );
    }
  });
});
