/**
 * Parses and validates a Graph notification POST body with the wire schemas (src/graph/wire-schemas.ts).
 *
 * One endpoint may receive both kinds (validation-request.md, "Telling the requests apart"), so each item is
 * classified by itself: an item with `lifecycleEvent` is a lifecycle notification, anything else must be a change
 * notification. A body that is not JSON, or any item of the wrong shape, rejects the whole body with a message that
 * names the path (`value[3].changeType`): acknowledging part of a POST would hide the bad part from Graph's retry,
 * and Graph never sends a body of mixed quality, so a bad item means a bad sender.
 */
import { z } from 'zod';
import { describeIssues } from '../describe-issues';
import {
  changeNotificationSchema,
  lifecycleNotificationSchema,
  type ChangeNotification,
  type LifecycleNotification,
} from '../graph/wire-schemas';

export type NotificationItem =
  | { kind: 'change'; notification: ChangeNotification }
  | { kind: 'lifecycle'; notification: LifecycleNotification };

export type ParsedNotificationBody =
  | { ok: true; items: NotificationItem[] }
  | { ok: false; code: 'malformed-json' | 'invalid-body'; message: string };

const envelopeSchema = z.looseObject({ value: z.array(z.unknown()) });

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseNotificationBody(raw: Buffer): ParsedNotificationBody {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      code: 'malformed-json',
      message: `The body is not valid JSON (${detail}). Graph sends {"value":[...notifications]} with Content-Type application/json.`,
    };
  }
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) {
    return {
      ok: false,
      code: 'invalid-body',
      message: `${describeIssues(envelope.error, { root: '(body)', limit: 1 })}. Expected {"value":[...notifications]}.`,
    };
  }
  const items: NotificationItem[] = [];
  const values = envelope.data.value;
  for (let index = 0; index < values.length; index++) {
    const value = values[index];
    if (isObject(value) && 'lifecycleEvent' in value) {
      const parsed = lifecycleNotificationSchema.safeParse(value);
      if (!parsed.success)
        return {
          ok: false,
          code: 'invalid-body',
          message: describeIssues(parsed.error, { root: '(body)', limit: 1, prefix: ['value', index] }),
        };
      items.push({ kind: 'lifecycle', notification: parsed.data });
    } else {
      const parsed = changeNotificationSchema.safeParse(value);
      if (!parsed.success)
        return {
          ok: false,
          code: 'invalid-body',
          message: describeIssues(parsed.error, { root: '(body)', limit: 1, prefix: ['value', index] }),
        };
      items.push({ kind: 'change', notification: parsed.data });
    }
  }
  return { ok: true, items };
}
