// A finding's evidence is free-form JSON (licenses before/after, granting SKUs, audit activities with times). It is
// drawn generically, as nested definition lists and lists, every value as text; SKU ids get their part number beside
// them so an admin does not have to look GUIDs up.

import { h } from './element.js';
import { humanise } from './format.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

export function renderEvidence(value, skuNames = {}) {
  if (value === null || value === undefined) return h('span', { class: 'muted', text: 'none' });
  if (Array.isArray(value)) {
    if (value.length === 0) return h('span', { class: 'muted', text: 'none' });
    return h(
      'ul',
      {},
      value.map((item) => h('li', {}, renderEvidence(item, skuNames))),
    );
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return h('span', { class: 'muted', text: 'none' });
    return h(
      'dl',
      {},
      entries.map(([key, inner]) => [
        h('dt', { text: humanise(key) }),
        h('dd', {}, renderEvidence(inner, skuNames)),
      ]),
    );
  }
  const text = String(value);
  if (GUID.test(text) && skuNames[text.toLowerCase()] !== undefined) {
    return h(
      'span',
      {},
      h('strong', { text: skuNames[text.toLowerCase()] }),
      ' ',
      h('span', { class: 'id', text }),
    );
  }
  if (ISO_TIME.test(text))
    return h('time', { datetime: text, text: `${text.slice(0, 19).replace('T', ' ')} UTC` });
  return h('span', { text });
}

/** "MCOEV" for a known SKU id, else the id itself. */
export function skuLabel(skuId, skuNames) {
  return skuNames[String(skuId).toLowerCase()] ?? skuId;
}
