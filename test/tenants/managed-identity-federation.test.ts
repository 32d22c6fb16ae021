/**
 * The host's managed identity as a federated identity credential of the multi-tenant app (issue 19): the configured
 * credential gets a managed-identity token for Entra's token exchange and presents it as the app's client assertion
 * to the customer tenant's token endpoint (the Entra simulator over TLS, which accepts only that assertion). The
 * managed identity itself is a stand-in: IMDS exists only on an Azure host.
 */
import type { AccessToken, TokenCredential } from '@azure/identity';
import { loadConfig } from '../../src/config';
import { createTokenProvider, TOKEN_EXCHANGE_SCOPE } from '../../src/graph/client/credential';
import { startEntraSimulator } from '../../src/graph/simulator/entra-simulator';
import { startGraphSimulator } from '../../src/graph/simulator';
import { smallTenant } from '../graph/simulator/small-tenant';
import { makeLoopbackCertificate } from '../support/loopback-certificate';

const HOME = '5f1c9a3e-7d2b-4c8e-9a61-3b0d4e2f8c17';
const CUSTOMER = '11111111-7d2b-4c8e-9a61-3b0d4e2f8c17';
const CLIENT_ID = '3c9f1e27-84b6-4d0a-9f52-1e7a6c0b8d43';
const tls = makeLoopbackCertificate();

(tls === null ? describe.skip : describe)('AZURE_MANAGED_IDENTITY_FEDERATION', () => {
  it('signs the app in to a customer tenant with a managed-identity token as its assertion', async () => {
    const graph = await startGraphSimulator({ seeds: [smallTenant(CUSTOMER, 'contoso')] });
    const entra = await startEntraSimulator({
      graph,
      tls: tls!,
      apps: [{ clientId: CLIENT_ID, clientSecret: null, assertions: ['managed-identity-token'] }],
    });
    try {
      const config = loadConfig({
        AZURE_TENANT_ID: HOME,
        AZURE_CLIENT_ID: CLIENT_ID,
        AZURE_MANAGED_IDENTITY_FEDERATION: 'system',
        AZURE_AUTHORITY_HOST: entra.url,
      });
      expect(config.graph.credential).toMatchObject({
        kind: 'managed-identity-federated',
        clientId: CLIENT_ID,
        managedIdentityClientId: null,
      });
      const scopes: string[] = [];
      const managedIdentity: TokenCredential = {
        getToken: (scope): Promise<AccessToken> => {
          scopes.push(...(Array.isArray(scope) ? scope : [scope]));
          return Promise.resolve({
            token: 'managed-identity-token',
            expiresOnTimestamp: Date.now() + 3_600_000,
          });
        },
      };
      const provider = createTokenProvider(config.graph.credential, graph.url, {
        credentialOptions: { disableInstanceDiscovery: true, tlsOptions: { ca: tls!.cert } },
        managedIdentity,
      });
      expect(await provider(CUSTOMER)).toBe(graph.tokenFor(CUSTOMER));
      // MSAL may ask for the assertion more than once per token; each time for the exchange audience only.
      expect(scopes.length).toBeGreaterThan(0);
      expect(new Set(scopes)).toEqual(new Set([TOKEN_EXCHANGE_SCOPE]));
      expect(entra.tokenRequests()).toEqual([
        { tenant: CUSTOMER, clientId: CLIENT_ID, credential: 'assertion', status: 200 },
      ]);
    } finally {
      await entra.stop();
      await graph.stop();
    }
  });

  it('refuses a value that is neither system nor a client id, and needs the app', () => {
    expect(() =>
      loadConfig({
        AZURE_TENANT_ID: HOME,
        AZURE_CLIENT_ID: CLIENT_ID,
        AZURE_MANAGED_IDENTITY_FEDERATION: 'yes',
      }),
    ).toThrow(/AZURE_MANAGED_IDENTITY_FEDERATION.*neither system nor a GUID/);
    expect(() => loadConfig({ AZURE_TENANT_ID: HOME, AZURE_MANAGED_IDENTITY_FEDERATION: 'system' })).toThrow(
      /AZURE_MANAGED_IDENTITY_FEDERATION is set but AZURE_CLIENT_ID is not/,
    );
  });
});
