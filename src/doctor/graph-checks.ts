/**
 * One watched tenant against Graph: a token first (the credential refused is the commonest first-day problem), then
 * every probe of graph/graph-calls.ts with that token. A 403 names the permission and the admin-consent link; a 401 says
 * Graph refused the token. The first answer's Date header is kept for the clock check.
 */
import type { Config } from '../config';
import { describeError } from '../errors';
import type { TokenProvider } from '../graph/client/credential';
import { graphErrorOf, requestIdOf, type GraphAnswer } from '../graph/client/graph-error';
import { createGraphHttp } from '../graph/client/graph-http';
import type { Logger } from '../logger';
import { clientIdOf } from '../graph/app-client-id';
import { GRAPH_PROBES, type GraphProbe } from '../graph/graph-calls';
import { adminConsentUrl } from './admin-consent-url';
import type { CheckResult } from './doctor-check';

export interface TenantGraphCheck {
  results: CheckResult[];
  /** Graph's Date header on the first answer, and the local time it arrived (for the clock check). */
  clock: { dateHeader: string; localMs: number } | null;
}

export async function checkTenantGraph(
  config: Config,
  tenantId: string,
  tokenProvider: TokenProvider,
  logger: Logger,
): Promise<TenantGraphCheck> {
  const tokenTitle = `Graph token (tenant ${tenantId})`;
  try {
    await tokenProvider(tenantId);
  } catch (error) {
    return {
      results: [
        {
          check: 'graph-token',
          title: tokenTitle,
          status: 'fail',
          tenantId,
          detail: `refused: ${describeError(error)}`,
          fix: tokenFix(config),
        },
      ],
      clock: null,
    };
  }
  const results: CheckResult[] = [
    {
      check: 'graph-token',
      title: tokenTitle,
      status: 'ok',
      tenantId,
      detail:
        config.graph.credential.kind === 'static-token'
          ? 'GRAPH_ACCESS_TOKEN is set (a static token: the answers below say whether Graph accepts it)'
          : `issued (${config.graph.credential.kind})`,
    },
  ];
  // Few retries: a preflight reports a throttled or failing Graph rather than waiting it out.
  const http = createGraphHttp({
    baseUrl: config.graph.baseUrl,
    tokenProvider,
    logger,
    retry: { maxRetries: 1, maxDelayMs: 5_000 },
    requestTimeoutMs: 15_000,
  });
  const consentUrl = adminConsentUrl(authorityHostOf(config), tenantId, clientIdOf(config.graph.credential));
  let clock: TenantGraphCheck['clock'] = null;
  let unanswered: string | null = null;
  for (const probe of GRAPH_PROBES) {
    if (unanswered !== null) {
      // Graph did not answer the last probe: the next would wait out the same timeouts and say nothing new.
      results.push(probeResult(probe, tenantId, 'skipped', `not tried: ${unanswered}`));
      continue;
    }
    let answer: GraphAnswer;
    try {
      answer = await http.send(tenantId, { method: 'GET', path: probe.path });
    } catch (error) {
      unanswered = `Graph did not answer ${probe.name}`;
      results.push(
        probeResult(probe, tenantId, 'fail', `no answer: ${describeError(error)}`, {
          fix: `Check that ${config.graph.baseUrl} (GRAPH_BASE_URL) is reachable from here (proxy, firewall, DNS).`,
        }),
      );
      continue;
    }
    const date = answer.headers.get('date');
    if (clock === null && date !== null) clock = { dateHeader: date, localMs: Date.now() };
    results.push(judge(probe, tenantId, answer, consentUrl));
  }
  return { results, clock };
}

function judge(probe: GraphProbe, tenantId: string, answer: GraphAnswer, consentUrl: string): CheckResult {
  if (answer.status >= 200 && answer.status < 300)
    return probeResult(probe, tenantId, 'ok', `${answer.what}: ${answer.status}`);
  const { code, message } = graphErrorOf(answer.body);
  const requestId = requestIdOf(answer.headers);
  const said = `${answer.what}: ${answer.status}${code === null ? '' : ` ${code}`}${message === null ? '' : ` (${message})`}${requestId === null ? '' : `, request-id ${requestId}`}`;
  if (answer.status === 403 && probe.permission !== null) {
    return probeResult(probe, tenantId, 'fail', `missing: ${said}`, {
      fix: `Add the Microsoft Graph application permission ${probe.permission} to the app registration (ra-watch ${probe.why}), then grant admin consent: ${consentUrl}`,
      consentUrl,
    });
  }
  if (answer.status === 401) {
    return probeResult(probe, tenantId, 'fail', `token refused: ${said}`, {
      fix: 'Graph does not accept the token: check that it is an app-only token for this tenant and for GRAPH_BASE_URL, not expired.',
    });
  }
  return probeResult(probe, tenantId, 'fail', said);
}

function probeResult(
  probe: GraphProbe,
  tenantId: string,
  status: CheckResult['status'],
  detail: string,
  extra: { fix?: string; consentUrl?: string } = {},
): CheckResult {
  return {
    check: 'graph-permission',
    title: `Graph ${probe.name}${probe.permission === null ? '' : ` (${probe.permission})`}, tenant ${tenantId}`,
    status,
    tenantId,
    ...(probe.permission === null ? {} : { permission: probe.permission }),
    detail,
    ...extra,
  };
}

function authorityHostOf(config: Config): string | undefined {
  const credential = config.graph.credential;
  return 'authorityHost' in credential ? credential.authorityHost : undefined;
}

function tokenFix(config: Config): string {
  switch (config.graph.credential.kind) {
    case 'client-secret':
      return 'Check AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (secrets expire: Certificates & secrets in the app registration), and that the app is consented in this tenant.';
    case 'client-certificate':
      return "Check AZURE_CLIENT_CERTIFICATE_PATH (a PEM with the private key) and that the certificate is uploaded to the app registration's Certificates & secrets.";
    case 'workload-identity':
      return "Check AZURE_FEDERATED_TOKEN_FILE and the app registration's federated credential (issuer, subject).";
    case 'managed-identity':
      return "No AZURE_CLIENT_SECRET, certificate or federated token is set, so the host's managed identity is used: run on Azure with an identity, or set one of them.";
    default:
      return 'Set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (see README).';
  }
}
