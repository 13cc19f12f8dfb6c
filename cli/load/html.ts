import type { Machine } from '../run-meta.js';
import { histogramChart, svgText, timeCharts } from './chart.js';
import type { LoadReport } from './run.js';

/** When, where and how a load run was made: the report's header. */
export interface LoadMeta {
  date: string;
  commit: string;
  target: string;
  options: Record<string, string | number>;
  machine: Machine;
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

const table = (cls: string, rows: Record<string, string | number>) =>
  `<table class="${cls}">${Object.entries(rows)
    .map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(String(v))}</td></tr>`)
    .join('')}</table>`;

/** Latency counts in `bins` equal bins from 0 ms to the 99.9th percentile (the last bin takes the rest). */
export function histogram(samples: number[], bins = 40): { counts: number[]; binWidthMs: number } {
  const s = [...samples].sort((a, b) => a - b);
  const top = s[Math.floor(s.length * 0.999)] ?? 1;
  const width = Math.max(top / bins, 0.01);
  const counts = new Array<number>(bins).fill(0);
  for (const v of s) counts[Math.min(bins - 1, Math.floor(v / width))]! += 1;
  return { counts, binWidthMs: width };
}

/**
 * A self-contained HTML report (inline SVG, no scripts, no network): run metadata, the summary,
 * latency percentiles and offered vs achieved rate over time, errors by code, the latency histogram.
 */
export function renderHtml(report: LoadReport & { ceiling: { echoPerSec: number }; meta: LoadMeta }): string {
  const h = histogram(report.latencySamplesMs);
  const ms = report.latencyMs;
  const m = report.meta;
  const meta = table('meta', {
    date: m.date,
    commit: m.commit,
    target: m.target,
    options: Object.entries(m.options)
      .map(([k, v]) => `${k}=${v}`)
      .join(' '),
    machine: `${m.machine.cpuCount} × ${m.machine.cpuModel}, ${m.machine.memoryGiB} GiB memory, ${m.machine.platform}`,
    node: m.machine.node,
  });
  const summary = table('summary', {
    devices: report.devices,
    mode: report.mode,
    'duration (s)': report.durationSec,
    attempted: report.payments.attempted,
    posted: report.payments.posted,
    declined: report.payments.declined,
    failed: report.payments.failed,
    refused: report.payments.refused,
    'throughput (posted/s)': report.throughputPerSec,
    'echo ceiling (/s)': report.ceiling.echoPerSec,
    'ratio to ceiling': report.ceiling.echoPerSec
      ? (report.throughputPerSec / report.ceiling.echoPerSec).toFixed(2)
      : 'n/a',
    'p50 / p95 / p99 / max (ms)': `${ms.p50} / ${ms.p95} / ${ms.p99} / ${ms.max}`,
    invariants: report.invariants.ok ? 'hold' : `VIOLATED ${JSON.stringify(report.invariants)}`,
  });
  const codes = Object.entries(report.payments.errorCodes);
  const errors = codes.length
    ? table('errors', Object.fromEntries(codes.sort((a, b) => b[1] - a[1])))
    : '<p class="errors">No payment ended with an error code.</p>';
  const charts = timeCharts(report.timeline);
  const hist = svgText(
    histogramChart({
      id: 'histogram',
      title: 'Latency distribution, to the 99.9th percentile',
      xLabel: 'latency (ms)',
      yLabel: 'payments (count per bin)',
      x: [],
      binWidth: h.binWidthMs,
      series: [{ name: 'payments', color: '#2b6cb0', values: h.counts }],
    }),
  );
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>DFS load report</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:960px}th{text-align:left;padding-right:1em}\
svg{background:#fafafa;border:1px solid #ddd}text{font-size:11px;fill:#444}.title{font-size:13px;font-weight:600}\
.axis{stroke:#444}.grid{stroke:#e2e2e2}.tick{stroke:#444}.axis-label{font-size:12px;fill:#222}</style></head>
<body><h1>DFS load report</h1>
<h2>Run</h2>${meta}
<h2>Summary</h2>${summary}
<h2>Latency over time</h2>${svgText(charts.latency)}
<h2>Offered vs achieved rate</h2>${svgText(charts.rate)}
<h2>Errors by code</h2>${errors}
<h2>Latency distribution</h2>${hist}
<p>p50 ${ms.p50} ms, p95 ${ms.p95} ms, p99 ${ms.p99} ms, max ${ms.max} ms; bins of ${h.binWidthMs.toFixed(2)} ms.</p>
</body></html>`;
}
