import { h } from './dom.js';
import type { ScreenView } from '../phones/view.js';

/**
 * Draws a 240x320 phone screen into `el` (class `screen`): status bar, title, lines, soft-key labels;
 * `data-layer` (off, app, native, call), `data-waiting` and `data-pin-digits` carry its state for tests
 * and styles. The server turns a device-sim frame (`{title, lines}`) into one with `nativeScreen` (phones/screens.ts).
 */
export function drawScreen(el: HTMLElement, s: ScreenView, network = 'DFS Mobile'): void {
  el.classList.add('screen');
  el.setAttribute('role', 'img');
  el.dataset.layer = s.layer;
  el.dataset.waiting = s.waiting ?? '';
  el.dataset.pinDigits = String(s.pinDigits ?? 0);
  el.setAttribute('aria-label', [s.title, ...s.lines].join('. ') || 'screen off');
  el.replaceChildren(
    h('div', { class: 'status-bar' }, h('span', {}, network), h('span', {}, '▮▮▮')),
    h('div', { class: 'title' }, s.title),
    h('div', { class: 'lines' }, ...s.lines.map((l) => h('div', { class: 'line' }, l))),
    h('div', { class: 'softkeys' }, ...s.soft.map((l) => h('span', {}, l))),
  );
}
