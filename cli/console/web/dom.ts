type Attrs = Record<string, string | number | boolean | undefined | ((e: Event) => void)>;
type Child = Node | string | null | undefined | false;

/**
 * Builds an element: attributes (`on*` functions become listeners, `data-*` and aria stay attributes,
 * false/undefined are left out) and children; text always goes in as text, never as HTML.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, '');
    else if (v !== false && v !== undefined) el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

/** Minor units as major with two decimals (display only). */
export const money = (minor: number | string, currency = '') => {
  const s = String(minor).padStart(3, '0');
  return `${currency ? `${currency} ` : ''}${s.slice(0, -2)}.${s.slice(-2)}`;
};

/** A time of day from epoch milliseconds. */
export const clock = (ms: number) => new Date(ms).toISOString().slice(11, 19);
