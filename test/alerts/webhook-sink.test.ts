import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { buildAlertMessage } from '../../src/alerts/alert-message';
import { warnIfWebhookUnsigned } from '../../src/alerts/sinks-from-config';
import { verifySignature } from '../../src/alerts/webhook-signature';
import { createWebhookSink, type WebhookBody } from '../../src/alerts/webhook-sink';
import { PermanentError } from '../../src/errors';
import {
  startWebhookReceiver,
  type ReceivedRequest,
  type WebhookReceiver,
} from '../support/webhook-receiver';
import { alertOf, swapFinding, unlicensedFinding } from './alert-fixtures';
import { captureLog, startHarness } from './dispatch-harness';

const SECRET = 'whsec-0123456789abcdef';

describe('generic webhook sink (signed JSON to a local receiver)', () => {
  let receiver: WebhookReceiver;
  beforeEach(async () => {
    receiver = await startWebhookReceiver({ path: '/hooks/ra-watch?token=psaToken42' });
  });
  afterEach(async () => {
    await receiver.close();
  });
  const message = () => buildAlertMessage(alertOf(swapFinding()), 'opened', { publicBaseUrl: null });

  it('signs the raw body with HMAC-SHA256 so the receiver can verify it with the shared secret', async () => {
    await createWebhookSink({ url: receiver.url, secret: SECRET }).send(message(), 'outbox-42');
    const [request] = await receiver.waitFor(1);
    const signature = request!.headers['x-ra-watch-signature'] as string;
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifySignature(request!.raw, SECRET, signature)).toBe(true);
    expect(verifySignature(request!.raw, 'another-secret-xxxxxxxx', signature)).toBe(false);
    expect(verifySignature(Buffer.concat([request!.raw, Buffer.from(' ')]), SECRET, signature)).toBe(false);
  });

  it("carries the console's alert page as the message's link, where a browser lands (issue 20 item 1)", async () => {
    const linked = buildAlertMessage(alertOf(swapFinding()), 'opened', {
      publicBaseUrl: 'https://ra-watch.contoso.com/',
    });
    await createWebhookSink({ url: receiver.url, secret: null }).send(linked, 'outbox-44');
    const [request] = await receiver.waitFor(1);
    expect((request!.body as WebhookBody).message).toMatchObject({
      link: 'https://ra-watch.contoso.com/alert.html?id=alert-0001',
    });
  });

  it('sends the idempotency key as a header and in the body, with the full message', async () => {
    await createWebhookSink({ url: receiver.url, secret: SECRET }).send(message(), 'outbox-43');
    const [request] = await receiver.waitFor(1);
    expect(request!.headers['idempotency-key']).toBe('outbox-43');
    expect(request!.body).toMatchObject({
      schema: 'ra-watch.alert/1',
      idempotencyKey: 'outbox-43',
      message: { type: 'alert', kind: 'opened', ruleId: 'ra.non-atomic-swap', severity: 'critical' },
    });
  });

  it('sends no signature header without a secret', async () => {
    await createWebhookSink({ url: receiver.url, secret: null }).send(message(), 'k');
    const [request] = await receiver.waitFor(1);
    expect(request!.headers['x-ra-watch-signature']).toBeUndefined();
  });

  it('a 400 from the receiver is permanent and the error does not carry the URL token', async () => {
    receiver.script.push({ status: 400, body: 'bad payload' });
    const error = await createWebhookSink({ url: receiver.url, secret: null })
      .send(message(), 'k')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toContain('400');
    expect((error as Error).message).not.toContain('psaToken42');
  });
});

