/**
 * Event-log retention on both engines: events received before the retention window are purged with their
 * annotations; newer ones, and alerts, stay.
 */
import { createRetentionLoop } from '../../src/store/event-retention-loop';
import { createStore } from '../../src/store/sql-store';
import { silentLogger } from '../../src/logger';
import type { LicenseChange } from '../../src/glossary';
import { ENGINES, createTestDatabase, type TestDatabase } from '../support/databases';
import { TENANT_ID, SAMPLE_RA_ID, snapshot } from '../fixtures/licensing';

function change(receivedAt: string): LicenseChange {
  const after = snapshot([], { observedAt: receivedAt });
  return {
    tenantId: TENANT_ID,
    userId: SAMPLE_RA_ID,
    before: null,
    after,
    addedSkuIds: [],
    removedSkuIds: [],
    receivedAt,
    graphTime: null,
    source: { kind: 'notification', subscriptionId: null, messageId: null },
    activities: [],
  };
}

describe.each(ENGINES)('event-log retention on %s', (engine) => {
  let db: TestDatabase;
  afterEach(() => db.drop());

  it('purges events older than the window with their annotations, and keeps the rest', async () => {
    db = await createTestDatabase(engine);
    const store = createStore(db.database);
    const scope = { tenantId: TENANT_ID, userId: SAMPLE_RA_ID, ruleIds: [] };
    const old = await store.recordObservation(
      { change: change('2025-01-10T00:00:00.000Z'), scope, findings: [], at: '2025-01-10T00:00:00.000Z' },
      () => [],
    );
    await store.events.annotate(old.eventId!, { activities: [] });
    await store.recordObservation(
      { change: change('2026-11-01T00:00:00.000Z'), scope, findings: [], at: '2026-11-01T00:00:00.000Z' },
      () => [],
    );

    const loop = createRetentionLoop({
      store,
      logger: silentLogger(),
      retentionDays: 400,
      now: () => new Date('2026-11-27T00:00:00.000Z'),
    });
    expect(await loop.runOnce()).toBe(1);
    const left = await store.events.query({ tenantId: TENANT_ID });
    expect(left.map((e) => e.change.receivedAt)).toEqual(['2026-11-01T00:00:00.000Z']);
    expect(await loop.runOnce()).toBe(0);
  });
});
