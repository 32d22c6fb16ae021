/**
 * The admin-consent link a customer's Global Administrator opens to consent to the multi-tenant app in their tenant
 * (https://learn.microsoft.com/entra/identity-platform/v2-admin-consent):
 * `{authority}/{tenant}/v2.0/adminconsent?client_id=...&scope={graph}/.default&redirect_uri=...&state=...`.
 * `/.default` asks for every application permission the app registration lists. The redirect URI must be one the
 * app registration lists: ra-watch uses PUBLIC_BASE_URL (register it as a Web redirect URI); without it the link
 * has none and Entra shows the app's registered default.
 */
import type { GraphCredentialConfig } from '../config';
import { clientIdOf } from '../graph/app-client-id';

export interface ConsentUrlInput {
  tenant: string;
  clientId: string;
  /** AZURE_AUTHORITY_HOST; default the public cloud. */
  authorityHost?: string | undefined;
  graphBaseUrl: string;
  publicBaseUrl: string | null;
}

export const DEFAULT_AUTHORITY_HOST = 'https://login.microsoftonline.com';

export function adminConsentUrl(input: ConsentUrlInput): string {
  const authority = (input.authorityHost ?? DEFAULT_AUTHORITY_HOST).replace(/\/+$/, '');
  const url = new URL(`${authority}/${encodeURIComponent(input.tenant)}/v2.0/adminconsent`);
  url.searchParams.set('client_id', input.clientId);
  url.searchParams.set('scope', `${input.graphBaseUrl.replace(/\/+$/, '')}/.default`);
  if (input.publicBaseUrl !== null) url.searchParams.set('redirect_uri', input.publicBaseUrl);
  url.searchParams.set('state', input.tenant);
  return url.toString();
}

/**
 * What the tenant service needs to build consent links, from the configured credential: its app's client id (the
 * one rule the doctor uses too, graph/app-client-id.ts) and its sign-in host.
 */
export function consentSettings(
  credential: GraphCredentialConfig,
  graphBaseUrl: string,
  publicBaseUrl: string | null,
): Omit<ConsentUrlInput, 'tenant' | 'clientId'> & { clientId: string | null } {
  return {
    clientId: clientIdOf(credential),
    authorityHost: 'authorityHost' in credential ? credential.authorityHost : undefined,
    graphBaseUrl,
    publicBaseUrl,
  };
}
