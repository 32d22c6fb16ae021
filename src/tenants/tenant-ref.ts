/**
 * What `tenants add` accepts: a tenant id (a GUID) or one of the tenant's domains (`contoso.onmicrosoft.com`,
 * `contoso.com`). Strict on purpose: the value goes into an Entra URL path and a Graph token request.
 */
import { isGuid } from '../guid';

/** A DNS name of two or more labels, letters/digits/hyphens, no leading or trailing hyphen, at most 253 characters. */
const DOMAIN = /^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

export type TenantRef = { kind: 'id'; id: string } | { kind: 'domain'; domain: string };

/** The parsed reference, or null when it is neither a GUID nor a domain name. */
export function parseTenantRef(value: string): TenantRef | null {
  const trimmed = value.trim();
  if (isGuid(trimmed)) return { kind: 'id', id: trimmed.toLowerCase() };
  if (DOMAIN.test(trimmed)) return { kind: 'domain', domain: trimmed.toLowerCase() };
  return null;
}

export const TENANT_REF_HINT =
  'a tenant id (a GUID like 5f1c9a3e-7d2b-4c8e-9a61-3b0d4e2f8c17) or a domain of the tenant (contoso.onmicrosoft.com)';
