import { ApiError, post } from '../api.js';
import { h, money } from '../dom.js';
import { drawScreen } from '../screen.js';
import type { PhoneView } from '../../phones/view.js';

/** Keyboard keys of the computer mapped to the phone's keys (digits, * and # are themselves). */
const KEYBOARD: Record<string, string> = {
  Enter: 'Enter',
  ArrowUp: 'Up',
  ArrowDown: 'Down',
  ArrowLeft: 'Left',
  ArrowRight: 'Right',
  F1: 'SoftLeft',
  '[': 'SoftLeft',
  Backspace: 'SoftLeft',
  F2: 'SoftRight',
  ']': 'SoftRight',
  F3: 'Call',
  Escape: 'End',
};

const key = (k: string, text: string, cls = '', name = text) =>
  h('button', { type: 'button', class: `key ${cls}`.trim(), 'data-key': k, 'aria-label': name }, text);

/** The keypad of a KaiOS phone: soft keys, D-pad with OK, call and end, twelve number keys. */
function keypad(): HTMLElement {
  return h(
    'div',
    { class: 'keypad' },
    h(
      'div',
      { class: 'nav-row' },
      key('SoftLeft', 'Left soft key', 'soft'),
      h(
        'div',
        { class: 'dpad' },
        key('Up', '▲', 'up', 'Up'),
        key('Left', '◀', 'left', 'Left'),
        key('Enter', 'OK', 'ok', 'OK (Enter)'),
        key('Right', '▶', 'right', 'Right'),
        key('Down', '▼', 'down', 'Down'),
      ),
      key('SoftRight', 'Right soft key', 'soft'),
    ),
    h('div', { class: 'call-row' }, key('Call', 'Call', 'call'), key('End', 'End', 'end')),
    h('div', { class: 'digits' }, ...'123456789*0#'.split('').map((d) => key(d, d, 'digit'))),
  );
}

/** One protocol step of the daemon in a few words (what it reported, as the terminal demo narrates it). */
function stepText(s: { step: string; detail: Record<string, unknown> }): string {
  const d = s.detail;
  switch (s.step) {
    case 'challenge':
      return 'single-use challenge from attestation';
    case 'attestation':
      return `attested: tier ${String(d.tier)}`;
    case 'signed-payment':
      return `signed in the ${String(d.signedBy ?? 'eSE')} (${String(d.alg ?? 'ES256')})`;
    case 'risk':
      return `risk: ${String(d.decision)}`;
    case 'ledger':
      return `ledger: ${String(d.status)}${d.journalSeq ? ` #${String(d.journalSeq)}` : ''}`;
    case 'verified-response':
      return 'backend signature verified';
    default:
      return s.step;
  }
}

/**
 * One phone on the page: its 240x320 screen, its keypad (mouse or keyboard when focused), the power,
 * call and NFC tag controls, and what it proved at power-on. Updated from the `phones` channel.
 */
export class PhoneCard {
  readonly el: HTMLElement;
  readonly #screen = h('div', { class: 'screen', role: 'img' });
  readonly #evidence = h('dl', { class: 'evidence' });
  readonly #outcome = h('output', { class: 'outcome', 'aria-live': 'polite' });
  readonly #steps = h('ol', { class: 'steps' });
  readonly #error = h('p', { class: 'error', role: 'alert', 'data-code': '' });
  readonly #tagMerchant = h('select', { 'aria-label': 'Merchant of the NFC tag' });
  readonly #tagAmount = h('input', { type: 'number', min: 1, value: 12, 'aria-label': 'Tag amount (KES)' });
  #view?: PhoneView;

