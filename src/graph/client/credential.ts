/**
 * Bearer tokens for Graph, per tenant. @azure/identity does the work (token caching and refresh included); this file
 * only maps ra-watch's configuration onto its credentials.
 *
 * - scope `${graphBaseUrl}/.default`: a national cloud's Graph (`https://graph.microsoft.us`) has its own audience,
 *   and the simulator is just another base URL.
 * - `authorityHost` for national clouds (`https://login.microsoftonline.us`).
 * - `additionallyAllowedTenants: ['*']` and the tenant passed to getToken: one multi-tenant app registration can serve
 *   several customer tenants (MSPs), each token issued by that customer's tenant.
 */
import {
  ClientAssertionCredential,
  ClientCertificateCredential,
  ClientSecretCredential,
  ManagedIdentityCredential,
  WorkloadIdentityCredential,
  type TokenCredential,
  type TokenCredentialOptions,
} from '@azure/identity';
import type { GraphCredentialConfig } from '../../config';
import { PermanentError } from '../../errors';

/** A bearer token for Graph in the given tenant. */
export type TokenProvider = (tenantId: string) => Promise<string>;

export interface TokenProviderOptions {
  /** Extra @azure/identity options (tests point it at a local token endpoint without instance discovery). */
  credentialOptions?: TokenCredentialOptions & { disableInstanceDiscovery?: boolean };
  /** The managed identity behind `managed-identity-federated` (default: the host's; tests bring a stand-in). */
  managedIdentity?: TokenCredential;
}

/** The audience of a managed identity token used as a federated credential (Entra's token exchange, public cloud). */
export const TOKEN_EXCHANGE_SCOPE = 'api://AzureADTokenExchange/.default';

export function createTokenProvider(
  config: GraphCredentialConfig,
  graphBaseUrl: string,
  options: TokenProviderOptions = {},
): TokenProvider {
  const scope = `${graphBaseUrl.replace(/\/+$/, '')}/.default`;
  switch (config.kind) {
    case 'none':
      return () =>
        Promise.reject(
          new PermanentError(
            'graph-not-configured',
            'No Graph credential is configured: set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET ' +
              '(or AZURE_CLIENT_CERTIFICATE_PATH, or a managed/workload identity), or GRAPH_ACCESS_TOKEN.',
          ),
        );
    case 'static-token': {
      const token = config.token;
      // The same token whatever the tenant: meant for the simulator and for trying ra-watch out.
      return () => Promise.resolve(token);
    }
    case 'managed-identity': {
      const credential =
        config.clientId === undefined
          ? new ManagedIdentityCredential(options.credentialOptions ?? {})
          : new ManagedIdentityCredential({ ...options.credentialOptions, clientId: config.clientId });
      // A managed identity lives in one tenant: it cannot be asked for another.
      return async () => tokenOf(credential, scope, undefined);
    }
    default: {
      const credential = tenantCredential(config, options);
      return async (tenantId) => tokenOf(credential, scope, tenantId);
    }
  }
}

/**
 * The same identity as an `@azure/identity` credential, for other Azure services (Service Bus by namespace).
 * null when the configuration has no Azure identity (none, or a static Graph token).
 */
export function azureCredentialFor(
  config: GraphCredentialConfig,
  options: TokenProviderOptions = {},
): TokenCredential | null {
  switch (config.kind) {
    case 'none':
    case 'static-token':
      return null;
    case 'managed-identity':
      return config.clientId === undefined
        ? new ManagedIdentityCredential(options.credentialOptions ?? {})
        : new ManagedIdentityCredential({ ...options.credentialOptions, clientId: config.clientId });
    default:
      return tenantCredential(config, options);
  }
}

function tenantCredential(
  config: Extract<
    GraphCredentialConfig,
    { kind: 'client-secret' | 'client-certificate' | 'workload-identity' | 'managed-identity-federated' }
  >,
  options: TokenProviderOptions,
): TokenCredential {
  const common = {
    ...options.credentialOptions,
    additionallyAllowedTenants: ['*'],
    ...(config.authorityHost === undefined ? {} : { authorityHost: config.authorityHost }),
  };
  switch (config.kind) {
    case 'client-secret':
      return new ClientSecretCredential(config.tenantId, config.clientId, config.clientSecret, common);
    case 'client-certificate':
      return new ClientCertificateCredential(
        config.tenantId,
        config.clientId,
        { certificatePath: config.certificatePath },
        common,
      );
    case 'managed-identity-federated': {
      // The app signs in with an assertion: a token of the host's managed identity for Entra's token exchange
      // (https://learn.microsoft.com/entra/workload-id/workload-identity-federation-config-app-trust-managed-identity).
      // ClientAssertionCredential asks for it on every new app token; the identity caches its own.
      const identity =
        options.managedIdentity ??
        (config.managedIdentityClientId === null
          ? new ManagedIdentityCredential(options.credentialOptions ?? {})
          : new ManagedIdentityCredential({
              ...options.credentialOptions,
              clientId: config.managedIdentityClientId,
            }));
      return new ClientAssertionCredential(
        config.tenantId,
        config.clientId,
        async () => {
          const token = await identity.getToken(TOKEN_EXCHANGE_SCOPE);
          if (token === null)
            throw new PermanentError(
              'graph-credential',
              'The managed identity returned no token for the exchange',
            );
          return token.token;
        },
        common,
      );
    }
    case 'workload-identity':
      return new WorkloadIdentityCredential({
        ...common,
        tenantId: config.tenantId,
        clientId: config.clientId,
        tokenFilePath: config.tokenFilePath,
      });
  }
}

async function tokenOf(
  credential: TokenCredential,
  scope: string,
  tenantId: string | undefined,
): Promise<string> {
  const token = await credential.getToken(scope, tenantId === undefined ? {} : { tenantId });
  if (token === null)
    throw new PermanentError('graph-credential', `The credential returned no token for ${scope}`);
  return token.token;
}
