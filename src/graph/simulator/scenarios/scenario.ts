/**
 * A scenario of DOMAIN.md §6 as data: a tenant to seed, steps to play against the simulator, and what ra-watch
 * must conclude. Each scenario is its own tenant so scenarios never disturb each other.
 *
 * Expectations are written from the rules of DOMAIN.md §1:
 * - `fires`: alerts the steps must raise (and that stay raised, or are incidents that never resolve by themselves);
 * - `resolves`: alerts that are open at some point (right after the seed, at the baseline, or raised by a step) and
 *   must be resolved when the scenario has played out;
 * - `mayFireTransiently`: alerts that are correct only if ra-watch happens to read the account inside a short
 *   window between two steps; neither required nor forbidden, but resolved at the end (none of the ten needs it yet);
 * - `mustNotFire`: alerts that would be false.
 * `userPrincipalName: 'tenant'` names the tenant-wide allocation rules.
 */
import type { RuleId, Severity } from '../../../glossary';
import type { LifecycleEvent } from '../../wire-schemas';
import type { UserPatch } from '../tenant-state';
import type { SeedUser, TenantSeed } from '../tenant-seed';

export interface ExpectedAlert {
  ruleId: RuleId;
  severity: Severity;
  /** A UPN, or 'tenant' for the allocation rules. */
  userPrincipalName: string;
}

export interface AlertRef {
  ruleId: RuleId;
  /** A UPN, or 'tenant' for the allocation rules. */
  userPrincipalName: string;
}

export interface ScenarioExpectation {
  fires: ExpectedAlert[];
  resolves: AlertRef[];
  mayFireTransiently: AlertRef[];
  mustNotFire: AlertRef[];
}

/** Every step says in `note` what an admin did, for the demo's narration. */
export type ScenarioStep = { note: string } & (
  | {
      kind: 'assignLicense';
      user: string;
      add?: Array<{ skuId: string; disabledPlans?: string[] }>;
      remove?: string[];
    }
  | { kind: 'createUser'; user: SeedUser }
  | { kind: 'updateUser'; user: string; patch: UserPatch }
  | { kind: 'deleteUser'; user: string; permanent?: boolean }
  | { kind: 'addGroupMember'; groupId: string; user: string }
  /** `updates` harmless changes (job titles, display names) spread over the tenant's users in one burst. */
  | { kind: 'noise'; updates: number }
  | { kind: 'wait'; ms: number }
  /** The next `count` Graph requests whose path contains `route` answer 429 with Retry-After. */
  | { kind: 'throttle'; route: string; count: number; retryAfterSeconds: number }
  | { kind: 'fail'; status: 500 | 503; count: number }
  | { kind: 'expireDeltaTokens' }
  /** Every live subscription of the tenant lapses (as if nobody renewed it). */
  | { kind: 'lapseSubscriptions' }
  /** A lifecycle event to every subscription of the tenant that has a lifecycleNotificationUrl. */
  | { kind: 'lifecycle'; event: LifecycleEvent }
);

export interface Scenario {
  /** Stable id, used by `--scenario` and the tests. */
  id: string;
  /** Its number in DOMAIN.md §6 (1..10). */
  number: number;
  title: string;
  description: string;
  seed: TenantSeed;
  steps: ScenarioStep[];
  expected: ScenarioExpectation;
}

/** Small scenario tenants buy enough RA seats: the allocation rules must stay silent there. */
export const NO_ALLOCATION_ALERTS: AlertRef[] = [
  { ruleId: 'ra.allocation-exceeded', userPrincipalName: 'tenant' },
  { ruleId: 'ra.allocation-unclaimed', userPrincipalName: 'tenant' },
];
