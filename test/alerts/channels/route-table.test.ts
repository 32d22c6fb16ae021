/**
 * Which sinks a routed alert goes to (issue 19): the routes that match its tenant and severity, else the default
 * route; `watch.blind` always also to the default; the log always; a tenant's digest where its routes send.
 */
import { channelSinkName, digestSinks, routeAlert } from '../../../src/alerts/channels/route-table';
import type { RuleId } from '../../../src/glossary';
import type { StoredRoute } from '../../../src/store/store';

const A = '11111111-7d2b-4c8e-9a61-3b0d4e2f8c17';
const B = '22222222-7d2b-4c8e-9a61-3b0d4e2f8c17';
const C = '33333333-7d2b-4c8e-9a61-3b0d4e2f8c17';
const DEFAULT = ['slack', 'email', 'log'];

const route = (r: Partial<StoredRoute> & Pick<StoredRoute, 'channels'>): StoredRoute => ({
  id: 'r-00000000',
  tenantIds: [],
  severities: ['critical', 'warning'],
  alsoDefault: false,
  createdAt: '2026-12-03T00:00:00.000Z',
  createdBy: null,
  ...r,
});

const routes = [
  route({ tenantIds: [A], channels: ['a-noc'] }),
  route({ tenantIds: [B], severities: ['critical'], channels: ['b-pager'], alsoDefault: true }),
  route({ tenantIds: [A, B], severities: ['info'], channels: ['finance'] }),
];

const alert = (
  tenantId: string,
  severity: 'critical' | 'warning' | 'info',
  ruleId: RuleId = 'ra.unlicensed',
) => ({ tenantId, severity, ruleId }) as const;

describe('routeAlert', () => {
  it("sends tenant A's critical to A's channel only (and the log)", () => {
    expect(routeAlert(routes, alert(A, 'critical'), DEFAULT)).toEqual([channelSinkName('a-noc'), 'log']);
  });

  it('keeps the default route too when the matching route says so', () => {
    expect(routeAlert(routes, alert(B, 'critical'), DEFAULT)).toEqual([
      'slack',
      'email',
      'log',
      'channel:b-pager',
    ]);
  });

  it('falls back to the default route when no route matches the tenant or the severity', () => {
    expect(routeAlert(routes, alert(C, 'critical'), DEFAULT)).toEqual(DEFAULT);
    expect(routeAlert(routes, alert(B, 'warning'), DEFAULT)).toEqual(DEFAULT);
  });

  it('matches a tenant id whatever its case', () => {
    expect(routeAlert(routes, alert(A.toUpperCase(), 'warning'), DEFAULT)).toEqual(['channel:a-noc', 'log']);
  });

  it('joins every matching route, each channel once', () => {
    const both = [...routes, route({ channels: ['a-noc', 'all-tenants'] })];
    expect(routeAlert(both, alert(A, 'critical'), DEFAULT)).toEqual([
      'channel:a-noc',
      'channel:all-tenants',
      'log',
    ]);
  });

  it("sends watch.blind to the default route as well as the tenant's channel", () => {
    expect(routeAlert(routes, alert(A, 'critical', 'watch.blind'), DEFAULT)).toEqual([
      'slack',
      'email',
      'log',
      'channel:a-noc',
    ]);
  });

  it('with no routes is the default route, unchanged', () => {
    expect(routeAlert([], alert(A, 'critical'), DEFAULT)).toEqual(DEFAULT);
  });
});

describe('digestSinks', () => {
  const takes = (name: string) => name !== 'channel:b-pager';
  it("goes to the channels of the tenant's routes that take digests, not to the default", () => {
    expect(digestSinks(routes, A, ['slack', 'email'], takes)).toEqual(['channel:a-noc', 'channel:finance']);
  });
  it('keeps the default when a covering route does, and skips channels that take no digests', () => {
    expect(digestSinks(routes, B, ['slack', 'email'], takes)).toEqual(['slack', 'email', 'channel:finance']);
  });
  it('is the default for a tenant no route covers', () => {
    expect(digestSinks(routes, C, ['slack', 'email'], takes)).toEqual(['slack', 'email']);
  });
});
