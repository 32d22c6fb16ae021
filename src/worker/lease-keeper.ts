/**
 * Keeps the leases of a batch alive while its work runs. A Graph read that is throttled, or an audit query over a
 * long window, can outlast the lease; without renewal the queue would hand the same user to another consumer
 * mid-work. Renewal runs a third of the lease after the previous one ended, so one late timer tick does not lose it.
 */
import { periodic } from '../background/periodic';
import { describeError } from '../errors';
import { LeaseLostError, type LeasedMessage } from '../queue/queue';
import type { WorkerContext } from './worker-context';

export interface LeaseKeeper {
  /** Stop renewing `message` (it is settled). */
  release(message: LeasedMessage): void;
  stop(): void;
}

export function keepLeases(ctx: WorkerContext, messages: readonly LeasedMessage[]): LeaseKeeper {
  const held = new Set(messages);
  const renewal = periodic({
    name: 'lease renewal',
    logger: ctx.logger,
    intervalMs: Math.max(10, Math.floor(ctx.settings.leaseMs / 3)),
    run: renewAll,
  });
  renewal.start();

  async function renewAll(): Promise<void> {
    for (const message of [...held]) {
      try {
        message.leaseExpiresAt = await ctx.queue.renewLease(message, ctx.settings.leaseMs);
      } catch (error) {
        // Lost: another delivery owns it now; settling will say so too. Anything else: try again next tick.
        if (!held.has(message)) continue; // settled meanwhile: nothing to keep
        if (error instanceof LeaseLostError) held.delete(message);
        ctx.logger.warn(
          { messageId: message.messageId, error: describeError(error) },
          'could not renew lease',
        );
      }
    }
  }

  return {
    release: (message) => {
      held.delete(message);
    },
    stop: () => {
      held.clear();
      // Not awaited: a renewal in flight finds nothing held and ends; settling does not wait for it.
      void renewal.stop();
    },
  };
}
