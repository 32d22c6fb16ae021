/**
 * Synthetic customer tenants for the issue 19 benches: tenant n has `users` accounts, the first `resourceAccounts`
 * of them Teams Phone resource accounts holding the Resource Account license, the rest E5 users. Ids are unique
 * across tenants (the tenant number is in each user id) so a request log or an alert names one tenant's user only.
 */
import os from 'node:os';
import {
  e5Sku,
  raSku,
  RA_SKU_ID,
  OFFICE_365_E5_SKU_ID,
  teamsPhoneStandardSku,
} from '../../src/graph/simulator/scenarios/scenario-skus';
import { person, resourceAccount } from '../../src/graph/simulator/scenarios/scenario-people';
import type { SeedUser, TenantSeed } from '../../src/graph/simulator/tenant-seed';

export { RA_SKU_ID };

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

export function benchTenantId(t: number): string {
  return `${hex(t + 0xa0000000, 8)}-0000-4000-8000-${hex(t, 12)}`;
}

export function tenantUserId(t: number, n: number): string {
  return `${hex(n + 0x10000000, 8)}-${hex(t, 4)}-4000-8000-${hex(n, 12)}`;
}

export function manyTenantSeed(t: number, users: number, resourceAccounts: number): TenantSeed {
  const name = `customer${t}`;
  const seedUsers: SeedUser[] = [];
  for (let n = 0; n < users; n++) {
    const id = tenantUserId(t, n);
    seedUsers.push(
      n < resourceAccounts
        ? resourceAccount(id, `ra${n}@${name}.onmicrosoft.com`, `Queue ${n}`, 'call-queue', [RA_SKU_ID])
        : person(id, `user${n}@${name}.onmicrosoft.com`, `User ${n}`, [OFFICE_365_E5_SKU_ID]),
    );
  }
  return {
    tenantId: benchTenantId(t),
    accountName: name,
    displayName: `Customer ${t}`,
    skus: [raSku(resourceAccounts + 10), teamsPhoneStandardSku(100), e5Sku(users)],
    users: seedUsers,
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export const loadAverage = (): string =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');
