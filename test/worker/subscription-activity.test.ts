import { createSubscriptionActivity } from '../../src/worker/subscription-activity';
import { createStore } from '../../src/store/sql-store';
import { silentLogger } from '../../src/logger';
import { createTestDatabase, type TestDatabase } from '../support/databases';

describe('the last notification time of a subscription', () => {
  let db: TestDatabase;
  afterEach(() => db.drop());

  it('is recorded, then written again only after a minute however many notifications arrive', async () => {
    db = await createTestDatabase('sqlite');
    const store = createStore(db.database);
    await store.subscriptions.upsert({
      id: 'sub-1',
      tenantId: 't1',
      resource: 'users',
      changeType: 'updated,deleted',
      notificationUrl: 'https://ra-watch.contoso.com/notifications',
      lifecycleNotificationUrl: null,
      expiresAt: '2026-12-20T00:00:00.000Z',
      clientStateRef: 'CLIENT_STATE#1',
      createdAt: '2026-11-27T00:00:00.000Z',
      lastRenewedAt: null,
      lastNotificationAt: null,
      status: 'active',
    });
    const note = createSubscriptionActivity(store, silentLogger());
    await note(['sub-1', 'sub-1'], new Date('2026-11-27T10:00:00.000Z'));
    expect((await store.subscriptions.get('sub-1'))?.lastNotificationAt).toBe('2026-11-27T10:00:00.000Z');
    await note(['sub-1'], new Date('2026-11-27T10:00:30.000Z'));
    expect((await store.subscriptions.get('sub-1'))?.lastNotificationAt).toBe('2026-11-27T10:00:00.000Z');
    await note(['sub-1'], new Date('2026-11-27T10:01:01.000Z'));
    expect((await store.subscriptions.get('sub-1'))?.lastNotificationAt).toBe('2026-11-27T10:01:01.000Z');
  });
});
