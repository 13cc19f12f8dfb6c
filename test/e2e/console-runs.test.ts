import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, consoleStack, openBrowser } from '../support/console.js';

type Env = Awaited<ReturnType<typeof consoleStack>>;

const noBrowser = !existsSync(CHROMIUM) && !process.env.CI;
if (noBrowser) console.warn(`[console] ${CHROMIUM} not found: the browser part of the runs test is skipped`);

describe('the console Threats and Load tabs', () => {
  let c: Env;
  let b: Awaited<ReturnType<typeof openBrowser>> | undefined;
  beforeAll(async () => {
    c = await consoleStack();
  }, 60_000);
  afterAll(async () => {
    await b?.browser.close();
    await c?.close();
  });

  const send = async (method: string, path: string, body?: unknown, token: string | null = c.token) => {
    const res = await fetch(`${c.web.url}api/${path}`, {
      method,
      headers: {
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const settled = async (path: 'threats' | 'load', field: 'play' | 'run') => {
    for (let i = 0; i < 600; i++) {
      const s = (await send('GET', path)).body[field] as { state: string } | null;
      if (s && s.state !== 'running') return s;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${path} still running`);
  };

  it('refuses to play a threat or start a load run without the operator credential, and starts nothing', async () => {
    const play = { scenario: 'amount-in-transit' };
    const load = { devices: 2, durationSec: 2, rate: 1 };
    for (const token of [null, 'not-the-token'])
      expect([await send('POST', 'threats/plays', play, token), await send('POST', 'load/runs', load, token)]).toEqual([
        { status: 401, body: expect.objectContaining({ code: 'CONSOLE_UNAUTHENTICATED' }) },
        { status: 401, body: expect.objectContaining({ code: 'CONSOLE_UNAUTHENTICATED' }) },
      ]);
    expect((await send('GET', 'threats')).body.play).toBeNull();
    expect((await send('GET', 'load')).body.run).toBeNull();
  });

  it('caps a load run server-side and refuses an unknown scenario, each with its code', async () => {
    for (const over of [{ devices: 21 }, { durationSec: 31 }, { rate: 21 }, { devices: 0 }])
      expect(await send('POST', 'load/runs', { devices: 2, durationSec: 2, rate: 1, ...over })).toMatchObject({
        status: 400,
        body: { code: 'INVALID_ARGUMENT' },
      });
    expect(await send('POST', 'threats/plays', { scenario: 'no-such-attack' })).toMatchObject({
      status: 404,
      body: { code: 'CONSOLE_SCENARIO_NOT_FOUND' },
    });
    expect((await send('GET', 'load')).body.run).toBeNull();
  });

  it('plays one scenario at a time: a second play while one plays is CONSOLE_RUN_IN_PROGRESS', async () => {
    const first = await send('POST', 'threats/plays', { scenario: 'replay-posted-payment' });
    expect(first).toMatchObject({ status: 202, body: { state: 'running', scenario: 'replay-posted-payment' } });
    expect(await send('POST', 'threats/plays', { scenario: 'amount-in-transit' })).toMatchObject({
      status: 409,
      body: { code: 'CONSOLE_RUN_IN_PROGRESS' },
    });
    const done = (await settled('threats', 'play')) as unknown as { steps: { step: Record<string, unknown> }[] };
    expect(done.steps.map((s) => s.step.kind)).toContain('outcome');
    expect(done.steps.at(-1)!.step).toMatchObject({ kind: 'end', state: 'done' });
  }, 60_000);

  describe.skipIf(noBrowser)('in Chromium', () => {
    beforeAll(async () => {
      b = await openBrowser(c.web.url, c.token);
    }, 60_000);

    it('plays amount-in-transit from the keyboard, step by step, showing the observed code and its R1-R9', async () => {
      const page = b!.page;
      await page.click('#tab-threats');
      await page.selectOption('#scenario', 'amount-in-transit');
      await b!.shot('t1-threats-picker');
      await page.focus('#play-threat');
      await page.keyboard.press('Enter');
      const outcome = page.locator('#threat-steps li.threat-outcome[data-code]');
      await outcome.waitFor({ timeout: 30_000 });
      await page.locator('#threat-status[data-state=done]').waitFor();
      expect(await outcome.getAttribute('data-outcome')).toBe('BLOCKED');
      expect(await outcome.getAttribute('data-code')).toBe('PAYMENT_SIGNATURE_INVALID');
      expect(await outcome.locator('.observed-code').textContent()).toBe('PAYMENT_SIGNATURE_INVALID');
      expect(
        await outcome.locator('[data-rec]').evaluateAll((els) => els.map((e) => e.getAttribute('data-rec'))),
      ).toEqual(['R9', 'R3']);
      expect(await outcome.locator('[data-achieved]').getAttribute('data-achieved')).toBe('false');
      const kinds = await page.locator('#threat-steps > li').evaluateAll((els) => els.map((e) => e.dataset.kind));
      expect(kinds[0]).toBe('scenario');
      expect(kinds.filter((k) => k === 'frame').length).toBeGreaterThan(0);
      expect(kinds.indexOf('outcome')).toBeGreaterThan(kinds.lastIndexOf('frame'));
      await outcome.scrollIntoViewIfNeeded();
      await b!.shot('t2-threat-played');
    }, 60_000);

    it('starts a 10-second load run, the charts grow while it runs, the invariants hold at the end', async () => {
      const page = b!.page;
      await page.click('#tab-load');
      await page.fill('#load-devices', '5');
      await page.fill('#load-rate', '2');
      await page.fill('#load-duration', '10');
      await page.press('#load-duration', 'Enter');
      const offered = page.locator('#load-charts svg[data-chart="rate"] g.series[data-series="offered"]');
      const points = async () => Number(await offered.getAttribute('data-points'));
      await page.locator('#load-status[data-phase=paying]').waitFor({ timeout: 30_000 });
      await page.waitForFunction(
        () => Number(document.querySelector('#load-status')?.getAttribute('data-seconds')) >= 2,
      );
      const early = await points();
      expect(await send('POST', 'load/runs', { devices: 2, durationSec: 2, rate: 1 })).toMatchObject({
        status: 409,
        body: { code: 'CONSOLE_RUN_IN_PROGRESS' },
      });
      await b!.shot('l1-load-running');
      await page.waitForFunction(
        (n) => Number(document.querySelector('#load-status')?.getAttribute('data-seconds')) >= n + 3,
        early,
      );
      expect(await points()).toBeGreaterThan(early);
      const latency = page.locator('#load-charts svg[data-chart="latency"]');
      expect(await latency.locator('.axis-label.y').textContent()).toBe('latency (ms)');
      expect(await page.locator('#load-charts svg[data-chart="rate"] .axis-label.y').textContent()).toBe(
        'rate (payments/s)',
      );
      await page.locator('#load-end:not([data-ok=""])').waitFor({ timeout: 45_000 });
      expect(await page.locator('#load-end').getAttribute('data-ok')).toBe('true');
      expect(await page.locator('#load-status').getAttribute('data-state')).toBe('done');
      const run = (await send('GET', 'load')).body.run as {
        seconds: unknown[];
        end: { payments: { attempted: number } };
      };
      expect(run.seconds.length).toBeGreaterThanOrEqual(10);
      expect(run.end.payments.attempted).toBeGreaterThan(10);
      await b!.shot('l2-load-done');
    }, 90_000);
  });
});
