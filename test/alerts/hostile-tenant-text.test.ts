/**
 * Tenant data is attacker-controlled: whoever can rename a user in Entra writes into our alerts. A display name and
 * a UPN full of Slack and Markdown control sequences go through the real Slack and Teams sinks to local receivers
 * over HTTP, and what arrives must be inert: no mention, no link, no formatting the tenant typed, while the UPN
 * stays exact enough to copy.
 */
import { buildAlertMessage } from '../../src/alerts/alert-message';
import { summarise } from '../../src/alerts/burst-summary';
import { createSlackSink } from '../../src/alerts/slack-sink';
import { createTeamsSink } from '../../src/alerts/teams-sink';
import type { Alert } from '../../src/glossary';
import { startSlackReceiver } from '../support/slack-receiver';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { RA_USER_ID, alertOf, unlicensedFinding } from './alert-fixtures';

const HOSTILE_NAME =
  '<!channel> *URGENT* _now_ ~gone~ `rm -rf` [Reset your password](https://evil.example/login) <https://evil.example|click> <@U0ADMIN> &amp;\n> quoted';
const HOSTILE_UPN = 'aa_main+<!here>@contoso.com';

function hostileAlert(overrides: Partial<Alert> = {}): Alert {
  const finding = unlicensedFinding(RA_USER_ID, HOSTILE_UPN);
  if (finding.subject.kind !== 'user') throw new Error('fixture: expected a user finding');
  return alertOf(
    {
      ...finding,
      title: `${HOSTILE_NAME} has no license`,
      subject: { ...finding.subject, displayName: HOSTILE_NAME },
    },
    overrides,
  );
}

interface SlackTextObject {
  type: string;
  text: string;
  verbatim?: boolean;
}

/** Every text object of a Slack message (section text, fields, context elements). */
function slackTextObjects(body: unknown): SlackTextObject[] {
  const message = body as {
    blocks: Array<{ text?: SlackTextObject; fields?: SlackTextObject[]; elements?: SlackTextObject[] }>;
  };
  return message.blocks.flatMap((block) => [
    ...(block.text === undefined ? [] : [block.text]),
    ...(block.fields ?? []),
    ...(block.elements ?? []),
  ]);
}

/** What Slack would parse as markup in tenant text: angle-bracket sequences, entities other than ours, emphasis. */
function expectInertSlackMrkdwn(text: string): void {
  // No links are configured (publicBaseUrl null), so any `<` or `>` would be the tenant's.
  expect(text).not.toMatch(/[<>]/);
  expect(text).not.toMatch(/&(?!amp;|lt;|gt;)/);
  for (const typed of ['*URGENT*', '_now_', '~gone~', '`rm']) expect(text).not.toContain(typed);
  // A line that starts with `&gt;` would be a block quote.
  expect(text).not.toMatch(/^&gt;/m);
}

describe('hostile display names and UPNs reach Slack inert', () => {
  let slack: WebhookReceiver;
  beforeEach(async () => {
    slack = await startSlackReceiver();
  });
  afterEach(async () => {
    await slack.close();
  });

  it('escapes &, < and > per Slack, neutralises *_~` and keeps the UPN exact in a code span', async () => {
    await createSlackSink({ webhookUrl: slack.url }).send(
      buildAlertMessage(hostileAlert(), 'opened', { publicBaseUrl: null }),
      'k1',
    );
    const [request] = await slack.waitFor(1);
    const body = request!.body as { text: string };

    // Only Slack's own fields: `@slack/webhook`'s `timeout` option used to arrive here as a top-level field.
    expect(Object.keys(body).sort()).toEqual(['blocks', 'text']);

    // The fallback text (notifications) is mrkdwn too: `<!channel>` there would ping everyone.
    expectInertSlackMrkdwn(body.text);
    expect(body.text).toContain('&lt;!channel&gt;');

    const objects = slackTextObjects(body).filter((o) => o.type === 'mrkdwn');
    expect(objects.length).toBeGreaterThan(3);
    for (const object of objects) {
      // Each mrkdwn object: no auto-linked URLs or parsed mentions in tenant text either.
      expect(object.verbatim).toBe(true);
      // Our own markup (`*Account*` labels, code spans) is there; strip it, and what is left must be inert.
      expectInertSlackMrkdwn(
        object.text.replace(/\*(Account|UPN|Object id|Tenant|Evidence|Why it matters|How to fix)\*/g, ''),
      );
    }
    const all = objects.map((o) => o.text).join('\n');
    expect(all).toContain('&lt;!channel&gt;');
    expect(all).toContain('&lt;https://evil.example|click&gt;');
    // The tenant's own `&amp;` shows as typed, not as `&`.
    expect(all).toContain('&amp;amp;');
    expect(all).toContain('\u00AD&gt; quoted');
    // The UPN as code: underscore and all, copyable; only the angle brackets are entities.
    expect(all).toContain('`aa_main+&lt;!here&gt;@contoso.com`');
  });

  it('keeps a digest inert too, title links included', async () => {
    const items = [
      { alert: hostileAlert(), kind: 'opened' as const },
      { alert: hostileAlert({ id: 'alert-0002' }), kind: 'opened' as const },
    ];
    const digest = summarise({
      kind: 'burst',
      tenantId: 't1',
      title: 'Two alerts',
      at: '2025-03-04T12:00:00.000Z',
      items,
      listSize: 5,
      publicBaseUrl: 'https://ra-watch.contoso.com',
    });
    await createSlackSink({ webhookUrl: slack.url }).send(digest, 'k2');
    const [request] = await slack.waitFor(1);
    const all = slackTextObjects(request!.body)
      .map((o) => o.text)
      .join('\n');
    // Our links are the only angle brackets left, and their labels are escaped.
    const withoutOurLinks = all.replace(
      /<https:\/\/ra-watch\.contoso\.com\/alert\.html\?id=alert-000[12]\|[^<>]*>/g,
      '',
    );
    expect(withoutOurLinks).not.toMatch(/[<>]/);
    expect(all).not.toContain('<!channel>');
    expect(all).not.toContain('*URGENT*');
  });
});

