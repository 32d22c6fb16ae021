/**
 * The alert life cycle end to end on the real store: findings → recordObservation (alert + outbox in one
 * transaction) → dispatcher → Slack stand-in and a real SMTP server.
 */
import { createEmailSink } from '../../src/alerts/email-sink';
import { createOutboxDispatcher } from '../../src/alerts/outbox-dispatcher';
import { createSlackSink } from '../../src/alerts/slack-sink';
import { createLogSink } from '../../src/alerts/log-sink';
import { openDatabase } from '../../src/store/database';
import { createStore } from '../../src/store/sql-store';
import { ENGINES, createTestDatabase } from '../support/databases';
import { slackText, startSlackReceiver } from '../support/slack-receiver';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtp-receiver';
import type { WebhookReceiver } from '../support/webhook-receiver';
import { RA_UPN, RA_USER_ID, unlicensedFinding } from './alert-fixtures';
import { FAST, startHarness, type Harness } from './dispatch-harness';

const unfoldedSubject = (raw: string) =>
  /^Subject: (.*(?:\r\n[ \t].*)*)/m.exec(raw)?.[1]?.replace(/\r\n[ \t]+/g, ' ');

describe.each(ENGINES)('alert life cycle on %s', (engine) => {
  let slack: WebhookReceiver;
  let smtp: SmtpReceiver;
  let h: Harness;
  beforeEach(async () => {
    slack = await startSlackReceiver();
    smtp = await startSmtpReceiver();
    h = await startHarness(engine, [
      createSlackSink({ webhookUrl: slack.url }),
      createEmailSink({
        smtpUrl: smtp.url,
        from: 'ra-watch@contoso.com',
        to: ['noc@contoso.com'],
        timeoutMs: 2000,
      }),
    ]);
  });
  afterEach(async () => {
    await h.close();
    await slack.close();
    await smtp.close();
  });

  it('open → repeat (no second message) → resolve (one message naming the original) → reopen (a new alert)', async () => {
    const finding = unlicensedFinding();

    const first = await h.observe(RA_USER_ID, [finding]);
    expect(first.opened).toHaveLength(1);
    const original = first.opened[0]!;
    await h.dispatcher.runOnce();
    expect(slack.requests).toHaveLength(1);
    await smtp.waitFor(1);
    expect(unfoldedSubject(smtp.mails[0]!.raw)).toBe(
      `[ra-watch][critical] Unlicensed resource account on ${RA_UPN}`,
    );

    h.clock.advance(60_000);
    const again = await h.observe(RA_USER_ID, [finding]);
    expect(again.opened).toHaveLength(0);
    expect(again.stillOpen.map((a) => a.seenCount)).toEqual([2]);
    expect((await h.dispatcher.runOnce()).claimed).toBe(0);
    expect(slack.requests).toHaveLength(1);

    h.clock.advance(60_000);
    const fixed = await h.observe(RA_USER_ID, []);
    expect(fixed.resolved.map((a) => a.id)).toEqual([original.id]);
    await h.dispatcher.runOnce();
    expect(slack.requests).toHaveLength(2);
    const resolvedText = slackText(slack.requests[1]!.body);
    expect(resolvedText).toContain('Resolved: Unlicensed resource account');
    expect(resolvedText).toContain(`This closes alert ${original.id}`);
    await smtp.waitFor(2);
    expect(unfoldedSubject(smtp.mails[1]!.raw)).toBe(
      `[ra-watch][resolved] Unlicensed resource account on ${RA_UPN}`,
    );
    // Resolving again finds nothing open: no second "resolved".
    await h.observe(RA_USER_ID, []);
    expect((await h.dispatcher.runOnce()).claimed).toBe(0);

    h.clock.advance(60_000);
    const broken = await h.observe(RA_USER_ID, [finding]);
    expect(broken.opened).toHaveLength(1);
    expect(broken.opened[0]!.id).not.toBe(original.id);
    await h.dispatcher.runOnce();
    expect(slack.requests).toHaveLength(3);
    expect(slackText(slack.requests[2]!.body)).toContain('[critical] Unlicensed resource account');
    await smtp.waitFor(3);
    expect(smtp.mails).toHaveLength(3);
  });

  it('SMTP down then back: the e-mail is retried and delivered once, Slack is not held up', async () => {
    const port = smtp.port;
    const password = smtp.password;
    await smtp.close();
    const { opened } = await h.observe(RA_USER_ID, [unlicensedFinding()]);
    const summary = await h.dispatcher.runOnce();
    expect(summary).toMatchObject({ delivered: 2, retried: 1 }); // slack + log delivered, email retried
    expect(slack.requests).toHaveLength(1);

    smtp = await startSmtpReceiver({ port, password });
    h.clock.advance(60_000);
    expect((await h.dispatcher.runOnce()).delivered).toBe(1);
    await smtp.waitFor(1);
    const email = (await h.store.outbox.listForAlert(opened[0]!.id)).find((e) => e.sink === 'email')!;
    expect(email.status).toBe('delivered');
    expect(email.attempts).toBe(2);
    expect(h.log.text()).not.toContain(password);
  });
});

describe.each(ENGINES)('crash between commit and send on %s', (engine) => {
  it('entries written by a process that died before sending are delivered by the next one', async () => {
    const slack = await startSlackReceiver();
    const db = await createTestDatabase(engine);
    try {
      // Process 1: records the observation (alert + outbox committed), then dies before any dispatch.
      const h = await startHarness(engine, [createSlackSink({ webhookUrl: slack.url })], {}, db);
      const { opened } = await h.observe(RA_USER_ID, [unlicensedFinding()]);
      expect(opened).toHaveLength(1);

      // Process 2: a fresh connection to the same database, dispatcher started as `serve` starts it.
      const database = await openDatabase(db.url);
      const store = createStore(database);
      const dispatcher = createOutboxDispatcher({
        store,
        sinks: new Map([
          ['slack', createSlackSink({ webhookUrl: slack.url })],
          ['log', createLogSink(h.log.logger)],
        ]),
        logger: h.log.logger,
        options: { ...FAST },
      });
      dispatcher.start();
      try {
        await slack.waitFor(1);
        for (let i = 0; i < 100; i++) {
          const entries = await store.outbox.listForAlert(opened[0]!.id);
          if (entries.every((e) => e.status === 'delivered')) break;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        expect((await store.outbox.listForAlert(opened[0]!.id)).map((e) => e.status)).toEqual([
          'delivered',
          'delivered',
        ]);
        expect(slackText(slack.requests[0]!.body)).toContain(RA_UPN);
      } finally {
        await dispatcher.stop();
        await database.close();
      }
      await h.dispatcher.stop();
    } finally {
      await db.drop();
      await slack.close();
    }
  });
});