/** The request's headers as the `standardwebhooks` library takes them (string values only). */
function headersOf(request: ReceivedRequest): Record<string, string> {
  return Object.fromEntries(
    Object.entries(request.headers).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
}

describe('generic webhook signed per Standard Webhooks, verified by the standardwebhooks package', () => {
  // The convention's own secret form: whsec_ + base64 of random bytes.
  const WHSEC = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
  let receiver: WebhookReceiver;
  beforeEach(async () => {
    receiver = await startWebhookReceiver();
  });
  afterEach(async () => {
    await receiver.close();
  });
  const message = () => buildAlertMessage(alertOf(swapFinding()), 'opened', { publicBaseUrl: null });

  it('signs "id.timestamp.body" so an independent implementation accepts it with the whsec_ secret', async () => {
    await createWebhookSink({ url: receiver.url, secret: WHSEC }).send(message(), 'outbox-7:webhook');
    const [request] = await receiver.waitFor(1);
    const headers = headersOf(request!);
    expect(headers['webhook-id']).toBe('outbox-7:webhook');
    expect(headers['webhook-timestamp']).toMatch(/^\d{10}$/);
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    const body = new Webhook(WHSEC).verify(request!.raw, headers) as WebhookBody;
    expect(body).toMatchObject({ schema: 'ra-watch.alert/1', message: { ruleId: 'ra.non-atomic-swap' } });
    // The earlier header stays for receivers written against it.
    expect(verifySignature(request!.raw, WHSEC, headers['x-ra-watch-signature'])).toBe(true);
  });

  it('refuses a wrong secret, a changed body, another id and a replayed (old) request', async () => {
    const tenMinutesAgo = () => new Date(Date.now() - 10 * 60_000);
    await createWebhookSink({ url: receiver.url, secret: WHSEC }).send(message(), 'fresh');
    await createWebhookSink({ url: receiver.url, secret: WHSEC, now: tenMinutesAgo }).send(message(), 'old');
    const [fresh, old] = await receiver.waitFor(2);
    const verifier = new Webhook(WHSEC);
    const other = new Webhook(`whsec_${Buffer.from('another-secret-another-secret-!!').toString('base64')}`);
    expect(() => other.verify(fresh!.raw, headersOf(fresh!))).toThrow(WebhookVerificationError);
    const changed = Buffer.concat([fresh!.raw.subarray(0, -1), Buffer.from(' }')]);
    expect(() => verifier.verify(changed, headersOf(fresh!))).toThrow('No matching signature found');
    expect(() => verifier.verify(fresh!.raw, { ...headersOf(fresh!), 'webhook-id': 'x' })).toThrow(
      'No matching signature found',
    );
    // Signed ten minutes ago: past the library's five-minute tolerance, so a captured request cannot be replayed.
    expect(() => verifier.verify(old!.raw, headersOf(old!))).toThrow('Message timestamp too old');
  });

  it('accepts a secret that is not in whsec_ form as raw bytes (the libraries\' "raw" format)', async () => {
    const raw = 'a-plain-secret-of-some-length';
    await createWebhookSink({ url: receiver.url, secret: raw }).send(message(), 'k-raw');
    const [request] = await receiver.waitFor(1);
    expect(() => new Webhook(raw, { format: 'raw' }).verify(request!.raw, headersOf(request!))).not.toThrow();
  });

  it('keeps the same webhook-id across retries of one message, so the receiver can drop a second copy', async () => {
    const sink = createWebhookSink({ url: receiver.url, secret: WHSEC });
    receiver.script.push({ status: 503 });
    await expect(sink.send(message(), 'outbox-9:webhook')).rejects.toThrow();
    await sink.send(message(), 'outbox-9:webhook');
    const [first, second] = await receiver.waitFor(2);
    expect(first!.headers['webhook-id']).toBe(second!.headers['webhook-id']);
    expect(() => new Webhook(WHSEC).verify(second!.raw, headersOf(second!))).not.toThrow();
  });

  it('sends no Standard Webhooks headers without a secret, and warns at start that it is unsigned', async () => {
    await createWebhookSink({ url: receiver.url, secret: null }).send(message(), 'k');
    const [request] = await receiver.waitFor(1);
    expect(request!.headers['webhook-signature']).toBeUndefined();
    const log = captureLog();
    warnIfWebhookUnsigned(
      {
        slackWebhookUrl: null,
        teamsWebhookUrl: null,
        email: null,
        alertWebhook: { url: receiver.url, secret: null, digests: false },
      },
      log.logger,
    );
    expect(log.text()).toMatch(/"level":40.*sent unsigned/);
    const signed = captureLog();
    warnIfWebhookUnsigned(
      {
        slackWebhookUrl: null,
        teamsWebhookUrl: null,
        email: null,
        alertWebhook: { url: receiver.url, secret: WHSEC, digests: false },
      },
      signed.logger,
    );
    expect(signed.lines).toEqual([]);
  });
});

describe('generic webhook through the outbox dispatcher: one event per alert unless digests are asked for', () => {
  const userId = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
  let receiver: WebhookReceiver;
  beforeEach(async () => {
    receiver = await startWebhookReceiver();
  });
  afterEach(async () => {
    await receiver.close();
  });

  it.each([
    [false, 8, 'alert'],
    [true, 1, 'digest'],
  ])('with digests %s, a burst of 8 alerts is %i request(s) of type %s', async (digests, requests, type) => {
    const h = await startHarness('sqlite', [createWebhookSink({ url: receiver.url, secret: null, digests })]);
    try {
      for (let i = 1; i <= 8; i++)
        await h.observe(userId(i), [unlicensedFinding(userId(i), `ra${i}@contoso.com`)]);
      const summary = await h.dispatcher.runOnce();
      expect(summary).toMatchObject({ claimed: 16, delivered: 16, dead: 0 });
      const got = await receiver.waitFor(requests);
      expect(receiver.requests).toHaveLength(requests);
      for (const request of got) expect((request.body as WebhookBody).message.type).toBe(type);
      if (!digests) {
        const ids = got.map((r) => (r.body as { message: { alertId: string } }).message.alertId);
        expect(new Set(ids).size).toBe(8);
      }
    } finally {
      await h.close();
    }
  });
});
