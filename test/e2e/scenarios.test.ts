/**
 * The whole path over real HTTP, for every scenario of DOMAIN.md §6: the Graph simulator delivers change
 * notifications to our /notifications, ingest queues them, the worker reads the simulator through the real Graph
 * client, the store records, the rules decide, and the scenario's expectation is checked — on SQLite and on
 * PostgreSQL.
 */
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/logger';
import { SCENARIOS } from '../../src/graph/simulator/scenarios';
import { runDemo } from '../../src/demo/run-demo';
import { ENGINES, createTestDatabase } from '../support/databases';

jest.setTimeout(480_000);

describe.each(ENGINES)('every scenario end to end on %s', (engine) => {
  it('ends with exactly the alerts each scenario expects', async () => {
    const database = await createTestDatabase(engine);
    // The demo opens its own connection to the fresh database; the test's own stays idle until drop().
    try {
      const report = await runDemo({
        scenarios: SCENARIOS,
        config: loadConfig({}),
        logger: silentLogger(),
        databaseUrl: database.url,
        timeoutMs: 240_000,
      });
      const failures = report.scenarios
        .filter((s) => !s.passed)
        .map((s) => `${s.number}. ${s.title}: ${s.problems.join('; ')}`);
      expect(failures).toEqual([]);
      expect(report.scenarios.map((s) => s.number)).toEqual(SCENARIOS.map((s) => s.number));
    } finally {
      await database.drop();
    }
  });
});
