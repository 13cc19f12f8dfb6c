/**
 * SVG charts for load runs, with labelled axes and units. The charts are element trees with no
 * Node.js or DOM dependency: the `--html` report serialises them (`svgText`), and the console's Load
 * tab builds them as DOM nodes, so both draw the same charts from the same per-second samples.
 */

import type { SecondSample } from './stats.js';

/** One SVG element: its tag, attributes, and children or text. */
export interface SvgNode {
  tag: string;
  attrs: Record<string, string | number>;
  children?: SvgNode[];
  text?: string;
}

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

const el = (tag: string, attrs: SvgNode['attrs'], ...children: SvgNode[]): SvgNode => ({ tag, attrs, children });
const text = (attrs: SvgNode['attrs'], t: string): SvgNode => ({ tag: 'text', attrs, text: t });
const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
const n1 = (v: number) => Number(v.toFixed(1));
const MARGIN = { left: 64, right: 16, top: 46, bottom: 44 };

/** An element tree as SVG markup, every attribute and text escaped. */
export function svgText(node: SvgNode): string {
  const attrs = Object.entries(node.attrs)
    .map(([k, v]) => ` ${k}="${esc(String(v))}"`)
    .join('');
  const inner = node.text !== undefined ? esc(node.text) : (node.children ?? []).map(svgText).join('');
  return `<${node.tag}${attrs}>${inner}</${node.tag}>`;
}

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

/**
 * Ticks up to `end` that always label `end` itself (the last second of a run): a tick past it is
 * dropped, and one closer to it than half a step gives way so the two labels do not overlap.
 */
export function lastTicked(values: number[], end: number): number[] {
  const within = values.filter((t) => t <= end);
  const step = within.length > 1 ? within[1]! - within[0]! : 1;
  if (within[within.length - 1] === end) return within;
  if (within.length > 1 && end - within[within.length - 1]! < step / 2) within.pop();
  return [...within, end];
}

const fmt = (v: number) => (Math.abs(v) >= 100 ? String(Math.round(v)) : String(Number(v.toFixed(2))));

interface Frame {
  w: number;
  h: number;
  plotW: number;
  px: (x: number) => number;
  py: (y: number) => number;
  body: SvgNode[];
}

/** Axes, grid, tick labels and axis titles around a plot area for x in [x0, x1] and y in [0, yMax]. */
function axes(spec: ChartSpec, x0: number, x1: number, yMax: number, xTicks: number[]): Frame {
  const w = spec.width ?? 900;
  const h = spec.height ?? 260;
  const plotW = w - MARGIN.left - MARGIN.right;
  const plotH = h - MARGIN.top - MARGIN.bottom;
  const yTicks = ticks(yMax * 1.1);
  const yTop = yTicks[yTicks.length - 1]!;
  const px = (x: number) => n1(MARGIN.left + ((x - x0) / Math.max(x1 - x0, 1e-9)) * plotW);
  const py = (y: number) => n1(MARGIN.top + plotH - (y / yTop) * plotH);
  const bottom = MARGIN.top + plotH;
  const left = MARGIN.left;
  const body = [
    text({ class: 'title', x: left, y: 18 }, spec.title),
    ...yTicks.flatMap((t) => [
      el('line', { class: 'grid', x1: left, x2: left + plotW, y1: py(t), y2: py(t) }),
      text({ class: 'tick y', x: left - 6, y: n1(py(t) + 4), 'text-anchor': 'end' }, fmt(t)),
    ]),
    ...xTicks
      .filter((t) => t <= x1 + 1e-9)
      .flatMap((t) => [
        el('line', { class: 'tick', x1: px(t), x2: px(t), y1: bottom, y2: bottom + 4 }),
        text({ class: 'tick x', x: px(t), y: bottom + 16, 'text-anchor': 'middle' }, fmt(t)),
      ]),
    el('line', { class: 'axis', x1: left, x2: left, y1: MARGIN.top, y2: bottom }),
    el('line', { class: 'axis', x1: left, x2: left + plotW, y1: bottom, y2: bottom }),
    text({ class: 'axis-label x', x: left + plotW / 2, y: h - 6, 'text-anchor': 'middle' }, spec.xLabel),
    text(
      {
        class: 'axis-label y',
        x: 14,
        y: MARGIN.top + plotH / 2,
        'text-anchor': 'middle',
        transform: `rotate(-90 14 ${MARGIN.top + plotH / 2})`,
      },
      spec.yLabel,
    ),
  ];
  return { w, h, plotW, px, py, body };
}

