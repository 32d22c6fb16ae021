/**
 * Deterministic ids and the two kinds of people scenarios are made of: resource accounts (disabled, in the
 * "Microsoft Communication Application Instance" department, Teams `accountType: resourceAccount`) and ordinary
 * users. Ids are derived from the scenario number so tests can name them; everything else names users by UPN.
 */
import type { SeedUser } from '../tenant-seed';

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

export function scenarioTenantId(scenario: number): string {
  return `5ce000${hex(scenario, 2)}-7d2b-4c8e-9a61-3b0d4e2f8c17`;
}

export function scenarioUserId(scenario: number, index: number): string {
  return `${hex(scenario, 2)}${hex(index, 6)}-9b84-4e7a-8c15-6d2e0f9b7a41`;
}

export function scenarioGroupId(scenario: number, index: number): string {
  return `${hex(scenario, 2)}${hex(index, 6)}-2a4c-4f86-b0d2-7c1e8a6f4b39`;
}

export function resourceAccount(
  id: string,
  userPrincipalName: string,
  displayName: string,
  application: 'auto-attendant' | 'call-queue',
  licenseSkuIds: string[],
  telephoneNumber: string | null = null,
): SeedUser {
  return {
    id,
    userPrincipalName,
    displayName,
    assignedLicenses: licenseSkuIds.map((skuId) => ({ skuId })),
    resourceAccount: { application, telephoneNumber },
  };
}

export function person(
  id: string,
  userPrincipalName: string,
  displayName: string,
  licenseSkuIds: string[] = [],
  department = 'Sales',
): SeedUser {
  return {
    id,
    userPrincipalName,
    displayName,
    department,
    jobTitle: 'Account manager',
    assignedLicenses: licenseSkuIds.map((skuId) => ({ skuId })),
  };
}
