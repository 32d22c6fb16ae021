import { PermanentError } from '../../src/errors';
import { notificationUrlsFor } from '../../src/subscriptions/notification-urls';

describe('where Graph reaches us', () => {
  it('derives /notifications and /lifecycle from PUBLIC_BASE_URL, without a double slash', () => {
    const urls = notificationUrlsFor('https://ra-watch.contoso.com/');
    expect(urls).toEqual({
      notificationUrl: 'https://ra-watch.contoso.com/notifications',
      lifecycleNotificationUrl: 'https://ra-watch.contoso.com/lifecycle',
      warning: null,
    });
  });

  it.each([null, '', '  '])(
    'refuses to go on without PUBLIC_BASE_URL (%p), saying Graph must reach /notifications',
    (base) => {
      let error: unknown;
      try {
        notificationUrlsFor(base);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(PermanentError);
      expect((error as PermanentError).reason).toBe('public-base-url-missing');
      expect((error as Error).message).toMatch(/PUBLIC_BASE_URL is not set/);
      expect((error as Error).message).toMatch(/\/notifications/);
    },
  );

  it('warns that real Graph refuses http on a public host', () => {
    expect(notificationUrlsFor('http://ra-watch.contoso.com').warning).toMatch(/not https/);
  });

  it.each(['http://127.0.0.1:3000', 'http://localhost:3000', 'http://[::1]:3000'])(
    'accepts http on loopback (the simulator): %s',
    (base) => {
      expect(notificationUrlsFor(base).warning).toBeNull();
    },
  );
});
