/**
 * PostgreSQL sign-in with Microsoft Entra ID: the "password" is an access token for Azure Database for PostgreSQL,
 * from the same @azure/identity credential that reads Graph and Service Bus (the managed identity on Azure). pg
 * calls this for every new connection, so a token is reused while it is fresh and a new one is fetched before the
 * old one expires: a token only has to be valid when a connection signs in, open connections outlive it.
 */
import type { AccessToken, TokenCredential } from '@azure/identity';

/** The audience of Azure Database for PostgreSQL (and MySQL) tokens, the same in every tenant of the public cloud. */
export const POSTGRES_ENTRA_SCOPE = 'https://ossrdbms-aad.database.windows.net/.default';

export interface EntraPasswordOptions {
  /** Fetch a new token this long before the cached one expires (default 5 minutes). */
  refreshMarginMs?: number;
  /** The clock (ms since the epoch); tests move it instead of waiting an hour. */
  now?: () => number;
  scope?: string;
}

export function createEntraPassword(
  credential: TokenCredential,
  options: EntraPasswordOptions = {},
): () => Promise<string> {
  const margin = options.refreshMarginMs ?? 5 * 60_000;
  const now = options.now ?? Date.now;
  const scope = options.scope ?? POSTGRES_ENTRA_SCOPE;
  let cached: AccessToken | null = null;
  // Connections opened together (a pool filling up) share one token request.
  let pending: Promise<AccessToken> | null = null;

  const fresh = (token: AccessToken): boolean => {
    const refreshAt = Math.min(
      token.expiresOnTimestamp - margin,
      token.refreshAfterTimestamp ?? Number.POSITIVE_INFINITY,
    );
    return now() < refreshAt;
  };

  return async () => {
    if (cached !== null && fresh(cached)) return cached.token;
    pending ??= (async () => {
      try {
        const token = await credential.getToken(scope);
        if (token === null)
          throw new Error(
            `the Azure credential returned no token for ${scope}: PostgreSQL sign-in needs one`,
          );
        cached = token;
        return token;
      } finally {
        pending = null;
      }
    })();
    return (await pending).token;
  };
}
