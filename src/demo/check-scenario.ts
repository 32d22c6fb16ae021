/**
 * Did ra-watch conclude what a scenario expects? Compares the alerts of the scenario's tenant with its expectation
 * (src/graph/simulator/scenarios/scenario.ts). Pure, so the demo, the end-to-end tests and a reader agree on what
 * "passed" means.
 */
import type { AlertRef, ScenarioExpectation } from '../graph/simulator/scenarios';
import type { Alert } from '../glossary';

export interface ObservedAlert {
  ruleId: string;
  severity: string;
  /** A UPN, or 'tenant' for the allocation rules. */
  userPrincipalName: string;
  state: 'open' | 'resolved';
}

export interface ScenarioVerdict {
  passed: boolean;
  /** One line per unmet expectation, in words. */
  problems: string[];
  /** Every alert the tenant has, for the report. */
  alerts: ObservedAlert[];
}

export function observedAlert(alert: Alert): ObservedAlert {
  const subject = alert.finding.subject;
  const who = subject.kind === 'tenant' ? 'tenant' : (subject.userPrincipalName ?? subject.userId);
  return {
    ruleId: alert.ruleId,
    severity: alert.severity,
    userPrincipalName: who.toLowerCase(),
    state: alert.state,
  };
}

const same = (a: AlertRef, b: ObservedAlert): boolean =>
  a.ruleId === b.ruleId && a.userPrincipalName.toLowerCase() === b.userPrincipalName.toLowerCase();

export function checkScenario(
  expected: ScenarioExpectation,
  alerts: readonly ObservedAlert[],
): ScenarioVerdict {
  const problems: string[] = [];
  const resolving = (ref: AlertRef) =>
    expected.resolves.some(
      (r) =>
        r.ruleId === ref.ruleId && r.userPrincipalName.toLowerCase() === ref.userPrincipalName.toLowerCase(),
    );

  for (const want of expected.fires) {
    const found = alerts.filter((a) => same(want, a));
    if (found.length === 0) {
      problems.push(
        `expected ${want.ruleId} (${want.severity}) on ${want.userPrincipalName}: it did not fire`,
      );
      continue;
    }
    if (!found.some((a) => a.severity === want.severity)) {
      problems.push(
        `expected ${want.ruleId} on ${want.userPrincipalName} as ${want.severity}: it fired as ${found.map((a) => a.severity).join(', ')}`,
      );
    }
    // An alert that must also resolve is checked below; the others must still be open.
    if (!resolving(want) && !found.some((a) => a.state === 'open')) {
      problems.push(`expected ${want.ruleId} on ${want.userPrincipalName} to stay open: it was resolved`);
    }
  }
  for (const want of expected.resolves) {
    const found = alerts.filter((a) => same(want, a));
    if (found.length === 0)
      problems.push(
        `expected ${want.ruleId} on ${want.userPrincipalName} to be raised and then resolved: it never fired`,
      );
    else if (found.some((a) => a.state === 'open'))
      problems.push(`expected ${want.ruleId} on ${want.userPrincipalName} to be resolved: it is still open`);
  }
  for (const maybe of expected.mayFireTransiently) {
    if (alerts.some((a) => same(maybe, a) && a.state === 'open')) {
      problems.push(
        `${maybe.ruleId} on ${maybe.userPrincipalName} may fire for a moment but must be resolved at the end: it is still open`,
      );
    }
  }
  for (const never of expected.mustNotFire) {
    if (alerts.some((a) => same(never, a)))
      problems.push(`${never.ruleId} on ${never.userPrincipalName} fired: that is a false alert`);
  }
  return { passed: problems.length === 0, problems, alerts: [...alerts] };
}
