/**
 * The doctor's admin-consent link for the configured tenant: where an admin grants every permission the app asks
 * for at once (the admin-consent endpoint): the sign-in host of the configured cloud, the tenant, the app's client
 * id (a placeholder when the configuration does not know it).
 */
export function adminConsentUrl(
  authorityHost: string | undefined,
  tenantId: string,
  clientId: string | null,
): string {
  const host = (authorityHost ?? 'https://login.microsoftonline.com').replace(/\/+$/, '');
  const id = clientId === null ? '<application (client) id>' : encodeURIComponent(clientId);
  return `${host}/${encodeURIComponent(tenantId)}/adminconsent?client_id=${id}`;
}
