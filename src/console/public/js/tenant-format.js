// How a tenant is shown on the tenant pages: its name first (the id beside it, small), its status and the health
// of its change-notification subscriptions as words in badges (colour only repeats the word).

import { h } from './element.js';

const STATUS = {
  active: { text: 'watched', kind: 'ok' },
  'pending-consent': { text: 'pending consent', kind: 'severity-warning' },
  blind: { text: 'blind', kind: 'severity-critical' },
  removed: { text: 'removed', kind: 'state' },
};

/** The registry status as a badge; null (watched by configuration, not in the registry) reads "configured". */
export function statusBadge(status) {
  const shown = STATUS[status] ?? { text: status ?? 'configured', kind: 'state' };
  return h('span', { class: `badge ${shown.kind}`, text: shown.text });
}

const HEALTH = {
  active: { text: 'active', kind: 'ok' },
  expiring: { text: 'expiring', kind: 'severity-warning' },
  missing: { text: 'missing', kind: 'severity-critical' },
};

/** active / expiring / missing. */
export function subscriptionBadge(health) {
  const shown = HEALTH[health] ?? { text: health, kind: 'state' };
  return h('span', { class: `badge ${shown.kind}`, text: shown.text });
}

/** "Contoso Ltd", else the default domain, else the id. */
export function tenantName(tenant) {
  return tenant.displayName ?? tenant.defaultDomain ?? tenant.id;
}

/** The tenant page's address. */
export function tenantHref(id) {
  return `tenant.html?id=${encodeURIComponent(id)}`;
}
