import { get, post, subscribe } from '../api.js';
import { h } from '../dom.js';
import type { PhoneView } from '../../phones/view.js';
import { PhoneCard } from './phone-card.js';

interface PhonesState {
  profiles: string[];
  merchants: { id: string; name: string }[];
  currency: string;
  demoPin: string;
  phones: PhoneView[];
}

/** The phones tab: pick a profile, add phones side by side, each a real device-sim phone in the stack. */
class PhonesTab extends HTMLElement {
  readonly #cards = new Map<string, PhoneCard>();
  readonly #grid = h('div', { class: 'phones' });
  #merchants: { id: string; name: string }[] = [];
  #pending: PhoneView[] = [];

  connectedCallback(): void {
    if (this.childElementCount) return;
    subscribe('phones', (v) => this.#show(v as PhoneView));
    void get<PhonesState>('phones').then((s) => this.#render(s));
  }

  #render(s: PhonesState): void {
    this.#merchants = s.merchants;
    const profile = h('select', { id: 'profile', name: 'profile' }, ...s.profiles.map((p) => h('option', {}, p)));
    const add = h('button', { type: 'button', id: 'add-phone' }, 'Add phone');
    add.addEventListener('click', () => void post('phones', { profile: profile.value }).catch(() => {}));
    this.append(
      h(
        'div',
        { class: 'toolbar' },
        h('label', { for: 'profile' }, 'Profile'),
        profile,
        add,
        h(
          'p',
          { class: 'hint' },
          `Demo PIN ${s.demoPin}. Merchants: ${s.merchants.map((m) => m.name).join(', ')}. `,
          'Focus a phone and type: digits, arrows, Enter (OK), [ and ] (soft keys), Esc (End: power on / home).',
        ),
      ),
      this.#grid,
    );
    for (const v of [...s.phones, ...this.#pending]) this.#show(v);
    this.#pending = [];
  }

  #show(v: PhoneView): void {
    if (!this.childElementCount) {
      this.#pending.push(v);
      return;
    }
    let card = this.#cards.get(v.id);
    if (!card) {
      card = new PhoneCard(v.id, this.#merchants);
      this.#cards.set(v.id, card);
      this.#grid.append(card.el);
    }
    card.update(v);
  }
}

customElements.define('dfs-phones', PhonesTab);
