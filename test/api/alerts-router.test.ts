/**
 * /api/alerts over a real HTTP server and the real store (both engines): listing with delivery state, one alert,
 * acknowledge/snooze with validation, and no webhook URL in any answer even when a delivery failed.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createSlackSink } from '../../src/alerts/slack-sink';
import { createAlertsRouter } from '../../src/api/alerts-router';
import { ENGINES } from '../support/databases';
import { SLACK_SERVER_ERROR, startSlackReceiver } from '../support/slack-receiver';
import type { WebhookReceiver } from '../support/webhook-receiver';
import { RA_USER_ID, TENANT_ID, swapFinding, unlicensedFinding } from '../alerts/alert-fixtures';
import { startHarness, type Harness } from '../alerts/dispatch-harness';

interface DeliveryJson {
  sink: string;
  kind: string;
  status: string;
  lastError: string | null;
}
interface AlertJson {
  id: string;
  acknowledgedBy: string | null;
  deliveries: DeliveryJson[];
}
/** What the API answers, loosely: a list, one alert, or an error. */
type AnswerBody = AlertJson & {
  alerts: AlertJson[];
  error: { code: string; message: string };
  acknowledged: string[];
  notFound: string[];
};

const OTHER_USER = '00000000-0000-4000-8000-000000000002';

