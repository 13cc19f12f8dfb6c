import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { cliEnv } from '../support/stack.js';
import { describe, expect, it } from 'vitest';

import type { SecondSample } from '../../cli/load/stats.js';

const run = promisify(execFile);
const CHROMIUM = '/usr/bin/chromium';
const SHOTS = 'test-results/load';

/** Renders the `--html` report in the system Chromium and checks charts, axis units and metadata. */
async function checkInChromium(html: string, r: { meta: { commit: string; date: string }; timeline: SecondSample[] }) {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(pathToFileURL(html).href);
    const chart = (id: string) => page.locator(`svg[data-chart="${id}"]`);
    for (const id of ['latency', 'rate', 'histogram']) expect(await chart(id).count()).toBe(1);
    expect(await chart('latency').locator('.axis-label.x').textContent()).toMatch(/\(s\)$/);
    expect(await chart('latency').locator('.axis-label.y').textContent()).toMatch(/\(ms\)$/);
    expect(await chart('rate').locator('.axis-label.y').textContent()).toMatch(/\(payments\/s\)$/);
    expect(await chart('histogram').locator('.axis-label.x').textContent()).toMatch(/\(ms\)$/);
    expect(await chart('histogram').locator('.axis-label.y').textContent()).toMatch(/count/);
    const withLatency = r.timeline.filter((s) => s.latencyMs).length;
    for (const p of ['p50', 'p95', 'p99'])
      expect(await chart('latency').locator(`g.series[data-series="${p}"]`).getAttribute('data-points')).toBe(
        String(withLatency),
      );
    for (const series of ['offered', 'achieved (posted)'])
      expect(await chart('rate').locator(`g.series[data-series="${series}"]`).getAttribute('data-points')).toBe(
        String(r.timeline.length),
      );
    const ticks = await chart('latency').locator('text.tick.x').allTextContents();
    expect(ticks.map(Number)).toContain(r.timeline.length - 1);
    expect(await chart('histogram').locator('rect.bar').count()).toBe(40);
    const box = await chart('rate').boundingBox();
    expect(box!.width).toBeLessThanOrEqual(1280);
    const meta = await page.locator('table.meta').innerText();
    for (const v of [r.meta.commit, r.meta.date, 'embedded stack', 'devices=5', 'rate=20', `${cpus().length} ×`])
      expect(meta).toContain(v);
    expect(meta).toContain(process.version);
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, 'report.png'), fullPage: true });
  } finally {
    await browser.close();
  }
}

describe('dfs load on a tiny run', () => {
  it('enrolls, pays, checks the ledger and writes a report with every field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dfs-load-'));
    try {
      const env = cliEnv(join(dir, 'state'));
      const out = join(dir, 'out.json');
      const html = join(dir, 'out.html');
      await run(
        process.execPath,
        [
          'bin/dfs.mjs',
          'load',
          '--devices',
          '5',
          '--rate',
          '20',
          '--duration',
          '3',
          '--echo-seconds',
          '1',
          '--json',
          out,
          '--html',
          html,
        ],
        { env, timeout: 90_000 },
      );
      const r = JSON.parse(readFileSync(out, 'utf8'));
      expect(r.devices).toBe(5);
      expect(r.durationSec).toBe(3);
      expect(r.payments.attempted).toBeGreaterThan(20);
      expect(r.payments.posted + r.payments.declined + r.payments.failed).toBe(r.payments.attempted);
      expect(r.throughputPerSec).toBeGreaterThan(0);
      for (const k of ['p50', 'p95', 'p99', 'max']) expect(typeof r.latencyMs[k]).toBe('number');
      expect(r.latencyMs.p50).toBeLessThanOrEqual(r.latencyMs.p99);
      expect(r.ceiling.echoPerSec).toBeGreaterThan(0);
      for (const cpu of [r.cpuUsPerPayment, r.ceiling.cpuUsPerCall]) {
        expect(cpu.generator).toBeGreaterThan(0);
        expect(cpu.embeddedStack).toBeGreaterThan(0);
      }
      const stack = r.workPerPayment.embeddedStack;
      expect(stack.storeCalls).toBeGreaterThan(1);
      expect(stack.busSends).toBeGreaterThan(0);
      expect(stack.grpcServed).toBeGreaterThanOrEqual(1);
      expect(stack.grpcMade).toBeGreaterThanOrEqual(1);
      expect(r.workPerPayment.generator.grpcMade).toBeGreaterThanOrEqual(1);
      expect(r.invariants).toMatchObject({ balancesConserved: true, lost: 0, duplicated: 0, unknown: 0 });
      expect(r.payments.settledAfterRun).toBe(0);
      expect(readFileSync(html, 'utf8')).toContain('<svg');
      expect(readFileSync(html, 'utf8')).not.toMatch(/<script|https?:\/\//);

      const timeline = r.timeline as SecondSample[];
      expect(timeline.length).toBeGreaterThanOrEqual(3);
      expect(timeline.map((s) => s.second)).toEqual(timeline.map((_, i) => i));
      const sum = (f: (s: SecondSample) => number) => timeline.reduce((n, s) => n + f(s), 0);
      expect(sum((s) => s.offeredPerSec)).toBe(r.payments.attempted);
      expect(sum((s) => s.achievedPerSec)).toBe(r.payments.posted);
      const codes: Record<string, number> = {};
      for (const s of timeline) for (const [c, n] of Object.entries(s.errors)) codes[c] = (codes[c] ?? 0) + n;
      expect(codes).toEqual(r.payments.errorCodes);
      for (const s of timeline.filter((t) => t.latencyMs)) {
        expect(s.latencyMs!.p50).toBeLessThanOrEqual(s.latencyMs!.p99);
        expect(s.latencyMs!.p99).toBeLessThanOrEqual(r.latencyMs.max);
      }
      expect(Date.parse(r.meta.date)).not.toBeNaN();
      expect(r.meta.commit).toMatch(/^[0-9a-f]{7,}$|^unknown$/);
      expect(r.meta.options).toMatchObject({ devices: 5, rate: 20, durationSec: 3 });
      expect(r.meta.machine.cpuCount).toBe(cpus().length);
      expect(r.meta.machine.node).toBe(process.version);
      if (existsSync(CHROMIUM) || process.env.CI) await checkInChromium(html, r);
      else console.warn(`[load] ${CHROMIUM} not found: the browser check of the HTML report is skipped`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
