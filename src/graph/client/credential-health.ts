/**
 * Whether Graph accepts ra-watch's credential, per tenant, from what already happened: the last token acquisition
 * and the last Graph answer. Readiness reads it (`/readyz` `graph`), so a probe never fetches a token of its own (a
 * probe every few seconds per replica would be a token request every few seconds).
 *
 * Only refusals count: the credential refused by Entra (an @azure/identity AuthenticationError or
 * CredentialUnavailableError, or no credential at all), or a token Graph answers 401 to (a static GRAPH_ACCESS_TOKEN
 * that expired or is for another audience). A network error on the way to Entra or Graph is transient and the loops
 * retry it; flipping readiness on it would take a replica out of the load balancer for a blip. A later success (a
 * token issued, any Graph answer other than 401) clears the refusal. A tenant never asked about is not a refusal.
 */
import { PermanentError, describeError } from '../../errors';
import type { TenantId } from '../../glossary';
import type { TokenProvider } from './credential';
import type { GraphTrafficObserver } from './graph-traffic';

/** @azure/identity's names for a credential it will not get a token with (graph-http.ts treats them as permanent). */
const REFUSED_NAMES = new Set([
  'AuthenticationError',
  'CredentialUnavailableError',
  'AggregateAuthenticationError',
]);
const REFUSED_REASONS = new Set(['graph-credential', 'graph-not-configured']);
/** Entra's messages run to many lines (trace ids, timestamps): the first line, bounded, says enough. */
const MAX_REASON = 240;

export interface CredentialHealth {
  /** The same provider, each acquisition's outcome remembered for its tenant. */
  track(provider: TokenProvider): TokenProvider;
  /** Forwards to `inner` and remembers 401s (and their end) per tenant. */
  observing(inner: GraphTrafficObserver | undefined): GraphTrafficObserver;
  /** 'ok', or why not: "token refused for tenant …: …" (each refused tenant, `; `-separated). */
  state(): string;
}

interface TenantHealth {
  acquisition: string | null;
  graph: string | null;
}

export function createCredentialHealth(): CredentialHealth {
  const tenants = new Map<TenantId, TenantHealth>();
  const health = (tenantId: TenantId): TenantHealth => {
    let entry = tenants.get(tenantId);
    if (entry === undefined) {
      entry = { acquisition: null, graph: null };
      tenants.set(tenantId, entry);
    }
    return entry;
  };

  return {
    track: (provider) => async (tenantId) => {
      try {
        const token = await provider(tenantId);
        health(tenantId).acquisition = null;
        return token;
      } catch (error) {
        if (isRefusal(error)) health(tenantId).acquisition = firstLine(describeError(error));
        throw error;
      }
    },
    observing: (inner) => ({
      answered(answer) {
        inner?.answered(answer);
        if (answer.tenantId === undefined || answer.status === 0) return;
        health(answer.tenantId).graph =
          answer.status === 401 ? `Graph answered 401 to its token (${answer.method} ${answer.route})` : null;
      },
      throttled(throttle) {
        inner?.throttled(throttle);
      },
    }),
    state: () => {
      const refused = [...tenants.entries()].flatMap(([tenantId, h]) => {
        const why = h.acquisition ?? h.graph;
        return why === null ? [] : [`token refused for tenant ${tenantId}: ${why}`];
      });
      return refused.length === 0 ? 'ok' : refused.join('; ');
    },
  };
}

function isRefusal(error: unknown): boolean {
  if (error instanceof PermanentError) return REFUSED_REASONS.has(error.reason);
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  return typeof name === 'string' && REFUSED_NAMES.has(name);
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > MAX_REASON ? `${line.slice(0, MAX_REASON)}…` : line;
}
