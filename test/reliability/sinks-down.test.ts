/**
 * Slack answering 500 and the SMTP server gone (connection refused) for a while, then back: every alert reaches each
 * sink exactly once. The outbox keeps retrying while they are down; once they are back each entry is delivered and
 * none twice (e-mails are matched by their Message-ID: the alert's for its opened message, else the entry's key's).
 */
import { alertMessageIdFor, messageIdFor } from '../../src/alerts/email-sink';
import type { OutboxEntry } from '../../src/store/store';
import { ENGINES } from '../support/databases';
import { SLACK_OK, SLACK_SERVER_ERROR, startSlackReceiver } from '../support/slack-receiver';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtp-receiver';
import type { WebhookReceiver } from '../support/webhook-receiver';
import { startReliabilityApp, waitForDrainedQueue, type ReliabilityApp } from './support/reliability-app';
import { deliverOnce, describeAnswers, newDeliveryLog } from './support/post-notifications';
import { printVerdict } from './support/verdict';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const FROM = 'ra-watch@contoso.com';

describe.each(ENGINES)('Slack and SMTP down, then back, on %s', (engine) => {
  let harness: ReliabilityApp | null = null;
  let slack: WebhookReceiver | null = null;
  let smtp: SmtpReceiver | null = null;
  afterEach(async () => {
    await harness?.stop();
    await slack?.close();
    await smtp?.close();
    harness = null;
    slack = null;
    smtp = null;
  });

  it('delivers every alert exactly once to each sink', async () => {
    slack = await startSlackReceiver();
    slack.fallback = SLACK_SERVER_ERROR;
    const firstSmtp = await startSmtpReceiver();
    const smtpPort = firstSmtp.port;
    const smtpUrl = firstSmtp.url;
    const smtpPassword = firstSmtp.password;
    await firstSmtp.close(); // down: connection refused until it comes back on the same port

    harness = await startReliabilityApp({
      engine,
      people: 0,
      env: {
        SLACK_WEBHOOK_URL: slack.url,
        SMTP_URL: smtpUrl,
        ALERT_EMAIL_FROM: FROM,
        ALERT_EMAIL_TO: 'teams-admins@contoso.com',
      },
      // Each alert its own message (no burst summary), retried quickly.
      dispatcher: { pollMs: 50, baseDelayMs: 100, maxDelayMs: 500, groupThreshold: 1_000, groupWindowMs: 0 },
    });
    const { app, tenant } = harness;
    const log = newDeliveryLog();
    for (let i = 0; i < tenant.userIds.length; i += 30)
      await deliverOnce(harness.url, tenant.tenantId, tenant.userIds.slice(i, i + 30), log);
    await waitForDrainedQueue(app, 60_000);

    const alerts = await app.store.alerts.list({ tenantId: tenant.tenantId, limit: 1000 });
    const entriesOf = async (): Promise<OutboxEntry[]> =>
      (await Promise.all(alerts.map((a) => app.store.outbox.listForAlert(a.id))))
        .flat()
        .filter((e) => e.sink === 'slack' || e.sink === 'email');
    // Down for a while: every entry has been tried (and refused) at least twice.
    for (let i = 0; i < 300; i += 1) {
      const entries = await entriesOf();
      if (entries.length > 0 && entries.every((e) => e.attempts >= 2)) break;
      await sleep(100);
    }
    const whileDown = await entriesOf();
    const refusedSlackPosts = slack.requests.length;
    expect(whileDown.every((e) => e.status === 'pending' && e.attempts >= 2)).toBe(true);

    // Back.
    slack.fallback = SLACK_OK;
    smtp = await startSmtpReceiver({ port: smtpPort, password: smtpPassword });
    for (let i = 0; i < 600; i += 1) {
      if ((await entriesOf()).every((e) => e.status === 'delivered')) break;
      await sleep(100);
    }
    await sleep(1_000); // a second copy, if one were coming, would arrive now
    const entries = await entriesOf();
    const slackEntries = entries.filter((e) => e.sink === 'slack');
    const emailEntries = entries.filter((e) => e.sink === 'email');
    const slackDelivered = slack.requests.slice(refusedSlackPosts);
    const distinctSlackBodies = new Set(slackDelivered.map((r) => r.raw.toString('utf8'))).size;
    const mailsPerEntry = emailEntries.map((e) => {
      // An alert's opened message has the alert's Message-ID (the thread's root); later ones the entry's.
      const id =
        e.kind === 'opened' ? alertMessageIdFor(e.alertId, FROM) : messageIdFor(e.idempotencyKey, FROM);
      return smtp!.mails.filter((m) => m.raw.includes(`Message-ID: ${id}`)).length;
    });
    const deliveredOnce =
      slackEntries.filter((e) => e.status === 'delivered').length +
      mailsPerEntry.filter((n) => n === 1).length;

    const lost = printVerdict({
      scenario: `Slack and SMTP down, then back (${engine})`,
      sent: [
        `${tenant.userIds.length} notifications (${describeAnswers(log)}) → ${alerts.length} alerts (${alerts.map((a) => a.ruleId).join(', ')})`,
      ],
      saw: [
        `while down: ${refusedSlackPosts} Slack posts answered 500, SMTP refused; every entry tried ≥ 2 times`,
        `after: ${slackDelivered.length} Slack posts accepted (${distinctSlackBodies} distinct) for ${slackEntries.length} entries; ${smtp.mails.length} mails for ${emailEntries.length} entries (per entry: ${mailsPerEntry.join(',')})`,
      ],
      published: slackEntries.length + emailEntries.length,
      processed: deliveredOnce,
      deadLettered: entries.filter((e) => e.status === 'dead').length,
    });
    expect(alerts.length).toBeGreaterThanOrEqual(tenant.unlicensedIds.length);
    // Routing decides which alerts go where (info-level ones wait for the digest); the critical ones go to both.
    expect(slackEntries.length).toBeGreaterThanOrEqual(tenant.unlicensedIds.length);
    expect(emailEntries.length).toBeGreaterThanOrEqual(tenant.unlicensedIds.length);
    expect(entries.every((e) => e.status === 'delivered')).toBe(true);
    expect(slackDelivered).toHaveLength(slackEntries.length);
    expect(distinctSlackBodies).toBe(slackEntries.length);
    expect(smtp.mails).toHaveLength(emailEntries.length);
    expect(mailsPerEntry.every((n) => n === 1)).toBe(true);
    expect(lost).toBe(0);
  });
});
