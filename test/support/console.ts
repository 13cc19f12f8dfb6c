import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RequestHandler } from 'express';
import { startConsole, type ConsoleHandle } from '../../cli/console/server.js';
import { testStack } from './stack.js';

/**
 * A test stack with the browser console on a free port, and the operator token the console accepts
 * (`access` replaces the console's credential check at wiring time).
 */
export async function consoleStack(access?: (token: string) => RequestHandler): Promise<{
  env: Awaited<ReturnType<typeof testStack>>;
  web: ConsoleHandle;
  token: string;
  close(): Promise<void>;
}> {
  const env = await testStack();
  const web = await startConsole({ stack: env.stack, world: env.world, port: 0, ...(access ? { access } : {}) });
  const token = readFileSync(join(env.stack.stateDir, 'keys', 'attestation-operator.token'), 'utf8').trim();
  return {
    env,
    web,
    token,
    async close() {
      await web.stop();
      await env.close();
    },
  };
}

/** Debian's Chromium, never a downloaded browser. */
export const CHROMIUM = '/usr/bin/chromium';
/** Where the console tests keep their screenshots (test output, not committed). */
export const SHOTS = join('test-results', 'console');

/** One headless Chromium for a test file, a 1280x800 page logged in to the console with the operator token. */
export async function openBrowser(url: string, token: string) {
  const { chromium } = await import('playwright-core');
  mkdirSync(SHOTS, { recursive: true });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  /* The console serves HTTPS with the test stack's dev PKI, a CA this browser has never seen. */
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, ignoreHTTPSErrors: true });
  await page.goto(url);
  await page.fill('#token', token);
  await page.press('#token', 'Enter');
  await page.waitForSelector('#stream[data-state=open]');
  return {
    browser,
    page,
    shot: (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true }),
  };
}

type Page = Awaited<ReturnType<typeof openBrowser>>['page'];

/** Phone helpers on the page: add one of a profile, click its keys, read its state from data attributes. */
export function phoneDriver(page: Page) {
  const card = (id: string) => page.locator(`.phone[data-phone-id="${id}"]`);
  return {
    card,
    async add(profile: string): Promise<string> {
      await page.click('#tab-phones');
      const before = await page.locator('.phone').count();
      await page.selectOption('#profile', profile);
      await page.click('#add-phone');
      await page.locator('.phone').nth(before).waitFor();
      return (await page.locator('.phone').nth(before).getAttribute('data-phone-id'))!;
    },
    async powerOn(id: string): Promise<void> {
      await card(id).locator('button.power').click();
      await page.waitForSelector(`.phone[data-phone-id="${id}"][data-power=on]`);
    },
    /** Clicks the on-screen keys, one after another. */
    async keys(id: string, ...keys: string[]): Promise<void> {
      for (const k of keys) await card(id).locator(`.keypad [data-key="${k}"]`).click();
    },
    /** Waits until the native UI asks for `what` (the daemon's confirmation or PIN pad). */
    async waitNative(id: string, what: 'confirm' | 'pin'): Promise<void> {
      await card(id).locator(`.screen[data-layer=native][data-waiting=${what}]`).waitFor();
    },
    /** Powers on (boot screen), enrolls with the demo PIN typed on the keypad; returns the outcome. */
    async enroll(id: string) {
      await this.keys(id, 'Enter', 'Enter');
      await this.waitNative(id, 'pin');
      await this.keys(id, '2', '5', '8', '0', 'Enter');
      return this.outcome(id);
    },
    /** From the home screen: types a whole amount, confirms and enters the demo PIN; returns the outcome. */
    async pay(id: string, amount: string) {
      await this.keys(id, 'Enter', ...amount.split(''), 'Enter');
      await this.waitNative(id, 'confirm');
      await this.keys(id, 'Enter');
      await this.waitNative(id, 'pin');
      await this.keys(id, '2', '5', '8', '0', 'Enter');
      return this.outcome(id);
    },
    /** Waits for the outcome of the phone's action (of `action` when named); its status, code and transaction. */
    async outcome(id: string, action?: 'enroll' | 'pay' | 'tap' | 'update') {
      const o = card(id).locator(`output.outcome${action ? `[data-action=${action}]` : ''}:not([data-status=""])`);
      await o.waitFor({ timeout: 20_000 });
      return {
        status: await o.getAttribute('data-status'),
        code: await o.getAttribute('data-code'),
        transactionId: await o.getAttribute('data-transaction-id'),
      };
    },
  };
}
