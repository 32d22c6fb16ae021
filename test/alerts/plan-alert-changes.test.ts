/**
 * The alert life cycle as a pure plan: which alerts open, stay open and resolve, for the open alerts an evaluation
 * may touch, what it found and what it speaks for. The store applies the plan (test/store/store-observation.test.ts).
 */
import { planAlertChanges, type PlanContext } from '../../src/alerts/plan-alert-changes';
import type { Alert, EvaluationScope, Finding, RuleId } from '../../src/glossary';
import { dedupeKey } from '../../src/rules/dedupe-key';

const TENANT = 'tenant-a';
const OTHER_TENANT = 'tenant-b';
const USER = 'user-1';
const NEIGHBOUR = 'user-2';
const ACCOUNT_RULES: RuleId[] = ['ra.unlicensed', 'ra.standard-on-ra'];
const AT = '2026-01-01T12:00:00.000Z';

function finding(ruleId: RuleId, userId: string | null): Finding {
  const subject =
    userId === null
      ? { kind: 'tenant' as const, tenantId: TENANT }
      : { kind: 'user' as const, tenantId: TENANT, userId, displayName: null, userPrincipalName: null };
  return {
    ruleId,
    severity: ruleId === 'ra.allocation-exceeded' ? 'warning' : 'critical',
    subject,
    title: 'a problem',
    evidence: { userId },
    whyItMatters: 'calls fail',
    remediation: ['assign the license'],
    dedupeKey: dedupeKey(ruleId, subject),
  };
}

function alert(id: string, of: Finding, overrides: Partial<Alert> = {}): Alert {
  return {
    id,
    tenantId: of.subject.tenantId,
    dedupeKey: of.dedupeKey,
    ruleId: of.ruleId,
    severity: of.severity,
    userId: of.subject.kind === 'user' ? of.subject.userId : null,
    state: 'open',
    finding: of,
    firstSeenAt: '2026-01-01T10:00:00.000Z',
    lastSeenAt: '2026-01-01T11:00:00.000Z',
    seenCount: 3,
    resolvedAt: null,
    acknowledgedAt: null,
    acknowledgedBy: null,
    acknowledgeReason: null,
    snoozedUntil: null,
    eventId: 7,
    replayed: false,
    ...overrides,
  };
}

function context(overrides: Partial<PlanContext> = {}): PlanContext {
  let next = 0;
  return { at: AT, eventId: 42, replayed: false, newAlertId: () => `new-${++next}`, ...overrides };
}

const unlicensed = finding('ra.unlicensed', USER);
const standard = finding('ra.standard-on-ra', USER);
const swap = finding('ra.non-atomic-swap', USER);
const neighbourUnlicensed = finding('ra.unlicensed', NEIGHBOUR);
const allocation = finding('ra.allocation-exceeded', null);

const userScope: EvaluationScope = { tenantId: TENANT, userId: USER, ruleIds: ACCOUNT_RULES };
const tenantScope: EvaluationScope = { tenantId: TENANT, userId: null, ruleIds: ['ra.allocation-exceeded'] };
const noResolveScope: EvaluationScope = { tenantId: TENANT, userId: USER, ruleIds: [] };
const acknowledged = {
  acknowledgedAt: '2026-01-01T11:30:00.000Z',
  acknowledgedBy: 'admin@contoso.example',
  acknowledgeReason: 'known',
  snoozedUntil: '2026-02-01T00:00:00.000Z',
};

/** The ids of what the plan opens, keeps open and resolves. */
type Expected = { opened: string[]; stillOpen: string[]; resolved: string[] };

