import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, consoleStack, openBrowser, phoneDriver, SHOTS } from '../support/console.js';

const noBrowser = !existsSync(CHROMIUM) && !process.env.CI;
if (noBrowser) console.warn(`[console] ${CHROMIUM} not found: the console browser tests are skipped (CI installs it)`);

describe.skipIf(noBrowser)('the console in Chromium: phones and the operator view', () => {
  let c: Awaited<ReturnType<typeof consoleStack>>;
  let b: Awaited<ReturnType<typeof openBrowser>>;
  let phone: ReturnType<typeof phoneDriver>;
  beforeAll(async () => {
    c = await consoleStack();
    b = await openBrowser(c.web.url, c.token);
    phone = phoneDriver(b.page);
  }, 60_000);
  afterAll(async () => {
    await b?.browser.close();
    await c?.close();
  });

  it('the page asks for the operator token and refuses a wrong one with CONSOLE_UNAUTHENTICATED', async () => {
    const page = await b.browser.newPage({ viewport: { width: 1280, height: 800 }, ignoreHTTPSErrors: true });
    try {
      await page.goto(c.web.url);
      await page.fill('#token', 'not-the-operator-token');
      await page.press('#token', 'Enter');
      await page.locator('#login-error[data-code=CONSOLE_UNAUTHENTICATED]').waitFor();
      expect(await page.locator('#tabs button').count()).toBe(0);
      await page.screenshot({ path: `${SHOTS}/0-login-refused.png` });
    } finally {
      await page.close();
    }
  });

  it('a secure phone enrolls HIGH and pays 12.00 by its keypad; the operator sees the payment and trail', async () => {
    const id = await phone.add('secure');
    await phone.powerOn(id);
    const card = phone.card(id);
    expect(await card.locator('[data-boot]').getAttribute('data-boot')).toBe('verified');
    expect(await card.locator('[data-safe]').getAttribute('data-safe')).toBe('true');
    await b.shot('a1-secure-powered-on');

    await phone.keys(id, 'Enter', 'Enter');
    await phone.waitNative(id, 'pin');
    await phone.keys(id, '2', '5', '8', '0');
    await card.locator('.screen[data-pin-digits="4"]').waitFor();
    await b.shot('a2-enrollment-pin-pad');
    await phone.keys(id, 'Enter');
    expect(await phone.outcome(id)).toMatchObject({ status: 'ENROLLED' });
    expect(await card.locator('dd[data-tier]').getAttribute('data-tier')).toBe('HIGH');

    await phone.keys(id, 'Enter', '1', '2', 'Enter');
    await phone.waitNative(id, 'confirm');
    await b.shot('a3-payment-confirmation');
    await phone.keys(id, 'Enter');
    await phone.waitNative(id, 'pin');
    await phone.keys(id, '2', '5', '8', '0', 'Enter');
    const paid = await phone.outcome(id);
    expect(paid).toMatchObject({ status: 'POSTED', code: '' });
    expect(await card.locator('dd[data-balance]').getAttribute('data-balance')).toBe(String(100_000 - 1_200));
    await b.shot('a4-payment-posted');

    await b.page.click('#tab-operator');
    const row = b.page.locator(`tr[data-transaction-id="${paid.transactionId}"][data-status=POSTED]`);
    await row.waitFor();
    await row.locator('button.show-trail').click();
    const trail = b.page.locator(
      `.trail[data-transaction-id="${paid.transactionId}"][data-decision]:not([data-decision=""])`,
    );
    await trail.waitFor();
    expect(await trail.getAttribute('data-decision')).toBe('APPROVE');
    expect(await trail.getAttribute('data-tier')).toBe('HIGH');
    await b.shot('a5-operator-payment-and-trail');
  }, 60_000);

  it('revoked in the operator view: DEVICE_REVOKED on the phone; reinstated and enrolled again, it pays', async () => {
    const id = await phone.add('secure');
    await phone.powerOn(id);
    expect(await phone.enroll(id)).toMatchObject({ status: 'ENROLLED' });
    expect(await phone.pay(id, '5')).toMatchObject({ status: 'POSTED' });
    const deviceId = (await phone.card(id).locator('dd[data-device-id]').getAttribute('data-device-id'))!;

    await b.page.click('#tab-operator');
    const row = b.page.locator(`tr[data-device-id="${deviceId}"]`);
    await row.locator('button.revoke').click();
    await b.page.locator(`tr[data-device-id="${deviceId}"][data-status=REVOKED]`).waitFor();
    await b.shot('c1-operator-revoked');

    await b.page.click('#tab-phones');
    expect(await phone.pay(id, '5')).toMatchObject({ status: 'REFUSED', code: 'DEVICE_REVOKED' });
    await b.shot('c2-payment-refused-after-revocation');

    await b.page.click('#tab-operator');
    await row.locator('button.reinstate').click();
    await b.page.locator(`tr[data-device-id="${deviceId}"][data-status=ACTIVE]`).waitFor();

    await b.page.click('#tab-phones');
    expect(await phone.pay(id, '5')).toMatchObject({ status: 'REFUSED', code: 'TOKEN_REVOKED' });
    await phone.keys(id, 'SoftLeft');
    await phone.waitNative(id, 'pin');
    await phone.keys(id, '2', '5', '8', '0', 'Enter');
    expect(await phone.outcome(id)).toMatchObject({ status: 'ENROLLED' });
    await expect.poll(async () => (await phone.pay(id, '5')).status, { timeout: 30_000 }).toBe('POSTED');
    await b.shot('c3-reinstated-reenrolled-paid');
  }, 60_000);

  it('a call during the confirmation cancels the payment (PAYMENT_CANCELLED); a tapped tag pays', async () => {
    const id = await phone.add('secure');
    await phone.powerOn(id);
    expect(await phone.enroll(id)).toMatchObject({ status: 'ENROLLED' });
    await phone.keys(id, 'Enter', '7', 'Enter');
    await phone.waitNative(id, 'confirm');
    await phone.card(id).locator('button.ring').click();
    await phone.card(id).locator('.screen[data-layer=call]').waitFor();
    expect(await phone.outcome(id)).toMatchObject({ status: 'CANCELLED', code: 'PAYMENT_CANCELLED' });
    await b.shot('e1-call-cancelled-payment');

    await phone.card(id).locator('button.tap').click();
    await phone.waitNative(id, 'confirm');
    await phone.keys(id, 'Enter');
    await phone.waitNative(id, 'pin');
    await phone.keys(id, '2', '5', '8', '0', 'Enter');
    expect(await phone.outcome(id)).toMatchObject({ status: 'POSTED' });
    await b.shot('e2-tag-payment-posted');
  }, 60_000);

  it('a no-eSE phone enrolls LOW: 60.00 is DECLINED by risk, 30.00 posts after a step-up (fresh PIN)', async () => {
    const id = await phone.add('no-ese');
    await phone.powerOn(id);
    expect(await phone.enroll(id)).toMatchObject({ status: 'ENROLLED' });
    expect(await phone.card(id).locator('dd[data-tier]').getAttribute('data-tier')).toBe('LOW');
    const declined = await phone.pay(id, '60');
    expect([declined.status, declined.code]).toEqual(['DECLINED', 'RISK_DECLINED']);
    await b.shot('d1-low-tier-declined');

    await phone.keys(id, 'Enter', '3', '0', 'Enter');
    for (let round = 0; round < 2; round++) {
      await phone.waitNative(id, 'confirm');
      await phone.keys(id, 'Enter');
      await phone.waitNative(id, 'pin');
      await phone.keys(id, '2', '5', '8', '0', 'Enter');
    }
    const stepped = await phone.outcome(id);
    expect(stepped.status).toBe('POSTED');

    await b.page.click('#tab-operator');
    const trail = b.page.locator('.trail');
    await b.page.locator(`tr[data-transaction-id="${declined.transactionId}"] button.show-trail`).click();
    await b.page.locator(`.trail[data-transaction-id="${declined.transactionId}"][data-decision=DECLINE]`).waitFor();
    expect(await trail.locator('li[data-rule="tier.perPayment"]').count()).toBe(1);
    await b.page.locator(`tr[data-transaction-id="${stepped.transactionId}"] button.show-step-up`).click();
    await b.page
      .locator(`.trail[data-transaction-id="${stepped.transactionId}"][data-stage=step-up]:not([data-decision=""])`)
      .waitFor();
    expect(await trail.getAttribute('data-decision')).toBe('APPROVE');
    await b.shot('d2-operator-step-up-trail');
  }, 60_000);

  it('an outdated-patch phone is refused ATTESTATION_PATCH_TOO_OLD; updated over the air, it is HIGH', async () => {
    const id = await phone.add('outdated-patch');
    await phone.powerOn(id);
    expect(await phone.enroll(id)).toMatchObject({ status: 'REFUSED', code: 'ATTESTATION_PATCH_TOO_OLD' });
    const patch = phone.card(id).locator('[data-patch]');
    const before = Number(await patch.getAttribute('data-patch'));
    await phone.card(id).locator('button.update').click();
    expect(await phone.outcome(id, 'update')).toMatchObject({ status: 'UPDATED', code: '' });
    expect(Number(await patch.getAttribute('data-patch'))).toBeGreaterThan(before);
    await b.shot('f1-updated-over-the-air');
    await phone.keys(id, 'Enter');
    await phone.waitNative(id, 'pin');
    await phone.keys(id, '2', '5', '8', '0', 'Enter');
    expect(await phone.outcome(id)).toMatchObject({ status: 'ENROLLED' });
    expect(await phone.card(id).locator('dd[data-tier]').getAttribute('data-tier')).toBe('HIGH');
  }, 60_000);

  it('a rooted phone, driven from the keyboard, shows its safeguard verdict and is refused on screen', async () => {
    const id = await phone.add('rooted');
    await phone.powerOn(id);
    expect(await phone.card(id).locator('[data-safe]').getAttribute('data-safe')).toBe('false');
    const device = phone.card(id).locator('.device');
    await device.focus();
    await device.press('Enter');
    await device.press('Enter');
    await phone.waitNative(id, 'pin');
    for (const k of ['2', '5', '8', '0', 'Enter']) await device.press(k);
    expect(await phone.outcome(id)).toMatchObject({ status: 'REFUSED', code: 'ATTESTATION_DEVICE_ROOTED' });
    const [first, second] = await Promise.all([0, 1].map((n) => b.page.locator('.phone').nth(n).boundingBox()));
    expect(second!.y).toBe(first!.y);
    expect(second!.x).toBeGreaterThanOrEqual(first!.x + first!.width);
    expect(second!.x + second!.width).toBeLessThanOrEqual(1280);
    await b.shot('b1-rooted-enrollment-refused');
    await b.page.click('#tab-operator');
    await b.page.locator('tr[data-rejected~=ATTESTATION_DEVICE_ROOTED]').first().waitFor();
    await b.shot('b2-operator-refused-enrollment');
  }, 60_000);
});
