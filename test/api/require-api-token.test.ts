import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { requireApiToken } from '../../src/api/require-api-token';

async function serve(apiToken: string | null, host = '127.0.0.1'): Promise<{ url: string; server: Server }> {
  const app = express();
  app.use('/api', requireApiToken(apiToken));
  app.get('/api/ping', (_req, res) => {
    res.json({ ok: true });
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, host, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://${host}:${port}`, server };
}

describe('the API token guard', () => {
  const servers: Server[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  });

  it('lets a request with the right bearer token through', async () => {
    const { url, server } = await serve('a-long-api-token-0123456789');
    servers.push(server);
    const res = await fetch(`${url}/api/ping`, {
      headers: { Authorization: 'Bearer a-long-api-token-0123456789' },
    });
    expect(res.status).toBe(200);
  });

  it.each([
    ['no header', {}],
    ['a wrong token', { Authorization: 'Bearer wrong-token' }],
    ['a prefix of the token', { Authorization: 'Bearer a-long-api' }],
    ['another scheme', { Authorization: 'Basic YTpi' }],
  ])('refuses %s with 401 and a JSON error', async (_what, headers: Record<string, string>) => {
    const { url, server } = await serve('a-long-api-token-0123456789');
    servers.push(server);
    const res = await fetch(`${url}/api/ping`, { headers });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/Bearer/);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('unauthorized');
  });

  it('without a configured token, answers loopback callers only', async () => {
    const { url, server } = await serve(null);
    servers.push(server);
    expect((await fetch(`${url}/api/ping`)).status).toBe(200);
  });
});
