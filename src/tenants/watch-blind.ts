/**
 * `watch.blind` (issue 19 item 5): ra-watch raising an alert about itself when it cannot watch a tenant, so a
 * revoked consent, a removed permission or a Graph that refuses every call never goes unnoticed. One alert per tenant
 * (its dedupe key is the tenant), critical, to the default channels, saying what to do; resolved by the next pass
 * that works. The tenant's registry status follows it: active ↔ blind. Holds for a single-tenant install too: the
 * AZURE_TENANT_ID tenant is in the registry and reconciled like any other.
 *
 * Reported by the periodic delta reconcile (each tenant's pass, success or failure) and by `tenants check`.
 * Throttling (RetryLaterError) is not blindness: Graph said "later", and the next round tries again.
 */
import { describeError, RetryLaterError } from '../errors';
import type { Finding, Routing, TenantId } from '../glossary';
import type { Logger } from '../logger';
import { dedupeKey } from '../rules/dedupe-key';
import type { Store } from '../store/store';

export type BlindCause = 'consent' | 'token' | 'permission' | 'delta';

export interface BlindProblem {
  cause: BlindCause;
  /** What failed, as Graph or Entra said it. */
  detail: string;
  /** What the admin does about it. */
  fix: string;
}

export interface BlindWatch {
  /** A problem opens (or keeps open) the tenant's alert; null resolves it. */
  report(tenantId: TenantId, problem: BlindProblem | null): Promise<void>;
  /** The outcome of a pass over the tenant: null (it worked), or the error it failed with. */
  passed(tenantId: TenantId, error: unknown): Promise<void>;
}

export interface BlindWatchDeps {
  store: Store;
  routing: Routing;
  logger: Logger;
  /** The tenant's admin-consent link, when AZURE_CLIENT_ID is known. */
  consentUrlFor?: (tenantId: TenantId) => string | null;
  now?: () => Date;
}

/** What an error from Graph or Entra means for watching the tenant. */
export function blindProblemOf(error: unknown, consentUrl: string | null): BlindProblem {
  const detail = describeError(error);
  const consentAgain =
    consentUrl === null
      ? 'A Global Administrator of the tenant grants admin consent to the app again.'
      : `A Global Administrator of the tenant opens ${consentUrl} and accepts.`;
  if (/AADSTS700016|AADSTS65001|AADSTS7000229/.test(detail))
    return {
      cause: 'consent',
      detail,
      fix: `The app is not consented in the tenant (consent revoked?). ${consentAgain}`,
    };
  if (/AADSTS|graph-credential|Could not get a Graph token/.test(detail))
    return {
      cause: 'token',
      detail,
      fix: 'Entra refused the app credential: check AZURE_CLIENT_SECRET or the certificate (expired?).',
    };
  if (/\b401\b|InvalidAuthenticationToken/.test(detail))
    return {
      cause: 'token',
      detail,
      fix: `Graph refuses ra-watch's token for the tenant (consent revoked?). ${consentAgain}`,
    };
  if (/\b403\b|Authorization_RequestDenied|Insufficient privileges/.test(detail))
    return {
      cause: 'permission',
      detail,
      fix: `A Graph permission is missing: run ra-watch tenants check <id> to name it, add it to the app registration, and consent again. ${consentAgain}`,
    };
  return {
    cause: 'delta',
    detail,
    fix: 'The periodic delta pass fails: see the detail; ra-watch tries again every round.',
  };
}

export function createBlindWatch(deps: BlindWatchDeps): BlindWatch {
  const { store, routing, logger } = deps;
  const now = deps.now ?? (() => new Date());

  const finding = (tenantId: TenantId, problem: BlindProblem): Finding => {
    const subject = { kind: 'tenant' as const, tenantId };
    return {
      ruleId: 'watch.blind',
      severity: 'critical',
      subject,
      title: `ra-watch cannot watch tenant ${tenantId} (${problem.cause})`,
      evidence: { cause: problem.cause, detail: problem.detail.slice(0, 1000) },
      whyItMatters:
        'License changes to resource accounts in this tenant are not seen while this lasts: an auto attendant or call queue can stop answering with no alert.',
      remediation: [problem.fix, 'This alert resolves itself once a pass over the tenant works again.'],
      dedupeKey: dedupeKey('watch.blind', subject),
    };
  };

  const report: BlindWatch['report'] = async (tenantId, problem) => {
    const at = now().toISOString();
    const result = await store.recordObservation(
      {
        scope: { tenantId, userId: null, ruleIds: ['watch.blind'] },
        findings: problem === null ? [] : [finding(tenantId, problem)],
        at,
      },
      routing,
    );
    if (result.opened.length > 0)
      logger.error({ tenantId, cause: problem?.cause }, 'watch.blind: ra-watch cannot watch the tenant');
    if (result.resolved.length > 0)
      logger.info({ tenantId }, 'watch.blind resolved: watching the tenant again');
    const tenant = await store.tenants.get(tenantId);
    if (tenant === null) return;
    if (problem !== null && tenant.status === 'active')
      await store.tenants.put({ ...tenant, status: 'blind', statusDetail: problem.fix });
    if (problem === null && tenant.status === 'blind')
      await store.tenants.put({ ...tenant, status: 'active', statusDetail: null });
  };

  return {
    report,
    async passed(tenantId, error) {
      if (error instanceof RetryLaterError) return;
      await report(
        tenantId,
        error === null ? null : blindProblemOf(error, deps.consentUrlFor?.(tenantId) ?? null),
      );
    },
  };
}
