import './style.css';
import { ApiError, connect, get, token } from './api.js';
import { TAB_ELEMENTS } from './tabs.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** Selects a tab: its button pressed, its panel shown, the others hidden. */
function select(id: string): void {
  for (const b of Array.from($('tabs').querySelectorAll<HTMLButtonElement>('button[role=tab]'))) {
    const on = b.dataset.tab === id;
    b.setAttribute('aria-selected', String(on));
    b.tabIndex = on ? 0 : -1;
  }
  for (const p of Array.from($('panel').children)) (p as HTMLElement).hidden = (p as HTMLElement).dataset.tab !== id;
  history.replaceState(null, '', `#${id}`);
}

/** The tab bar: buttons with arrow-key navigation (WAI-ARIA tabs pattern), one panel element per tab. */
function layout(tabs: { id: string; title: string }[]): void {
  const nav = $('tabs');
  const panel = $('panel');
  nav.replaceChildren();
  panel.replaceChildren();
  for (const t of tabs) {
    const tag = TAB_ELEMENTS[t.id];
    if (!tag) continue;
    const b = document.createElement('button');
    b.type = 'button';
    b.role = 'tab';
    b.id = `tab-${t.id}`;
    b.dataset.tab = t.id;
    b.textContent = t.title;
    b.addEventListener('click', () => select(t.id));
    nav.append(b);
    const el = document.createElement(tag);
    el.dataset.tab = t.id;
    el.setAttribute('role', 'tabpanel');
    el.setAttribute('aria-labelledby', b.id);
    panel.append(el);
  }
  nav.addEventListener('keydown', (e) => {
    const buttons = Array.from(nav.querySelectorAll<HTMLButtonElement>('button[role=tab]'));
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (at < 0 || (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft')) return;
    const next = buttons[(at + (e.key === 'ArrowRight' ? 1 : buttons.length - 1)) % buttons.length]!;
    next.focus();
    select(next.dataset.tab!);
  });
  const wanted = location.hash.slice(1);
  select(tabs.some((t) => t.id === wanted) ? wanted : (tabs[0]?.id ?? ''));
}

/** Asks for the operator token until the server accepts it, then lays out the tabs and opens the stream. */
async function open(): Promise<void> {
  const form = $<HTMLFormElement>('login');
  try {
    if (!token.get()) throw new ApiError(401, '');
    const session = await get<{ tabs: { id: string; title: string }[] }>('session');
    form.hidden = true;
    layout(session.tabs);
    const stream = $('stream');
    void connect((s) => {
      stream.dataset.state = s;
      stream.textContent = s === 'open' ? 'live' : 'offline';
    });
  } catch (err) {
    token.clear();
    form.hidden = false;
    const error = $('login-error');
    error.dataset.code = err instanceof ApiError ? err.code : 'UNAVAILABLE';
    error.textContent = error.dataset.code ? `Refused: ${error.dataset.code}` : '';
    $<HTMLInputElement>('token').focus();
  }
}

$<HTMLFormElement>('login').addEventListener('submit', (e) => {
  e.preventDefault();
  const input = $<HTMLInputElement>('token');
  token.set(input.value.trim());
  input.value = '';
  void open();
});
void open();
