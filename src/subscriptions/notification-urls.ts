/**
 * Where Graph reaches us: the notification and lifecycle URLs a subscription is created with. Graph validates the
 * notification URL the moment a subscription is created (the validationToken handshake), so without a public base
 * URL there is nothing to create; real Graph also refuses a notification URL that is not https. The simulator (and a
 * laptop demo) listens on loopback over http, which is why loopback is allowed with a warning only elsewhere.
 */
import { PermanentError } from '../errors';

export interface NotificationUrls {
  notificationUrl: string;
  lifecycleNotificationUrl: string;
  /** Set when real Graph would refuse these URLs (http on a non-loopback host): say it before Graph does. */
  warning: string | null;
}

export function notificationUrlsFor(publicBaseUrl: string | null): NotificationUrls {
  if (publicBaseUrl === null || publicBaseUrl.trim() === '') {
    throw new PermanentError(
      'public-base-url-missing',
      'PUBLIC_BASE_URL is not set, so no subscription can be created: Graph must reach <PUBLIC_BASE_URL>/notifications ' +
        '(it validates that URL the moment a subscription is created) and <PUBLIC_BASE_URL>/lifecycle. Set PUBLIC_BASE_URL ' +
        'to the https address where this server is reachable from the internet, e.g. PUBLIC_BASE_URL=https://ra-watch.contoso.com ' +
        '(a tunnel such as a dev tunnel works for trying it out). The delta reconcile keeps watching without subscriptions, only later.',
    );
  }
  const base = publicBaseUrl.trim().replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(base);
  } catch (cause) {
    throw new PermanentError(
      'public-base-url-invalid',
      `PUBLIC_BASE_URL ${JSON.stringify(base)} is not a URL; example: https://ra-watch.contoso.com`,
      { cause },
    );
  }
  const warning =
    url.protocol === 'https:' || isLoopbackHost(url.hostname)
      ? null
      : `PUBLIC_BASE_URL ${base} is not https: Microsoft Graph refuses notification URLs that are not https (only a loopback simulator accepts http). Put this server behind TLS and set PUBLIC_BASE_URL=https://...`;
  return { notificationUrl: `${base}/notifications`, lifecycleNotificationUrl: `${base}/lifecycle`, warning };
}

function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return (
    host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host)
  );
}
