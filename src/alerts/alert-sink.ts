/**
 * The alert sink port: one delivery channel (Slack, Teams, e-mail, a generic webhook, the log). A sink renders the
 * plain message structure itself and reports failure as a typed error, so the outbox dispatcher can tell
 * "try again later" (`RetryLaterError`, with the peer's Retry-After as `delayMs`) from "this will never work"
 * (`PermanentError`) without knowing which SDK sits behind the sink.
 */
import type { AlertDigest, AlertMessage } from './alert-message';

export interface AlertSink {
  /** The name routing and the outbox use: `slack`, `teams`, `email`, `webhook`, `log`. */
  readonly name: string;
  /**
   * Deliver one message. `idempotencyKey` is stable across retries of the same outbox entry: sinks that can pass it
   * on (webhook header, e-mail Message-ID) do, so a receiver can drop a second copy.
   */
  send(message: AlertMessage | AlertDigest, idempotencyKey: string): Promise<void>;
  /**
   * False: this sink takes one message per alert only, never a burst summary nor the daily digest (the generic
   * webhook by default: a ticketing tool makes one ticket per event). Absent or true: digests too.
   */
  readonly digests?: boolean;
  /** Release sockets and pools (the e-mail transport); optional. */
  close?(): void;
}
