// Renders docs/console.png (npm run docs:console): an embedded stack on free ports with the console, two phones
// driven through the page in Debian's Chromium (a secure phone enrolls and pays, a rooted one is refused), 1280x800.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { startConsole } from '../cli/console/server.js';
import { FREE_PORTS, startStack } from '../cli/stack.js';
import { connectWorld } from '../cli/world.js';
import { setLogDestination } from '../kit/src/log.js';

const OUT = process.argv[2] ?? 'docs/console.png';

/** Clicks keys of a phone's on-screen keypad, one after another. */
async function keys(page: Page, id: string, ...ks: string[]): Promise<void> {
  for (const k of ks) await page.click(`.phone[data-phone-id="${id}"] .keypad [data-key="${k}"]`);
}

/** Waits for the native UI of a phone to ask for `what`. */
const native = (page: Page, id: string, what: string) =>
  page.waitForSelector(`.phone[data-phone-id="${id}"] .screen[data-layer=native][data-waiting=${what}]`);

/** Adds a phone of `profile`, powers it on and leaves the boot screen; returns its id. */
async function phone(page: Page, profile: string, n: number): Promise<string> {
  await page.selectOption('#profile', profile);
  await page.click('#add-phone');
  const id = `phone-${n}`;
  await page.click(`.phone[data-phone-id="${id}"] button.power`);
  await page.waitForSelector(`.phone[data-phone-id="${id}"][data-power=on]`);
  await keys(page, id, 'Enter', 'Enter');
  await native(page, id, 'pin');
  await keys(page, id, '2', '5', '8', '0', 'Enter');
  await page.waitForSelector(`.phone[data-phone-id="${id}"] output.outcome:not([data-status=""])`);
  return id;
}

const stateDir = mkdtempSync(join(tmpdir(), 'dfs-console-shot-'));
setLogDestination(2);
const stack = await startStack({ stateDir, ephemeral: true, env: { LOG_LEVEL: 'silent', ...FREE_PORTS } });
const world = await connectWorld(stack.pki, stack);
const web = await startConsole({ stack, world, port: 0 });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox'] });
try {
  /* The console serves HTTPS with the dev PKI, a CA this browser has never seen. */
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, ignoreHTTPSErrors: true });
  await page.goto(web.url);
  await page.fill('#token', readFileSync(join(stateDir, 'keys', 'attestation-operator.token'), 'utf8').trim());
  await page.press('#token', 'Enter');
  await page.waitForSelector('#stream[data-state=open]');
  const secure = await phone(page, 'secure', 1);
  await phone(page, 'rooted', 2);
  await keys(page, secure, 'Enter', '1', '2', 'Enter');
  await native(page, secure, 'confirm');
  await keys(page, secure, 'Enter');
  await native(page, secure, 'pin');
  await keys(page, secure, '2', '5', '8');
  await page.screenshot({ path: OUT });
  console.log(`wrote ${OUT}`);
} finally {
  await browser.close();
  await web.stop();
  world.close();
  await stack.stop();
  rmSync(stateDir, { recursive: true, force: true });
}
