import { createSlackSink } from '../../src/alerts/slack-sink';
import { ENGINES } from '../support/databases';
import {
  SLACK_RATE_LIMITED,
  SLACK_SERVER_ERROR,
  slackText,
  startSlackReceiver,
} from '../support/slack-receiver';
import type { WebhookReceiver } from '../support/webhook-receiver';
import { unlicensedFinding } from './alert-fixtures';
import { startHarness, type Harness } from './dispatch-harness';

const SECRET_PATH = 's3cr3tWebhookToken';
const userId = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

describe.each(ENGINES)('outbox dispatcher on %s, delivering to a local Slack stand-in', (engine) => {
  let slack: WebhookReceiver;
  let h: Harness;
  beforeEach(async () => {
    slack = await startSlackReceiver();
    h = await startHarness(engine, [createSlackSink({ webhookUrl: slack.url })]);
  });
  afterEach(async () => {
    await h.close();
    await slack.close();
  });

  async function slackEntry(alertId: string) {
    const entries = await h.store.outbox.listForAlert(alertId);
    const entry = entries.find((e) => e.sink === 'slack');
    if (entry === undefined) throw new Error('no slack entry');
    return entry;
  }

  it('delivers an opened alert to Slack and the log, and marks both delivered', async () => {
    const { opened } = await h.observe(userId(1), [unlicensedFinding(userId(1), 'ra1@contoso.com')]);
    const summary = await h.dispatcher.runOnce();

    expect(summary).toMatchObject({ claimed: 2, delivered: 2, retried: 0, dead: 0 });
    expect(slack.requests).toHaveLength(1);
    expect(slackText(slack.requests[0]!.body)).toContain('ra1@contoso.com');
    const entries = await h.store.outbox.listForAlert(opened[0]!.id);
    expect(entries.map((e) => [e.sink, e.status]).sort()).toEqual([
      ['log', 'delivered'],
      ['slack', 'delivered'],
    ]);
    expect(
      h.log.lines.some((l) => l.includes('"event":"alert.opened"') && l.includes('ra1@contoso.com')),
    ).toBe(true);
    // Nothing left to do.
    expect((await h.dispatcher.runOnce()).claimed).toBe(0);
    expect(slack.requests).toHaveLength(1);
  });

  it('groups a burst of 30 alerts into ONE Slack summary, while the log keeps one line per alert', async () => {
    for (let i = 1; i <= 30; i++)
      await h.observe(userId(i), [unlicensedFinding(userId(i), `ra${i}@contoso.com`)]);
    const summary = await h.dispatcher.runOnce();

    expect(summary).toMatchObject({ claimed: 60, delivered: 60, summaries: 1, dead: 0 });
    expect(slack.requests).toHaveLength(1);
    const text = slackText(slack.requests[0]!.body);
    expect(text).toContain('30 alerts at once');
    expect(text).toContain('Unlicensed resource account: 30');
    expect(text).toContain('…and 27 more');
    expect(h.log.lines.filter((l) => l.includes('"event":"alert.opened"'))).toHaveLength(30);
    const open = await h.store.alerts.list({ state: 'open' });
    for (const alert of open) expect((await slackEntry(alert.id)).status).toBe('delivered');
  });

  it('gathers a burst written over a few seconds: the first entry waits the group window, the rest joins it', async () => {
    await h.dispatcher.stop();
    const windowed = await startHarness(engine, [createSlackSink({ webhookUrl: slack.url })], {
      groupWindowMs: 5000,
    });
    try {
      for (let i = 1; i <= 3; i++)
        await windowed.observe(userId(i), [unlicensedFinding(userId(i), `ra${i}@contoso.com`)]);
      windowed.clock.advance(1000);
      expect((await windowed.dispatcher.runOnce()).claimed).toBe(0); // still gathering
      windowed.clock.advance(1000);
      for (let i = 4; i <= 8; i++)
        await windowed.observe(userId(i), [unlicensedFinding(userId(i), `ra${i}@contoso.com`)]);
      windowed.clock.advance(3000);
      const summary = await windowed.dispatcher.runOnce();
      expect(summary).toMatchObject({ claimed: 16, delivered: 16, summaries: 1 });
      expect(slack.requests).toHaveLength(1);
      expect(slackText(slack.requests[0]!.body)).toContain('8 alerts at once');
    } finally {
      await windowed.close();
    }
  });

  it('sends a handful (at or under the threshold) one by one', async () => {
    for (let i = 1; i <= 5; i++)
      await h.observe(userId(i), [unlicensedFinding(userId(i), `ra${i}@contoso.com`)]);
    expect((await h.dispatcher.runOnce()).summaries).toBe(0);
    expect(slack.requests).toHaveLength(5);
  });

  it('honours Slack 429 Retry-After: nothing is sent before it, then delivered once', async () => {
    slack.script.push(SLACK_RATE_LIMITED(30));
    const { opened } = await h.observe(userId(1), [unlicensedFinding(userId(1))]);
    expect((await h.dispatcher.runOnce()).retried).toBe(1);
    const waiting = await slackEntry(opened[0]!.id);
    expect(Date.parse(waiting.nextAttemptAt) - h.clock.ms).toBeGreaterThanOrEqual(30_000);
    expect(waiting.lastError).toContain('429');

    h.clock.advance(29_000);
    await h.dispatcher.runOnce();
    expect(slack.requests).toHaveLength(1); // only the throttled one

    h.clock.advance(1_000);
    await h.dispatcher.runOnce();
    expect(slack.requests).toHaveLength(2);
    expect((await slackEntry(opened[0]!.id)).status).toBe('delivered');
  });

  it('after a 429, the rest of the batch for that sink waits too instead of hammering Slack', async () => {
    slack.script.push(SLACK_RATE_LIMITED(10));
    for (let i = 1; i <= 3; i++)
      await h.observe(userId(i), [unlicensedFinding(userId(i), `ra${i}@contoso.com`)]);
    const summary = await h.dispatcher.runOnce();
    expect(slack.requests).toHaveLength(1);
    expect(summary.retried).toBe(3);
    h.clock.advance(10_000);
    await h.dispatcher.runOnce();
    expect(slack.requests).toHaveLength(4);
  });

  it('500 then recovery: retried with backoff and delivered exactly once', async () => {
    slack.script.push(SLACK_SERVER_ERROR);
    const { opened } = await h.observe(userId(1), [unlicensedFinding(userId(1))]);
    expect((await h.dispatcher.runOnce()).retried).toBe(1);
    const waiting = await slackEntry(opened[0]!.id);
    expect(waiting.status).toBe('pending');
    expect(waiting.lastError).toContain('500');

    h.clock.advance(60_000);
    expect((await h.dispatcher.runOnce()).delivered).toBe(1);
    h.clock.advance(60_000);
    await h.dispatcher.runOnce();
    const delivered = slack.requests.filter((_, i) => i > 0);
    expect(delivered).toHaveLength(1);
    expect((await slackEntry(opened[0]!.id)).status).toBe('delivered');
  });

  it('Slack down for the whole window: dead-lettered with the last error, never with the URL, logs clean too', async () => {
    slack.fallback = SLACK_SERVER_ERROR;
    const { opened } = await h.observe(userId(1), [unlicensedFinding(userId(1))]);
    let rounds = 0;
    for (; rounds < 100; rounds++) {
      await h.dispatcher.runOnce();
      if ((await slackEntry(opened[0]!.id)).status === 'dead') break;
      h.clock.advance(60_000);
    }
    const dead = await slackEntry(opened[0]!.id);
    expect(dead.status).toBe('dead');
    expect(dead.lastError).toMatch(/gave up after \d+ attempt\(s\): Slack answered 500/);
    // Dead no earlier than the window: created at t0, window 10 minutes.
    expect(h.clock.ms - Date.parse(dead.createdAt)).toBeGreaterThanOrEqual(10 * 60_000);
    expect(slack.requests.length).toBeGreaterThan(2);
    expect(h.log.text()).toContain('alert message dead-lettered');
    expect(h.log.text()).not.toContain(SECRET_PATH);
    expect(JSON.stringify(dead)).not.toContain(SECRET_PATH);
  });

  it('a permanent refusal (404 no_service) is dead at once', async () => {
    slack.script.push({ status: 404, body: 'no_service' });
    const { opened } = await h.observe(userId(1), [unlicensedFinding(userId(1))]);
    expect((await h.dispatcher.runOnce()).dead).toBe(1);
    expect((await slackEntry(opened[0]!.id)).lastError).toContain('404');
  });

  it('a dispatcher that crashed after claiming (lease held, nothing settled) is taken over when the lease ends', async () => {
    const { opened } = await h.observe(userId(1), [unlicensedFinding(userId(1))]);
    const claimed = await h.store.outbox.claimDue(h.clock.iso(), 10, 60_000);
    expect(claimed).toHaveLength(2);
    // ...the process dies here. Another dispatcher polls during the lease: nothing to take.
    expect((await h.dispatcher.runOnce()).claimed).toBe(0);
    h.clock.advance(60_000);
    expect((await h.dispatcher.runOnce()).delivered).toBe(2);
    expect(slack.requests).toHaveLength(1);
    expect((await slackEntry(opened[0]!.id)).idempotencyKey).toBe(`${opened[0]!.id}:opened:slack`);
  });
});