  constructor(
    readonly id: string,
    merchants: { id: string; name: string }[],
  ) {
    for (const m of merchants) this.#tagMerchant.append(h('option', { value: m.id }, m.name));
    let keys = Promise.resolve();
    const press = (k: string) => {
      keys = keys
        .then(() => post(`phones/${id}/keys`, { key: k }))
        .then(
          () => {},
          () => {},
        );
    };
    const pad = keypad();
    pad.addEventListener('click', (e) => {
      const k = (e.target as HTMLElement).closest<HTMLElement>('[data-key]')?.dataset.key;
      if (k) press(k);
    });
    const device = h('div', { class: 'device', tabindex: 0, 'aria-label': `${id}: focus and type to use the keypad` });
    device.addEventListener('keydown', (e) => {
      const k = /^[0-9*#]$/.test(e.key) ? e.key : KEYBOARD[e.key];
      if (!k || e.target !== device) return;
      e.preventDefault();
      press(k);
    });
    device.append(this.#screen, pad);
    const action =
      (path: string, body: unknown = {}) =>
      () => {
        this.#error.dataset.code = '';
        this.#error.textContent = '';
        void post(`phones/${id}/${path}`, body).catch((err: unknown) => {
          this.#error.dataset.code = err instanceof ApiError ? err.code : 'UNAVAILABLE';
          this.#error.textContent = `Refused: ${this.#error.dataset.code}`;
        });
      };
    this.el = h(
      'section',
      { class: 'phone', 'data-phone-id': id, 'aria-label': id },
      h('h3', {}, id),
      h(
        'div',
        { class: 'phone-body' },
        device,
        h(
          'div',
          { class: 'side' },
          h('button', { type: 'button', class: 'power', onclick: action('power') }, 'Power on'),
          h('button', { type: 'button', class: 'ring', onclick: action('call') }, 'Incoming call'),
          h('button', { type: 'button', class: 'update', onclick: action('update') }, 'Update firmware'),
          h(
            'fieldset',
            { class: 'tag' },
            h('legend', {}, 'Merchant NFC tag'),
            this.#tagMerchant,
            this.#tagAmount,
            h(
              'button',
              {
                type: 'button',
                class: 'tap',
                onclick: () =>
                  action('tap', {
                    merchant: this.#tagMerchant.value,
                    minorUnits: String(Math.round(Number(this.#tagAmount.value) * 100)),
                  })(),
              },
              'Tap tag',
            ),
          ),
          this.#error,
          this.#outcome,
          this.#evidence,
          this.#steps,
        ),
      ),
    );
  }

  /** Shows a phone's new state. */
  update(v: PhoneView): void {
    this.#view = v;
    this.el.dataset.power = v.power;
    this.el.dataset.busy = String(v.busy);
    this.el.dataset.profile = v.profile;
    this.el.querySelector('h3')!.textContent = `${v.id} · ${v.profile}`;
    const s = v.screen;
    drawScreen(this.#screen, s, v.evidence?.sim ? 'DFS Mobile' : 'No SIM');
    const label = (k: string, name: string, text: string) => {
      const b = this.el.querySelector<HTMLButtonElement>(`.keypad [data-key=${k}]`)!;
      b.textContent = text || '—';
      b.setAttribute('aria-label', text ? `${name}: ${text}` : name);
    };
    label('SoftLeft', 'Left soft key', s.soft[0]);
    label('SoftRight', 'Right soft key', s.soft[2]);
    this.#outcome.dataset.status = v.outcome?.status ?? '';
    this.#outcome.dataset.code = v.outcome?.code ?? '';
    this.#outcome.dataset.action = v.outcome?.action ?? '';
    this.#outcome.dataset.transactionId = v.outcome?.transactionId ?? '';
    this.#outcome.textContent = v.outcome
      ? `${v.outcome.action}: ${v.outcome.status}${v.outcome.code ? ` (${v.outcome.code})` : ''}`
      : '';
    this.#renderEvidence(v);
    this.#steps.replaceChildren(...v.steps.map((st) => h('li', { 'data-step': st.step }, stepText(st))));
    const power = this.el.querySelector<HTMLButtonElement>('button.power')!;
    power.disabled = v.power !== 'off';
    power.textContent = v.power === 'off' ? 'Power on' : v.power === 'booting' ? 'Booting…' : 'Powered on';
  }

  #renderEvidence(v: PhoneView): void {
    const e = v.evidence;
    if (!e) return this.#evidence.replaceChildren();
    const row = (k: string, val: string, attrs: Record<string, string> = {}) => [h('dt', {}, k), h('dd', attrs, val)];
    this.#evidence.replaceChildren(
      ...row('Boot chain', `${e.boot.state}${e.boot.failedStage ? ` (${e.boot.failedStage})` : ''}`, {
        'data-boot': e.boot.state,
      }),
      ...row('Stages', ['ROM', ...e.boot.stages].join(' › ')),
      ...row('Safeguard', e.safeguard.safe ? 'safe' : e.safeguard.flags.join(', '), {
        'data-safe': String(e.safeguard.safe),
      }),
      ...row('eSE', e.ese ? 'present' : 'absent'),
      ...row('Patch level', e.patchLevel ?? 'unknown', { 'data-patch': e.patchLevel ?? '' }),
      ...row('IMEI', e.imei),
      ...row('SIM', e.sim ?? 'none'),
      ...(v.enrollment
        ? [
            ...row('Device', v.enrollment.deviceId, { 'data-device-id': v.enrollment.deviceId }),
            ...row('Tier', v.enrollment.tier, { 'data-tier': v.enrollment.tier }),
            ...row('Wallet', v.enrollment.wallet),
            ...row('Balance', money(v.enrollment.balance, 'KES'), { 'data-balance': v.enrollment.balance }),
          ]
        : []),
    );
  }

  get view(): PhoneView | undefined {
    return this.#view;
  }
}
