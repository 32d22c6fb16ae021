/**
 * The one spelling of a GUID (Entra and Graph object ids, tenant ids, SKU and plan ids): 8-4-4-4-12 hex digits, in
 * either case. Graph and Entra print them in lower case but accept and sometimes return upper case, so matching is
 * case-insensitive; callers that need one case (stored keys, the Azure Monitor exporter) say so themselves.
 */
import { z } from 'zod';

/** The pattern's text without anchors, for a GUID inside a larger pattern (e.g. `SkuId=<guid>` in an audit value). */
export const GUID_PATTERN = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

const whole = new RegExp(`^${GUID_PATTERN}$`);

/** Whether `value` is a whole GUID (no braces, no surrounding space). */
export function isGuid(value: string): boolean {
  return whole.test(value);
}

/** A zod string that must be a GUID; `message` says which id was expected. */
export function guidSchema(message = 'expected a GUID'): z.ZodString {
  return z.string().regex(whole, message);
}

/**
 * A DNS domain name as Entra accepts in place of a tenant id (`contoso.onmicrosoft.com`): labels of letters, digits and
 * inner hyphens, at least two, 253 characters at most. Nothing else: a tenant id ends up in stored keys, Graph URL
 * paths and logs, so `../../etc` or a URL must be refused where it is given.
 */
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

/** A tenant as an API or CLI caller names it: its id (a GUID) or one of its domain names. */
export function isTenantId(value: string): boolean {
  return isGuid(value) || DOMAIN.test(value);
}

export const TENANT_ID_MESSAGE =
  "must be the tenant's id (a GUID) or one of its domain names (e.g. contoso.onmicrosoft.com)";

/** A zod string that must be a tenant id or domain name (trimmed first). */
export function tenantIdSchema(message = TENANT_ID_MESSAGE) {
  return z.string().trim().refine(isTenantId, message);
}
