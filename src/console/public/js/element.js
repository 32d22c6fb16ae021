// Builds DOM nodes from data without ever parsing markup: every string becomes a text node or an attribute value,
// so an account name like "<img onerror=...>" is shown as text, never run. (The pages never use innerHTML.)

/**
 * h('a', { href: url, class: 'x', onclick: fn }, 'text', childNode, [more], null)
 * Props: `class`, `text`, `hidden`, `style` (an object of CSS properties), `on<event>` handlers, everything else set with setAttribute (false/null/undefined
 * skipped, true as an empty attribute).
 */
export function h(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') node.className = String(value);
    else if (key === 'text') node.textContent = String(value);
    else if (key === 'hidden') node.hidden = Boolean(value);
    // Through CSSOM: the CSP forbids style attributes (style-src 'self'), but not setting properties from a script.
    else if (key === 'style' && typeof value === 'object') Object.assign(node.style, value);
    else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else if (child instanceof Node) node.appendChild(child);
    else node.appendChild(document.createTextNode(String(child)));
  }
}

/** Replace a container's content with the given children. */
export function replaceChildren(container, ...children) {
  container.replaceChildren();
  append(container, children);
}

/** The element with this id; a missing one is a bug in the page, said plainly. */
export function byId(id) {
  const node = document.getElementById(id);
  if (node === null) throw new Error(`the page has no element #${id}`);
  return node;
}

/**
 * A box that scrolls sideways on a narrow screen (wide tables on a phone). Focusable and named, so keyboard users
 * can scroll it too (WCAG 2.1.1).
 */
export function scrollBox(label, ...children) {
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': label }, ...children);
}
