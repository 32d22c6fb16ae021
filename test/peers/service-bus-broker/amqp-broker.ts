/**
 * A test peer: an AMQP 1.0 broker on `rhea` that speaks enough of Azure Service Bus's dialect for the unmodified
 * `@azure/service-bus` SDK, connected with `...;UseDevelopmentEmulator=true` (plain AMQP, no TLS, any port).
 *
 * What the SDK needs, and where it is handled:
 * - SASL ANONYMOUS/PLAIN, then a CBS `put-token` on `$cbs` before every link (answered 200: no auth here);
 * - sender links to `<queue>`: single messages and batches (message format 0x80013700, one encoded message per
 *   data section), `max_message_size` advertised on attach (the SDK sizes batches from it);
 * - receiver links on `<queue>` and `<queue>/$DeadLetterQueue`, peek-lock: 16-byte delivery tags are the lock
 *   tokens (in .NET GUID byte order), annotations x-opt-sequence-number / -enqueued-time / -locked-until;
 * - sessions: the `com.microsoft:session-filter` source filter (null = next free session; the reply names the
 *   locked session) and `com.microsoft:locked-until-utc` (.NET ticks) in the attach properties;
 * - dispositions: accepted = complete, released/modified = abandon, rejected with `com.microsoft:dead-letter`
 *   (reason/description in the error info) = dead-letter; a settle with a lost lock is answered with an error;
 * - `$management` request/response operations: management-operations.ts.
 */
import type { AddressInfo, Socket } from 'node:net';
import rhea, { type Connection, type Delivery, type EventContext, type Message, type Sender } from 'rhea';
import { BrokerQueue, decodeMessage, type BrokerQueueOptions, type StoredMessage } from './broker-queue';
import { handleManagementRequest } from './management-operations';
import {
  BATCH_FORMAT,
  SESSION_FILTER,
  batchSections,
  frames,
  guidOrder,
  outcomes,
  ticksFor,
} from './service-bus-wire';

export interface AmqpBroker {
  port: number;
  connectionString: string;
  queue(name: string): BrokerQueue;
  close(): Promise<void>;
}

interface Consumer {
  queue: BrokerQueue;
  sessionId: string | undefined;
  /** Delivery id → (message, token) for dispositions. */
  deliveries: Map<number, { stored: StoredMessage; token: string }>;
  /** Messages handed to rhea on this link; rhea counts credit only when it transmits them. */
  sent: number;
}

