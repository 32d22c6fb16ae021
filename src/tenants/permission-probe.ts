/**
 * `tenants check`: can ra-watch watch this tenant? It asks for a token in the tenant with the app's credential, then
 * makes each Graph call ra-watch depends on once (first page, one item). Graph's 403 does not name the permission,
 * so each call states the application permission it needs (from its API page) and the answer names it with the fix.
 * The calls and their permissions are the one list in graph/graph-calls.ts, so `tenants check` and `ra-watch doctor`
 * ask the same.
 */
import { describeError } from '../errors';
import { graphErrorOf } from '../graph/client/graph-error';
import type { GraphHttp } from '../graph/client/graph-http';
import type { TokenProvider } from '../graph/client/credential';
import type { TenantId } from '../glossary';
import { GRAPH_PROBES } from '../graph/graph-calls';
import { ORGANIZATION_PATH } from './organization';

/**
 * The tenant's own name first, then the one list of the Graph calls ra-watch needs with their permissions (graph/graph-calls.ts, which the doctor probes too), so the two checks never disagree on what a tenant must grant. The subscriptions
 * list needs no permission of its own and is left to the doctor.
 */
const PROBES: ReadonlyArray<{ permission: string; path: string; why: string }> = [
  { permission: 'Organization.Read.All', path: ORGANIZATION_PATH, why: "reads the tenant's name and domain" },
  ...GRAPH_PROBES.flatMap(({ permission, path, why }) =>
    permission === null ? [] : [{ permission, path, why }],
  ),
];

export interface PermissionResult {
  permission: string;
  /** `GET /users` (without the query). */
  call: string;
  ok: boolean;
  status: number | null;
  detail: string | null;
}

export interface TenantCheck {
  tenantId: TenantId;
  checkedAt: string;
  token: { ok: boolean; detail: string | null };
  permissions: PermissionResult[];
  /** Application permissions the tenant's consent lacks, each once. */
  missing: string[];
  ok: boolean;
  /** What to do, when something is wrong. */
  fix: string | null;
}

/** What a token refusal means, from Entra's AADSTS code in the message. */
function explainTokenError(message: string, consentUrl: string | null): string {
  const consent =
    consentUrl === null
      ? 'a Global Administrator of the tenant grants admin consent to the app'
      : `a Global Administrator of the tenant opens ${consentUrl} and accepts`;
  if (/AADSTS700016|AADSTS65001|AADSTS7000229/.test(message))
    return `ra-watch's app is not consented in this tenant (or consent was revoked): ${consent}.`;
  if (/AADSTS7000215|AADSTS7000222/.test(message))
    return 'The app credential was refused (wrong or expired client secret): fix AZURE_CLIENT_SECRET or the certificate.';
  if (/AADSTS90002/.test(message)) return 'Entra does not know this tenant: check the id or domain.';
  return `No token for the tenant: ${message}`;
}

export async function probeTenant(
  deps: { http: GraphHttp; tokenProvider: TokenProvider; consentUrl: string | null; now?: () => Date },
  tenantId: TenantId,
): Promise<TenantCheck> {
  const checkedAt = (deps.now ?? (() => new Date()))().toISOString();
  try {
    await deps.tokenProvider(tenantId);
  } catch (error) {
    const detail = explainTokenError(describeError(error), deps.consentUrl);
    return {
      tenantId,
      checkedAt,
      token: { ok: false, detail },
      permissions: [],
      missing: [],
      ok: false,
      fix: detail,
    };
  }
  const permissions: PermissionResult[] = [];
  for (const probe of PROBES) {
    const call = `GET ${probe.path.split('?')[0] ?? probe.path}`;
    try {
      const answer = await deps.http.send(tenantId, { method: 'GET', path: probe.path });
      const ok = answer.status >= 200 && answer.status < 300;
      const { code, message } = graphErrorOf(answer.body);
      permissions.push({
        permission: probe.permission,
        call,
        ok,
        status: answer.status,
        detail: ok
          ? null
          : answer.status === 403 || answer.status === 401
            ? `${probe.permission} is missing (needed: ra-watch ${probe.why}); Graph said ${answer.status} ${code ?? ''}`.trim()
            : `${answer.status} ${code ?? ''} ${message ?? ''}`.trim(),
      });
    } catch (error) {
      permissions.push({
        permission: probe.permission,
        call,
        ok: false,
        status: null,
        detail: describeError(error),
      });
    }
  }
  const missing = [
    ...new Set(permissions.filter((p) => p.status === 403 || p.status === 401).map((p) => p.permission)),
  ];
  const failed = permissions.filter((p) => !p.ok);
  const fix =
    missing.length > 0
      ? `Add the application permission(s) ${missing.join(', ')} to the app registration (Microsoft Graph, Application), then have a Global Administrator of the tenant grant admin consent again${deps.consentUrl === null ? '' : `: ${deps.consentUrl}`}.`
      : failed.length > 0
        ? `Graph failed on ${failed.map((p) => p.call).join(', ')}; try again, and see the details.`
        : null;
  return {
    tenantId,
    checkedAt,
    token: { ok: true, detail: null },
    permissions,
    missing,
    ok: failed.length === 0,
    fix,
  };
}
