/**
 * `watch.blind` (issue 19 item 5): ra-watch raising an alert about itself when it cannot watch a tenant, so a
 * revoked consent, a removed permission or a Graph that refuses every call never goes unnoticed. One alert per tenant
 * (its dedupe key is the tenant), critical, to the default channels, saying what to do; resolved by the next pass
 * that works. The tenant's registry status follows it: active ↔ blind. Holds for a single-tenant install too: the
 * AZURE_TENANT_ID tenant is in the registry and reconciled like any other.
 *
 * Reported by the periodic delta reconcile (each tenant's pass, success or failure) and by `tenants check` (source
 * `pass`), and by the subscription manager (source `subscription`: a create or renewal that failed after its
 * retries; watch-blind-subscription.ts), and after each delta pass by the notification-silence rule (source
 * `notifications`: changes delta found that no notification announced; watch-blind-notifications.ts). Each source keeps its own cause; the tenant's one alert lists every open
 * cause with its fix, is updated (same dedupe key) as causes come and go, and resolves when none is left. The causes
 * are held in memory and in the open alert's evidence (`causes`, with their source and fix): after a restart the
 * first report for a tenant reads them back, so an alert is never resolved by a source that did not look.
 * Throttling (RetryLaterError) is not blindness: Graph said "later", and the next round tries again.
 */
import { describeError, RetryLaterError } from '../errors';
import type { Finding, Routing, TenantId } from '../glossary';
import type { Logger } from '../logger';
import { dedupeKey } from '../rules/dedupe-key';
import type { Store } from '../store/store';
import { z } from 'zod';

/** The causes as kept in an open alert's evidence. */
const storedCauses = z.array(
  z.object({
    source: z.enum(['pass', 'subscription', 'notifications']),
    cause: z.enum(['consent', 'token', 'permission', 'delta', 'subscription', 'notifications']),
    detail: z.string(),
    fix: z.string(),
  }),
);

export type BlindCause = 'consent' | 'token' | 'permission' | 'delta' | 'subscription' | 'notifications';

/** Who saw the problem; each clears only its own cause. */
export type BlindSource = 'pass' | 'subscription' | 'notifications';
const SOURCE_ORDER: readonly BlindSource[] = ['pass', 'subscription', 'notifications'];

export interface BlindProblem {
  cause: BlindCause;
  /** What failed, as Graph or Entra said it. */
  detail: string;
  /** What the admin does about it. */
  fix: string;
}

export interface BlindWatch {
  /** A problem opens (or keeps open) the tenant's alert; null clears the pass cause (resolving if none is left). */
  report(tenantId: TenantId, problem: BlindProblem | null): Promise<void>;
  /** The same for one source: its problem, or null when that source works again. */
  reportCause(tenantId: TenantId, source: BlindSource, problem: BlindProblem | null): Promise<void>;
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

  const causes = new Map<TenantId, Map<BlindSource, BlindProblem>>();

  /** The causes of the tenant's open alert, read back once per process (a restart forgets the map). */
  const causesOf = async (tenantId: TenantId): Promise<Map<BlindSource, BlindProblem>> => {
    const known = causes.get(tenantId);
    if (known !== undefined) return known;
    const read = new Map<BlindSource, BlindProblem>();
    const open = await store.alerts.list({ tenantId, state: 'open', ruleId: 'watch.blind' });
    for (const alert of open) {
      const parsed = storedCauses.safeParse(alert.finding.evidence.causes);
      for (const c of parsed.success ? parsed.data : [])
        read.set(c.source, { cause: c.cause, detail: c.detail, fix: c.fix });
    }
    causes.set(tenantId, read);
    return read;
  };

  type Sourced = BlindProblem & { source: BlindSource };
  const finding = (tenantId: TenantId, first: Sourced, problems: Sourced[]): Finding => {
    const subject = { kind: 'tenant' as const, tenantId };
    return {
      ruleId: 'watch.blind',
      severity: 'critical',
      subject,
      title: `ra-watch cannot watch tenant ${tenantId} (${problems.map((p) => p.cause).join(', ')})`,
      evidence: {
        cause: first.cause,
        detail: first.detail.slice(0, 1000),
        causes: problems.map((p) => ({
          source: p.source,
          cause: p.cause,
          detail: p.detail.slice(0, 1000),
          fix: p.fix,
        })),
      },
      whyItMatters:
        'License changes to resource accounts in this tenant are not seen while this lasts: an auto attendant or call queue can stop answering with no alert.',
      remediation: [
        ...problems.map((p) => p.fix),
        'This alert resolves itself once watching the tenant works again (every cause above cleared).',
      ],
      dedupeKey: dedupeKey('watch.blind', subject),
    };
  };

  const reportCause: BlindWatch['reportCause'] = async (tenantId, source, reported) => {
    const open = await causesOf(tenantId);
    // Only the pass source resolves unconditionally (it also resolves an alert raised before causes were kept);
    // the others have nothing to do when they had no cause open.
    if (reported === null && source !== 'pass' && !open.has(source)) return;
    if (reported === null) open.delete(source);
    else open.set(source, reported);
    const problems = SOURCE_ORDER.flatMap((s) => {
      const p = open.get(s);
      return p === undefined ? [] : [{ ...p, source: s }];
    });
    const problem = problems[0] ?? null;
    const at = now().toISOString();
    const result = await store.recordObservation(
      {
        scope: { tenantId, userId: null, ruleIds: ['watch.blind'] },
        findings: problem === null ? [] : [finding(tenantId, problem, problems)],
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

  const report: BlindWatch['report'] = (tenantId, problem) => reportCause(tenantId, 'pass', problem);

  return {
    report,
    reportCause,
    async passed(tenantId, error) {
      if (error instanceof RetryLaterError) return;
      await report(
        tenantId,
        error === null ? null : blindProblemOf(error, deps.consentUrlFor?.(tenantId) ?? null),
      );
    },
  };
}
