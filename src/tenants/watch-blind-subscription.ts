/**
 * `watch.blind` when a tenant's subscriptions cannot be made or kept (issue 19 item 5): without a live users
 * subscription Graph sends no change notification, so only the periodic delta reconcile (every 15 minutes by default)
 * still sees changes. The subscription manager reports each create and each tenant's renewal round here, after its
 * own retries; a later create or renewal that works clears the cause (a start subscribes again, so does
 * `ra-watch subscriptions create` / POST /api/subscriptions; the renewal round only renews what is stored).
 *
 * Which failures count: every failed create (nothing is subscribed). A failed renewal only when it is not throttling
 * (RetryLaterError: the subscription lives for days still and the next round retries) or when the subscription has
 * already lapsed (then nothing is subscribed either).
 */
import { describeError, PermanentError } from '../errors';
import type { TenantId } from '../glossary';
import type { BlindProblem, BlindWatch } from './watch-blind';

/** What a failed create or renewal means, with the step that fixes it. */
export function subscriptionProblemOf(
  error: unknown,
  step: 'create' | 'renew',
  consentUrl: string | null,
): BlindProblem {
  const detail = describeError(error);
  const consentAgain =
    consentUrl === null
      ? 'then a Global Administrator of the tenant grants admin consent again.'
      : `then a Global Administrator of the tenant opens ${consentUrl} and accepts.`;
  const reason = error instanceof PermanentError ? error.reason : null;
  if (reason === 'subscription-validation')
    return {
      cause: 'subscription',
      detail,
      fix:
        'Graph could not reach the notification URL (the validation handshake failed): PUBLIC_BASE_URL must be reachable from the internet over https. ' +
        'Run `ra-watch doctor` to see what Graph sees; once it passes, restart ra-watch (it subscribes at start) or run ' +
        '`ra-watch subscriptions create --resource users --tenant <id>`.',
    };
  if (reason === 'subscription-quota')
    return {
      cause: 'subscription',
      detail,
      fix: 'The tenant is at its subscription quota: delete unused subscriptions (`ra-watch subscriptions list` / `delete`).',
    };
  if (reason === 'graph-forbidden' || /\b403\b/.test(detail))
    return {
      cause: 'subscription',
      detail,
      fix: `Graph refused the subscription (403): add the application permission User.Read.All (and Group.Read.All) to the app registration, ${consentAgain} Run \`ra-watch tenants check <id>\` to confirm.`,
    };
  return {
    cause: 'subscription',
    detail,
    fix:
      step === 'create'
        ? 'Creating the change-notification subscription failed after its retries: see the detail; `ra-watch doctor` checks Graph and PUBLIC_BASE_URL.'
        : 'Renewing the change-notification subscription failed: see the detail; ra-watch tries again every renewal round before it lapses.',
  };
}

/** The hook the subscription manager calls (null: the create or renewal worked). Never throws. */
export function subscriptionOutcomeReporter(
  blind: Pick<BlindWatch, 'reportCause'>,
  consentUrlFor: (tenantId: TenantId) => string | null,
): (tenantId: TenantId, step: 'create' | 'renew', error: unknown) => Promise<void> {
  return (tenantId, step, error) =>
    blind.reportCause(
      tenantId,
      'subscription',
      error === null ? null : subscriptionProblemOf(error, step, consentUrlFor(tenantId)),
    );
}
