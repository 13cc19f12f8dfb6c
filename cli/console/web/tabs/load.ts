import { ApiError, get, post, subscribe } from '../api.js';
import { h } from '../dom.js';
import { timeCharts, type SvgNode } from '../../../load/chart.js';
import type { LoadRunView } from '../../runs/load.js';
import './runs.css';

type Caps = { devices: number; durationSec: number; rate: number };

/** A chart of cli/load/chart.ts as SVG DOM nodes (attributes and text set as such, nothing parsed). */
function svgOf(node: SvgNode): SVGElement {
  const e = document.createElementNS('http://www.w3.org/2000/svg', node.tag);
  for (const [k, v] of Object.entries(node.attrs)) e.setAttribute(k, String(v));
  if (node.text !== undefined) e.textContent = node.text;
  for (const c of node.children ?? []) e.append(svgOf(c));
  return e;
}

/** The load tab: start a bounded run and watch offered vs achieved, p50/p95/p99, errors and the invariants. */
class LoadTab extends HTMLElement {
  #run = 0;
  readonly #status = h('output', { id: 'load-status', 'data-state': 'idle', 'data-phase': '' }, 'No run yet.');
  readonly #error = h('p', { class: 'error', id: 'load-error', role: 'alert', 'data-code': '' });
  readonly #charts = h('div', { class: 'load-charts', id: 'load-charts' });
  readonly #errors = h('table', { class: 'load-errors', id: 'load-errors' });
  readonly #end = h('section', { class: 'load-end', id: 'load-end', 'data-ok': '', 'aria-label': 'Invariants' });

  connectedCallback(): void {
    if (this.childElementCount) return;
    subscribe('load.run', (v) => this.#show(v as LoadRunView));
    void get<{ caps: Caps; run: LoadRunView | null }>('load').then((s) => {
      this.#render(s.caps);
      if (s.run) this.#show(s.run);
    });
  }

  #render(caps: Caps): void {
    const field = (id: string, label: string, max: number, value: number) => {
      const input = h('input', { id, name: id, type: 'number', min: 1, max, value, required: true });
      return { input, el: h('label', { for: id }, `${label} (max ${max})`, input) };
    };
    const devices = field('load-devices', 'Phones', caps.devices, Math.min(10, caps.devices));
    const rate = field('load-rate', 'Payments/s offered', caps.rate, Math.min(5, caps.rate));
    const duration = field('load-duration', 'Duration (s)', caps.durationSec, Math.min(10, caps.durationSec));
    const form = h(
      'form',
      { class: 'toolbar load-form', 'aria-label': 'Load run' },
      devices.el,
      rate.el,
      duration.el,
      h('button', { type: 'submit', id: 'start-load' }, 'Start run'),
      this.#status,
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.#error.dataset.code = '';
      this.#error.textContent = '';
      const params = {
        devices: Number(devices.input.value),
        rate: Number(rate.input.value),
        durationSec: Number(duration.input.value),
      };
      post<LoadRunView>('load/runs', params)
        .then((v) => this.#show(v))
        .catch((err: unknown) => {
          this.#error.dataset.code = err instanceof ApiError ? err.code : 'UNAVAILABLE';
          this.#error.textContent = `Refused: ${this.#error.dataset.code}`;
        });
    });
    this.append(
      form,
      this.#error,
      h(
        'p',
        { class: 'hint' },
        'Phones enroll, then pay merchants at the offered rate through the real protocol; ',
        "the stack's own risk rules apply, so its velocity limits decline a phone's payments past their count.",
      ),
      this.#charts,
      h('div', { class: 'load-bottom' }, h('section', {}, h('h3', {}, 'Errors by code'), this.#errors), this.#end),
    );
  }

  #show(v: LoadRunView): void {
    if (v.id < this.#run || !this.childElementCount) return;
    this.#run = v.id;
    const last = v.seconds.at(-1);
    Object.assign(this.#status.dataset, { state: v.state, phase: v.phase ?? '', seconds: String(v.seconds.length) });
    this.#status.textContent =
      v.state === 'failed'
        ? `Run ${v.id} failed: ${v.code}`
        : `Run ${v.id} ${v.state === 'done' ? 'done' : (v.phase ?? 'starting')}: ${v.devices} phones, ` +
          `second ${v.seconds.length} of ${v.params.durationSec}` +
          (last ? `, ${last.inFlight} in flight` : '');
    const charts = timeCharts(v.seconds, 600);
    this.#charts.replaceChildren(svgOf(charts.rate), svgOf(charts.latency));
    const codes: Record<string, number> = {};
    for (const s of v.seconds) for (const [c, n] of Object.entries(s.errors)) codes[c] = (codes[c] ?? 0) + n;
    this.#errors.replaceChildren(
      h('tr', {}, h('th', {}, 'code'), h('th', {}, 'payments')),
      ...Object.entries(codes).map(([c, n]) =>
        h('tr', { 'data-code': c }, h('td', {}, h('code', {}, c)), h('td', {}, String(n))),
      ),
      ...(Object.keys(codes).length
        ? []
        : [h('tr', {}, h('td', { colspan: 2 }, 'No payment ended with an error code.'))]),
    );
    this.#end.dataset.ok = v.end ? String(v.end.invariants.ok) : '';
    this.#end.replaceChildren(h('h3', {}, 'At the end'));
    if (!v.end) {
      this.#end.append(h('p', {}, 'The ledger is checked when the run ends.'));
      return;
    }
    const p = v.end.payments;
    const inv = v.end.invariants;
    this.#end.append(
      h(
        'dl',
        {},
        h('dt', {}, 'Invariants'),
        h('dd', { class: inv.ok ? 'ok' : 'bad' }, inv.ok ? 'hold' : 'VIOLATED'),
        h('dt', {}, 'Balances conserved'),
        h('dd', {}, String(inv.balancesConserved)),
        h('dt', {}, 'Lost / duplicated / unknown'),
        h('dd', {}, `${inv.lost} / ${inv.duplicated} / ${inv.unknown}`),
        h('dt', {}, 'Attempted / posted / declined / failed'),
        h('dd', {}, `${p.attempted} / ${p.posted} / ${p.declined} / ${p.failed}`),
        h('dt', {}, 'Latency p50 / p95 / p99 (ms)'),
        h('dd', {}, `${v.end.latencyMs.p50} / ${v.end.latencyMs.p95} / ${v.end.latencyMs.p99}`),
      ),
    );
  }
}

customElements.define('dfs-load', LoadTab);