const svg = (spec: ChartSpec, f: Frame, inner: SvgNode[]): SvgNode =>
  el(
    'svg',
    {
      class: 'chart',
      'data-chart': spec.id,
      width: f.w,
      height: f.h,
      viewBox: `0 0 ${f.w} ${f.h}`,
      role: 'img',
      'aria-label': `${spec.title}: ${spec.yLabel} against ${spec.xLabel}`,
    },
    ...f.body,
    ...inner,
  );

const legend = (spec: ChartSpec): SvgNode[] =>
  spec.series.map((s, i) => {
    const x = MARGIN.left + i * 130;
    return el(
      'g',
      { class: 'legend', 'data-series': s.name },
      el('rect', { x, y: 26, width: 12, height: 12, fill: s.color }),
      text({ x: x + 16, y: 36 }, s.name),
    );
  });

/** A line chart: one polyline per series over x, y from 0; a series with one point is drawn as a dot. */
export function lineChart(spec: ChartSpec): SvgNode {
  const x0 = spec.x[0] ?? 0;
  const x1 = Math.max(spec.x[spec.x.length - 1] ?? 1, x0 + 1);
  const yMax = Math.max(0, ...spec.series.flatMap((s) => s.values.filter((v): v is number => v !== null)));
  const f = axes(
    spec,
    x0,
    x1,
    yMax,
    lastTicked(
      ticks(x1 - x0, 8, 1).map((t) => t + x0),
      x1,
    ),
  );
  const lines = spec.series.map((s) => {
    const pts = spec.x
      .map((x, i) => [x, s.values[i]] as const)
      .filter((p): p is readonly [number, number] => p[1] !== null && p[1] !== undefined)
      .map(([x, y]) => [f.px(x), f.py(y)] as const);
    return el(
      'g',
      { class: 'series', 'data-series': s.name, 'data-points': pts.length, stroke: s.color, fill: s.color },
      el('polyline', { fill: 'none', 'stroke-width': 2, points: pts.map((p) => p.join(',')).join(' ') }),
      ...(pts.length === 1 ? [el('circle', { cx: pts[0]![0], cy: pts[0]![1], r: 3 })] : []),
    );
  });
  return svg(spec, f, [...lines, ...legend(spec)]);
}

/** A histogram: bins of width `binWidth` from 0 (x in the unit of xLabel), bar heights from the first series. */
export function histogramChart(spec: ChartSpec & { binWidth: number }): SvgNode {
  const counts = spec.series[0]?.values.map((v) => v ?? 0) ?? [];
  const x1 = Math.max(counts.length * spec.binWidth, spec.binWidth);
  const f = axes(spec, 0, x1, Math.max(0, ...counts), ticks(x1, 8));
  const bw = f.plotW / Math.max(1, counts.length);
  const bars = counts.map((c, i) => {
    const lo = i * spec.binWidth;
    const bar = {
      class: 'bar',
      x: f.px(lo),
      y: f.py(c),
      width: n1(Math.max(1, bw - 1)),
      height: n1(f.py(0) - f.py(c)),
    };
    return {
      tag: 'rect',
      attrs: { ...bar, fill: spec.series[0]?.color ?? '#2b6cb0' },
      children: [{ tag: 'title', attrs: {}, text: `${fmt(lo)} to ${fmt(lo + spec.binWidth)}: ${c}` }],
    };
  });
  return svg(spec, f, [el('g', { class: 'series', 'data-series': spec.series[0]?.name ?? '' }, ...bars)]);
}

/** The two time-series charts of a run, from its per-second samples: latency percentiles, offered vs achieved. */
export function timeCharts(seconds: SecondSample[], width = 900): { latency: SvgNode; rate: SvgNode } {
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
