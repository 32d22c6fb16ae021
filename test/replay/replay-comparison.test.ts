import type { Alert, Finding, RuleId } from '../../src/glossary';
import { compareWithAlerts } from '../../src/replay/replay-comparison';
import { REPLAYABLE_RULES } from '../../src/replay/replay-range';
import type { StoredEvent } from '../../src/store/store';
import { SAMPLE_RA_ID, TENANT_ID, snapshot } from '../fixtures/licensing';

const key = (ruleId: RuleId, ...rest: string[]) => [ruleId, TENANT_ID, SAMPLE_RA_ID, ...rest].join(':');

function event(id: number, recordedAt: string): StoredEvent {
  const after = snapshot([], { observedAt: recordedAt });
  return {
    id,
    recordedAt,
    change: {
      tenantId: TENANT_ID,
      userId: SAMPLE_RA_ID,
      before: null,
      after,
      addedSkuIds: [],
      removedSkuIds: [],
      receivedAt: recordedAt,
      graphTime: null,
      source: { kind: 'notification', subscriptionId: null, messageId: null },
      activities: [],
    },
  };
}

function finding(ruleId: RuleId, dedupeKey = key(ruleId)): Finding {
  return {
    ruleId,
    severity: 'critical',
    subject: {
      kind: 'user',
      tenantId: TENANT_ID,
      userId: SAMPLE_RA_ID,
      displayName: null,
      userPrincipalName: null,
    },
    title: ruleId,
    evidence: {},
    whyItMatters: '',
    remediation: [],
    dedupeKey,
  };
}

function alert(ruleId: RuleId, overrides: Partial<Alert> = {}): Alert {
  const dedupeKey = overrides.dedupeKey ?? key(ruleId);
  return {
    id: `alert-${dedupeKey}`,
    tenantId: TENANT_ID,
    dedupeKey,
    ruleId,
    severity: 'critical',
    userId: SAMPLE_RA_ID,
    state: 'open',
    finding: finding(ruleId, dedupeKey),
    firstSeenAt: '2026-11-24T10:00:00.000Z',
    lastSeenAt: '2026-11-24T10:00:00.000Z',
    seenCount: 1,
    resolvedAt: null,
    acknowledgedAt: null,
    acknowledgedBy: null,
    acknowledgeReason: null,
    snoozedUntil: null,
    eventId: 10,
    replayed: false,
    ...overrides,
  };
}

const outcomes = (...args: Parameters<typeof compareWithAlerts>) =>
  compareWithAlerts(...args).map((c) => `${c.outcome} ${c.ruleId}`);

describe("comparing today's findings with the alerts of the time", () => {
  const e10 = event(10, '2026-11-24T10:00:00.000Z');
  const e20 = event(20, '2026-11-25T10:00:00.000Z');
  const ruleIds = REPLAYABLE_RULES;

  it('is `same` when the alert raised by this or an earlier event was still open', () => {
    expect(
      outcomes({
        event: e10,
        findings: [finding('ra.unlicensed')],
        alerts: [alert('ra.unlicensed')],
        ruleIds,
      }),
    ).toEqual(['same ra.unlicensed']);
    expect(
      outcomes({
        event: e20,
        findings: [finding('ra.unlicensed')],
        alerts: [alert('ra.unlicensed')],
        ruleIds,
      }),
    ).toEqual(['same ra.unlicensed']);
  });

  it('is `new` when no alert existed then: none at all, raised by a later event, or resolved before', () => {
    const found = [finding('ra.unlicensed')];
    expect(outcomes({ event: e10, findings: found, alerts: [], ruleIds })).toEqual(['new ra.unlicensed']);
    expect(
      outcomes({ event: e10, findings: found, alerts: [alert('ra.unlicensed', { eventId: 20 })], ruleIds }),
    ).toEqual(['new ra.unlicensed']);
    const resolvedBefore = alert('ra.unlicensed', {
      state: 'resolved',
      resolvedAt: '2026-11-24T12:00:00.000Z',
    });
    expect(outcomes({ event: e20, findings: found, alerts: [resolvedBefore], ruleIds })).toEqual([
      'new ra.unlicensed',
    ]);
  });

  it('treats an alert resolved by the event itself as not in effect for it', () => {
    const resolvedByE20 = alert('ra.unlicensed', { state: 'resolved', resolvedAt: e20.recordedAt });
    expect(outcomes({ event: e20, findings: [], alerts: [resolvedByE20], ruleIds })).toEqual([]);
  });

  it('falls back to firstSeenAt for alerts raised without an event', () => {
    const early = alert('ra.standard-on-ra', { eventId: null, firstSeenAt: '2026-11-24T09:00:00.000Z' });
    const late = alert('ra.standard-on-ra', { eventId: null, firstSeenAt: '2026-11-24T11:00:00.000Z' });
    expect(
      outcomes({ event: e10, findings: [finding('ra.standard-on-ra')], alerts: [early], ruleIds }),
    ).toEqual(['same ra.standard-on-ra']);
    expect(
      outcomes({ event: e10, findings: [finding('ra.standard-on-ra')], alerts: [late], ruleIds }),
    ).toEqual(['new ra.standard-on-ra']);
  });

  it("is `gone` when an alert was in effect and today's rules do not find it", () => {
    expect(outcomes({ event: e10, findings: [], alerts: [alert('ra.license-on-user')], ruleIds })).toEqual([
      'gone ra.license-on-user',
    ]);
  });

  it('never counts replayed alerts as "then"', () => {
    expect(
      outcomes({
        event: e10,
        findings: [finding('ra.unlicensed')],
        alerts: [alert('ra.unlicensed', { replayed: true })],
        ruleIds,
      }),
    ).toEqual(['new ra.unlicensed']);
  });

  it('matches swap incidents by key whenever raised, and reports them gone only for the event that raised them', () => {
    const swapKey = key('ra.non-atomic-swap', 'remove-first', 'a');
    const swapAlert = alert('ra.non-atomic-swap', {
      dedupeKey: swapKey,
      eventId: null,
      firstSeenAt: '2026-11-24T10:05:00.000Z',
    });
    expect(
      outcomes({
        event: e10,
        findings: [finding('ra.non-atomic-swap', swapKey)],
        alerts: [swapAlert],
        ruleIds,
      }),
    ).toEqual(['same ra.non-atomic-swap']);
    expect(outcomes({ event: e20, findings: [], alerts: [swapAlert], ruleIds })).toEqual([]);
    expect(outcomes({ event: e10, findings: [], alerts: [{ ...swapAlert, eventId: 10 }], ruleIds })).toEqual([
      'gone ra.non-atomic-swap',
    ]);
  });

  it('limits both sides to the selected rules', () => {
    const only: RuleId[] = ['ra.standard-on-ra'];
    expect(
      outcomes({
        event: e10,
        findings: [finding('ra.unlicensed')],
        alerts: [alert('ra.license-on-user')],
        ruleIds: only,
      }),
    ).toEqual([]);
  });
});
