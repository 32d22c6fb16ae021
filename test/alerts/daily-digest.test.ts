import { buildDigest, sendDigest } from '../../src/alerts/daily-digest';
import { createWebhookSink } from '../../src/alerts/webhook-sink';
import type { Allocation, Finding } from '../../src/glossary';
import { ENGINES } from '../support/databases';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { TENANT_ID, alertOf, swapFinding, unlicensedFinding } from './alert-fixtures';
import { startHarness, type Harness } from './dispatch-harness';

const contoso: Allocation = {
  qualifyingLicenses: 600,
  freeAllocation: 85,
  needed: 90,
  purchasedRaLicenses: 85,
  toBuy: 5,
  unclaimed: 0,
  basis: [
    { skuId: 'c7df2760-2c81-4ef7-b578-5b5392b571df', skuPartNumber: 'ENTERPRISEPREMIUM', enabledUnits: 500 },
  ],
  basisText:
    '500 ENTERPRISEPREMIUM + 100 MCOCAP = 600 licenses with Teams Phone: 25 + floor(600/10) = 85 free',
};

describe('buildDigest', () => {
  it('lists open alerts most severe first, counts per rule, and the allocation', () => {
    const info: Finding = {
      ...unlicensedFinding('00000000-0000-4000-8000-000000000009', 'x@contoso.com'),
      severity: 'info',
      ruleId: 'ra.allocation-exceeded',
      title: '90 resource accounts need a license: 5 beyond the free allocation',
    };
    const alerts = [
      alertOf(info, { id: 'a-info', severity: 'info', ruleId: 'ra.allocation-exceeded' }),
      alertOf(swapFinding(), { id: 'a-swap' }),
      alertOf(unlicensedFinding(), { id: 'a-resolved', state: 'resolved' }),
    ];
    const digest = buildDigest(alerts, contoso, { tenantId: TENANT_ID, at: '2025-03-05T07:00:00.000Z' });
    expect(digest.title).toBe(`Daily digest 2025-03-05 for tenant ${TENANT_ID}: 2 open alert(s)`);
    expect(digest.items.map((i) => i.alertId)).toEqual(['a-swap', 'a-info']);
    expect(digest.countsBySeverity).toEqual({ critical: 1, warning: 0, info: 1 });
    expect(digest.allocation).toEqual(
      expect.arrayContaining([
        { label: 'Free allocation', value: '85' },
        { label: 'Beyond the free allocation (paid)', value: '5' },
      ]),
    );
  });

  it('counts snoozed alerts instead of listing them until the snooze ends', () => {
    const alerts = [
      alertOf(swapFinding(), { id: 'a-snoozed', snoozedUntil: '2025-03-06T00:00:00.000Z' }),
      alertOf(unlicensedFinding(), { id: 'a-open' }),
    ];
    const during = buildDigest(alerts, null, { tenantId: TENANT_ID, at: '2025-03-05T07:00:00.000Z' });
    expect(during.items.map((i) => i.alertId)).toEqual(['a-open']);
    expect(during.title).toContain('1 open alert(s), 1 snoozed');
    const after = buildDigest(alerts, null, { tenantId: TENANT_ID, at: '2025-03-06T07:00:00.000Z' });
    expect(after.items.map((i) => i.alertId).sort()).toEqual(['a-open', 'a-snoozed']);
  });

  it('says how many more beyond the list size', () => {
    const alerts = Array.from({ length: 30 }, (_, i) => alertOf(unlicensedFinding(), { id: `a-${i}` }));
    const digest = buildDigest(alerts, null, {
      tenantId: TENANT_ID,
      at: '2025-03-05T07:00:00.000Z',
      listSize: 10,
    });
    expect(digest.items).toHaveLength(10);
    expect(digest.moreCount).toBe(20);
    expect(digest.allocation).toBeNull();
  });
});

