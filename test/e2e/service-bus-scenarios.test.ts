/**
 * The whole path on the Service Bus transport, for every scenario of DOMAIN.md §6 (as scenarios.test.ts runs them
 * on the embedded queue): QUEUE=service-bus through the real @azure/service-bus SDK to the local AMQP 1.0 test
 * broker (sessions per user, scheduled swap follow-ups, dead-lettering), and the store on SQLite.
 */
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/logger';
import { SCENARIOS } from '../../src/graph/simulator/scenarios';
import { runDemo } from '../../src/demo/run-demo';
import { startAmqpBroker, type AmqpBroker } from '../peers/service-bus-broker/amqp-broker';

// As scenarios.test.ts: CI machines are loaded, and the ten scenarios wait on delayed follow-ups.
jest.setTimeout(480_000);

describe('every scenario end to end on Service Bus', () => {
  let broker: AmqpBroker;
  beforeAll(async () => {
    broker = await startAmqpBroker([{ name: 'ra-watch', requiresSession: true }]);
  });
  afterAll(() => broker.close());

  it('ends with exactly the alerts each scenario expects', async () => {
    const report = await runDemo({
      scenarios: SCENARIOS,
      config: loadConfig({}),
      logger: silentLogger(),
      queue: {
        kind: 'service-bus',
        queueName: 'ra-watch',
        connectionString: broker.connectionString,
        maxDeliveries: 10,
      },
      timeoutMs: 240_000,
    });
    const failures = report.scenarios
      .filter((s) => !s.passed)
      .map((s) => `${s.number}. ${s.title}: ${s.problems.join('; ')}`);
    expect(failures).toEqual([]);
    expect(report.scenarios.map((s) => s.number)).toEqual(SCENARIOS.map((s) => s.number));
    // The work went through the broker (not a fallback to the embedded queue), and none of it was given up on.
    const queue = broker.queue('ra-watch');
    expect(queue.enqueuedCount).toBeGreaterThan(0);
    expect(queue.deadLetters?.messages.map((m) => m.message.application_properties)).toEqual([]);
  });
});
