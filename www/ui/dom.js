// The one DOM helper of the views: elements are built with h(), never from
// HTML strings (Trusted Types friendly); user data is only ever text.

/**
 * A new element: `props.text` becomes its text, `className` and `hidden`
 * are set as such, other props as attributes (skipped when null or false);
 * then the children (nodes or strings, as text).
 * @param {string} tag
 * @param {Record<string, unknown>} [props]
 * @param {Node | string | null | Array<Node | string | null>} [children]
 * @returns {HTMLElement}
 */
export function h(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v == null || v === false) continue;
    if (k === 'text') node.textContent = v;
    else if (k === 'className') node.className = v;
    else if (k === 'hidden') node.hidden = Boolean(v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of [].concat(children)) if (c != null) node.append(c);
  return node;
}