describe.each(ENGINES)('/api/alerts on %s', (engine) => {
  let slack: WebhookReceiver;
  let h: Harness;
  let server: Server;
  let base: string;

  beforeEach(async () => {
    slack = await startSlackReceiver();
    h = await startHarness(engine, [createSlackSink({ webhookUrl: slack.url })]);
    const app = express();
    app.use('/api/alerts', createAlertsRouter({ store: h.store, logger: h.log.logger, now: h.clock.now }));
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/alerts`;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await h.close();
    await slack.close();
  });

  async function call(path: string, init?: RequestInit): Promise<{ status: number; body: AnswerBody }> {
    const res = await fetch(`${base}${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', connection: 'close' },
    });
    return { status: res.status, body: (await res.json()) as AnswerBody };
  }

  it('lists alerts with each delivery state, filtered by state and user', async () => {
    const { opened } = await h.observe(RA_USER_ID, [unlicensedFinding()]);
    await h.observe(OTHER_USER, [unlicensedFinding(OTHER_USER, 'other@contoso.com')]);
    await h.observe(OTHER_USER, []); // resolves the other one
    await h.dispatcher.runOnce();

    const open = await call('?state=open');
    expect(open.status).toBe(200);
    expect(open.body.alerts.map((a) => a.id)).toEqual([opened[0]!.id]);
    const deliveries = open.body.alerts[0]!.deliveries.map((d) => `${d.kind}/${d.sink}/${d.status}`).sort();
    expect(deliveries).toEqual(['opened/log/delivered', 'opened/slack/delivered']);

    const resolved = await call(`?state=resolved&userId=${OTHER_USER}&tenantId=${TENANT_ID}`);
    expect(resolved.body.alerts).toHaveLength(1);
    expect(resolved.body.alerts[0]!.deliveries.map((d) => d.kind).sort()).toEqual([
      'opened',
      'opened',
      'resolved',
      'resolved',
    ]);
    expect((await call('?limit=1')).body.alerts).toHaveLength(1);
  });

  it('shows a failing delivery with its error and without the webhook URL', async () => {
    slack.fallback = SLACK_SERVER_ERROR;
    const { opened } = await h.observe(RA_USER_ID, [unlicensedFinding()]);
    for (let i = 0; i < 40; i++) {
      await h.dispatcher.runOnce();
      h.clock.advance(60_000);
    }
    const one = await call(`/${opened[0]!.id}`);
    expect(one.status).toBe(200);
    const slackDelivery = one.body.deliveries.find((d) => d.sink === 'slack')!;
    expect(slackDelivery.status).toBe('dead');
    expect(slackDelivery.lastError).toContain('Slack answered 500');
    const everything = JSON.stringify([one.body, (await call('')).body]);
    expect(everything).not.toContain('s3cr3tWebhookToken');
    expect(everything).not.toContain(slack.url);
  });

  it('acknowledges and snoozes with who and why', async () => {
    const { opened } = await h.observe(RA_USER_ID, [unlicensedFinding()]);
    const snoozeUntil = new Date(h.clock.ms + 24 * 3600_000).toISOString();
    const ack = await call(`/${opened[0]!.id}/ack`, {
      method: 'POST',
      body: JSON.stringify({ by: 'anna@contoso.com', reason: 'license ordered', snoozeUntil }),
    });
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({
      acknowledgedBy: 'anna@contoso.com',
      acknowledgeReason: 'license ordered',
      snoozedUntil: snoozeUntil,
      acknowledgedAt: h.clock.iso(),
    });
    expect((await call(`/${opened[0]!.id}`)).body.acknowledgedBy).toBe('anna@contoso.com');
  });

  it.each([
    ['no "by"', { reason: 'x' }, 'by'],
    ['an unknown field', { by: 'anna', severity: 'info' }, 'severity'],
    ['a snooze time that is not a time', { by: 'anna', snoozeUntil: 'tomorrow' }, 'snoozeUntil'],
    ['a snooze time in the past', { by: 'anna', snoozeUntil: '2020-01-01T00:00:00Z' }, 'snoozeUntil'],
  ])('answers 400 to an ack with %s, naming the field', async (_what, body, field) => {
    const { opened } = await h.observe(RA_USER_ID, [unlicensedFinding()]);
    const res = await call(`/${opened[0]!.id}/ack`, { method: 'POST', body: JSON.stringify(body) });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid-request');
    expect(res.body.error.message).toContain(field);
    expect((await h.store.alerts.get(opened[0]!.id))!.acknowledgedAt).toBeNull();
  });

  it('answers 400 to a body that is not JSON and to a bad query', async () => {
    const { opened } = await h.observe(RA_USER_ID, [unlicensedFinding()]);
    const res = await call(`/${opened[0]!.id}/ack`, { method: 'POST', body: '{"by": ' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid-json');
    const query = await call('?state=closed');
    expect(query.status).toBe(400);
    expect(query.body.error.message).toContain('state');
  });

  /** Three accounts: a swap on AA Reception, two unlicensed ones (one of them resolved). */
  async function threeAlerts() {
    const swap = (await h.observe(RA_USER_ID, [swapFinding()], ['ra.non-atomic-swap'])).opened[0]!;
    const other = (await h.observe(OTHER_USER, [unlicensedFinding(OTHER_USER, 'cq_sales@contoso.com')]))
      .opened[0]!;
    const third = '00000000-0000-4000-8000-000000000003';
    const gone = (await h.observe(third, [unlicensedFinding(third, '=cmd|calc@contoso.com')])).opened[0]!;
    await h.observe(third, []);
    return { swap, other, gone };
  }
  const ids = (body: AnswerBody) => body.alerts.map((a) => a.id).sort();

  it('filters by severity, rule, state and account, and searches the UPN or name in any case (issue 20)', async () => {
    const { swap, other, gone } = await threeAlerts();
    expect(ids((await call('?ruleId=ra.unlicensed')).body)).toEqual([other.id, gone.id].sort());
    expect(ids((await call('?ruleId=ra.unlicensed&state=open')).body)).toEqual([other.id]);
    expect(ids((await call(`?severity=${swap.severity}&ruleId=ra.non-atomic-swap`)).body)).toEqual([swap.id]);
    expect(ids((await call(`?userId=${OTHER_USER}`)).body)).toEqual([other.id]);
    expect(ids((await call('?upn=CQ_SALES')).body)).toEqual([other.id]);
    expect(ids((await call('?upn=reception')).body)).toEqual([swap.id]); // the display name "AA Reception"
    expect(ids((await call('?upn=contoso.com&state=resolved')).body)).toEqual([gone.id]);
    // LIKE's wildcards are the text itself: "_" is no "any character", "%" no "anything".
    expect(ids((await call('?upn=cq%5Fsales')).body)).toEqual([other.id]);
    expect(ids((await call('?upn=cq%25sales')).body)).toEqual([]);
    expect(ids((await call('?upn=aa_')).body)).toEqual([]);
    // Only the account's fields are searched, not the rest of the finding.
    expect(ids((await call('?upn=removed')).body)).toEqual([]);
    for (const [query, field] of [
      ['?severity=high', 'severity'],
      ['?ruleId=ra.nope', 'ruleId'],
      ['?upn=', 'upn'],
      ['?format=xml', 'format'],
      ['?limit=10001', 'limit'],
    ]) {
      const res = await call(query!);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(field);
    }
  });

  it('exports the filtered alerts as CSV for a spreadsheet, with formula-like names defused', async () => {
    const { other, gone } = await threeAlerts();
    const res = await fetch(`${base}?ruleId=ra.unlicensed&format=csv`, { headers: { connection: 'close' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="ra-watch-alerts.csv"');
    const lines = (await res.text()).split('\r\n').filter((l) => l !== '');
    expect(lines[0]).toBe(
      'id,tenantId,state,severity,ruleId,rule,account,userPrincipalName,displayName,userId,title,firstSeenAt,lastSeenAt,seenCount,resolvedAt,acknowledgedBy,acknowledgedAt,acknowledgeReason,snoozedUntil',
    );
    expect(lines).toHaveLength(3);
    const row = (id: string) => lines.find((l) => l.startsWith(`${id},`)) ?? '';
    expect(row(other.id)).toContain(',open,');
    expect(row(other.id)).toContain(',cq_sales@contoso.com,');
    expect(row(gone.id)).toContain(',resolved,');
    expect(row(gone.id)).toContain(",'=cmd|calc@contoso.com,");
    expect(row(gone.id)).not.toMatch(/,=cmd/);
  });

  it('acknowledges many alerts at once, listing the ids that name none', async () => {
    const { swap, other } = await threeAlerts();
    const snoozeUntil = new Date(h.clock.ms + 3600_000).toISOString();
    const res = await call('/ack', {
      method: 'POST',
      body: JSON.stringify({
        ids: [swap.id, other.id, 'no-such', swap.id],
        by: 'Ada',
        reason: 'batch',
        snoozeUntil,
      }),
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ acknowledged: [swap.id, other.id], notFound: ['no-such'] });
    for (const id of [swap.id, other.id]) {
      expect(await h.store.alerts.get(id)).toMatchObject({
        acknowledgedBy: 'Ada',
        acknowledgeReason: 'batch',
        snoozedUntil: snoozeUntil,
      });
    }
    for (const [body, field] of [
      [{ by: 'Ada' }, 'ids'],
      [{ ids: [], by: 'Ada' }, 'ids'],
      [{ ids: [swap.id] }, 'by'],
      [{ ids: [swap.id], by: 'Ada', snoozeUntil: '2020-01-01T00:00:00Z' }, 'snoozeUntil'],
      [{ ids: Array.from({ length: 501 }, (_, i) => `a${i}`), by: 'Ada' }, 'ids'],
    ] as const) {
      const refused = await call('/ack', { method: 'POST', body: JSON.stringify(body) });
      expect(refused.status).toBe(400);
      expect(refused.body.error.message).toContain(field);
    }
  });

  it('answers 404 for an unknown alert, on read and on ack', async () => {
    expect((await call('/no-such-alert')).status).toBe(404);
    const ack = await call('/no-such-alert/ack', { method: 'POST', body: JSON.stringify({ by: 'anna' }) });
    expect(ack.status).toBe(404);
    expect(ack.body.error.code).toBe('not-found');
  });
});
