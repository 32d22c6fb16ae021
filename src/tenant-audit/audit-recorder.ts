/**
 * The audit as the baseline (`record: true`): its verdicts open and resolve alerts exactly as the worker's would
 * (store.recordObservation with the account-state rules as scope; the swap rule is an incident, never resolved by a
 * clean state), identification records are kept current (the allocation counts them), and users whose stored
 * snapshot is missing or out of date are handed to the worker (a `baseline` read), which keeps snapshots and the
 * event log: the audit sees delta's partial users and writes no snapshot of its own.
 *
 * Every open account alert is accounted for: found again (still open), not found (resolved), or its user is gone.
 */
import type { Finding, Routing, TenantId, UserId, UserSnapshot } from '../glossary';
import type { OutgoingMessage, Queue } from '../queue/queue';
import { orderingKeyFor, type UserChanged } from '../queue/work-item';
import { ACCOUNT_STATE_RULES, TENANT_RULES } from '../rules/evaluate';
import type { ObservationResult, Store } from '../store/store';
import { snapshotsAgreeOnLicensing } from '../licensing/snapshot-agreement';
import { USERS_DELTA_LINK_KEY } from '../subscriptions/delta-reconcile';
import type { AuditRecording } from './audit-report';
import type { AuditIdentification } from '../identification/audit-identification';

export interface AuditRecorder {
  user(snapshot: UserSnapshot, findings: Finding[], identified: AuditIdentification): Promise<void>;
  removed(userId: UserId): Promise<void>;
  /** Resolve what the scan never met, record the tenant verdict, keep the delta link for the reconciler. */
  /** `deltaLink` null: the scan did not complete, so nobody is concluded gone. */
  finish(
    tenantFindings: Finding[],
    deltaLink: string | null,
    unseenResourceAccounts: UserId[],
  ): Promise<AuditRecording>;
}

export async function createAuditRecorder(args: {
  store: Store;
  tenantId: TenantId;
  routing: Routing;
  queue: Queue | null;
  now: () => Date;
}): Promise<AuditRecorder> {
  const { store, tenantId, routing, queue, now } = args;
  const openAlerts = await store.alerts.list({ tenantId, state: 'open', limit: 1_000_000 });
  // Users with an open account-state alert: each must get a verdict from this audit.
  const awaitingVerdict = new Set(
    openAlerts
      .filter((a) => a.userId !== null && ACCOUNT_STATE_RULES.includes(a.ruleId))
      .map((a) => (a.userId as string).toLowerCase()),
  );
  const recording: AuditRecording = {
    opened: 0,
    stillOpen: 0,
    resolved: 0,
    baselineQueued: 0,
    deltaLinkStored: false,
  };
  const receivedAt = now().toISOString();

  const count = (result: ObservationResult): void => {
    recording.opened += result.opened.length;
    recording.stillOpen += result.stillOpen.length;
    recording.resolved += result.resolved.length;
  };
  const observe = async (userId: UserId | null, findings: Finding[]): Promise<void> => {
    const ruleIds = userId === null ? TENANT_RULES : ACCOUNT_STATE_RULES;
    count(
      await store.recordObservation(
        { scope: { tenantId, userId, ruleIds }, findings, at: now().toISOString() },
        routing,
      ),
    );
  };
  const forget = async (userId: UserId, detail: string): Promise<void> => {
    await store.identifications.put({
      tenantId,
      userId,
      isResourceAccount: false,
      identifiedBy: null,
      detail,
      application: 'unknown',
      checkedAt: now().toISOString(),
    });
  };

  return {
    async user(snapshot, findings, identified) {
      const { identification, previous, asked, tracked } = identified;
      if (
        tracked &&
        (asked ||
          previous === null ||
          previous.isResourceAccount !== identification.isResourceAccount ||
          previous.identifiedBy !== identification.identifiedBy)
      ) {
        await store.identifications.put({
          tenantId,
          userId: snapshot.userId,
          ...identification,
          checkedAt: asked || previous === null ? now().toISOString() : previous.checkedAt,
        });
      }
      const key = snapshot.userId.toLowerCase();
      const relevant = identification.isResourceAccount || findings.length > 0 || awaitingVerdict.has(key);
      if (!relevant) return;
      awaitingVerdict.delete(key);
      await observe(snapshot.userId, findings);
      if (queue === null) return;
      const stored = await store.snapshots.get(tenantId, snapshot.userId);
      if (stored !== null && snapshotsAgreeOnLicensing(stored, snapshot)) return;
      const body: UserChanged = {
        kind: 'user-changed',
        tenantId,
        userId: snapshot.userId,
        changeType: 'reconcile',
        subscriptionId: null,
        receivedAt,
        source: 'baseline',
      };
      const message: OutgoingMessage = {
        messageId: `baseline/${tenantId}/${snapshot.userId}/${receivedAt}`,
        orderingKey: orderingKeyFor(tenantId, snapshot.userId),
        body,
        coalesce: true,
      };
      await queue.send([message]);
      recording.baselineQueued++;
    },
    async removed(userId) {
      if (!awaitingVerdict.delete(userId.toLowerCase())) return;
      await observe(userId, []);
    },
    async finish(tenantFindings, deltaLink, unseenResourceAccounts) {
      // Open alerts on users a complete scan never met: the user no longer exists, so the problem does not either.
      const unmet =
        deltaLink === null
          ? []
          : openAlerts
              .map((a) => a.userId)
              .filter((u): u is string => u !== null && awaitingVerdict.has(u.toLowerCase()));
      for (const userId of unmet) {
        awaitingVerdict.delete(userId.toLowerCase());
        await observe(userId, []);
      }
      for (const userId of unseenResourceAccounts)
        await forget(userId, 'not in the tenant at the last full audit');
      await observe(null, tenantFindings);
      if (deltaLink !== null) {
        await store.settings.put(tenantId, USERS_DELTA_LINK_KEY, deltaLink);
        recording.deltaLinkStored = true;
      }
      return recording;
    },
  };
}
