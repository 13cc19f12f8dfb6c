import { ApiError, get, post, subscribe } from '../api.js';
import { clock, h } from '../dom.js';
import {
  accountsTable,
  deviceRow,
  paymentRow,
  rejectionsView,
  table,
  trailView,
  type BusRow,
  type Device,
  type Payment,
  type Rejection,
  type Trail,
} from './operator-views.js';

const codeOf = (err: unknown) => (err instanceof ApiError ? err.code : 'UNAVAILABLE');
/**
 * The operator tab: devices (tier and the evidence behind it) with revoke and reinstate, live payments and
 * the risk decision trail of each, accounts and verified balances, the journal check, the event stream.
 */
class OperatorTab extends HTMLElement {
  readonly #devices = h('div', { class: 'devices' });
  readonly #payments = h('div', { class: 'payments' });
  readonly #trail = h('div', { class: 'trail', 'aria-live': 'polite' });
  readonly #accounts = h('div', { class: 'accounts' });
  readonly #journal = h('output', { class: 'journal', 'data-state': 'unknown' }, 'not checked');
  readonly #events = h('ol', { class: 'events', 'aria-live': 'off' });
  readonly #notice = h('p', { class: 'notice', role: 'status', 'data-code': '' });
  readonly #rows = new Map<string, Payment>();

  connectedCallback(): void {
    if (this.childElementCount) return;
    const button = (id: string, label: string, fn: () => void) =>
      h('button', { type: 'button', id, onclick: fn }, label);
    this.append(
      this.#notice,
      h(
        'section',
        { class: 'card wide' },
        h('h2', {}, 'Devices'),
        button('refresh-devices', 'Refresh', () => void this.#loadDevices()),
        this.#devices,
      ),
      h('section', { class: 'card wide' }, h('h2', {}, 'Payments'), this.#payments, this.#trail),
      h(
        'section',
        { class: 'card' },
        h('h2', {}, 'Accounts'),
        button('refresh-accounts', 'Refresh balances', () => void this.#loadAccounts()),
        this.#accounts,
        h('h2', {}, 'Journal'),
        button('verify-journal', 'Verify journal', () => void this.#verifyJournal()),
        this.#journal,
      ),
      h('section', { class: 'card' }, h('h2', {}, 'Event stream'), this.#events),
    );
    let settle: ReturnType<typeof setTimeout> | undefined;
    subscribe('operator.payments', (p) => {
      this.#payment(p as Payment);
      clearTimeout(settle);
      settle = setTimeout(() => void Promise.all([this.#loadAccounts(), this.#verifyJournal()]), 400);
    });
    subscribe('operator.devices', () => void this.#loadDevices());
    subscribe('operator.events', (e) => this.#event(e as BusRow));
    void this.#loadDevices();
    void this.#loadAccounts();
    void this.#verifyJournal();
    void get<{ payments: Payment[] }>('operator/payments').then(
      ({ payments }) => payments.filter((p) => !this.#rows.has(p.transactionId)).forEach((p) => this.#payment(p)),
      (err: unknown) => this.#say('Payments could not be read', codeOf(err)),
    );
  }

  #say(text: string, code = ''): void {
    this.#notice.textContent = text;
    this.#notice.dataset.code = code;
  }

  async #loadDevices(): Promise<void> {
    try {
      const { devices, rejected } = await get<{ devices: Device[]; rejected: Rejection[] }>('operator/devices');
      this.#devices.replaceChildren(
        table(
          ['Device', 'Status', 'Tier', 'Evidence', 'Patch', 'SIM', 'Last attested', ''],
          devices.map((d) => deviceRow(d, (what) => void this.#act(d.deviceId, what))),
          'Devices',
        ),
        ...rejectionsView(rejected),
      );
    } catch (err) {
      this.#say('Devices could not be read', codeOf(err));
    }
  }

  async #act(deviceId: string, what: 'revoke' | 'reinstate'): Promise<void> {
    const reason = what === 'revoke' ? 'revoked in the operator console' : 'reinstated in the operator console';
    try {
      await post(`operator/devices/${encodeURIComponent(deviceId)}/${what}`, { reason });
      this.#say(`${deviceId} ${what === 'revoke' ? 'revoked' : 'reinstated'}`);
    } catch (err) {
      this.#say(`${what} refused`, codeOf(err));
    }
    await this.#loadDevices();
  }

  #payment(p: Payment): void {
    this.#rows.delete(p.transactionId);
    this.#rows.set(p.transactionId, p);
    const rows = [...this.#rows.values()].sort((x, y) => y.atMs - x.atMs).slice(0, 50);
    this.#payments.replaceChildren(
      table(
        ['Time', 'Transaction', 'Kind', 'Status', 'Payer', 'Payee', 'Amount', 'Code', ''],
        rows.map((r) => paymentRow(r, (stage) => void this.#showTrail(r, stage))),
        'Payments',
      ),
    );
  }

  async #showTrail(p: Payment, stage: 'payment' | 'step-up' = 'payment'): Promise<void> {
    Object.assign(this.#trail.dataset, { transactionId: p.transactionId, stage, decision: '', tier: '', code: '' });
    this.#trail.replaceChildren(h('p', {}, 'Reading the decision trail…'));
    try {
      const t = await get<Trail>(`operator/decisions/${encodeURIComponent(p.transactionId)}?stage=${stage}`);
      this.#trail.dataset.decision = t.decision;
      this.#trail.dataset.tier = t.tier ?? '';
      this.#trail.dataset.code = '';
      this.#trail.replaceChildren(...trailView(t, p.transactionId, stage));
    } catch (err) {
      this.#trail.dataset.decision = '';
      this.#trail.dataset.tier = '';
      this.#trail.dataset.code = codeOf(err);
      this.#trail.replaceChildren(h('p', {}, `No trail: ${codeOf(err)}`));
    }
  }

  async #loadAccounts(): Promise<void> {
    try {
      const { accounts } = await get<{ accounts: { accountId: string; balance: number | null }[] }>(
        'operator/accounts',
      );
      this.#accounts.replaceChildren(accountsTable(accounts));
    } catch (err) {
      this.#say('Balances could not be read', codeOf(err));
    }
  }

  async #verifyJournal(): Promise<void> {
    try {
      const j = await get<{ ok: boolean; entries: number; verifiedAtMs: number }>('operator/journal');
      this.#journal.dataset.state = j.ok ? 'verified' : 'failed';
      this.#journal.dataset.code = '';
      this.#journal.textContent = `verified: ${j.entries} entries, ${clock(j.verifiedAtMs)}`;
    } catch (err) {
      this.#journal.dataset.state = 'failed';
      this.#journal.dataset.code = codeOf(err);
      this.#journal.textContent = `refused: ${codeOf(err)}`;
    }
  }

  #event(e: BusRow): void {
    this.#events.prepend(
      h('li', { 'data-type': e.type }, h('time', {}, clock(e.atMs)), ` ${e.type} `, h('code', {}, e.key)),
    );
    while (this.#events.childElementCount > 100) this.#events.lastElementChild!.remove();
  }
}

customElements.define('dfs-operator', OperatorTab);
