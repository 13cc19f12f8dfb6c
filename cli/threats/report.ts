import type { RunMeta } from '../run-meta.js';
import type { Label, Played, Recommendation } from './types.js';

export type { Played } from './types.js';

const count = (played: Played[], o: string) => played.filter((p) => p.outcome === o).length;

/**
 * The machine-readable report: metadata, counts, and per
 * scenario its label, expectation, verdict and observed evidence.
 */
export function jsonReport(played: Played[], meta: RunMeta) {
  return {
    meta,
    summary: {
      total: played.length,
      blocked: count(played, 'BLOCKED'),
      detected: count(played, 'DETECTED'),
      succeeded: count(played, 'SUCCEEDED'),
      unexpected: count(played, 'UNEXPECTED'),
      notBuilt: count(played, 'NOT_BUILT'),
    },
    scenarios: played.map((p) => ({
      id: p.id,
      title: p.title,
      label: p.label,
      recommendations: p.recommendations,
      control: p.control,
      masvs: p.masvs,
      seed: p.seed,
      expected: p.expect,
      outcome: p.outcome,
      code: p.observed.code,
      achieved: p.observed.achieved,
      evidence: p.observed.evidence,
      steps: p.observed.steps,
      ...(p.detectedBy ? { detectedBy: p.detectedBy } : {}),
      ...(p.observed.notBuilt ? { notBuilt: p.observed.notBuilt } : {}),
    })),
  };
}

