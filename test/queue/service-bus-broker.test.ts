/**
 * The test broker speaks enough Service Bus for the real SDK: plain send / peek-lock receive / complete, over
 * a real socket. (The adapter's contract is in service-bus-queue.test.ts; this pins the peer itself.)
 */
import { ServiceBusClient } from '@azure/service-bus';
import { startAmqpBroker, type AmqpBroker } from '../peers/service-bus-broker/amqp-broker';

describe('the AMQP test broker, driven by the real @azure/service-bus SDK', () => {
  let broker: AmqpBroker;
  let client: ServiceBusClient;

  beforeEach(async () => {
    broker = await startAmqpBroker([
      { name: 'plain', lockDurationMs: 5_000, maxDeliveryCount: 2 },
      { name: 'sessions', requiresSession: true, lockDurationMs: 3_000, maxDeliveryCount: 3 },
    ]);
    client = new ServiceBusClient(broker.connectionString, {
      retryOptions: { maxRetries: 0, timeoutInMs: 5_000 },
    });
  });
  afterEach(async () => {
    await client.close();
    await broker.close();
  });

  it('sends a batch, receives it peek-locked in order with counts and lock tokens, and completes it', async () => {
    const sender = client.createSender('plain');
    await sender.sendMessages([
      { body: { n: 1 }, messageId: 'a' },
      { body: { n: 2 }, messageId: 'b' },
    ]);
    const receiver = client.createReceiver('plain');
    const received = await receiver.receiveMessages(5, { maxWaitTimeInMs: 2_000 });
    expect(received.map((m): unknown => m.body)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(received.map((m) => m.deliveryCount)).toEqual([1, 1]);
    expect(received[0]!.lockToken).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(received[1]!.sequenceNumber)).toBeGreaterThan(Number(received[0]!.sequenceNumber));
    for (const message of received) await receiver.completeMessage(message);
    expect(broker.queue('plain').messages).toEqual([]);
    await receiver.close();
    await sender.close();
  });

  it('locks one session per receiver, keeps its order, dead-letters with the reason and redelivers after the session lock ends', async () => {
    const sender = client.createSender('sessions');
    await sender.sendMessages([
      { body: 'a1', messageId: 'a1', sessionId: 'A' },
      { body: 'a2', messageId: 'a2', sessionId: 'A' },
    ]);
    const first = await client.acceptNextSession('sessions', { maxAutoLockRenewalDurationInMs: 0 });
    expect(first.sessionId).toBe('A');
    expect(first.sessionLockedUntilUtc.getTime()).toBeGreaterThan(Date.now() - 1_000);
    await expect(
      client.acceptNextSession('sessions', { maxAutoLockRenewalDurationInMs: 0 }),
    ).rejects.toMatchObject({ code: 'ServiceTimeout' });

    const [a1] = await first.receiveMessages(1, { maxWaitTimeInMs: 2_000 });
    expect(a1).toMatchObject({ body: 'a1', deliveryCount: 1, sessionId: 'A' });
    await first.abandonMessage(a1!);
    const [again] = await first.receiveMessages(1, { maxWaitTimeInMs: 2_000 });
    expect(again).toMatchObject({ body: 'a1', deliveryCount: 2 });
    await first.deadLetterMessage(again!, { deadLetterReason: 'bad', deadLetterErrorDescription: 'why' });
    const [a2] = await first.receiveMessages(1, { maxWaitTimeInMs: 2_000 });
    expect(a2?.body).toBe('a2');
    // Nothing renews the session lock (3 s): the broker takes the session back and the settle fails.
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    await expect(first.completeMessage(a2!)).rejects.toMatchObject({ code: 'SessionLockLost' });
    await first.close();

    const second = await client.acceptNextSession('sessions', { maxAutoLockRenewalDurationInMs: 0 });
    const [a2again] = await second.receiveMessages(1, { maxWaitTimeInMs: 2_000 });
    expect(a2again).toMatchObject({ body: 'a2', deliveryCount: 2 });
    await second.completeMessage(a2again!);
    await second.close();

    const deadLetters = client.createReceiver('sessions', { subQueueType: 'deadLetter' });
    const peeked = await deadLetters.peekMessages(10);
    expect(peeked.map((m): unknown[] => [m.body, m.deadLetterReason, m.deadLetterErrorDescription])).toEqual([
      ['a1', 'bad', 'why'],
    ]);
    await deadLetters.close();
    await sender.close();
  });
});
