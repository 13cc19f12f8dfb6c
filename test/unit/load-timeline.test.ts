import { describe, expect, it } from 'vitest';
import { histogramChart, lastTicked, lineChart, svgText, ticks } from '../../cli/load/chart.js';
import { histogram } from '../../cli/load/html.js';
import { dueBy, freePhones } from '../../cli/load/run.js';
import { Timeline } from '../../cli/load/stats.js';

describe('load timeline', () => {
  it('buckets offered, achieved, latency and errors by the second they happened in', () => {
    const t = new Timeline(10_000);
    t.offered.tick(10_100);
    t.offered.tick(10_900);
    t.offered.tick(11_000);
    t.achieved.tick(10_950);
    t.latency(10_950, 40);
    t.latency(10_990, 80);
    t.error(12_500, 'RISK_DECLINED');
    t.error(12_600, 'RISK_DECLINED');
    expect(t.sample(0, 3)).toEqual({
      second: 0,
      offeredPerSec: 2,
      achievedPerSec: 1,
      latencyMs: { p50: 40, p95: 80, p99: 80 },
      errors: {},
      inFlight: 3,
    });
    expect(t.sample(1, 1)).toMatchObject({ offeredPerSec: 1, achievedPerSec: 0, latencyMs: null, errors: {} });
    expect(t.sample(2, 0).errors).toEqual({ RISK_DECLINED: 2 });
    expect(t.activeSeconds()).toBe(3);
    expect(t.secondOf(9_000)).toBe(0);
  });
});

describe('open-loop schedule', () => {
  it('sends payment i at i / rate seconds, not one interval later (latency is measured from that time)', () => {
    expect([0, 499, 500, 999, 1000].map((ms) => dueBy(ms, 2))).toEqual([1, 1, 2, 2, 3]);
    expect(dueBy(9_999, 20)).toBe(200);
  });
});

describe('open-loop phone choice', () => {
  it('gives a payment to a phone with nothing in progress and not resting after a refusal, each in turn', () => {
    const phones = [0, 1, 2].map((id) => ({ id, pending: 0, restUntilMs: 0 }));
    const next = freePhones(phones);
    expect(next(1000)?.id).toBe(0);
    expect(next(1000)?.id).toBe(1);
    phones[2]!.pending = 1;
    phones[0]!.restUntilMs = 1500;
    expect(next(1000)?.id).toBe(1);
    phones[1]!.pending = 1;
    expect(next(1000)).toBeNull();
    expect(next(1500)?.id).toBe(0);
  });
});

describe('load charts', () => {
  it('picks round ticks covering the maximum, at least minStep apart', () => {
    expect(ticks(10)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(ticks(3, 8, 1)).toEqual([0, 1, 2, 3]);
    expect(ticks(0.7)).toEqual([0, 0.2, 0.4, 0.6, 0.8]);
  });

  it('labels the last second of a run on the time axis, without crowding the tick before it', () => {
    expect(lastTicked(ticks(9, 8, 1), 9)).toEqual([0, 2, 4, 6, 8, 9]);
    expect(lastTicked(ticks(10, 8, 1), 10)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(lastTicked([0, 5, 10], 12)).toEqual([0, 5, 12]);
    expect(lastTicked([0, 5, 10], 13)).toEqual([0, 5, 10, 13]);
  });

  it('draws one polyline per series with its points, axis labels with units, and skips empty seconds', () => {
    const svg = svgText(
      lineChart({
        id: 'latency',
        title: 'Latency',
        xLabel: 'time (s)',
        yLabel: 'latency (ms)',
        x: [0, 1, 2],
        series: [{ name: 'p99', color: '#c00', values: [5, null, 9] }],
      }),
    );
    expect(svg).toContain('data-chart="latency"');
    expect(svg).toMatch(/class="axis-label x"[^>]*>time \(s\)</);
    expect(svg).toMatch(/class="axis-label y"[^>]*>latency \(ms\)</);
    expect(svg).toContain('data-series="p99" data-points="2"');
    expect(svgText({ tag: 'text', attrs: { x: '"><script>' }, text: '<b>' })).toBe(
      '<text x="&quot;&gt;&lt;script&gt;">&lt;b&gt;</text>',
    );
  });

  it('labels histogram ticks in the unit of the x axis, not in bins', () => {
    const h = histogram([1, 2, 3, 4, 50, 100], 10);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(6);
    const svg = svgText(
      histogramChart({
        id: 'histogram',
        title: 'Latency',
        xLabel: 'latency (ms)',
        yLabel: 'payments (count per bin)',
        x: [],
        binWidth: h.binWidthMs,
        series: [{ name: 'payments', color: '#00c', values: h.counts }],
      }),
    );
    const xTicks = [...svg.matchAll(/class="tick x"[^>]*>([^<]+)</g)].map((m) => Number(m[1]));
    expect(Math.max(...xTicks)).toBe(100);
    expect(xTicks).not.toContain(10);
  });
});
