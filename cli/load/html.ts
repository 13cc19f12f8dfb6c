import type { LoadReport } from './run.js';

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

function bars(values: number[], width: number, height: number, label: (i: number) => string): string {
  const max = Math.max(1, ...values);
  const w = width / Math.max(1, values.length);
  return (
    values
      .map((v, i) => {
        const h = (v / max) * (height - 20);
        return (
          `<rect x="${(i * w).toFixed(1)}" y="${(height - 20 - h).toFixed(1)}" ` +
          `width="${Math.max(1, w - 1).toFixed(1)}" height="${h.toFixed(1)}">` +
          `<title>${esc(label(i))}: ${v}</title></rect>`
        );
      })
      .join('') +
    (`<text x="0" y="${height - 4}">0</text><text x="${width - 40}" ` +
      `y="${height - 4}">${values.length}</text><text x="0" y="12">max ${max}</text>`)
  );
}

function histogram(samples: number[], bins = 40): { counts: number[]; edges: number[] } {
  const s = [...samples].sort((a, b) => a - b);
  const top = s[Math.floor(s.length * 0.999)] ?? 1;
  const width = Math.max(top / bins, 0.01);
  const counts = new Array<number>(bins).fill(0);
  for (const v of s) counts[Math.min(bins - 1, Math.floor(v / width))]! += 1;
  return { counts, edges: counts.map((_, i) => i * width) };
}

/** A self-contained HTML report (inline SVG, no scripts, no network): throughput over time and latency distribution. */
export function renderHtml(report: LoadReport & { ceiling: { echoPerSec: number } }): string {
  const h = histogram(report.latencySamplesMs);
  const ms = report.latencyMs;
  const rows = Object.entries({
    devices: report.devices,
    mode: report.mode,
    'duration (s)': report.durationSec,
    attempted: report.payments.attempted,
    posted: report.payments.posted,
    declined: report.payments.declined,
    failed: report.payments.failed,
    'throughput (posted/s)': report.throughputPerSec,
    'echo ceiling (/s)': report.ceiling.echoPerSec,
    'ratio to ceiling': report.ceiling.echoPerSec
      ? (report.throughputPerSec / report.ceiling.echoPerSec).toFixed(2)
      : 'n/a',
    'p50 / p95 / p99 / max (ms)': `${ms.p50} / ${ms.p95} / ${ms.p99} / ${ms.max}`,
    invariants: report.invariants.ok ? 'hold' : `VIOLATED ${JSON.stringify(report.invariants)}`,
  })
    .map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(String(v))}</td></tr>`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>DFS load report</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:960px}th{text-align:left;padding-right:1em}\
svg{background:#fafafa;border:1px solid #ddd}rect{fill:#2b6cb0}text{font-size:11px;fill:#444}</style></head>
<body><h1>DFS load report</h1><table>${rows}</table>
<h2>Posted payments per second</h2>\
<svg width="900" height="220" role="img" aria-label="throughput over time">\
${bars(report.timeline.postedPerSec, 900, 220, (i) => `second ${i}`)}</svg>
<h2>Latency distribution (ms, to the 99.9th percentile)</h2>\
<svg width="900" height="220" role="img" aria-label="latency histogram">\
${bars(h.counts, 900, 220, (i) => `${h.edges[i]!.toFixed(1)} ms`)}</svg>
<p>p50 ${ms.p50} ms, p95 ${ms.p95} ms, p99 ${ms.p99} ms, max ${ms.max} ms.</p>
</body></html>`;
}
