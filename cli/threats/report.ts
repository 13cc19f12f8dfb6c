import type { Result, Scenario } from './types.js';

export type Played = Scenario & Result;

/** The machine-readable report of a run (issue 8 format). */
export function jsonReport(played: Played[]) {
  const count = (o: string) => played.filter((p) => p.outcome === o).length;
  return {
    scenarios: played.map((p) => ({ id: p.id, title: p.title, recommendations: p.recommendations, outcome: p.outcome, code: p.code ?? null, control: p.control, masvs: p.masvs, seed: p.seed })),
    summary: { total: played.length, blocked: count('BLOCKED'), detected: count('DETECTED'), succeeded: count('SUCCEEDED'), notBuilt: count('NOT_BUILT') },
  };
}

/** The console table: scenario, attacker action, expected control, outcome, code, recommendations, MASVS, seed. */
export function textTable(played: Played[]): string {
  const rows = played.map((p) => [p.id, p.outcome, p.code ?? '-', p.recommendations.join(','), p.masvs, p.control]);
  const head = ['scenario', 'outcome', 'code', 'R', 'MASVS', 'control'];
  const widths = head.map((h, i) => Math.min(46, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.slice(0, widths[i]).padEnd(widths[i]!))).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
const R = ['R1', 'R2', 'R3', 'R4', 'R5', 'R6', 'R7', 'R8', 'R9'] as const;

/** A self-contained HTML report (no scripts, no network): the table and the R1-R9 coverage matrix. */
export function htmlReport(played: Played[]): string {
  const s = jsonReport(played).summary;
  const rows = played.map((p) => `<tr class="${p.outcome}"><td>${esc(p.id)}</td><td>${esc(p.title)}</td><td>${esc(p.action)}</td><td>${esc(p.control)}</td><td>${p.outcome}</td><td><code>${esc(p.code ?? '')}</code></td><td>${p.recommendations.join(' ')}</td><td>${esc(p.masvs)}</td><td>${esc(p.seed)}</td></tr>`).join('');
  const matrix = played.map((p) => `<tr><td>${esc(p.id)}</td>${R.map((r) => `<td>${p.recommendations.includes(r) ? (p.outcome === 'BLOCKED' || p.outcome === 'DETECTED' ? '●' : p.outcome === 'NOT_BUILT' ? '○' : '✗') : ''}</td>`).join('')}</tr>`).join('');
  const totals = R.map((r) => `<td>${played.filter((p) => p.recommendations.includes(r) && (p.outcome === 'BLOCKED' || p.outcome === 'DETECTED')).length}</td>`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>DFS threat scenarios</title>
<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:2em}td,th{border:1px solid #ccc;padding:4px 6px;vertical-align:top}tr.BLOCKED td:nth-child(5),tr.DETECTED td:nth-child(5){color:#05660b;font-weight:bold}tr.SUCCEEDED td:nth-child(5){color:#b00;font-weight:bold}tr.NOT_BUILT td:nth-child(5){color:#777}</style></head>
<body><h1>DFS threat scenarios</h1><p>${s.total} scenarios: ${s.blocked} blocked, ${s.detected} detected, ${s.succeeded} succeeded, ${s.notBuilt} not built.</p>
<table><tr><th>id</th><th>scenario</th><th>attacker action</th><th>expected control</th><th>outcome</th><th>code</th><th>R</th><th>MASVS</th><th>seed</th></tr>${rows}</table>
<h2>Coverage of ITU FIGI recommendations R1-R9 (seed 002 §2)</h2><p>● stopped by a control, ○ control not built, ✗ attack succeeded.</p>
<table><tr><th>scenario</th>${R.map((r) => `<th>${r}</th>`).join('')}</tr>${matrix}<tr><th>stopped</th>${totals}</tr></table></body></html>`;
}