/** The console table: scenario, label, outcome, observed code, recommendations, control. */
export function textTable(played: Played[]): string {
  const rows = played.map((p) => [
    p.id,
    p.label,
    p.outcome,
    p.observed.code ?? '-',
    p.recommendations.join(','),
    p.control,
  ]);
  const head = ['scenario', 'label', 'outcome', 'observed code', 'R', 'control'];
  const widths = head.map((h, i) => Math.min(46, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
  const line = (r: string[]) =>
    r.map((c, i) => (i === r.length - 1 ? c : c.slice(0, widths[i]).padEnd(widths[i]!))).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The ITU FIGI security recommendations, in words. */
export const RECOMMENDATIONS: Record<Recommendation, string> = {
  R1: 'Strong proof of device ownership',
  R2: 'A secure element or trusted environment for device integrity',
  R3: 'Encrypted, authenticated communications and secure coding',
  R4: 'External review and penetration testing',
  R5: 'Secure credentials and strong user authentication',
  R6: 'Timely security updates',
  R7: 'Strong, standard cryptography libraries',
  R8: 'A small trusted computing base',
  R9: 'Public-key end-to-end security instead of SMS/USSD',
};

export const LABELS: Record<Label, string> = {
  remote:
    'remote: the attacker acts from the network, the mobile operator ' +
    "or the merchant counter, never touching the victim's phone",
  'on-device': 'on-device: the attacker holds the phone, or runs code or a cable on it',
  insider: 'insider: the attacker works inside the operator or an integrator',
};

/** Drops references to the project's source documents ("(002 §4.2)"), which a reader of the report cannot follow. */
export const plain = (s: string) => s.replace(/\s*\((?:\d{3} )?§[^)]*\)/g, '');
const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
const R = Object.keys(RECOMMENDATIONS) as Recommendation[];
const stopped = (p: Played) => p.outcome === 'BLOCKED' || p.outcome === 'DETECTED';

function summary(played: Played[], meta: RunMeta): string {
  const s = jsonReport(played, meta).summary;
  const byLabel = (Object.keys(LABELS) as Label[])
    .map((l) => `<li>${played.filter((p) => p.label === l).length} ${esc(LABELS[l])}</li>`)
    .join('');
  const controls = new Map<string, number>();
  for (const p of played.filter(stopped)) controls.set(p.control, (controls.get(p.control) ?? 0) + 1);
  const stoppers = [...controls]
    .sort((a, b) => b[1] - a[1])
    .map(([c, n]) => `<li>${esc(c)} (${n})</li>`)
    .join('');
  return `<section id="summary"><h2>Executive summary</h2>
<p class="counts"><strong>${s.total}</strong> attacks played: <strong>${s.blocked}</strong> blocked, \
<strong>${s.detected}</strong> detected, <strong>${s.succeeded}</strong> succeeded, <strong>${s.unexpected}</strong> \
stopped by an unexpected control, <strong>${s.notBuilt}</strong> not playable here.</p>
<h3>What was attacked</h3><ul>${byLabel}</ul>
<p>Targets: enrollment and device attestation, the payment channel and ledger, the risk engine, the phone's PIN, keys, \
screen, NFC and app store, and its firmware.</p>
<h3>What stopped it</h3><ul>${stoppers}</ul>
<h3>How to read the outcomes</h3>
<dl><dt>BLOCKED</dt><dd>The named control refused the attack with the code shown (or, where the control answers with \
silence, such as a blank screenshot, no code) and nothing changed: no money moved, no credential was issued, no device \
state changed.</dd>
<dt>DETECTED</dt><dd>The attack reached its target, for instance a SIM swap really happened or a cloned phone was \
really enrolled, and a control noticed it and held or declined what followed before anything the user or the ledger \
sees changed. The report says what detected it.</dd>
<dt>SUCCEEDED</dt><dd>The attacker got what he was after, judged from the money, ledger and device facts observed.</dd>
<dt>UNEXPECTED</dt><dd>The attack was refused, but not with the code the named control gives: another layer stopped \
it, which is recorded but not counted as the control's success.</dd></dl>
<p>Every outcome is derived from what the run observed: codes as they came back over the wire or from the phone's \
interfaces, balances read from the ledger before and after, device state read from the phone. Every control was also \
switched off once, in a separate test run, to show that the attack then succeeds.</p>
</section>`;
}

function matrix(played: Played[]): string {
  const rows = played
    .map((p) => {
      const cells = R.map((r) => `<td>${p.recommendations.includes(r) ? (stopped(p) ? '●' : '✗') : ''}</td>`);
      return `<tr><td>${esc(p.id)}</td>${cells.join('')}</tr>`;
    })
    .join('');
  const totals = R.map(
    (r) => `<td>${played.filter((p) => p.recommendations.includes(r) && stopped(p)).length}</td>`,
  ).join('');
  const legend = R.map((r) => `<li><strong>${r}</strong> ${esc(RECOMMENDATIONS[r])}</li>`).join('');
  return `<section id="recommendations"><h2>ITU FIGI security recommendations covered</h2><ul>${legend}</ul>
<table class="matrix"><tr><th>scenario</th>${R.map((r) => `<th>${r}</th>`).join('')}</tr>${rows}\
<tr><th>stopped</th>${totals}</tr></table></section>`;
}

function scenario(p: Played): string {
  const evidence = Object.entries(p.observed.evidence)
    .map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(String(v))}</td></tr>`)
    .join('');
  const steps = p.observed.steps.map((s) => `<li>${esc(s)}</li>`).join('');
  return `<article class="scenario ${p.outcome}" id="${esc(p.id)}">\
<h3>${esc(p.title)} <span class="outcome">${p.outcome}</span></h3>
<p class="story">${esc(plain(p.story))}</p>
<table class="facts"><tr><th>attacker</th><td>${esc(LABELS[p.label])}</td></tr>
<tr><th>attack</th><td>${esc(p.action)}</td></tr>
<tr><th>control</th><td>${esc(p.control)}</td></tr>
<tr><th>expected</th><td>${p.expect.outcome} with <code>${esc(p.expect.code ?? 'no code (silence)')}</code></td></tr>
<tr><th>observed</th><td><code>${esc(p.observed.code ?? 'no code')}</code>; attacker's goal \
reached: ${p.observed.achieved ? 'yes' : 'no'}</td></tr>
${p.detectedBy ? `<tr><th>detected by</th><td>${esc(p.detectedBy)}</td></tr>` : ''}
<tr><th>recommendations</th><td>${p.recommendations.map((r) => `${r} ${esc(RECOMMENDATIONS[r])}`).join('; ')}</td></tr>
<tr><th>OWASP MASVS</th><td>${esc(p.masvs)}</td></tr>
<tr><th>with the control off</th><td>${esc(p.success)}</td></tr></table>
<h4>Steps</h4><ol>${steps}</ol><h4>Observed evidence</h4><table class="evidence">${evidence}</table>\
${p.observed.notBuilt ? `<p>${esc(p.observed.notBuilt)}</p>` : ''}</article>`;
}

/** A self-contained HTML report for a bank's security team (no scripts, no network). */
export function htmlReport(played: Played[], meta: RunMeta): string {
  const rows = played
    .map(
      (p) =>
        `<tr class="${p.outcome}"><td><a href="#${esc(p.id)}">${esc(p.id)}</a></td><td>${esc(p.title)}</td>` +
        `<td>${p.label}</td><td>${esc(p.control)}</td><td class="outcome">${p.outcome}</td>` +
        `<td><code>${esc(p.observed.code ?? '')}</code></td><td>${p.recommendations.join(' ')}</td></tr>`,
    )
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">\
<title>Threat demonstration report: DFS reference stack</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:72em}\
table{border-collapse:collapse;margin-bottom:1.5em}\
td,th{border:1px solid #ccc;padding:4px 6px;vertical-align:top;text-align:left}\
.BLOCKED .outcome,.DETECTED .outcome{color:#05660b;font-weight:bold}\
.SUCCEEDED .outcome,.UNEXPECTED .outcome{color:#b00;font-weight:bold}.NOT_BUILT .outcome{color:#777}\
article{border-top:2px solid #ddd;padding-top:.5em}.counts{font-size:1.2em}</style></head>
<body><h1>Threat demonstration report</h1>
<p>Named attacks played against the DFS reference stack (a payment daemon on simulated KaiOS feature phones, and \
attestation, transaction and risk services), each mapped to the control expected to stop it.</p>
<table class="meta"><tr><th>date</th><td>${esc(meta.date)}</td></tr>\
<tr><th>commit</th><td>${esc(meta.commit)}</td></tr>\
<tr><th>attestation policy version</th><td>${esc(meta.attestationPolicyVersion)}</td></tr>\
<tr><th>risk rules version</th><td>${esc(meta.riskRulesVersion)}</td></tr>\
<tr><th>target</th><td>${esc(meta.target)}</td></tr></table>
${summary(played, meta)}
<section id="scenarios-table"><h2>All scenarios</h2>\
<table class="scenarios"><tr><th>id</th><th>scenario</th><th>attacker</th><th>control</th><th>outcome</th>\
<th>observed code</th><th>R</th></tr>${rows}</table></section>
${matrix(played)}
<section id="details"><h2>Each scenario: steps and observed evidence</h2>${played.map(scenario).join('\n')}</section>
</body></html>`;
}
