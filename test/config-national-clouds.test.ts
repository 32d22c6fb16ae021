/**
 * Issue 17 item 9: the sign-in host follows GRAPH_BASE_URL's cloud when AZURE_AUTHORITY_HOST is unset, a mismatched
 * pair is refused at start, and the 21Vianet cloud is known to lack directory audits.
 */
import { loadConfig } from '../src/config';
import { auditLogAvailable, authorityHostFor } from '../src/config/national-clouds';
import { problemsOf } from './support/config-problems';

const tenant = '5f1c9a3e-7d2b-4c8e-9a61-3b0d4e2f8c17';
const client = '3c9f1e27-84b6-4d0a-9f52-1e7a6c0b8d43';
const app = { AZURE_TENANT_ID: tenant, AZURE_CLIENT_ID: client, AZURE_CLIENT_SECRET: 's3cret' };

describe('national clouds', () => {
  it.each([
    ['https://graph.microsoft.us', 'https://login.microsoftonline.us'],
    ['https://dod-graph.microsoft.us/', 'https://login.microsoftonline.us'],
    ['https://microsoftgraph.chinacloudapi.cn', 'https://login.chinacloudapi.cn'],
  ])('GRAPH_BASE_URL=%s signs in at %s when AZURE_AUTHORITY_HOST is unset', (graph, authority) => {
    expect(authorityHostFor(graph)).toBe(authority);
    const config = loadConfig({ ...app, GRAPH_BASE_URL: graph });
    expect(config.graph.credential).toMatchObject({ kind: 'client-secret', authorityHost: authority });
  });

  it('the global cloud (and the simulator) leave the credential library its own default', () => {
    expect(loadConfig({ ...app }).graph.credential).not.toHaveProperty('authorityHost');
    expect(
      loadConfig({ ...app, GRAPH_BASE_URL: 'http://127.0.0.1:4000' }).graph.credential,
    ).not.toHaveProperty('authorityHost');
  });

  it.each([
    ['https://graph.microsoft.com', 'https://login.microsoftonline.us'],
    ['https://graph.microsoft.us', 'https://login.microsoftonline.com'],
    ['https://microsoftgraph.chinacloudapi.cn', 'https://login.microsoftonline.us'],
  ])('refuses GRAPH_BASE_URL=%s with AZURE_AUTHORITY_HOST=%s', (graph, authority) => {
    const problems = problemsOf({ ...app, GRAPH_BASE_URL: graph, AZURE_AUTHORITY_HOST: authority });
    expect(problems).toEqual([
      expect.stringMatching(/AZURE_AUTHORITY_HOST .* another cloud than GRAPH_BASE_URL/),
    ]);
  });

  it('accepts a matching pair, and a host it does not know (a proxy)', () => {
    expect(() =>
      loadConfig({
        ...app,
        GRAPH_BASE_URL: 'https://dod-graph.microsoft.us',
        AZURE_AUTHORITY_HOST: 'https://login.microsoftonline.us',
      }),
    ).not.toThrow();
    expect(() =>
      loadConfig({
        ...app,
        GRAPH_BASE_URL: 'https://graph-proxy.contoso.com',
        AZURE_AUTHORITY_HOST: 'https://login.microsoftonline.us',
      }),
    ).not.toThrow();
  });

  it('directory audits: offered everywhere but 21Vianet', () => {
    expect(auditLogAvailable('https://graph.microsoft.com')).toBe(true);
    expect(auditLogAvailable('https://graph.microsoft.us')).toBe(true);
    expect(auditLogAvailable('https://microsoftgraph.chinacloudapi.cn')).toBe(false);
  });
});