export async function startAmqpBroker(
  queues: Array<Partial<BrokerQueueOptions> & { name: string }>,
): Promise<AmqpBroker> {
  let sequence = 0;
  const entities = new Map<string, BrokerQueue>();
  for (const options of queues) {
    entities.set(
      options.name,
      new BrokerQueue(
        {
          lockDurationMs: 30_000,
          maxDeliveryCount: 10,
          duplicateWindowMs: 600_000,
          requiresSession: false,
          ...options,
        },
        () => (sequence += 1),
      ),
    );
  }
  const consumers = new Map<Sender, Consumer>();
  const container = rhea.create_container({ id: 'ra-watch-test-broker' });
  // The SDK authenticates on $cbs after SASL; any SASL identity is accepted here.
  const mechanisms = container.sasl_server_mechanisms as {
    enable_anonymous(): void;
    enable_plain(check: () => boolean): void;
  };
  mechanisms.enable_anonymous();
  mechanisms.enable_plain(() => true);

  function entity(address: string | undefined): BrokerQueue | undefined {
    if (address === undefined) return undefined;
    const path = address.replace(/^amqps?:\/\/[^/]+\//, '').replace(/^sb:\/\/[^/]+\//, '');
    const main = entities.get(path.replace(/\/\$DeadLetterQueue$/i, ''));
    if (main === undefined) return undefined;
    return /\/\$DeadLetterQueue$/i.test(path) ? main.deadLetters : main;
  }

  function deliver(link: Sender, consumer: Consumer): void {
    const now = Date.now();
    // rhea decrements `credit` (and raises `delivery_count`) only when a delivery goes on the wire, so the
    // deliveries queued but not yet written must be counted against the credit here.
    const counters = link as unknown as { credit: number; delivery_count: number };
    while (link.is_open() && counters.credit - (consumer.sent - counters.delivery_count) > 0) {
      const taken = consumer.queue.take(link, consumer.sessionId, now);
      if (taken === undefined) break;
      const { stored, token } = taken;
      const message: Message = {
        ...stored.message,
        delivery_count: stored.deliveryCount,
        message_annotations: {
          ...(stored.message.message_annotations ?? {}),
          'x-opt-sequence-number': rhea.types.wrap_long(stored.sequenceNumber),
          'x-opt-enqueued-time': new Date(stored.enqueuedAt),
          'x-opt-locked-until': new Date(stored.lock?.lockedUntil ?? now),
        },
      };
      const delivery = link.send(message, guidOrder(token));
      consumer.sent += 1;
      consumer.deliveries.set(delivery.id, { stored, token: stored.lock?.token ?? '' });
    }
  }

  function pumpAll(): void {
    for (const [link, consumer] of consumers) if (link.is_open()) deliver(link, consumer);
  }

  function settle(link: Sender, delivery: Delivery, outcome: 'complete' | 'abandon' | 'dead-letter'): void {
    const consumer = consumers.get(link);
    const entry = consumer?.deliveries.get(delivery.id);
    if (consumer === undefined || entry === undefined) return;
    consumer.deliveries.delete(delivery.id);
    const now = Date.now();
    const { stored, token } = entry;
    if (!consumer.queue.holds(stored, token, link, now)) {
      const condition =
        consumer.sessionId !== undefined
          ? 'com.microsoft:session-lock-lost'
          : 'com.microsoft:message-lock-lost';
      delivery.update(
        true,
        outcomes
          .rejected({
            error: {
              condition,
              description: 'The lock supplied is invalid: it expired or the message was settled.',
            },
          })
          .described(),
      );
      return;
    }
    if (outcome === 'complete') consumer.queue.complete(stored);
    if (outcome === 'abandon') consumer.queue.release(stored, now);
    if (outcome === 'dead-letter') {
      const info =
        (delivery.remote_state as { error?: { info?: Record<string, unknown> } } | undefined)?.error?.info ??
        {};
      const reason = typeof info.DeadLetterReason === 'string' ? info.DeadLetterReason : 'unspecified';
      const description =
        typeof info.DeadLetterErrorDescription === 'string' ? info.DeadLetterErrorDescription : undefined;
      consumer.queue.deadLetter(stored, { reason, description }, now);
    }
    delivery.update(true, outcomes.accepted().described());
    pumpAll();
  }

  container.on('sender_open', (context: EventContext) => {
    const link = context.sender!;
    const remote = frames(link).remote.attach;
    const address = remote.source?.address;
    const local = frames(link).local.attach;
    if (address !== undefined && /\$(management|cbs)$/.test(address)) return;
    const queue = entity(address);
    if (queue === undefined) {
      link.close({
        condition: 'amqp:not-found',
        description: `The messaging entity '${address ?? ''}' could not be found.`,
      });
      return;
    }
    const filter = remote.source?.filter;
    let sessionId: string | undefined;
    if (filter !== undefined && filter !== null && SESSION_FILTER in filter) {
      const now = Date.now();
      const wanted = filter[SESSION_FILTER];
      const candidate = typeof wanted === 'string' ? wanted : queue.nextFreeSession(now);
      const lock = candidate === undefined ? undefined : queue.lockSession(candidate, link, now);
      link.set_source({
        address: address ?? '',
        filter: lock === undefined ? {} : { [SESSION_FILTER]: candidate },
      });
      if (lock === undefined || candidate === undefined) {
        link.close({
          condition: 'com.microsoft:timeout',
          description: 'No unlocked session with messages is available.',
        });
        return;
      }
      local.properties = { 'com.microsoft:locked-until-utc': ticksFor(lock.lockedUntil) };
      sessionId = candidate;
    } else if (queue.options.requiresSession) {
      link.close({
        condition: 'amqp:not-allowed',
        description:
          'It is not possible for an entity that requires sessions to create a non-sessionful message receiver.',
      });
      return;
    }
    consumers.set(link, { queue, sessionId, deliveries: new Map(), sent: 0 });
  });

  container.on('sendable', (context: EventContext) => {
    const consumer = consumers.get(context.sender!);
    if (consumer !== undefined) deliver(context.sender!, consumer);
  });
  container.on('sender_draining', (context: EventContext) => {
    const link = context.sender!;
    const consumer = consumers.get(link);
    if (consumer !== undefined) deliver(link, consumer);
    link.set_drained(true);
  });
  container.on('accepted', (context: EventContext) => settle(context.sender!, context.delivery!, 'complete'));
  container.on('released', (context: EventContext) => settle(context.sender!, context.delivery!, 'abandon'));
  container.on('rejected', (context: EventContext) => {
    const error = (context.delivery!.remote_state as { error?: { condition?: string } } | undefined)?.error;
    settle(
      context.sender!,
      context.delivery!,
      error?.condition === 'com.microsoft:dead-letter' ? 'dead-letter' : 'abandon',
    );
  });

  function closeConsumer(link: Sender): void {
    const consumer = consumers.get(link);
    if (consumer === undefined) return;
    consumers.delete(link);
    // A session receiver that goes away gives its session back; plain peek-locks run to their expiry.
    if (consumer.sessionId !== undefined) consumer.queue.releaseHolder(link, Date.now());
    pumpAll();
  }
  container.on('sender_close', (context: EventContext) => closeConsumer(context.sender!));
  container.on('sender_error', () => undefined);
  container.on('receiver_error', () => undefined);
  container.on('connection_close', (context: EventContext) => {
    for (const link of [...consumers.keys()]) if (link.connection === context.connection) closeConsumer(link);
  });
  container.on('disconnected', (context: EventContext) => {
    for (const link of [...consumers.keys()]) if (link.connection === context.connection) closeConsumer(link);
  });

  container.on('receiver_open', (context: EventContext) => {
    const link = context.receiver!;
    frames(link).local.attach.max_message_size = 1024 * 1024;
    const address = frames(link).remote.attach.target?.address;
    if (address !== undefined && !/\$(management|cbs)$/.test(address) && entity(address) === undefined) {
      link.close({
        condition: 'amqp:not-found',
        description: `The messaging entity '${address}' could not be found.`,
      });
    }
  });

  container.on('message', (context: EventContext) => {
    const link = context.receiver!;
    const address = frames(link).remote.attach.target?.address ?? '';
    const request = context.message!;
    if (address.endsWith('$cbs')) {
      reply(context.connection, request, { 'status-code': 200, 'status-description': 'OK' }, undefined);
      return;
    }
    if (address.endsWith('$management')) {
      const queue = entity(address.replace(/\/\$management$/, ''));
      const response = handleManagementRequest(queue, request, Date.now());
      reply(context.connection, request, response.properties, response.body);
      pumpAll();
      return;
    }
    const queue = entity(address);
    if (queue === undefined) return;
    const now = Date.now();
    if (context.delivery!.format === BATCH_FORMAT) {
      // rhea hands non-zero message formats over undecoded.
      const batch = decodeMessage(request as unknown as Buffer);
      for (const section of batchSections(batch)) queue.enqueue(decodeMessage(section), now);
    } else {
      queue.enqueue(request, now);
    }
    pumpAll();
  });

  /** Responses go back on the requester's receiving link: the one named (or targeted) by its reply-to. */
  function reply(
    connection: Connection,
    request: Message,
    properties: Record<string, unknown>,
    body: unknown,
  ): void {
    const replyTo = request.reply_to;
    const sender = connection.find_sender(
      (link: Sender) => link.name === replyTo || frames(link).remote.attach.target?.address === replyTo,
    );
    sender?.send({ correlation_id: request.message_id, application_properties: properties, body });
  }

  const ticker = setInterval(() => {
    const now = Date.now();
    for (const queue of entities.values()) {
      for (const holder of queue.expire(now)) {
        const link = holder as Sender;
        consumers.delete(link);
        if (link.is_open())
          link.close({
            condition: 'com.microsoft:session-lock-lost',
            description: 'The session lock has expired.',
          });
      }
      queue.deadLetters?.expire(now);
    }
    pumpAll();
  }, 20);
  ticker.unref();

  const server = container.listen({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  const connections = new Set<Connection>();
  container.on('connection_open', (context: EventContext) => connections.add(context.connection));
  container.on('disconnected', (context: EventContext) => connections.delete(context.connection));

  /** Cuts a connection's socket the way rhea does for a dead peer, so its heartbeat timers stop too. */
  function cut(connection: Connection): void {
    const internals = connection as unknown as { socket?: Socket; abort_socket(socket: Socket): void };
    if (internals.socket !== undefined) internals.abort_socket(internals.socket);
    connections.delete(connection);
  }

  return {
    port,
    connectionString: `Endpoint=sb://127.0.0.1:${port}/;SharedAccessKeyName=test;SharedAccessKey=dGVzdA==;UseDevelopmentEmulator=true`,
    queue(name) {
      const queue = entities.get(name);
      if (queue === undefined) throw new Error(`no queue ${name} on the test broker`);
      return queue;
    },
    async close() {
      clearInterval(ticker);
      for (const connection of [...connections]) cut(connection);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
