// The overview's allocation figure: how many resource accounts need a license, how many are free (25 + 1 per 10
// qualifying licenses), how many are bought, and what is left to buy or to claim.

import { byId, h, replaceChildren } from './element.js';

export function renderAllocation(allocation, problem) {
  const container = byId('allocation');
  if (allocation === null) {
    replaceChildren(
      container,
      h('p', { class: 'notice notice-info', text: problem ?? 'The allocation is not available.' }),
    );
    return;
  }
  const purchased = allocation.purchasedRaLicenses;
  const scale = Math.max(1, allocation.freeAllocation, allocation.needed, purchased ?? 0);
  const bar = (label, value, kind) => [
    h('span', { text: label }),
    h(
      'div',
      { class: 'bar-track', 'aria-hidden': 'true' },
      h('div', { class: `bar ${kind}`, style: { width: `${Math.round(((value ?? 0) / scale) * 100)}%` } }),
    ),
    h('span', { class: 'bar-value', text: value ?? 'unknown' }),
  ];
  replaceChildren(
    container,
    h(
      'figure',
      { class: 'figure', id: 'allocation-figure' },
      h(
        'figcaption',
        { class: 'muted' },
        `${allocation.needed} resource account${allocation.needed === 1 ? ' needs' : 's need'} a license; ${allocation.freeAllocation} are free (25 + 1 per 10 of ${allocation.qualifyingLicenses} qualifying licenses); ` +
          `${purchased ?? 'an unknown number of'} resource-account licenses are bought.`,
      ),
      h(
        'div',
        { class: 'bars' },
        bar('Free allocation', allocation.freeAllocation, 'free'),
        bar('Needed', allocation.needed, 'needed'),
        bar('Purchased', purchased, 'purchased'),
      ),
      h(
        'dl',
        { class: 'callouts' },
        h(
          'div',
          { class: `tile ${allocation.toBuy > 0 ? 'severity-info' : 'neutral'}` },
          h('dt', { text: 'To buy (beyond the free allocation)' }),
          h('dd', { text: allocation.toBuy }),
        ),
        h(
          'div',
          {
            class: `tile ${allocation.unclaimed !== null && allocation.unclaimed > 0 ? 'severity-warning' : 'neutral'}`,
          },
          h('dt', { text: 'Unclaimed (free, still to "buy" at $0)' }),
          h('dd', { text: allocation.unclaimed ?? 'unknown' }),
        ),
      ),
    ),
    h(
      'details',
      {},
      h('summary', { text: 'How this was counted' }),
      h('p', { text: allocation.basisText }),
      h('p', { text: allocation.resourceAccountsBasis }),
    ),
  );
}
