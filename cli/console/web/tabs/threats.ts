import { ApiError, get, post, subscribe } from '../api.js';
import { h } from '../dom.js';
import type { PlayMessage, PlayView, ScenarioEntry } from '../../runs/threats.js';
import './runs.css';

type Step = PlayMessage['step'];

/** How the control relates to the outcome: it stopped the attack, detected it, or was expected to. */
const CONTROL_LABEL: Record<Extract<Step, { kind: 'outcome' }>['outcome'], string> = {
  BLOCKED: 'Stopped by',
  DETECTED: 'Detected by',
  SUCCEEDED: 'Not stopped by',
  UNEXPECTED: 'Stopped by another layer, not by',
  NOT_BUILT: 'Not playable here; control',
};

/** One step as a list item: the attack, a narration line, a phone frame, an observed step, the outcome, the end. */
function stepItem(step: Step): HTMLLIElement {
  const li = h('li', { class: `threat-step threat-${step.kind}`, 'data-kind': step.kind });
  switch (step.kind) {
    case 'scenario':
      li.append(
        h('strong', {}, step.title),
        h('span', { class: 'who' }, ` (${step.label})`),
        h('div', {}, 'Attack: ', step.action),
        h('div', {}, 'Control: ', step.control),
      );
      break;
    case 'say':
    case 'step':
      li.append(step.line);
      break;
    case 'frame':
      li.append(
        h(
          'div',
          { class: 'threat-frame', role: 'img', 'aria-label': `phone screen: ${step.frame.title}` },
          h('div', { class: 'threat-frame-title' }, step.frame.title),
          ...step.frame.lines.map((l) => h('div', { class: 'threat-frame-line' }, l)),
        ),
      );
      break;
    case 'outcome':
      li.dataset.outcome = step.outcome;
      li.dataset.code = step.code ?? '';
      li.append(
        h('div', { class: 'verdict' }, h('span', { class: 'outcome-label' }, step.outcome)),
        h(
          'dl',
          {},
          h('dt', {}, CONTROL_LABEL[step.outcome]),
          h('dd', {}, step.outcome === 'DETECTED' && step.detectedBy ? step.detectedBy : step.control),
          h('dt', {}, 'Observed code'),
          h('dd', {}, h('code', { class: 'observed-code' }, step.code ?? 'no code (silence)')),
          h('dt', {}, 'Expected'),
          h('dd', {}, h('code', {}, step.expectedCode ?? 'no code (silence)')),
          h('dt', {}, "Attacker's goal reached"),
          h('dd', { 'data-achieved': String(step.achieved) }, step.achieved ? 'yes' : 'no'),
          h('dt', {}, 'Serves'),
          h(
            'dd',
            { class: 'recs' },
            ...step.recommendations.map((r) => h('div', { 'data-rec': r.id }, h('strong', {}, r.id), ` ${r.text}`)),
          ),
        ),
        h(
          'details',
          {},
          h('summary', {}, 'Observed evidence'),
          h(
            'table',
            { class: 'threat-evidence' },
            ...Object.entries(step.evidence).map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', {}, String(v)))),
          ),
        ),
      );
      break;
    case 'end':
      li.append(
        step.state === 'done' ? 'Played.' : `The play failed: ${step.code}.`,
        step.framesNotShown ? ` ${step.framesNotShown} further phone frames not shown.` : '',
      );
      break;
  }
  return li;
}

/** The threats tab: pick a scenario, play it against the stack, and watch its steps arrive. */
class ThreatsTab extends HTMLElement {
  #play = 0;
  readonly #seen = new Set<number>();
  readonly #log = h('ol', { class: 'threat-steps', id: 'threat-steps' });
  readonly #status = h('output', { id: 'threat-status', 'data-state': 'idle' }, 'No scenario played yet.');
  readonly #error = h('p', { class: 'error', id: 'threat-error', role: 'alert', 'data-code': '' });

  connectedCallback(): void {
    if (this.childElementCount) return;
    subscribe('threats.step', (m) => this.#step(m as PlayMessage));
    void get<{ scenarios: ScenarioEntry[]; play: PlayView | null }>('threats').then((s) => {
      this.#render(s.scenarios);
      if (s.play) this.#begin(s.play);
    });
  }

  #render(scenarios: ScenarioEntry[]): void {
    const select = h(
      'select',
      { id: 'scenario', name: 'scenario', size: 12 },
      ...scenarios.map((s) => h('option', { value: s.id }, `${s.id}: ${s.title}`)),
    );
    select.selectedIndex = 0;
    const about = h('dl', { class: 'threat-about', id: 'scenario-about' });
    const describe = () => {
      const s = scenarios[select.selectedIndex];
      if (!s) return;
      about.replaceChildren(
        h('dt', {}, 'Attacker'),
        h('dd', {}, s.label),
        h('dt', {}, 'Attack'),
        h('dd', {}, s.action),
        h('dt', {}, 'Control'),
        h('dd', {}, s.control),
        h('dt', {}, 'Serves'),
        h('dd', {}, s.recommendations.map((r) => `${r.id} ${r.text}`).join('; ')),
      );
    };
    select.addEventListener('change', describe);
    describe();
    const play = h('button', { type: 'submit', id: 'play-threat' }, 'Play');
    const form = h(
      'form',
      { class: 'threat-picker', 'aria-label': 'Threat scenario' },
      h('label', { for: 'scenario' }, 'Scenario'),
      select,
      about,
      play,
      this.#error,
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.#error.dataset.code = '';
      this.#error.textContent = '';
      post<PlayView>('threats/plays', { scenario: select.value })
        .then((v) => this.#begin(v))
        .catch((err: unknown) => {
          this.#error.dataset.code = err instanceof ApiError ? err.code : 'UNAVAILABLE';
          this.#error.textContent = `Refused: ${this.#error.dataset.code}`;
        });
    });
    this.append(
      h(
        'div',
        { class: 'threat-layout' },
        form,
        h('section', { class: 'threat-play', 'aria-label': 'Steps of the play', tabindex: 0 }, this.#status, this.#log),
      ),
    );
  }

  #begin(v: PlayView): void {
    if (v.id < this.#play) return;
    if (v.id > this.#play) {
      this.#play = v.id;
      this.#seen.clear();
      this.#log.replaceChildren();
      this.#status.dataset.state = 'running';
      this.#status.dataset.scenario = v.scenario;
      this.#status.textContent = `Playing ${v.scenario}...`;
    }
    for (const m of v.steps) this.#step(m);
  }

  #step(m: PlayMessage): void {
    if (m.play < this.#play || this.#seen.has(m.seq) || (m.play > this.#play && m.seq !== 0)) return;
    if (m.play > this.#play) this.#begin({ id: m.play, scenario: '', state: 'running', steps: [] });
    this.#seen.add(m.seq);
    const li = stepItem(m.step);
    li.dataset.seq = String(m.seq);
    const after = Array.from(this.#log.children).find((c) => Number((c as HTMLElement).dataset.seq) > m.seq);
    this.#log.insertBefore(li, after ?? null);
    if (m.step.kind === 'scenario') {
      this.#status.dataset.scenario = m.step.id;
      this.#status.textContent = `Playing ${m.step.id}...`;
    }
    if (m.step.kind === 'end') {
      this.#status.dataset.state = m.step.state;
      this.#status.textContent = m.step.state === 'done' ? `Played ${this.#status.dataset.scenario}.` : 'Failed.';
    }
    li.scrollIntoView({ block: 'nearest' });
  }
}

customElements.define('dfs-threats', ThreatsTab);
