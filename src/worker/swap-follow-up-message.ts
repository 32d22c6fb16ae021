/**
 * The delayed message that brings the worker back to a resource account whose Teams Phone Standard just went away, to
 * read the directory audit log once its records have arrived (they lag by minutes) and decide atomic vs two steps.
 *
 * The message id is deterministic (account, the snapshot that showed the change, attempt): a redelivered change that
 * schedules the same check again is stored once. It shares the account's ordering key, so it never runs alongside
 * another change of the same account.
 */
import type { IsoTime, UserSnapshot } from '../glossary';
import type { OutgoingMessage } from '../queue/queue';
import { orderingKeyFor, type SwapFollowUp } from '../queue/work-item';
import type { WorkerContext } from './worker-context';

export function swapFollowUpMessage(item: SwapFollowUp, notBefore: Date): OutgoingMessage {
  return {
    messageId:
      `swap-follow-up:${item.tenantId}:${item.userId}:${item.windowEnd}:${item.attempt}${item.purpose === 'decide' ? '' : `:${item.purpose}`}`.toLowerCase(),
    orderingKey: orderingKeyFor(item.tenantId, item.userId),
    body: item,
    notBefore,
  };
}

/**
 * The first check for a change from `before` to `after`. The window starts well before the last snapshot: an
 * add-first swap's first step happened before that read. It ends at the read that saw the change (`windowEnd` also
 * identifies the event: its `after.observedAt`).
 */
export function firstSwapFollowUp(
  ctx: WorkerContext,
  before: UserSnapshot,
  after: UserSnapshot,
  purpose: SwapFollowUp['purpose'] = 'decide',
): SwapFollowUp {
  const windowStart: IsoTime = new Date(
    Date.parse(before.observedAt) - ctx.settings.swapLookbackMs,
  ).toISOString();
  return {
    kind: 'swap-follow-up',
    tenantId: after.tenantId,
    userId: after.userId,
    windowStart,
    windowEnd: after.observedAt,
    attempt: 0,
    eventId: null,
    purpose,
  };
}

/**
 * When read number `attempt` (0-based) of the schedule is due: that many ms after the read that saw the change
 * (`windowEnd`), or at once when a busy queue has already carried us past it. Null after the schedule's last read.
 */
export function swapFollowUpDueAt(ctx: WorkerContext, item: SwapFollowUp): Date | null {
  const offset = ctx.settings.swapAuditScheduleMs[item.attempt];
  if (offset === undefined) return null;
  return new Date(Math.max(Date.parse(item.windowEnd) + offset, ctx.now().getTime()));
}

/** Whether the schedule has a read after this one. */
export function hasLaterSwapRead(ctx: WorkerContext, item: SwapFollowUp): boolean {
  return item.attempt + 1 < ctx.settings.swapAuditScheduleMs.length;
}

export async function scheduleSwapFollowUp(ctx: WorkerContext, item: SwapFollowUp): Promise<void> {
  // Early reads close together (most records arrive within two minutes), later ones further apart.
  const notBefore = swapFollowUpDueAt(ctx, item);
  if (notBefore === null) {
    throw new RangeError(
      `swap follow-up attempt ${item.attempt} is past the schedule's ${ctx.settings.swapAuditScheduleMs.length} reads`,
    );
  }
  await ctx.queue.send([swapFollowUpMessage(item, notBefore)]);
  ctx.logger.info(
    {
      tenantId: item.tenantId,
      userId: item.userId,
      attempt: item.attempt,
      purpose: item.purpose,
      notBefore: notBefore.toISOString(),
    },
    'swap follow-up scheduled: the audit log will decide whether Standard and the RA license moved in one operation',
  );
}
