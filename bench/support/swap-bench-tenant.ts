/**
 * The swap benchmark's tenant and randomness: resource accounts to swap and to license through a group, and audit
 * lags drawn (seeded) from a log-normal fitted to Entra's published directory-audit latency, p95 2 min, p99 5 min.
 */
import type { TenantSeed } from '../../src/graph/simulator';
import {
  MCOEV_PLAN_ID,
  MCOEV_VIRTUALUSER_PLAN_ID,
  RA_SKU_ID,
  TEAMS_PHONE_STANDARD_SKU_ID,
} from '../../src/licensing/catalog-data';

export const TENANT = '7a1e3c5d-2b4f-4d6e-8f01-9a2b3c4d5e6f';
export const GROUP = '6c2d4e8f-1a3b-4c5d-9e7f-0a1b2c3d4e5f';
const MINUTE = 60_000;

/** Log-normal with p95 = 120 s and p99 = 300 s: σ = ln(300/120) / (2.326 − 1.645), μ = ln 120 − 1.645 σ. */
const SIGMA = Math.log(300 / 120) / (2.3263 - 1.6449);
const MU = Math.log(120) - 1.6449 * SIGMA;

export function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function auditLagSampler(random: () => number): () => number {
  return () => {
    // Box–Muller; capped at 50 min, the end of the schedule (a record later than that is decided without it).
    const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    return Math.min(50 * MINUTE, Math.round(Math.exp(MU + SIGMA * z) * 1000));
  };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

export const uuid = (prefix: number, n: number) =>
  `${prefix.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

export function seed(swaps: number, members: number): TenantSeed {
  const ra = (id: string, name: string, licensed: boolean) => ({
    id,
    userPrincipalName: `${name}@benchswap.onmicrosoft.com`,
    displayName: name,
    assignedLicenses: licensed ? [{ skuId: TEAMS_PHONE_STANDARD_SKU_ID }] : [],
    resourceAccount: { application: 'call-queue' as const, telephoneNumber: null },
  });
  return {
    tenantId: TENANT,
    accountName: 'benchswap',
    skus: [
      {
        skuId: RA_SKU_ID,
        skuPartNumber: 'PHONESYSTEM_VIRTUALUSER',
        prepaidUnits: swaps + members + 10,
        servicePlans: [{ servicePlanId: MCOEV_VIRTUALUSER_PLAN_ID, servicePlanName: 'MCOEV_VIRTUALUSER' }],
      },
      {
        skuId: TEAMS_PHONE_STANDARD_SKU_ID,
        skuPartNumber: 'MCOEV',
        prepaidUnits: swaps + members + 10,
        servicePlans: [{ servicePlanId: MCOEV_PLAN_ID, servicePlanName: 'MCOEV' }],
      },
    ],
    users: [
      ...Array.from({ length: swaps }, (_v, i) => ra(uuid(1, i), `ra_swap_${i}`, true)),
      ...Array.from({ length: members }, (_v, i) => ra(uuid(2, i), `ra_group_${i}`, false)),
    ],
    groups: [
      {
        id: GROUP,
        displayName: 'Teams Phone Standard',
        assignedLicenses: [{ skuId: TEAMS_PHONE_STANDARD_SKU_ID }],
      },
    ],
  };
}
