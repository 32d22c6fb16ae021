/**
 * One leased batch, start to finish: read each body (a body that does not parse is poison and goes to the dead
 * letters with the validation error as its reason: it must neither block the queue nor vanish), run each message's
 * work, and settle each message on its own: completed only once its work is durable, retried or dead-lettered when
 * it failed. The queue leases at most one message per account, so the jobs of a batch never race on one user.
 */
import { PermanentError, describeError } from '../errors';
import type { LeasedMessage } from '../queue/queue';
import { parseWorkItem } from '../queue/work-item';
import { keepLeases, type LeaseKeeper } from './lease-keeper';
import { processGroupChanged } from './process-group-changed';
import { processLifecycle } from './process-lifecycle';
import { swapFollowUpJobs, type LeasedSwapFollowUp } from './swap-follow-up-jobs';
import { catalogCache, userChangeJobs, type Job, type LeasedUserChange } from './read-changed-users';
import { completeMessage, settleFailure } from './settle-message';
import type { WorkerContext } from './worker-context';

export const INVALID_WORK_ITEM = 'invalid work item';

export async function handleBatch(ctx: WorkerContext, messages: readonly LeasedMessage[]): Promise<void> {
  const keeper = keepLeases(ctx, messages);
  try {
    const { jobs, notifiedBy } = jobsFor(ctx, messages);
    await ctx.noteSubscriptionActivity?.(notifiedBy, ctx.now());
    await Promise.all(jobs.map((job) => runAndSettle(ctx, keeper, job)));
  } finally {
    keeper.stop();
  }
}

/** The batch's jobs, and the subscriptions that delivered its notifications (for their last-notification time). */
function jobsFor(
  ctx: WorkerContext,
  messages: readonly LeasedMessage[],
): { jobs: Job[]; notifiedBy: string[] } {
  const jobs: Job[] = [];
  const userChanges: LeasedUserChange[] = [];
  const swapFollowUps: LeasedSwapFollowUp[] = [];
  for (const message of messages) {
    const parsed = parseWorkItem(message.body);
    if (!parsed.ok) {
      const error = new PermanentError(INVALID_WORK_ITEM, parsed.reason);
      jobs.push({ message, run: () => Promise.reject(error) });
      continue;
    }
    const item = parsed.item;
    switch (item.kind) {
      case 'user-changed':
        userChanges.push({ message, item });
        break;
      case 'swap-follow-up':
        swapFollowUps.push({ message, item });
        break;
      case 'group-changed':
        jobs.push({ message, run: () => processGroupChanged(ctx, item, message) });
        break;
      case 'lifecycle':
        jobs.push({ message, run: () => processLifecycle(ctx, item) });
        break;
    }
  }
  const notifiedBy = userChanges.flatMap(({ item }) =>
    item.source === 'notification' && item.subscriptionId !== null ? [item.subscriptionId] : [],
  );
  return {
    jobs: [
      ...userChangeJobs(ctx, userChanges, catalogCache(ctx)),
      ...swapFollowUpJobs(ctx, swapFollowUps),
      ...jobs,
    ],
    notifiedBy,
  };
}

async function runAndSettle(ctx: WorkerContext, keeper: LeaseKeeper, job: Job): Promise<void> {
  const { message } = job;
  let failure: { error: unknown } | null = null;
  try {
    await Promise.resolve().then(() => job.run());
  } catch (error) {
    failure = { error };
  }
  keeper.release(message);
  try {
    if (failure === null) await completeMessage(ctx, message);
    else await settleFailure(ctx, message, failure.error);
  } catch (error) {
    // The queue itself failed (database down): the lease runs out and the message comes back. Keep going.
    ctx.logger.error(
      { messageId: message.messageId, err: error },
      `could not settle message, it will be redelivered after its lease: ${describeError(error)}`,
    );
  }
}
