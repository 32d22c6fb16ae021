/**
 * The id-shaped inputs every API router shares (issue 18 item 5): a tenant (GUID or domain name, see guid.ts) and
 * an opaque id in a path (an alert, a subscription, a dead letter). Bounded and of safe characters so a hostile value
 * is a clear 400 where it arrives, never a stored tenant named `../../etc` or a 500 further in.
 */
import { z } from 'zod';
import { tenantIdSchema } from '../guid';

/** `tenantId` in a query or a body. */
export const tenantIdField = tenantIdSchema();

const OPAQUE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** An id in a path: 1–128 letters, digits, `.`, `_`, `:` or `-`. */
export function opaqueId(what: string) {
  return z.string().regex(OPAQUE_ID, `must be ${what} (1 to 128 letters, digits, ".", "_", ":" or "-")`);
}
