/**
 * The test broker speaks enough Service Bus for the real SDK: plain send / peek-lock receive / complete, over
 * a real socket. (The adapter's contract is in service-bus-queue.test.ts; this pins the peer itself.)
 */
import { ServiceBusClient } from '@azure/service-bus';
import { startAmqpBroker, type AmqpBroker } from '../support/amqp-broker/amqp-broker';

describe('the AMQP test broker, driven by the real @azure/service-bus SDK', () => {
  let broker: AmqpBroker;
  let client: ServiceBusClient;

  beforeEach(async () => {
    broker = await startAmqpBroker([
      { name: 'plain', lockDurationMs: 5_000, maxDeliveryCount: 2 },
      { name: 'sessions', requiresSession: true, lockDurationMs: 300, maxDeliveryCount: 3 },
    ]);
    client = new ServiceBusClient(broker.connectionString, { retryOptions: { maxRetries: 0, timeoutInMs: 5_000 } });
  });
  afterEach(async () => {
    await client.close();
    await broker.close();
  });

  it('sends a batch, receives it peek-locked in order with counts and lock tokens, and completes it', async () => {
    const sender = client.createSender('plain');
    await sender.sendMessages([{ body: { n: 1 }, messageId: 'a' }, { body: { n: 2 }, messageId: 'b' }]);
    const receiver = client.createReceiver('plain');
    const received = await receiver.receiveMessages(5, { maxWaitTimeInMs: 2_000 });
    expect(received.map((m) => m.body)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(received.map((m) => m.deliveryCount)).toEqual([1, 1]);
    expect(received[0]!.lockToken).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(received[1]!.sequenceNumber)).toBeGreaterThan(Number(received[0]!.sequenceNumber));
    for (const message of received) await receiver.completeMessage(message);
    expect(broker.queue('plain').messages).toEqual([]);
    await receiver.close();
    await sender.close();
  });
});
