/**
 * A domain's tenant id from Entra's OpenID discovery document (src/tenants/tenant-discovery.ts), against a local
 * HTTP server answering as Entra does and as it must not: the happy path and Entra's own refusal also run through
 * the Entra simulator in many-tenants.test.ts; here, the answers ra-watch must refuse clearly.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { openIdTenantDiscovery } from '../../src/tenants/tenant-discovery';

const TENANT = '5f1c9a3e-7d2b-4c8e-9a61-3b0d4e2f8c17';

describe("a tenant id from Entra's discovery document", () => {
  let server: http.Server;
  let authorityHost = '';
  const answers = new Map<string, { status: number; body: string }>();
  const asked: string[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      asked.push(req.url ?? '');
      const domain = (req.url ?? '').split('/')[1] ?? '';
      const answer = answers.get(decodeURIComponent(domain)) ?? { status: 404, body: '{}' };
      res.writeHead(answer.status, { 'Content-Type': 'application/json' });
      res.end(answer.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    authorityHost = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const discover = (domain: string) => openIdTenantDiscovery({ authorityHost })(domain);

  it("reads the id from the issuer, lower-cased, asking the domain's v2.0 document", async () => {
    answers.set('contoso.onmicrosoft.com', {
      status: 200,
      body: JSON.stringify({
        issuer: `https://login.microsoftonline.com/${TENANT.toUpperCase()}/v2.0`,
        x: 1,
      }),
    });
    await expect(discover('contoso.onmicrosoft.com')).resolves.toBe(TENANT);
    expect(asked.at(-1)).toBe('/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration');
  });

  it("says Entra's refusal of an unknown domain in its own words", async () => {
    answers.set('nobody.example', {
      status: 400,
      body: JSON.stringify({
        error: 'invalid_request',
        error_description: "AADSTS90002: Tenant 'nobody.example' not found.\r\nTrace ID: 1",
      }),
    });
    await expect(discover('nobody.example')).rejects.toThrow(
      /^Entra does not know nobody\.example \(400 invalid_request: AADSTS90002: Tenant 'nobody\.example' not found\./,
    );
  });

  it('refuses a document without an issuer, an issuer naming no tenant id, and a body that is not JSON', async () => {
    answers.set('no-issuer.example', { status: 200, body: JSON.stringify({ token_endpoint: 'x' }) });
    answers.set('common.example', {
      status: 200,
      body: JSON.stringify({ issuer: 'https://login.microsoftonline.com/{tenantid}/v2.0' }),
    });
    answers.set('html.example', { status: 200, body: '<html>captive portal</html>' });
    await expect(discover('no-issuer.example')).rejects.toThrow(/has no issuer/);
    await expect(discover('common.example')).rejects.toThrow(/names no tenant id/);
    await expect(discover('html.example')).rejects.toThrow(/not JSON/);
  });
});
