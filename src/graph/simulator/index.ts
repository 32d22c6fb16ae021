/**
 * The Graph simulator's public surface: start it, seed it with scenarios, play them.
 */
export {
  startGraphSimulator,
  type GraphSimulator,
  type GraphSimulatorOptions,
  type LicenseActivityId,
  type LicenseChangeRequest,
  type SimulatedTenant,
  type SimulatorFaults,
  type RecordedRequest,
  type DeliveryAttempt,
  type FaultTarget,
  type RouteMatcher,
} from './graph-simulator';
export { runSimulatorStandalone, type StandaloneOptions } from './run-simulator-standalone';
export type { SeedGroup, SeedSku, SeedUser, TenantSeed } from './tenant-seed';
export type { UserPatch } from './tenant-state';
export * from './scenarios';
