/**
 * Which cloud GRAPH_BASE_URL names, and what follows: its sign-in host and whether it offers directory audits
 * (issue 17 item 9). Source: Microsoft Graph "National cloud deployments"
 * (https://learn.microsoft.com/graph/deployments, checked 2026-12-03: graph.microsoft.us (US Government L4) and
 * dod-graph.microsoft.us (L5, DoD) sign in at login.microsoftonline.us; microsoftgraph.chinacloudapi.cn (21Vianet)
 * at login.chinacloudapi.cn), and the directoryAudit list page's availability table (not offered by 21Vianet).
 * Any other host (the global service, the simulator, a proxy) is treated as the global cloud.
 */

export type GraphCloud = 'global' | 'us-government' | 'us-government-dod' | 'china';

const CLOUDS: ReadonlyArray<{
  host: string;
  cloud: GraphCloud;
  authority: string;
  directoryAudits: boolean;
}> = [
  {
    host: 'graph.microsoft.us',
    cloud: 'us-government',
    authority: 'https://login.microsoftonline.us',
    directoryAudits: true,
  },
  {
    host: 'dod-graph.microsoft.us',
    cloud: 'us-government-dod',
    authority: 'https://login.microsoftonline.us',
    directoryAudits: true,
  },
  {
    host: 'microsoftgraph.chinacloudapi.cn',
    cloud: 'china',
    authority: 'https://login.chinacloudapi.cn',
    directoryAudits: false,
  },
];
export const GLOBAL_AUTHORITY = 'https://login.microsoftonline.com';
/** Every sign-in host above, each naming the one cloud it serves. */
const AUTHORITY_CLOUDS = new Map<string, 'global' | 'us' | 'china'>([
  ['login.microsoftonline.com', 'global'],
  ['login.microsoftonline.us', 'us'],
  ['login.chinacloudapi.cn', 'china'],
]);

function hostOf(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return '';
  }
}

export function cloudOf(graphBaseUrl: string): GraphCloud {
  return CLOUDS.find((c) => c.host === hostOf(graphBaseUrl))?.cloud ?? 'global';
}

/** The sign-in host for GRAPH_BASE_URL's cloud, used when AZURE_AUTHORITY_HOST is unset. */
export function authorityHostFor(graphBaseUrl: string): string {
  return CLOUDS.find((c) => c.host === hostOf(graphBaseUrl))?.authority ?? GLOBAL_AUTHORITY;
}

/** Whether the cloud offers `GET /auditLogs/directoryAudits`: 21Vianet does not, so swaps are decided from snapshots. */
export function auditLogAvailable(graphBaseUrl: string): boolean {
  return CLOUDS.find((c) => c.host === hostOf(graphBaseUrl))?.directoryAudits ?? true;
}

/**
 * A problem line when AZURE_AUTHORITY_HOST signs in to another cloud than GRAPH_BASE_URL serves (a token from one is
 * refused by the other); null when they agree, or when either is a host this table does not know (a proxy).
 */
export function cloudMismatch(graphBaseUrl: string, authorityHost: string): string | null {
  const graphCloud = CLOUDS.find((c) => c.host === hostOf(graphBaseUrl));
  const known = ['graph.microsoft.com', ...CLOUDS.map((c) => c.host)].includes(hostOf(graphBaseUrl));
  const authorityCloud = AUTHORITY_CLOUDS.get(hostOf(authorityHost));
  if (!known || authorityCloud === undefined) return null;
  const expected = graphCloud === undefined ? 'global' : graphCloud.cloud === 'china' ? 'china' : 'us';
  if (authorityCloud === expected) return null;
  return (
    `AZURE_AUTHORITY_HOST (${authorityHost}) signs in to another cloud than GRAPH_BASE_URL (${graphBaseUrl}) serves: ` +
    `a token from one is refused by the other. Set AZURE_AUTHORITY_HOST=${authorityHostFor(graphBaseUrl)}, or unset it ` +
    'and it is derived from GRAPH_BASE_URL.'
  );
}
