import { buildAlertMessage } from '../../src/alerts/alert-message';
import { verifySignature } from '../../src/alerts/webhook-signature';
import { createWebhookSink } from '../../src/alerts/webhook-sink';
import { PermanentError } from '../../src/errors';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { alertOf, swapFinding } from './alert-fixtures';

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
