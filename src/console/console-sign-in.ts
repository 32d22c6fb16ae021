/**
 * What the console needs to offer "Sign in with Microsoft" (CONSOLE_ENTRA_CLIENT_ID with API_ENTRA_*): the OAuth 2.0
 * authorization code flow with PKCE of a single-page app, run by the browser itself against Entra ID. Everything here
 * is public by design: a SPA registration is a public client with no secret, the tenant id and client id are in
 * every sign-in URL anyway, and the code is bound to the browser that made the PKCE verifier.
 *
 * The scope asks for a token for the API ra-watch accepts: the first API_ENTRA_AUDIENCE value followed by
 * `/.default`. Entra takes everything before the last slash as the resource identifier, so this works for an
 * Application ID URI (`api://ra-watch.contoso.com/.default`) and for the API's bare client id (`<guid>/.default`);
 * a v1.0 token then carries exactly that value as `aud`, and a v2.0 token the API's client id (both must be listed
 * in API_ENTRA_AUDIENCE, as the API already requires). Not `api://<guid>`: that is only an identifier when the
 * registration's Application ID URI was set to it.
 */
import type { Config } from '../config';

export interface ConsoleSignIn {
  /** `{AZURE_AUTHORITY_HOST}/{tenant}`. */
  authority: string;
  authorizeEndpoint: string;
  tokenEndpoint: string;
  /** CONSOLE_ENTRA_CLIENT_ID: the console's own SPA app registration. */
  clientId: string;
  scope: string;
  /**
   * The redirect URI's path on whatever origin the browser opened the console at: the console's overview. Register
   * `https://<ra-watch host>/` (and e.g. `http://localhost:3000/`) as "Single-page application" redirect URIs.
   */
  redirectPath: string;
}

/** The console's redirect URI path (the overview page). */
export const CONSOLE_REDIRECT_PATH = '/';

export function consoleSignInSettings(
  config: Pick<Config, 'apiEntra' | 'consoleEntraClientId'>,
): ConsoleSignIn | null {
  const entra = config.apiEntra;
  const audience = entra?.audiences[0];
  if (entra === null || config.consoleEntraClientId === null || audience === undefined) return null;
  // authorityHost comes without a trailing slash (config.ts).
  const authority = `${entra.authorityHost}/${entra.tenantId}`;
  return {
    authority,
    authorizeEndpoint: `${authority}/oauth2/v2.0/authorize`,
    tokenEndpoint: `${authority}/oauth2/v2.0/token`,
    clientId: config.consoleEntraClientId,
    scope: `${audience}/.default`,
    redirectPath: CONSOLE_REDIRECT_PATH,
  };
}
