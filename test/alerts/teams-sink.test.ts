/**
 * The Teams card is checked against a small zod model of the Adaptive Card schema's required parts (there is no
 * internet here for the published JSON schema): the Workflows envelope, `type: AdaptiveCard`, a `version` of 1.4 or
 * later, body elements each with a known `type` and that type's required properties (TextBlock.text,
 * FactSet.facts[].title/value), and Action.OpenUrl with `url`.
 */
import { z } from 'zod';
import { buildAlertMessage } from '../../src/alerts/alert-message';
import { summarise } from '../../src/alerts/burst-summary';
import { createTeamsSink } from '../../src/alerts/teams-sink';
import { RetryLaterError } from '../../src/errors';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { RA_UPN, RA_USER_ID, alertOf, swapFinding, unlicensedFinding } from './alert-fixtures';

const textBlock = z.object({ type: z.literal('TextBlock'), text: z.string().min(1) }).loose();
const factSet = z
  .object({
    type: z.literal('FactSet'),
    facts: z.array(z.object({ title: z.string(), value: z.string() }).strict()).min(1),
  })
  .loose();
const openUrl = z
  .object({ type: z.literal('Action.OpenUrl'), url: z.url(), title: z.string().optional() })
  .loose();
const adaptiveCard = z
  .object({
    type: z.literal('AdaptiveCard'),
    version: z
      .string()
      .regex(/^1\.(\d+)$/)
      .refine((v) => Number(v.split('.')[1]) >= 4, 'Teams needs 1.4 or later'),
    $schema: z.string().optional(),
    body: z.array(z.discriminatedUnion('type', [textBlock, factSet])).min(1),
    actions: z.array(openUrl).optional(),
  })
  .loose();
const workflowsEnvelope = z
  .object({
    type: z.literal('message'),
    attachments: z
      .array(
        z.object({
          contentType: z.literal('application/vnd.microsoft.card.adaptive'),
          contentUrl: z.null().optional(),
          content: adaptiveCard,
        }),
      )
      .length(1),
  })
  .strict();

function cardText(body: unknown): string {
  const card = workflowsEnvelope.parse(body).attachments[0]!.content;
  return card.body
    .map((el) =>
      el.type === 'TextBlock' ? el.text : el.facts.map((f) => `${f.title}: ${f.value}`).join('\n'),
    )
    .join('\n');
}

describe('Teams sink (Adaptive Card in the Workflows envelope, posted to a local receiver)', () => {
  let teams: WebhookReceiver;
  beforeEach(async () => {
    teams = await startWebhookReceiver({
      path: '/workflows/abc/triggers/manual/paths/invoke?sig=SIGsecret123',
    });
  });
  afterEach(async () => {
    await teams.close();
  });

  it('posts a valid Adaptive Card 1.4 with the account, activities, why, steps and a link', async () => {
    const sink = createTeamsSink({ webhookUrl: teams.url });
    await sink.send(
      buildAlertMessage(alertOf(swapFinding()), 'opened', { publicBaseUrl: 'https://ra-watch.contoso.com' }),
      'key-7',
    );

    const [request] = await teams.waitFor(1);
    expect(request!.headers['content-type']).toContain('application/json');
    expect(request!.headers['idempotency-key']).toBe('key-7');
    const envelope = workflowsEnvelope.parse(request!.body);
    expect(envelope.attachments[0]!.content.actions?.[0]?.url).toBe(
      'https://ra-watch.contoso.com/alert.html?id=alert-0001',
    );
    const text = cardText(request!.body);
    expect(text).toContain('[critical] Non-atomic license swap');
    expect(text).toContain(`UPN: ${RA_UPN}`);
    expect(text).toContain(`Object id: ${RA_USER_ID}`);
    expect(text).toContain('2025-03-04 10:00:00 UTC: removed Teams Phone Standard');
    expect(text).toMatch(/1\. Test the auto attendant/);
  });

  it('keeps the card valid for a resolved tenant-less message without a link', async () => {
    const sink = createTeamsSink({ webhookUrl: teams.url });
    const alert = alertOf(unlicensedFinding(), { state: 'resolved', resolvedAt: '2025-03-05T08:00:00.000Z' });
    await sink.send(buildAlertMessage(alert, 'resolved', { publicBaseUrl: null }), 'key-8');
    const [request] = await teams.waitFor(1);
    expect(cardText(request!.body)).toContain('This closes alert alert-0001');
  });

  it('a burst summary is a valid card too, with counts and "and N more"', async () => {
    const items = Array.from({ length: 12 }, (_, i) => ({
      alert: alertOf(unlicensedFinding(), { id: `a-${i}` }),
      kind: 'opened' as const,
    }));
    const digest = summarise({
      kind: 'burst',
      tenantId: 't1',
      title: '12 alerts at once',
      at: '2025-03-04T12:00:00.000Z',
      items,
      listSize: 3,
      publicBaseUrl: null,
    });
    await createTeamsSink({ webhookUrl: teams.url }).send(digest, 'burst-key');
    const [request] = await teams.waitFor(1);
    const text = cardText(request!.body);
    expect(text).toContain('Unlicensed resource account: 12');
    expect(text).toContain('…and 9 more');
  });

  it('the model rejects what Teams would reject (so the check above can fail)', () => {
    const message = {
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          content: { type: 'AdaptiveCard', version: '1.2', body: [] },
        },
      ],
    };
    expect(workflowsEnvelope.safeParse(message).success).toBe(false);
  });

  it('a throttling Workflows endpoint (429) is retryable with its Retry-After; the signed URL is never in the error', async () => {
    teams.script.push({ status: 429, headers: { 'retry-after': '3' }, body: 'slow down' });
    const error = await createTeamsSink({ webhookUrl: teams.url })
      .send(buildAlertMessage(alertOf(swapFinding()), 'opened', { publicBaseUrl: null }), 'k')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryLaterError);
    expect((error as RetryLaterError).delayMs).toBe(3000);
    expect((error as Error).message).not.toContain('SIGsecret123');
  });

  it('an endpoint that echoes its path and query into the error cannot put the signature in the outbox or a log', async () => {
    teams.script.push({ status: 404, body: (path) => `no route for POST ${path}` });
    const error = await createTeamsSink({ webhookUrl: teams.url })
      .send(buildAlertMessage(alertOf(swapFinding()), 'opened', { publicBaseUrl: null }), 'k')
      .catch((e: unknown) => e);
    expect((error as Error).message).toContain(
      'Teams refused the message with 404: no route for POST [redacted]',
    );
    expect((error as Error).message).not.toContain('SIGsecret123');
    expect((error as Error).message).not.toContain('/workflows/abc');
  });
});
