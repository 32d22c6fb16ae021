/**
 * /metrics over the composed app (startApp) with the Graph simulator and Slack pointing at a local receiver: a
 * notification burst for five unlicensed resource accounts goes through ingest, the queue, the worker's Graph reads
 * (one $batch throttled with 429 + Retry-After, one user read inside a $batch throttled on its own) to five alerts
 * delivered to Slack (the first send refused with a 500 and retried). Each named series is then scraped and checked
 * against what was done: POSTs answered, notifications accepted and rejected by reason, Graph requests counted the
 * way the simulator recorded them, throttles, worker settles, sink deliveries and failures, queue age, open alerts.
 */
import { SLACK_SERVER_ERROR, startSlackReceiver } from '../support/slack-receiver';
import type { WebhookReceiver } from '../support/webhook-receiver';
import {
  startReliabilityApp,
  waitForDrainedQueue,
  type ReliabilityApp,
} from '../reliability/support/reliability-app';
import { notificationBody } from '../reliability/support/reliability-tenant';
import { parseSamples, total, has, type Sample } from './prometheus-text';

const THROTTLE_SECONDS = 1;

describe('/metrics of the composed app after a notification goes through to a Slack alert', () => {
  let slack: WebhookReceiver;
  let harness: ReliabilityApp;
  let samples: Sample[];
  const answers: number[] = [];

  const post = async (body: string): Promise<number> => {
    const res = await fetch(`${harness.url}/notifications`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    await res.arrayBuffer();
    answers.push(res.status);
    return res.status;
  };

  beforeAll(async () => {
    slack = await startSlackReceiver();
    slack.script.push(SLACK_SERVER_ERROR);
    harness = await startReliabilityApp({
      engine: 'sqlite',
      people: 5,
      env: { SLACK_WEBHOOK_URL: slack.url },
    });
    const { simulator, tenant } = harness;
    // The first $batch is throttled as a whole, then the first user read inside one on its own.
    simulator.faults.throttleNext('$batch', 1, THROTTLE_SECONDS);
    simulator.faults.throttleNext(/\/users\//, 1, THROTTLE_SECONDS);

    expect(await post(notificationBody(tenant.tenantId, tenant.unlicensedIds))).toBe(202);
    // One notification with a wrong clientState (dropped, still 202), one body that is not JSON (400).
    expect(
      await post(notificationBody(tenant.tenantId, [tenant.userIds[0]!], 'not-our-client-state-0000')),
    ).toBe(202);
    expect(await post('{"value": [')).toBe(400);

    await waitForDrainedQueue(harness.app, 60_000);
    // Five alerts, the first send refused once: six Slack requests.
    await slack.waitFor(tenant.unlicensedIds.length + 1, 30_000);
    await waitForOutboxToSettle(harness);
    const res = await fetch(`${harness.url}/metrics`);
    expect(res.status).toBe(200);
    samples = parseSamples(await res.text());
  }, 120_000);

  afterAll(async () => {
    await harness?.stop();
    await slack?.close();
  });

  it('counts notifications received, accepted and rejected by reason', () => {
    const unlicensed = harness.tenant.unlicensedIds.length;
    expect(total(samples, 'ra_watch_ingest_received_total')).toBe(unlicensed + 1);
    expect(total(samples, 'ra_watch_ingest_accepted_total')).toBe(unlicensed);
    expect(total(samples, 'ra_watch_ingest_rejected_total', { reason: 'client_state' })).toBe(1);
    expect(total(samples, 'ra_watch_ingest_rejected_total', { reason: 'invalid_body' })).toBe(1);
    expect(total(samples, 'ra_watch_ingest_rejected_total', { reason: 'too_large' })).toBe(0);
  });

  it('has the ack latency of every POST, by endpoint and status class, within Graph’s 3 s', () => {
    const ack = 'ra_watch_ingest_ack_duration_seconds';
    expect(total(samples, `${ack}_count`, { endpoint: 'notifications', status_class: '2xx' })).toBe(2);
    expect(total(samples, `${ack}_count`, { endpoint: 'notifications', status_class: '4xx' })).toBe(1);
    expect(total(samples, `${ack}_count`)).toBe(answers.length);
    // Every answer falls in the 2.9 s bucket: cumulative, so it holds all three.
    expect(total(samples, `${ack}_bucket`, { le: '2.9' })).toBe(answers.length);
    expect(total(samples, `${ack}_sum`)).toBeGreaterThan(0);
  });

  it('counts Graph requests by method, route and status as the simulator saw them, and both throttles', () => {
    const seen = harness.simulator.requests().filter((r) => !r.viaBatch);
    expect(seen.length).toBeGreaterThan(0);
    expect(total(samples, 'ra_watch_graph_requests_total')).toBe(seen.length);
    const batches = seen.filter((r) => r.path.includes('$batch'));
    expect(
      total(samples, 'ra_watch_graph_requests_total', { method: 'POST', route: 'batch', status: '200' }),
    ).toBe(batches.filter((r) => r.status === 200).length);
    expect(total(samples, 'ra_watch_graph_requests_total', { route: 'batch', status: '429' })).toBe(1);
    expect(
      total(samples, 'ra_watch_graph_requests_total', { method: 'GET', route: 'skus', status: '200' }),
    ).toBeGreaterThan(0);
    expect(total(samples, 'ra_watch_graph_throttles_total', { route: 'batch', status: '429' })).toBe(1);
    expect(total(samples, 'ra_watch_graph_throttles_total', { route: 'batch_item', status: '429' })).toBe(1);
  });

  it('times each message from lease and from enqueue to its settle, by kind and outcome', () => {
    const unlicensed = harness.tenant.unlicensedIds.length;
    const labels = { kind: 'user-changed', outcome: 'completed' };
    expect(total(samples, 'ra_watch_worker_message_duration_seconds_count', labels)).toBe(unlicensed);
    expect(total(samples, 'ra_watch_worker_enqueue_to_settle_seconds_count', labels)).toBe(unlicensed);
    // The throttles held the reads for at least a Retry-After: some message took that long.
    expect(total(samples, 'ra_watch_worker_message_duration_seconds_sum', labels)).toBeGreaterThanOrEqual(
      THROTTLE_SECONDS,
    );
    expect(has(samples, 'ra_watch_worker_message_duration_seconds_count', { outcome: 'dead_lettered' })).toBe(
      false,
    );
  });

  it('counts Slack deliveries and the refused send, and shows the alerts open by rule and severity', () => {
    const unlicensed = harness.tenant.unlicensedIds.length;
    expect(total(samples, 'ra_watch_sink_deliveries_total', { sink: 'slack', outcome: 'failed' })).toBe(1);
    expect(total(samples, 'ra_watch_sink_deliveries_total', { sink: 'slack', outcome: 'delivered' })).toBe(
      slack.requests.length - 1,
    );
    expect(total(samples, 'ra_watch_sink_deliveries_total', { sink: 'slack' })).toBe(slack.requests.length);
    expect(total(samples, 'ra_watch_sink_dead_letters_total')).toBe(0);
    expect(total(samples, 'ra_watch_alerts_open', { rule: 'ra.unlicensed', severity: 'critical' })).toBe(
      unlicensed,
    );
  });

  it('has the queue depth and the oldest message age (0: the queue drained)', () => {
    expect(total(samples, 'ra_watch_queue_depth', { state: 'ready' })).toBe(0);
    expect(has(samples, 'ra_watch_queue_oldest_message_age_seconds')).toBe(true);
    expect(total(samples, 'ra_watch_queue_oldest_message_age_seconds')).toBe(0);
  });
});

/** Until every open alert's outbox entries are delivered or dead (each send is counted before it is marked). */
async function waitForOutboxToSettle(harness: ReliabilityApp): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const alerts = await harness.app.store.alerts.list({ state: 'open', limit: 100 });
    const entries = (
      await Promise.all(alerts.map((alert) => harness.app.store.outbox.listForAlert(alert.id)))
    ).flat();
    if (
      alerts.length > 0 &&
      entries.every((entry) => entry.status === 'delivered' || entry.status === 'dead')
    )
      return;
    if (Date.now() > deadline)
      throw new Error(
        `the alert outbox did not settle within 30 s: ${JSON.stringify(entries.map((e) => e.status))}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
