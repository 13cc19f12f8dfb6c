import { PAYMENT_DAEMON_UID } from '../../../kit/src/attestation-record.js';
import { expectRefusal, notBuilt } from '../play.js';
import type { Context, Result, Scenario } from '../types.js';

const PIN_SPACE = 10_000;

async function bruteForce(ctx: Context): Promise<Result> {
  const phone = await ctx.world.phone('secure', { pin: '7391' });
  const ese = phone.ese!;
  let tries = 0;
  for (let guess = 0; guess < PIN_SPACE; guess++) {
    const pin = String(guess).padStart(4, '0');
    tries += 1;
    try {
      ese.verifyPin(PAYMENT_DAEMON_UID, pin);
      return { outcome: 'SUCCEEDED', steps: [`PIN found after ${tries} guesses`] };
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'PIN_LOCKED') {
        ctx.say(`locked after ${tries} guesses`);
        const after = await expectRefusal(async () => ese.verifyPin(PAYMENT_DAEMON_UID, '7391'), ['PIN_LOCKED'], [`guess 0000..9999: locked after ${tries} tries`, 'even the right PIN is refused now']);
        return after;
      }
      if (code !== 'PIN_WRONG') return { outcome: 'SUCCEEDED', code, steps: [`unexpected ${code}`] };
    }
  }
  return { outcome: 'SUCCEEDED', steps: ['all 10,000 PINs tried without lockout'] };
}

/** Attacks on the phone itself (seed 000): PIN, keystore, screen, NFC, apps. */
export const deviceScenarios: Scenario[] = [
  {
    id: 'pin-brute-force', title: 'PIN brute force (4 digits)', recommendations: ['R5', 'R1'], masvs: 'MASVS-AUTH-2', seed: '002 §4.3.1; 000 §KeyStore',
    action: 'try every 4-digit PIN against the phone', control: 'PIN verified inside the eSE with a retry counter and lockout',
    story: 'FIGI notes that a 4-digit KaiOS PIN can be brute-forced in hours (002 §4.3.1). Here the PIN lives in the eSE, which counts wrong tries and locks after five; only a reset signed by the backend unlocks it.',
    run: bruteForce,
  },
  {
    id: 'other-uid-uses-key', title: 'Another UID using the daemon\'s key', recommendations: ['R8', 'R2'], masvs: 'MASVS-STORAGE-1', seed: '000 §KeyStore (UID owner)',
    action: 'a malicious process asks the eSE to sign with the payment daemon\'s key', control: 'keystore keys owned by a UID',
    story: 'Malware running as another user on the phone tries to make the eSE sign a payment with the daemon\'s key. The keymint applet checks the caller\'s UID against the key\'s owner.',
    async run(ctx) {
      const phone = await ctx.world.phone('secure');
      await phone.daemon.enroll(ctx.world.newId('wallet'));
      return expectRefusal(async () => phone.ese!.sign(10_042, 'payment', new TextEncoder().encode('pay me')), ['ESE_KEY_ACCESS_DENIED'], ['UID 10042 asks the eSE to sign with the "payment" key']);
    },
  },
];

/** Scenarios whose control is not built yet (reported NOT_BUILT until it is). */
export const pendingScenarios: Scenario[] = [
  ['sideloaded-app', 'Sideloaded app', 'install an unsigned package on a user build', 'store signature and sideload refusal', ['R4', 'R8'], '000 §Kai store'],
  ['web-app-nfc-lock', 'Web app calling nfc_lock', 'a web app calls the native-only NFC lock', 'broker: native-only APIs refused to web apps', ['R8'], '000 §NFC access lock; 001'],
  ['nfc-read-while-locked', 'Second app reading NFC while the daemon holds the lock', 'read a card while the daemon has nfc_lock', 'exclusive NFC lock', ['R8'], '000 §NFC access lock'],
  ['screenshot-native-ui', 'Screenshot of the native UI', 'screenshot the PIN screen', 'native UI top layer: screenshots yield nothing', ['R8', 'R5'], '000 §Native UI'],
  ['overlay-native-ui', 'Overlay on the native UI', 'draw a fake PIN pad over the native UI', 'native UI top layer: no overlay', ['R8', 'R5'], '000 §Native UI'],
  ['export-ese-key', 'Export of an eSE private key', 'ask the keystore for the private key', 'non-exportable keys', ['R2', 'R5'], '000 §KeyStore'],
  ['no-ese-high-tier', 'Phone without eSE asking for a high-tier payment', 'pay a large amount from a phone without eSE', 'posture tier limits', ['R2'], '002 §6'],
  ['sim-swap', 'SIM swap followed by a payment', 'swap the SIM and pay at once', 'SIM-change rule', ['R1'], '002 R1'],
  ['velocity-abuse', 'Velocity abuse', 'many small payments in a burst', 'velocity rules', ['R1'], '002 §6'],
  ['csrf-web-payment', 'Payment from a web app or deep link without native confirmation', 'start a payment from a web page', 'request-to-pay confirmed on the native UI with the PIN', ['R8', 'R5'], '003 §CSRF'],
  ['incoming-call', 'Incoming call during an unconfirmed payment', 'a call arrives while the confirm screen shows', 'visibility change cancels the payment', ['R8'], '000 §Disable screenshot and overlay'],
  ['imei-second-key', 'Same IMEI enrolled with a second eSE key', 'clone an IMEI into another phone and enroll', 'device registry', ['R1', 'R2'], '000 §Safeguard'],
].map(([id, title, action, control, recs, seed]) => ({
  id: id as string, title: title as string, action: action as string, control: control as string, recommendations: recs as Scenario['recommendations'],
  masvs: 'n/a', seed: seed as string, story: 'Not built yet.', run: async () => notBuilt(`${control as string}: not built yet`),
}));
