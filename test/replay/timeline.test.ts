import { ReplayInputError } from '../../src/replay/replay-input-error';
import { timeline } from '../../src/replay/timeline';
import { createStore } from '../../src/store/sql-store';
import type { Store } from '../../src/store/store';
import { ENGINES, createTestDatabase, type TestDatabase } from '../support/databases';
import { TENANT_ID } from '../fixtures/licensing';
import { MAIN_LINE, MAIN_LINE_UPN, addRaLicense, removeStandard, seedScenarios } from './replay-scenarios';

describe.each(ENGINES)('an account timeline on %s', (engine) => {
  let testDb: TestDatabase;
  let store: Store;

  beforeAll(async () => {
    testDb = await createTestDatabase(engine);
    store = createStore(testDb.database);
    await seedScenarios(store);
  });
  afterAll(async () => {
    await testDb.drop();
  });

  it('lists every license change in order with its activities, and every alert raised and resolved', async () => {
    const view = await timeline(store, TENANT_ID, MAIN_LINE_UPN);
    expect(view).toMatchObject({
      tenantId: TENANT_ID,
      userId: MAIN_LINE,
      userPrincipalName: MAIN_LINE_UPN,
      displayName: 'Main Line',
    });
    expect(view.changes.map((c) => c.receivedAt)).toEqual([
      '2026-11-25T09:00:00.000Z',
      '2026-11-25T10:02:00.000Z',
    ]);
    expect(view.changes[1]!.activities.map((a) => [a.activityId, a.at, a.initiatedBy])).toEqual([
      [removeStandard.activityId, removeStandard.at, 'admin@contoso.com'],
      [addRaLicense.activityId, addRaLicense.at, 'provisioning-app'],
    ]);
    expect(view.alerts.map((a) => `${a.ruleId} ${a.state}`).sort()).toEqual([
      'ra.non-atomic-swap open',
      'ra.standard-on-ra resolved',
      'ra.unlicensed resolved',
    ]);
    expect(
      view.entries.map((e) => `${e.at} ${e.kind}${e.kind === 'change' ? '' : ` ${e.alert.ruleId}`}`),
    ).toEqual([
      '2026-11-25T09:00:00.000Z change',
      '2026-11-25T09:00:05.000Z alert-raised ra.standard-on-ra',
      '2026-11-25T09:00:05.000Z alert-raised ra.unlicensed',
      '2026-11-25T10:02:00.000Z change',
      '2026-11-25T10:02:05.000Z alert-resolved ra.standard-on-ra',
      '2026-11-25T10:02:05.000Z alert-resolved ra.unlicensed',
      '2026-11-25T10:07:00.000Z alert-raised ra.non-atomic-swap',
    ]);
  });

  it('finds the account by object id too, in any case', async () => {
    const view = await timeline(store, TENANT_ID, MAIN_LINE.toUpperCase());
    expect(view.changes).toHaveLength(2);
  });

  it('refuses an account it never saw, and a UPN without a tenant', async () => {
    await expect(timeline(store, TENANT_ID, 'nobody@contoso.onmicrosoft.com')).rejects.toMatchObject({
      code: 'unknown-user',
    });
    await expect(timeline(store, null, MAIN_LINE_UPN)).rejects.toBeInstanceOf(ReplayInputError);
  });
});
