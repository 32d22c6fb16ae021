/**
 * Subscription lifecycle events (`reauthorizationRequired`, `subscriptionRemoved`, `missed`) are the subscriptions
 * module's to act on; the worker hands them over through `onLifecycle`. Without a handler the event is logged at
 * warn and completed: it is not poison (dead letters are for what cannot be read), and a lapsed subscription is
 * also found by the renewal loop.
 */
import type { LifecycleWork } from '../queue/work-item';
import type { WorkerContext } from './worker-context';

export async function processLifecycle(ctx: WorkerContext, item: LifecycleWork): Promise<void> {
  const where = {
    tenantId: item.tenantId,
    subscriptionId: item.subscriptionId,
    lifecycleEvent: item.lifecycleEvent,
  };
  if (ctx.onLifecycle === undefined) {
    ctx.logger.warn(where, 'lifecycle notification with no handler wired: logged and completed');
    return;
  }
  ctx.logger.info(where, 'lifecycle notification handed to the subscriptions module');
  await ctx.onLifecycle(item);
}
