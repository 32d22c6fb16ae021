/**
 * `watch.blind` when Graph stops delivering change notifications while the tenant's subscription is active (issue 19
 * item 5). Silence alone proves nothing: a quiet tenant (nobody changed anything) gets no notification for days, and
 * must not alert. So the rule needs evidence that something happened that no notification announced:
 *
 *   after a periodic delta pass that worked, not a full sync, which queued changed users (delta's `queued`: users
 *   whose licensing differs from the stored snapshot, i.e. changes the notification path did not already process),
 *   while the tenant has an active users subscription and none of its users subscriptions received a notification
 *   for NOTIFICATION_SILENCE_MS (6 hours; measured from the subscription's creation when it never received one).
 *
 * A change Graph did notify is processed from the notification and delta then finds it `unchanged`; with the
 * reconcile every 15 minutes, changes queued by delta after 6 hours without a single notification are changes made
 * during the silence. The cause clears at the first pass after a notification arrived again (the silence is under
 * the threshold), or when the tenant has no active users subscription (nothing to expect; a subscription that
 * cannot be made is its own cause). A pass that finds no change leaves the cause as it is: no evidence either way.
 * Known limit: a worker backlog of more than 6 hours delays `lastNotificationAt` (written as notifications are
 * processed) and would read as silence; that backlog is worth an alert too.
 */
import type { TenantId } from '../glossary';
import type { Store } from '../store/store';
import type { DeltaPassResult } from '../subscriptions/delta-reconcile';
import type { BlindWatch } from './watch-blind';

export const NOTIFICATION_SILENCE_MS = 6 * 3_600_000;

export interface NotificationSilenceDeps {
  store: Pick<Store, 'subscriptions'>;
  blind: Pick<BlindWatch, 'reportCause'>;
  silenceMs?: number;
  now?: () => Date;
}

/** Called after each periodic pass that worked, with its result. */
export function createNotificationSilenceWatch(
  deps: NotificationSilenceDeps,
): (tenantId: TenantId, result: DeltaPassResult) => Promise<void> {
  const silenceMs = deps.silenceMs ?? NOTIFICATION_SILENCE_MS;
  const now = deps.now ?? (() => new Date());
  return async (tenantId, result) => {
    const users = (await deps.store.subscriptions.list(tenantId)).filter(
      (s) => s.status === 'active' && s.resource.replace(/^\//, '').toLowerCase() === 'users',
    );
    if (users.length === 0) return deps.blind.reportCause(tenantId, 'notifications', null);
    const heard = Math.max(...users.map((s) => Date.parse(s.lastNotificationAt ?? s.createdAt)));
    const silentMs = now().getTime() - heard;
    if (silentMs < silenceMs) return deps.blind.reportCause(tenantId, 'notifications', null);
    if (result.fullSync || result.queued === 0) return;
    const hours = Math.floor(silentMs / 3_600_000);
    const last = users.some((s) => s.lastNotificationAt !== null)
      ? `the last one arrived ${new Date(heard).toISOString()}`
      : `none since the subscription was created ${new Date(heard).toISOString()}`;
    await deps.blind.reportCause(tenantId, 'notifications', {
      cause: 'notifications',
      detail: `The delta pass found ${result.queued} changed user(s) that no change notification announced; no notification for ${hours} h (${last}).`,
      fix:
        'Graph is not delivering change notifications here, so changes are seen only by the periodic delta pass (every 15 minutes by default). ' +
        'Run `ra-watch doctor` (PUBLIC_BASE_URL reachable from Graph? a proxy or firewall dropping POST /notifications?) and check `ra-watch subscriptions list`; ' +
        'recreating the subscription (`ra-watch subscriptions delete <id>` then `create --resource users`) restarts delivery. Resolves at the first pass after a notification arrives.',
    });
  };
}
