/**
 * Inline SVG charts for load runs, with labelled axes and units. Pure string building with no
 * Node.js or DOM dependency, so that the `--html` report and the console's Load tab draw the same
 * charts from the same per-second samples.
 */

import type { SecondSample } from './stats.js';

/** One line of a chart: its name (legend), colour and one value per x (null: no value that second). */
export interface Series {
  name: string;
  color: string;
  values: (number | null)[];
}

/** A chart: an id (data-chart), a title, axis labels with their units, x values and the series. */
export interface ChartSpec {
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  x: number[];
  series: Series[];
  width?: number;
  height?: number;
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
const MARGIN = { left: 64, right: 16, top: 46, bottom: 44 };

/** About `count` round tick values (1, 2 or 5 times a power of ten, at least `minStep` apart) from 0 to `max`. */
export function ticks(max: number, count = 5, minStep = 0): number[] {
  const top = max > 0 ? max : 1;
  const raw = Math.max(top / count, minStep);
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? 10 * pow;
  const out: number[] = [];
  for (let v = 0; v < top + step / 2; v += step) out.push(Math.round(v * 1e6) / 1e6);
  if (out[out.length - 1]! < top) out.push(Math.round((out[out.length - 1]! + step) * 1e6) / 1e6);
  return out;
}

const fmt = (v: number) => (Math.abs(v) >= 100 ? String(Math.round(v)) : String(Number(v.toFixed(2))));

interface Frame {
  w: number;
  h: number;
  plotW: number;
  plotH: number;
  px: (x: number) => number;
  py: (y: number) => number;
  body: string;
}

/** Axes, grid, tick labels and axis titles around a plot area for x in [x0, x1] and y in [0, yMax]. */
function axes(spec: ChartSpec, x0: number, x1: number, yMax: number, xTicks: number[]): Frame {
  const w = spec.width ?? 900;
  const h = spec.height ?? 260;
  const plotW = w - MARGIN.left - MARGIN.right;
  const plotH = h - MARGIN.top - MARGIN.bottom;
  const yTicks = ticks(yMax);
  const yTop = yTicks[yTicks.length - 1]!;
  const px = (x: number) => MARGIN.left + ((x - x0) / Math.max(x1 - x0, 1e-9)) * plotW;
  const py = (y: number) => MARGIN.top + plotH - (y / yTop) * plotH;
  const bottom = MARGIN.top + plotH;
  const grid = yTicks
    .map(
      (t) =>
        `<line class="grid" x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${py(t).toFixed(1)}" ` +
        `y2="${py(t).toFixed(1)}"/><text class="tick y" x="${MARGIN.left - 6}" y="${(py(t) + 4).toFixed(1)}" ` +
        `text-anchor="end">${fmt(t)}</text>`,
    )
    .join('');
  const xt = xTicks
    .filter((t) => t <= x1 + 1e-9)
    .map(
      (t) =>
        `<line class="tick" x1="${px(t).toFixed(1)}" x2="${px(t).toFixed(1)}" y1="${bottom}" y2="${bottom + 4}"/>` +
        `<text class="tick x" x="${px(t).toFixed(1)}" y="${bottom + 16}" text-anchor="middle">${fmt(t)}</text>`,
    )
    .join('');
  const body =
    `<text class="title" x="${MARGIN.left}" y="18">${esc(spec.title)}</text>${grid}${xt}` +
    `<line class="axis" x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${bottom}"/>` +
    `<line class="axis" x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${bottom}" y2="${bottom}"/>` +
    `<text class="axis-label x" x="${MARGIN.left + plotW / 2}" y="${h - 6}" text-anchor="middle">` +
    `${esc(spec.xLabel)}</text><text class="axis-label y" x="14" y="${MARGIN.top + plotH / 2}" ` +
    `text-anchor="middle" transform="rotate(-90 14 ${MARGIN.top + plotH / 2})">${esc(spec.yLabel)}</text>`;
  return { w, h, plotW, plotH, px, py, body };
}

const svg = (spec: ChartSpec, f: Frame, inner: string) =>
  `<svg class="chart" data-chart="${esc(spec.id)}" width="${f.w}" height="${f.h}" viewBox="0 0 ${f.w} ${f.h}" ` +
  `role="img" aria-label="${esc(`${spec.title}: ${spec.yLabel} against ${spec.xLabel}`)}">${f.body}${inner}</svg>`;

function legend(spec: ChartSpec): string {
  return spec.series
    .map((s, i) => {
      const x = MARGIN.left + i * 130;
      return (
        `<g class="legend" data-series="${esc(s.name)}"><rect x="${x}" y="26" width="12" height="12" ` +
        `fill="${esc(s.color)}"/><text x="${x + 16}" y="36">${esc(s.name)}</text></g>`
      );
    })
    .join('');
}

/** A line chart: one polyline per series over x, y from 0; a series with one point is drawn as a dot. */
export function lineChart(spec: ChartSpec): string {
  const x0 = spec.x[0] ?? 0;
  const x1 = Math.max(spec.x[spec.x.length - 1] ?? 1, x0 + 1);
  const yMax = Math.max(0, ...spec.series.flatMap((s) => s.values.filter((v): v is number => v !== null)));
  const f = axes(
    spec,
    x0,
    x1,
    yMax,
    ticks(x1 - x0, 8, 1).map((t) => t + x0),
  );
  const lines = spec.series
    .map((s) => {
      const pts = spec.x
        .map((x, i) => [x, s.values[i]] as const)
        .filter((p): p is readonly [number, number] => p[1] !== null && p[1] !== undefined)
        .map(([x, y]) => `${f.px(x).toFixed(1)},${f.py(y).toFixed(1)}`);
      const dots =
        pts.length === 1 ? `<circle cx="${pts[0]!.split(',')[0]}" cy="${pts[0]!.split(',')[1]}" r="3"/>` : '';
      return (
        `<g class="series" data-series="${esc(s.name)}" data-points="${pts.length}" stroke="${esc(s.color)}" ` +
        `fill="${esc(s.color)}"><polyline fill="none" stroke-width="2" points="${pts.join(' ')}"/>${dots}</g>`
      );
    })
    .join('');
  return svg(spec, f, lines + legend(spec));
}

/** A histogram: bins of width `binWidth` from 0 (x in the unit of xLabel), bar heights from the first series. */
export function histogramChart(spec: ChartSpec & { binWidth: number }): string {
  const counts = spec.series[0]?.values.map((v) => v ?? 0) ?? [];
  const x1 = Math.max(counts.length * spec.binWidth, spec.binWidth);
  const f = axes(spec, 0, x1, Math.max(0, ...counts), ticks(x1, 8));
  const bw = f.plotW / Math.max(1, counts.length);
  const bars = counts
    .map((c, i) => {
      const lo = i * spec.binWidth;
      return (
        `<rect class="bar" x="${f.px(lo).toFixed(1)}" y="${f.py(c).toFixed(1)}" ` +
        `width="${Math.max(1, bw - 1).toFixed(1)}" ` +
        `height="${(f.py(0) - f.py(c)).toFixed(1)}" fill="${esc(spec.series[0]?.color ?? '#2b6cb0')}">` +
        `<title>${fmt(lo)} to ${fmt(lo + spec.binWidth)}: ${c}</title></rect>`
      );
    })
    .join('');
  return svg(spec, f, `<g class="series" data-series="${esc(spec.series[0]?.name ?? '')}">${bars}</g>`);
}

/** The two time-series charts of a run, from its per-second samples: latency percentiles, offered vs achieved. */
export function timeCharts(seconds: SecondSample[], width = 900): { latency: string; rate: string } {
  const x = seconds.map((s) => s.second);
  const timeLabel = 'time since the payment phase started (s)';
  const latency = lineChart({
    id: 'latency',
    title: 'Latency percentiles per second',
    xLabel: timeLabel,
    yLabel: 'latency (ms)',
    x,
    width,
    series: (['p50', 'p95', 'p99'] as const).map((p, i) => ({
      name: p,
      color: ['#2b6cb0', '#d69e2e', '#c53030'][i]!,
      values: seconds.map((s) => s.latencyMs?.[p] ?? null),
    })),
  });
  const rate = lineChart({
    id: 'rate',
    title: 'Offered vs achieved rate',
    xLabel: timeLabel,
    yLabel: 'rate (payments/s)',
    x,
    width,
    series: [
      { name: 'offered', color: '#718096', values: seconds.map((s) => s.offeredPerSec) },
      { name: 'achieved (posted)', color: '#2f855a', values: seconds.map((s) => s.achievedPerSec) },
    ],
  });
  return { latency, rate };
}
