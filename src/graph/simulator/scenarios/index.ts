/**
 * The ten scenarios of DOMAIN.md §6, in order. Each is its own tenant (its own GUID and token).
 */
import { atomicSwap } from './s01-atomic-swap';
import { nonAtomicSwapRemoveFirst } from './s02-non-atomic-swap-remove-first';
import { nonAtomicSwapAddFirst } from './s03-non-atomic-swap-add-first';
import { newRaWithoutLicense } from './s04-new-ra-without-license';
import { raLicenseOnUser } from './s05-ra-license-on-user';
import { standardOnRa } from './s06-standard-on-ra';
import { contosoAllocation } from './s07-contoso-allocation';
import { groupBasedLicensing } from './s08-group-based-licensing';
import { noise } from './s09-noise';
import { faults } from './s10-faults';
import type { Scenario } from './scenario';

export type { AlertRef, ExpectedAlert, Scenario, ScenarioExpectation, ScenarioStep } from './scenario';
export { playScenario, type PlayOptions, type PlayedScenario, type PlayedStep } from './play-scenario';

export const SCENARIOS: readonly Scenario[] = [
  atomicSwap,
  nonAtomicSwapRemoveFirst,
  nonAtomicSwapAddFirst,
  newRaWithoutLicense,
  raLicenseOnUser,
  standardOnRa,
  contosoAllocation,
  groupBasedLicensing,
  noise,
  faults,
];

/** By id (`atomic-swap`) or by number as text (`1`); undefined when there is none. */
export function scenarioById(id: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.id === id || String(s.number) === id);
}
