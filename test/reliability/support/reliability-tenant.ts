/**
 * The tenant every reliability scenario plays against: Contoso from DOMAIN.md §2 (85 licensed resource accounts,
 * 5 new ones without a license: 5 critical alerts and the allocation alert) plus ordinary people, so that a burst
 * spreads over a few hundred distinct users. Notifications are built in Graph's wire shape
 * (graph-samples/notification-users-updated.json) with our clientState.
 */
import { scenarioById } from '../../../src/graph/simulator/scenarios';
import { person, scenarioUserId } from '../../../src/graph/simulator/scenarios/scenario-people';
import type { SeedUser, TenantSeed } from '../../../src/graph/simulator/tenant-seed';
import { LAST_AUDIT_KEY } from '../../../src/tenant-audit/audit-history';
import type { Store } from '../../../src/store/store';

export const CLIENT_STATE = 'reliability-client-state-5b1f0c9e7a';
export const API_TOKEN = 'reliability-api-token-0123456789abcdef';
const SUBSCRIPTION_ID = '8b2e4c71-0f3a-4d9b-b6e5-2a7c91d0f34e';

export interface ReliabilityTenant {
  seed: TenantSeed;
  tenantId: string;
  /** Every user of the seed. */
  userIds: string[];
  /** The resource accounts created without a license: one ra.unlicensed alert each is expected. */
  unlicensedIds: string[];
}

export function reliabilityTenant(people = 300): ReliabilityTenant {
  const scenario = scenarioById('contoso-allocation');
  if (scenario === undefined) throw new Error('the contoso-allocation scenario is missing');
  const created = scenario.steps.flatMap((step): SeedUser[] =>
    step.kind === 'createUser' ? [step.user] : [],
  );
  const extra = Array.from({ length: people }, (_, k) =>
    person(scenarioUserId(0x70, k + 1), `person${k + 1}@contoso.onmicrosoft.com`, `Person ${k + 1}`),
  );
  const users = [...scenario.seed.users, ...created, ...extra];
  const seed: TenantSeed = { ...scenario.seed, users };
  return {
    seed,
    tenantId: seed.tenantId.toLowerCase(),
    userIds: users.map((u) => u.id),
    unlicensedIds: created.map((u) => u.id),
  };
}

/** The JSON body Graph POSTs to /notifications for these users (one `updated` notification each). */
export function notificationBody(
  tenantId: string,
  userIds: readonly string[],
  clientState = CLIENT_STATE,
): string {
  return JSON.stringify({
    value: userIds.map((id) => ({
      changeType: 'updated',
      clientState,
      resource: `Users/${id}`,
      resourceData: {
        '@odata.type': '#Microsoft.Graph.User',
        '@odata.id': `Users/${id}`,
        id,
        organizationId: tenantId,
      },
      subscriptionExpirationDateTime: new Date(Date.now() + 3_600_000).toISOString(),
      subscriptionId: SUBSCRIPTION_ID,
      tenantId,
    })),
  });
}

/** A tenant that already has its baseline: only what the scenario sends produces verdicts (as in the crash test). */
export async function recordBaseline(store: Store, tenantId: string): Promise<void> {
  await store.settings.put(
    tenantId,
    LAST_AUDIT_KEY,
    JSON.stringify({ finishedAt: new Date().toISOString(), dedupeKeys: [] }),
  );
}
