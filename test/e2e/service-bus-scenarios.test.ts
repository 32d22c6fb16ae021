/**
 * The whole path on the Service Bus transport: the same scenarios as the embedded default, with QUEUE=service-bus
 * talking through the real @azure/service-bus SDK to the local AMQP 1.0 test broker (sessions per user, scheduled
 * swap follow-ups, dead-lettering), and the store on SQLite.
 */
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/logger';
import { SCENARIOS } from '../../src/graph/simulator/scenarios';
import { runDemo } from '../../src/demo/run-demo';
import { startAmqpBroker, type AmqpBroker } from '../peers/service-bus-broker/amqp-broker';

jest.setTimeout(240_000);

describe('scenarios 1-7 end to end on Service Bus', () => {
  let broker: AmqpBroker;
  beforeAll(async () => {
    broker = await startAmqpBroker([{ name: 'ra-watch', requiresSession: true }]);
  });
  afterAll(() => broker.close());

  it('ends with exactly the alerts each scenario expects', async () => {
    const scenarios = SCENARIOS.filter((s) => s.number <= 7);
    const report = await runDemo({
      scenarios,
      config: loadConfig({}),
      logger: silentLogger(),
      queue: { kind: 'service-bus', queueName: 'ra-watch', connectionString: broker.connectionString, maxDeliveries: 10 },
      timeoutMs: 180_000,
    });
    const failures = report.scenarios.filter((s) => !s.passed).map((s) => `${s.number}. ${s.title}: ${s.problems.join('; ')}`);
    expect(failures).toEqual([]);
  });
});
