/**
 * What readiness learns about the credential: a refused token acquisition (as @azure/identity names it) or a 401 from
 * Graph makes the tenant "token refused" until a later success; a transient failure does not; nothing is fetched to
 * find out.
 */
import { PermanentError } from '../../../src/errors';
import { createCredentialHealth } from '../../../src/graph/client/credential-health';
import type { GraphTrafficObserver } from '../../../src/graph/client/graph-traffic';

const TENANT = '5f1c9a3e-7d2b-4c8e-9a61-3b0d4e2f8c17';

function authenticationError(message: string): Error {
  const error = new Error(message);
  error.name = 'AuthenticationError';
  return error;
}

describe('credential health', () => {
  it('is ok before any token was asked for, and asks for none itself', () => {
    let asked = 0;
    const health = createCredentialHealth();
    health.track(() => {
      asked += 1;
      return Promise.resolve('t');
    });
    expect(health.state()).toBe('ok');
    expect(asked).toBe(0);
  });

  it('says the token was refused for the tenant, with the first line of why, until a token is issued', async () => {
    const health = createCredentialHealth();
    let refuse = true;
    const provider = health.track(() =>
      refuse
        ? Promise.reject(authenticationError('AADSTS7000215: Invalid client secret provided.\nTrace ID: 123'))
        : Promise.resolve('token'),
    );
    await expect(provider(TENANT)).rejects.toThrow('AADSTS7000215');
    expect(health.state()).toBe(
      `token refused for tenant ${TENANT}: AADSTS7000215: Invalid client secret provided.`,
    );
    refuse = false;
    await expect(provider(TENANT)).resolves.toBe('token');
    expect(health.state()).toBe('ok');
  });

  it('counts no configured credential as refused, and a network error as not', async () => {
    const health = createCredentialHealth();
    const none = health.track(() =>
      Promise.reject(new PermanentError('graph-not-configured', 'No Graph credential is configured')),
    );
    await expect(none('tenant-a')).rejects.toThrow();
    const flaky = health.track(() =>
      Promise.reject(new Error('getaddrinfo EAI_AGAIN login.microsoftonline.com')),
    );
    await expect(flaky('tenant-b')).rejects.toThrow();
    expect(health.state()).toBe('token refused for tenant tenant-a: No Graph credential is configured');
  });

  it("remembers Graph's 401 for the tenant until Graph answers otherwise, and forwards every answer", () => {
    const seen: number[] = [];
    const inner: GraphTrafficObserver = {
      answered: (a) => seen.push(a.status),
      throttled: () => undefined,
    };
    const health = createCredentialHealth();
    const observer = health.observing(inner);
    observer.answered({ method: 'GET', route: 'subscriptions', status: 401, tenantId: TENANT });
    expect(health.state()).toBe(
      `token refused for tenant ${TENANT}: Graph answered 401 to its token (GET subscriptions)`,
    );
    // No answer at all (status 0) says nothing about the token.
    observer.answered({ method: 'GET', route: 'user', status: 0, tenantId: TENANT });
    expect(health.state()).not.toBe('ok');
    observer.answered({ method: 'GET', route: 'user', status: 404, tenantId: TENANT });
    expect(health.state()).toBe('ok');
    expect(seen).toEqual([401, 0, 404]);
  });
});
