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
