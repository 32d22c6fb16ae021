import type { LicenseChange, UserSnapshot } from '../../src/glossary';
import { createStoredResourceAccountLookup } from '../../src/replay/replay-resource-accounts';
import { createStore } from '../../src/store/sql-store';
import type { Store } from '../../src/store/store';
import { ENGINES, createTestDatabase, type TestDatabase } from '../support/databases';
import { TENANT_ID, lic, snapshot } from '../fixtures/licensing';
import { catalog } from './replay-scenarios';

const USER = 'e7b0a6b5-3fc8-4cbe-8a59-0b6c4d3fbd85';

function change(before: UserSnapshot | null, after: UserSnapshot): LicenseChange {
  return {
    tenantId: TENANT_ID,
    userId: USER,
    before,
    after,
    addedSkuIds: [],
    removedSkuIds: [],
    receivedAt: after.observedAt,
    graphTime: null,
    source: { kind: 'notification', subscriptionId: null, messageId: null },
    activities: [],
  };
}

const account = (licenses: UserSnapshot['assignedLicenses'], extra: Partial<UserSnapshot> = {}) =>
  snapshot(licenses, { userId: USER, accountEnabled: true, department: 'Sales', ...extra });

describe.each(ENGINES)('resource accounts at replay time on %s', (engine) => {
  let testDb: TestDatabase;
  let store: Store;

  beforeEach(async () => {
    testDb = await createTestDatabase(engine);
    store = createStore(testDb.database);
  });
  afterEach(async () => {
    await testDb.drop();
  });

  it('falls back to the conventions when the store knows nothing of the account', async () => {
    const lookup = createStoredResourceAccountLookup(store);
    const instance = account([], {
      accountEnabled: false,
      department: 'Microsoft Communication Application Instance',
    });
    expect(await lookup(change(null, instance), catalog)).toMatchObject({
      identifiedBy: 'convention',
      userId: USER,
    });
    expect(await lookup(change(null, account([lic.ra()])), catalog)).toMatchObject({
      identifiedBy: 'convention',
    });
    expect(await lookup(change(null, account([lic.e5()])), catalog)).toBeNull();
  });

  it('recognises an account stripped of its RA license by the snapshot before the change', async () => {
    const lookup = createStoredResourceAccountLookup(store);
    const found = await lookup(change(account([lic.ra()]), account([])), catalog);
    expect(found).toMatchObject({ identifiedBy: 'convention', userId: USER });
  });

  it("lets Teams' answer that it is an ordinary user beat the license convention", async () => {
    await store.identifications.put({
      tenantId: TENANT_ID,
      userId: USER,
      isResourceAccount: false,
      identifiedBy: 'teams-user-configuration',
      detail: 'accountType=user',
      application: 'unknown',
      checkedAt: '2026-11-27T08:00:00.000Z',
    });
    const lookup = createStoredResourceAccountLookup(store);
    expect(await lookup(change(null, account([lic.ra()])), catalog)).toBeNull();
  });

  it('lets the registry win both ways', async () => {
    await store.registry.put({
      tenantId: TENANT_ID,
      userId: USER,
      isResourceAccount: false,
      application: 'unknown',
      note: 'a person, despite the department',
      updatedAt: '2026-11-27T08:00:00.000Z',
      updatedBy: 'admin@contoso.com',
    });
    const lookup = createStoredResourceAccountLookup(store);
    const instance = account([lic.ra()], {
      accountEnabled: false,
      department: 'Microsoft Communication Application Instance',
    });
    expect(await lookup(change(account([lic.ra()]), instance), catalog)).toBeNull();
  });
});
