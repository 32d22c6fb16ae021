/**
 * Small simulated tenants with known contents, built with the simulator's own scenario helpers.
 */
import type { TenantSeed } from '../../../src/graph/simulator';
import { person, resourceAccount } from '../../../src/graph/simulator/scenarios/scenario-people';
import { e5Sku, raSku, teamsPhoneStandardSku } from '../../../src/graph/simulator/scenarios/scenario-skus';
import {
  OFFICE_365_E5_SKU_ID,
  RA_SKU_ID,
  TEAMS_PHONE_STANDARD_SKU_ID,
} from '../../../src/licensing/catalog-data';

export const WATCH_TENANT = '7a1c0000-7d2b-4c8e-9a61-3b0d4e2f8c17';

const hex = (n: number) => n.toString(16).padStart(8, '0');
export const userIdAt = (n: number): string => `${hex(n)}-1111-4222-8333-944444444444`;

/** `ordinaryUsers` plain E5 users, numbered from 100. */
export function plainTenant(ordinaryUsers: number, tenantId = WATCH_TENANT): TenantSeed {
  return {
    tenantId,
    accountName: 'watchco',
    skus: [e5Sku(1000), raSku(10), teamsPhoneStandardSku(50)],
    users: Array.from({ length: ordinaryUsers }, (_, i) =>
      person(userIdAt(100 + i), `user${i}@watchco.com`, `User ${i}`, [OFFICE_365_E5_SKU_ID]),
    ),
  };
}

/** The accounts with a known verdict (DOMAIN.md §1), by id. */
export const KNOWN = {
  cleanRa: userIdAt(1),
  unlicensedRa: userIdAt(2),
  standardOnlyRa: userIdAt(3),
  standardAndRaRa: userIdAt(4),
  raLicenseOnUser: userIdAt(5),
  cleanUser: userIdAt(6),
};

/**
 * Four resource accounts (one clean, one unlicensed, one holding only Teams Phone Standard, one holding both) and an
 * ordinary user holding the RA license, among `fillers` clean E5 users. Expected findings:
 * unlicensed: unlicensedRa, standardOnlyRa; standard-on-ra: standardOnlyRa, standardAndRaRa; license-on-user: raLicenseOnUser.
 */
export function violationsTenant(fillers: number, tenantId = WATCH_TENANT): TenantSeed {
  const base = plainTenant(fillers, tenantId);
  return {
    ...base,
    users: [
      resourceAccount(KNOWN.cleanRa, 'ra_aa_main@watchco.com', 'Main Line', 'auto-attendant', [RA_SKU_ID]),
      resourceAccount(KNOWN.unlicensedRa, 'ra_cq_sales@watchco.com', 'Sales Queue', 'call-queue', []),
      resourceAccount(KNOWN.standardOnlyRa, 'ra_cq_support@watchco.com', 'Support Queue', 'call-queue', [
        TEAMS_PHONE_STANDARD_SKU_ID,
      ]),
      resourceAccount(KNOWN.standardAndRaRa, 'ra_aa_after@watchco.com', 'After Hours', 'auto-attendant', [
        TEAMS_PHONE_STANDARD_SKU_ID,
        RA_SKU_ID,
      ]),
      person(KNOWN.raLicenseOnUser, 'adele@watchco.com', 'Adele', [OFFICE_365_E5_SKU_ID, RA_SKU_ID]),
      person(KNOWN.cleanUser, 'megan@watchco.com', 'Megan', [OFFICE_365_E5_SKU_ID]),
      ...base.users,
    ],
  };
}
