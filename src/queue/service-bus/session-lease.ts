/**
 * One leased message = one locked Service Bus session, held by its own session receiver until the message is
 * settled or the lease ends. Holding the session is what keeps "one message per ordering key in flight": no
 * other receiver (here or in another replica) can take the session, so the key's next message waits.
 *
 * Two clocks:
 * - the port's lease (`leaseMs`, renewable): when it ends unsettled, the message is abandoned (one more
 *   delivery) and the session released, so another consumer gets it at once;
 * - Service Bus's session lock (the queue's LockDuration): renewed in the background while the lease lasts, and
 *   the safety net if this process dies (the broker then releases the session by itself).
 * A settle after the lease ended, or that Service Bus refuses for a lost lock, is a `LeaseLostError`.
 */
import {
  isServiceBusError,
  type ServiceBusReceivedMessage,
  type ServiceBusSessionReceiver,
} from '@azure/service-bus';
import { periodic } from '../../background/periodic';
import type { Logger } from '../../logger';
import { LeaseLostError } from '../queue';

export interface SessionLease {
  readonly token: string;
  readonly messageId: string;
  readonly message: ServiceBusReceivedMessage;
  readonly receiver: ServiceBusSessionReceiver;
  expiresAt: number;
  /** Runs `settle` while the lease holds, then releases the session; lost locks become LeaseLostError. */
  settle(
    settle: (receiver: ServiceBusSessionReceiver, message: ServiceBusReceivedMessage) => Promise<void>,
  ): Promise<void>;
  renew(leaseMs: number): Promise<Date>;
  /** Ends the lease without settling: abandon (counts a delivery) and release the session. */
  release(): Promise<void>;
}

export function isLockLost(error: unknown): boolean {
  return isServiceBusError(error) && (error.code === 'MessageLockLost' || error.code === 'SessionLockLost');
}

export function holdSession(options: {
  receiver: ServiceBusSessionReceiver;
  message: ServiceBusReceivedMessage;
  messageId: string;
  leaseMs: number;
  logger: Logger;
  /** Called once the lease is over (settled, expired or released), to forget it. */
  onEnd: (lease: SessionLease) => void;
}): SessionLease {
  const { receiver, message, logger } = options;
  let ended = false;
  let settling = false;
  let expiryTimer: NodeJS.Timeout | undefined;

  const end = async (): Promise<void> => {
    if (ended) return;
    ended = true;
    clearTimeout(expiryTimer);
    void renewal.stop();
    options.onEnd(lease);
    await receiver
      .close()
      .catch((error: unknown) =>
        logger.warn({ err: error, messageId: lease.messageId }, 'closing a session receiver failed'),
      );
  };

  const abandonAndEnd = async (): Promise<void> => {
    if (ended) return;
    await receiver.abandonMessage(message).catch((error: unknown) => {
      // The session lock is gone already: Service Bus counts the delivery when it releases the session itself.
      if (!isLockLost(error))
        logger.warn({ err: error, messageId: lease.messageId }, 'abandoning an expired lease failed');
    });
    await end();
  };

  const armExpiry = (): void => {
    clearTimeout(expiryTimer);
    expiryTimer = setTimeout(() => void abandonAndEnd(), Math.max(0, lease.expiresAt - Date.now()));
    expiryTimer.unref();
  };

  // Renew the session lock halfway through each lock period while the lease lasts (SDK auto-renewal is off: it
  // cannot follow a lease that `renew` extends). A failed renewal stops renewing: the lease may be lost, and a
  // settle then says so with LeaseLostError.
  const renewal = periodic({
    name: 'session lock renewal',
    logger,
    intervalMs: () => Math.max(50, (receiver.sessionLockedUntilUtc.getTime() - Date.now()) / 2),
    run: async () => {
      if (ended) return;
      try {
        await receiver.renewSessionLock();
      } catch (error) {
        logger.warn(
          { err: error, messageId: lease.messageId },
          'renewing a session lock failed; the lease may be lost',
        );
        void renewal.stop();
      }
    },
  });
  const armRenewal = (): void => {
    void renewal.stop();
    renewal.start();
  };

  const lease: SessionLease = {
    token: message.lockToken ?? `${receiver.sessionId}:${String(message.sequenceNumber)}`,
    messageId: options.messageId,
    message,
    receiver,
    expiresAt: Date.now() + options.leaseMs,

    async settle(settle) {
      // One settle per lease: a second (concurrent or later) one is a stale settle.
      if (ended || settling || Date.now() > lease.expiresAt) throw new LeaseLostError(lease.messageId);
      settling = true;
      try {
        await settle(receiver, message);
      } catch (error) {
        if (isLockLost(error)) {
          await end();
          throw new LeaseLostError(lease.messageId);
        }
        settling = false;
        throw error;
      }
      await end();
    },

    async renew(leaseMs) {
      if (ended || Date.now() > lease.expiresAt) throw new LeaseLostError(lease.messageId);
      try {
        await receiver.renewSessionLock();
      } catch (error) {
        if (isLockLost(error)) {
          await end();
          throw new LeaseLostError(lease.messageId);
        }
        throw error;
      }
      lease.expiresAt = Date.now() + leaseMs;
      armExpiry();
      armRenewal();
      return new Date(lease.expiresAt);
    },

    release: abandonAndEnd,
  };

  armExpiry();
  armRenewal();
  return lease;
}