/** The Workflows envelope's card: every TextBlock text and every fact title and value. */
function cardStrings(body: unknown): string[] {
  const card = (
    body as {
      attachments: Array<{
        content: {
          body: Array<{ type: string; text?: string; facts?: Array<{ title: string; value: string }> }>;
        };
      }>;
    }
  ).attachments[0]!.content;
  return card.body.flatMap((el) =>
    el.type === 'TextBlock' ? [el.text ?? ''] : (el.facts ?? []).flatMap((f) => [f.title, f.value]),
  );
}

function expectInertCardMarkdown(text: string): void {
  expect(text).not.toMatch(/\][([:]/); // inline, full-reference and definition links
  expect(text).not.toMatch(/<[^\u200B]/); // autolinks and <at> mentions
  expect(text).not.toMatch(/[*~`]/);
  // An underscore is left only between letters or digits, where it cannot open or close italics.
  expect(text).not.toMatch(/_(?![\p{L}\p{N}])|(?<![\p{L}\p{N}])_/u);
}

describe('hostile display names and UPNs reach Teams inert', () => {
  let teams: WebhookReceiver;
  beforeEach(async () => {
    teams = await startWebhookReceiver({
      path: '/workflows/abc/triggers/manual/paths/invoke?sig=SIGsecret123',
    });
  });
  afterEach(async () => {
    await teams.close();
  });

  it('breaks Markdown links, autolinks and emphasis in card text and facts, and keeps the UPN exact', async () => {
    await createTeamsSink({ webhookUrl: teams.url }).send(
      buildAlertMessage(hostileAlert(), 'opened', { publicBaseUrl: null }),
      'k1',
    );
    const [request] = await teams.waitFor(1);
    const strings = cardStrings(request!.body);
    for (const text of strings) expectInertCardMarkdown(text);
    const all = strings.join('\n');
    expect(all).toContain('[Reset your password]\u200B(https://evil.example/login)');
    // The UPN fact: exact but for the zero-width space after `<`.
    expect(all).toContain('aa_main+<\u200B!here>@contoso.com');
  });

  it('keeps a resolved card and a digest inert', async () => {
    const resolved = hostileAlert({ state: 'resolved', resolvedAt: '2025-03-05T08:00:00.000Z' });
    await createTeamsSink({ webhookUrl: teams.url }).send(
      buildAlertMessage(resolved, 'resolved', { publicBaseUrl: null }),
      'k2',
    );
    const digest = summarise({
      kind: 'burst',
      tenantId: 't1',
      title: 'Two alerts',
      at: '2025-03-04T12:00:00.000Z',
      items: [{ alert: hostileAlert(), kind: 'opened' }],
      listSize: 5,
      publicBaseUrl: null,
    });
    await createTeamsSink({ webhookUrl: teams.url }).send(digest, 'k3');
    const requests = await teams.waitFor(2);
    for (const request of requests)
      for (const text of cardStrings(request.body)) expectInertCardMarkdown(text);
  });
});
