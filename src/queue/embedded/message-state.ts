/**
 * The states of a queue row, as SQL conditions. A row is *leased* while `lease_expires_at > now`; when the lease
 * ends without a settle, the row is simply waiting again (at-least-once: a crashed consumer loses nothing).
 */
import type { ExpressionBuilder, ExpressionWrapper, SqlBool } from 'kysely';
import type { Tables } from '../../store/tables';

type Eb = ExpressionBuilder<Tables, 'queue_messages'>;
export type MessageCondition = (eb: Eb) => ExpressionWrapper<Tables, 'queue_messages', SqlBool>;

export function notLeased(now: number): MessageCondition {
  return (eb) => eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<=', now)]);
}

export function leased(now: number): MessageCondition {
  return (eb) => eb('lease_expires_at', '>', now);
}