describe.each(ENGINES)('sendDigest on %s', (engine) => {
  let hook: WebhookReceiver;
  let h: Harness;
  beforeEach(async () => {
    hook = await startWebhookReceiver();
    // Digests asked for (ALERT_WEBHOOK_DIGESTS=true): by default the generic webhook takes one event per alert only.
    h = await startHarness(engine, [createWebhookSink({ url: hook.url, secret: null, digests: true })]);
  });
  afterEach(async () => {
    await h.close();
    await hook.close();
  });

  it('sends one digest per tenant per UTC day, however often it is called', async () => {
    await h.observe('00000000-0000-4000-8000-000000000001', [
      unlicensedFinding('00000000-0000-4000-8000-000000000001', 'ra1@contoso.com'),
    ]);
    const deps = {
      store: h.store,
      sinks: new Map([['webhook', h.sinks.get('webhook')!]]),
      logger: h.log.logger,
    };

    const first = await sendDigest(deps, {
      tenantId: TENANT_ID,
      at: new Date('2025-03-05T07:00:00Z'),
      allocation: contoso,
    });
    expect(first).toEqual({ sent: true, results: [{ sink: 'webhook', ok: true }] });
    const later = await sendDigest(deps, { tenantId: TENANT_ID, at: new Date('2025-03-05T18:00:00Z') });
    expect(later).toMatchObject({ sent: false, skipped: 'already-sent-today' });
    const nextDay = await sendDigest(deps, { tenantId: TENANT_ID, at: new Date('2025-03-06T07:00:00Z') });
    expect(nextDay.sent).toBe(true);

    expect(hook.requests).toHaveLength(2);
    expect(hook.requests[0]!.headers['idempotency-key']).toBe(`digest:${TENANT_ID}:2025-03-05:webhook`);
    expect(hook.requests[0]!.body).toMatchObject({
      message: { type: 'digest', kind: 'daily', total: 1, items: [{ subjectLabel: 'ra1@contoso.com' }] },
    });
  });

  it('retries on the next call when no sink took it', async () => {
    await h.observe('00000000-0000-4000-8000-000000000001', [
      unlicensedFinding('00000000-0000-4000-8000-000000000001'),
    ]);
    const deps = {
      store: h.store,
      sinks: new Map([['webhook', h.sinks.get('webhook')!]]),
      logger: h.log.logger,
    };
    hook.script.push({ status: 503 });
    const failed = await sendDigest(deps, { tenantId: TENANT_ID, at: new Date('2025-03-05T07:00:00Z') });
    expect(failed.sent).toBe(false);
    expect(failed.results[0]).toMatchObject({ sink: 'webhook', ok: false });
    const retried = await sendDigest(deps, { tenantId: TENANT_ID, at: new Date('2025-03-05T08:00:00Z') });
    expect(retried.sent).toBe(true);
  });

  it('leaves out the generic webhook by default (one event per alert), and sends it only when named', async () => {
    await h.observe('00000000-0000-4000-8000-000000000001', [
      unlicensedFinding('00000000-0000-4000-8000-000000000001', 'ra1@contoso.com'),
    ]);
    const perAlert = createWebhookSink({ url: hook.url, secret: null });
    const deps = {
      store: h.store,
      sinks: new Map([
        ['webhook', perAlert],
        ['log', h.sinks.get('log')!],
      ]),
      logger: h.log.logger,
    };
    const result = await sendDigest(deps, { tenantId: TENANT_ID, at: new Date('2025-03-05T07:00:00Z') });
    expect(result).toEqual({ sent: true, results: [{ sink: 'log', ok: true }] });
    expect(hook.requests).toHaveLength(0);
    const named = await sendDigest(deps, {
      tenantId: TENANT_ID,
      at: new Date('2025-03-05T07:00:00Z'),
      sinkNames: ['webhook'],
      force: true,
    });
    expect(named).toEqual({ sent: true, results: [{ sink: 'webhook', ok: true }] });
    expect(hook.requests).toHaveLength(1);
  });

  it('sends nothing when there is nothing to report', async () => {
    const deps = { store: h.store, sinks: h.sinks, logger: h.log.logger };
    expect(
      await sendDigest(deps, { tenantId: TENANT_ID, at: new Date('2025-03-05T07:00:00Z') }),
    ).toMatchObject({ sent: false, skipped: 'nothing-to-report' });
    expect(hook.requests).toHaveLength(0);
  });
});
