/**
 * The token provider against a stand-in Entra token endpoint on a real TLS socket. MSAL accepts only https
 * authorities, so the stand-in uses a throwaway self-signed certificate made with openssl, trusted through the
 * credential's `tlsOptions.ca`. Instance discovery (a call to login.microsoftonline.com to validate an unknown host)
 * is switched off for the test only: here there is no internet. Not tested here: certificate, workload and managed
 * identity credentials against a live endpoint (their wiring is the same switch; managed identity needs IMDS).
 */
import { PermanentError } from '../../../src/errors';
import { createTokenProvider } from '../../../src/graph/client/credential';
import { GraphStubServer, type RecordedRequest } from '../../support/graph-stub-server';
import { makeLoopbackCertificate } from '../../support/loopback-certificate';

const HOME_TENANT = '5f1c9a3e-7d2b-4c8e-9a61-3b0d4e2f8c17';
const CUSTOMER_TENANT = '11111111-2222-4333-8444-555555555555';
const CLIENT_ID = '3c9f1e27-84b6-4d0a-9f52-1e7a6c0b8d43';
const GOV_GRAPH = 'https://graph.microsoft.us';

let key = '';
let cert = '';
let opensslAvailable = true;
beforeAll(() => {
  const tls = makeLoopbackCertificate();
  if (tls === null) opensslAvailable = false;
  else ({ key, cert } = tls);
});

/** Entra's OpenID metadata and token endpoint, per tenant. */
function scriptTokenEndpoint(stub: GraphStubServer): void {
  stub.on('GET', /^\/[^/]+\/v2\.0\/\.well-known\/openid-configuration$/, (request: RecordedRequest) => {
    const tenant = request.path.split('/')[1] ?? '';
    const root = `${stub.baseUrl}/${tenant}`;
    return {
      json: {
        token_endpoint: `${root}/oauth2/v2.0/token`,
        authorization_endpoint: `${root}/oauth2/v2.0/authorize`,
        device_authorization_endpoint: `${root}/oauth2/v2.0/devicecode`,
        end_session_endpoint: `${root}/oauth2/v2.0/logout`,
        jwks_uri: `${root}/discovery/v2.0/keys`,
        issuer: `${root}/v2.0`,
        response_types_supported: ['code', 'id_token', 'token'],
      },
    };
  });
  stub.on('POST', /^\/[^/]+\/oauth2\/v2\.0\/token$/, (request: RecordedRequest) => ({
    json: {
      token_type: 'Bearer',
      expires_in: 3599,
      ext_expires_in: 3599,
      access_token: `token-for-${request.path.split('/')[1] ?? ''}`,
    },
  }));
}

describe('createTokenProvider', () => {
  it('asks the configured authority host, for the national cloud Graph scope, in the tenant it is asked for', async () => {
    if (!opensslAvailable) {
      console.warn('openssl not found: the token endpoint test needs it to make a throwaway certificate');
      return;
    }
    const stub = await GraphStubServer.start({ tls: { key, cert } });
    try {
      scriptTokenEndpoint(stub);
      const provider = createTokenProvider(
        {
          kind: 'client-secret',
          tenantId: HOME_TENANT,
          clientId: CLIENT_ID,
          clientSecret: 'app-secret',
          authorityHost: stub.baseUrl,
        },
        GOV_GRAPH,
        { credentialOptions: { disableInstanceDiscovery: true, tlsOptions: { ca: cert } } },
      );
      expect(await provider(HOME_TENANT)).toBe(`token-for-${HOME_TENANT}`);
      // One app registration serving a customer tenant (MSP): the token comes from that tenant.
      expect(await provider(CUSTOMER_TENANT)).toBe(`token-for-${CUSTOMER_TENANT}`);
      const tokenCalls = stub.requests.filter((r) => r.method === 'POST');
      expect(tokenCalls.map((r) => r.path)).toEqual([
        `/${HOME_TENANT}/oauth2/v2.0/token`,
        `/${CUSTOMER_TENANT}/oauth2/v2.0/token`,
      ]);
      const form = new URLSearchParams(String(tokenCalls[0]?.body));
      expect(form.get('scope')).toBe(`${GOV_GRAPH}/.default`);
      expect(form.get('client_id')).toBe(CLIENT_ID);
      expect(form.get('grant_type')).toBe('client_credentials');
    } finally {
      await stub.close();
    }
  });

  it('hands out a static token as is, whatever the tenant', async () => {
    const provider = createTokenProvider(
      { kind: 'static-token', token: 'simulator-token' },
      'http://127.0.0.1:1',
    );
    expect(await provider(HOME_TENANT)).toBe('simulator-token');
    expect(await provider(CUSTOMER_TENANT)).toBe('simulator-token');
  });

  it('says plainly that no credential is configured', async () => {
    const provider = createTokenProvider({ kind: 'none' }, 'https://graph.microsoft.com');
    const error = await provider(HOME_TENANT).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as PermanentError).reason).toBe('graph-not-configured');
    expect((error as Error).message).toMatch(/AZURE_CLIENT_SECRET.*GRAPH_ACCESS_TOKEN/);
  });
});