describe('planAlertChanges: when an alert opens, stays open, resolves or reopens', () => {
  it.each<[string, Alert[], Finding[], EvaluationScope, Expected]>([
    [
      'a finding with no open alert -> opened',
      [],
      [unlicensed],
      userScope,
      { opened: ['new-1'], stillOpen: [], resolved: [] },
    ],
    [
      'a finding whose alert is open -> still open, nothing new',
      [alert('a1', unlicensed)],
      [unlicensed],
      userScope,
      { opened: [], stillOpen: ['a1'], resolved: [] },
    ],
    [
      'an open alert in scope that nothing found -> resolved',
      [alert('a1', unlicensed)],
      [],
      userScope,
      { opened: [], stillOpen: [], resolved: ['a1'] },
    ],
    [
      'one alert found again, another in scope not -> one still open, one resolved',
      [alert('a1', unlicensed), alert('a2', standard)],
      [standard],
      userScope,
      { opened: [], stillOpen: ['a2'], resolved: ['a1'] },
    ],
    [
      'a finding whose alert was resolved -> a new alert (the resolved one stays history)',
      [alert('a1', unlicensed, { state: 'resolved', resolvedAt: '2026-01-01T11:00:00.000Z' })],
      [unlicensed],
      userScope,
      { opened: ['new-1'], stillOpen: [], resolved: [] },
    ],
    [
      'an open swap (event-shaped, not in scope) a clean evaluation did not find -> left open',
      [alert('a1', swap)],
      [],
      userScope,
      { opened: [], stillOpen: [], resolved: [] },
    ],
    [
      'a finding of a rule outside the scope, already open -> still open',
      [alert('a1', swap)],
      [swap],
      userScope,
      { opened: [], stillOpen: ['a1'], resolved: [] },
    ],
    [
      'an open alert on another account, same rule -> left alone',
      [alert('a1', neighbourUnlicensed)],
      [],
      userScope,
      { opened: [], stillOpen: [], resolved: [] },
    ],
    [
      'a user alert of a rule the tenant scope names -> left alone',
      [alert('a1', unlicensed)],
      [],
      { ...tenantScope, ruleIds: ['ra.unlicensed'] },
      { opened: [], stillOpen: [], resolved: [] },
    ],
    [
      'a tenant-level alert a clean tenant evaluation did not find -> resolved',
      [alert('a1', allocation)],
      [],
      tenantScope,
      { opened: [], stillOpen: [], resolved: ['a1'] },
    ],
    [
      'a tenant-level alert, user evaluation -> left alone',
      [alert('a1', allocation)],
      [],
      userScope,
      { opened: [], stillOpen: [], resolved: [] },
    ],
    [
      'an evaluation that speaks for no rule -> resolves nothing',
      [alert('a1', unlicensed)],
      [],
      noResolveScope,
      { opened: [], stillOpen: [], resolved: [] },
    ],
    [
      'an open alert of another tenant under the same key -> not found again: a new alert',
      [alert('a1', unlicensed, { tenantId: OTHER_TENANT })],
      [unlicensed],
      userScope,
      { opened: ['new-1'], stillOpen: [], resolved: [] },
    ],
    [
      'an open alert of another tenant on the same rule and user id -> not resolved',
      [alert('a1', unlicensed, { tenantId: OTHER_TENANT })],
      [],
      userScope,
      { opened: [], stillOpen: [], resolved: [] },
    ],
    [
      'an acknowledged, snoozed alert found again -> still open',
      [alert('a1', unlicensed, acknowledged)],
      [unlicensed],
      userScope,
      { opened: [], stillOpen: ['a1'], resolved: [] },
    ],
    [
      'an acknowledged, snoozed alert no longer found -> resolved',
      [alert('a1', unlicensed, acknowledged)],
      [],
      userScope,
      { opened: [], stillOpen: [], resolved: ['a1'] },
    ],
    [
      'one problem named twice -> one alert',
      [],
      [unlicensed, { ...unlicensed, title: 'again' }],
      userScope,
      { opened: ['new-1'], stillOpen: [], resolved: [] },
    ],
    [
      'nothing open and nothing found -> no change',
      [],
      [],
      userScope,
      { opened: [], stillOpen: [], resolved: [] },
    ],
  ])('%s', (_label, openAlerts, findings, scope, expected) => {
    const changes = planAlertChanges(openAlerts, findings, scope, context());
    expect({
      opened: changes.opened.map((a) => a.id),
      stillOpen: changes.stillOpen.map((a) => a.id),
      resolved: changes.resolved.map((a) => a.id),
    }).toEqual(expected);
  });

  describe('a new alert', () => {
    it.each<[string, Finding, Partial<PlanContext>, Partial<Alert>]>([
      ['on an account', unlicensed, {}, { userId: USER, eventId: 42, replayed: false }],
      ['on the tenant (no user)', allocation, { eventId: null }, { userId: null, eventId: null }],
      ['raised by a replay', unlicensed, { replayed: true }, { replayed: true }],
    ])('%s records its finding, first sighting and origin', (_label, found, overrides, expected) => {
      const [opened] = planAlertChanges([], [found], userScope, context(overrides)).opened;
      expect(opened).toEqual({
        id: 'new-1',
        tenantId: TENANT,
        dedupeKey: found.dedupeKey,
        ruleId: found.ruleId,
        severity: found.severity,
        userId: USER,
        state: 'open',
        finding: found,
        firstSeenAt: AT,
        lastSeenAt: AT,
        seenCount: 1,
        resolvedAt: null,
        acknowledgedAt: null,
        acknowledgedBy: null,
        acknowledgeReason: null,
        snoozedUntil: null,
        eventId: 42,
        replayed: false,
        ...expected,
      });
    });

    it('opens in the order the findings came, and keeps the last of a problem named twice', () => {
      const again = { ...unlicensed, title: 'the last word' };
      const { opened } = planAlertChanges([], [standard, unlicensed, again], userScope, context());
      expect(opened.map((a) => [a.id, a.ruleId, a.finding.title])).toEqual([
        ['new-1', 'ra.standard-on-ra', 'a problem'],
        ['new-2', 'ra.unlicensed', 'the last word'],
      ]);
    });
  });

  it('a still-open alert takes the latest finding, severity and sighting, counts one more, and keeps the rest', () => {
    const open = alert('a1', unlicensed, acknowledged);
    const latest = { ...unlicensed, title: 'still a problem', severity: 'warning' as const };
    const [stillOpen] = planAlertChanges([open], [latest], userScope, context()).stillOpen;
    expect(stillOpen).toEqual({
      ...open,
      finding: latest,
      severity: 'warning',
      lastSeenAt: AT,
      seenCount: 4,
    });
  });

  it('a resolved alert keeps everything but its state and resolution time, and resolves oldest first', () => {
    const older = alert('a-older', standard, { firstSeenAt: '2026-01-01T08:00:00.000Z' });
    const newer = alert('a-newer', unlicensed, { firstSeenAt: '2026-01-01T09:00:00.000Z', ...acknowledged });
    const { resolved } = planAlertChanges([newer, older], [], userScope, context());
    expect(resolved).toEqual([
      { ...older, state: 'resolved', resolvedAt: AT },
      { ...newer, state: 'resolved', resolvedAt: AT },
    ]);
  });
});
