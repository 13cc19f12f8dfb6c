import { appCaller, BROKER, PAYMENT_DAEMON, SYSTEM } from '../../../device-sim/src/access-policy.js';
import type { Phone } from '../../../device-sim/src/phone.js';
import type { PhoneUser } from '../../../device-sim/src/ui/native-ui.js';
import { PAYMENT_DAEMON_UID } from '../../../kit/src/attestation-record.js';
import { subtle } from '../../../kit/src/x509.js';
import { expectAllRefused, expectRefusal, silent } from '../play.js';
import type { Context, Result, Scenario } from '../types.js';
import { balance, kes, payer } from './setup.js';

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
        return expectRefusal(async () => ese.verifyPin(PAYMENT_DAEMON_UID, '7391'), ['PIN_LOCKED'], [`guess 0000..9999: locked after ${tries} tries`, 'even the right PIN is refused now']);
      }
      if (code !== 'PIN_WRONG') return { outcome: 'SUCCEEDED', code, steps: [`unexpected ${code}`] };
    }
  }
  return { outcome: 'SUCCEEDED', steps: ['all 10,000 PINs tried without lockout'] };
}

/** Every way the keystore API offers to get key material out, from the daemon's own UID and from a web app. */
async function exportKey(ctx: Context): Promise<Result> {
  const phone = await ctx.world.phone('secure');
  await phone.daemon.enroll(ctx.world.newId('wallet'));
  const api = phone.eseApi;
  await api.generateKey(PAYMENT_DAEMON, 'wallet-aes', { algorithm: 'AES_256', purpose: 'encrypt' });
  const jwk = await api.publicJwk(PAYMENT_DAEMON, 'payment');
  ctx.say(`publicJwk of the payment key gives only ${Object.keys(jwk).sort().join(', ')}`);
  if ('d' in jwk) return { outcome: 'SUCCEEDED', steps: ['publicJwk returned the private scalar d'] };
  const handle = phone.ese!.keystore.publicKey(PAYMENT_DAEMON_UID, 'payment');
  const exported = await subtle.exportKey('pkcs8', handle).then(() => true, () => false);
  ctx.say(`the eSE's key handle is a ${handle.type} key; PKCS#8 export ${exported ? 'worked' : 'fails'}`);
  if (handle.type !== 'public' || exported) return { outcome: 'SUCCEEDED', steps: ['the key handle exported private material'] };
  return expectAllRefused([
    [() => api.publicJwk(PAYMENT_DAEMON, 'wallet-aes'), ['ESE_KEY_NOT_EXPORTABLE'], 'export the AES key through publicJwk'],
    [async () => api.get(PAYMENT_DAEMON, 'payment'), ['ESE_STORAGE_NOT_FOUND'], 'read the key alias from the UID\'s secure storage'],
    [() => api.decrypt(PAYMENT_DAEMON, 'payment', new Uint8Array(64)), ['ESE_KEY_PURPOSE'], 'use the signing key as a decryption oracle'],
    [() => api.publicJwk(appCaller('key-thief', 10_666), 'payment'), ['DEVICE_ACCESS_DENIED'], 'ask from a web app\'s content process'],
  ], [`publicJwk: public fields only (${Object.keys(jwk).sort().join(',')})`, 'the key handle is the public half; PKCS#8 export fails']);
}

/** A phone user that does `onConfirm` when the confirmation screen shows, then confirms and types the PIN. */
function userDoing(onConfirm: () => void, pin = '2580'): PhoneUser {
  return {
    confirm: async (frame) => { if (frame.title === 'DFS Pay: confirm') onConfirm(); return true; },
    enterPin: async () => pin,
  };
}

async function screenshot(ctx: Context): Promise<Result> {
  const ref: { phone?: Phone; shot?: string | null; toasts?: number } = {};
  const user = userDoing(() => { ref.shot = ref.phone!.display.screenshot(SYSTEM); ref.toasts = ref.phone!.display.toasts.length; });
  const { phone, merchant } = await payer(ctx.world, { user });
  ref.phone = phone;
  await phone.daemon.pay({ payee: merchant, amount: kes(1250) });
  ctx.say(`the *# screenshot of the confirmation screen gave ${ref.shot === null ? 'nothing' : 'an image'}, ${ref.toasts} messages`);
  const probe = await expectRefusal(async () => phone.display.screenshot(appCaller('spy', 10_777)), ['DEVICE_ACCESS_DENIED'], ['a web app asks for a screenshot']);
  const steps = ['press *# while the native UI shows amount, payee and PIN pad', ...probe.steps];
  if (probe.outcome !== 'BLOCKED') return { ...probe, steps };
  return silent(ref.shot === null && ref.toasts === 0, [...steps, ref.shot === null && ref.toasts === 0 ? 'no image, no "screenshot saved" message' : 'the screen was captured']);
}

async function overlay(ctx: Context): Promise<Result> {
  const ref: { phone?: Phone; result?: Result } = {};
  const fake = { title: 'DFS Pay: PIN', lines: ['Enter PIN to continue', '[ ][ ][ ][ ]'] };
  const user = userDoing(() => {
    ref.result = { outcome: 'SUCCEEDED', steps: ['the fake PIN pad was drawn'] };
    try {
      ref.phone!.display.overlay(BROKER, fake);
    } catch (err) {
      const code = (err as { code?: string }).code;
      ref.result = { outcome: code === 'UI_OVERLAY_REFUSED' ? 'BLOCKED' : 'SUCCEEDED', code, steps: ['a web app opens a dialog with a fake PIN pad over the confirmation', `refused with ${code}`] };
    }
  });
  const { phone, merchant } = await payer(ctx.world, { user });
  ref.phone = phone;
  await phone.daemon.pay({ payee: merchant, amount: kes(1250) });
  return ref.result ?? { outcome: 'SUCCEEDED', steps: ['the confirmation screen never showed'] };
}

async function incomingCall(ctx: Context): Promise<Result> {
  const ref: { phone?: Phone } = {};
  let submitted = 0;
  const user: PhoneUser = {
    confirm: async (frame) => { if (frame.title !== 'DFS Pay: confirm') return true; ref.phone!.display.incomingCall(SYSTEM); return new Promise<boolean>(() => {}); },
    enterPin: async () => '2580',
  };
  const { phone, wallet, merchant } = await payer(ctx.world, { user, wrap: (b) => ({ ...b, connect: (tls) => { const ch = b.connect(tls); return { ...ch, submitPayment: (req) => { submitted++; return ch.submitPayment(req); } }; } }) });
  ref.phone = phone;
  const before = await balance(ctx.world, wallet);
  const r = await expectRefusal(() => phone.daemon.pay({ payee: merchant, amount: kes(4000) }), ['PAYMENT_CANCELLED'], ['start a payment', 'a call rings while "OK to continue" shows']);
  const after = await balance(ctx.world, wallet);
  ctx.say(`payments sent to the backend: ${submitted}; balance ${before} -> ${after}`);
  if (submitted > 0 || before !== after || phone.display.topOwner) return { ...r, outcome: 'SUCCEEDED', steps: [...r.steps, 'the payment went on in the background'] };
  return { ...r, steps: [...r.steps, 'nothing signed, nothing sent, the native layer released'] };
}

/** Attacks on the phone itself (seed 000): PIN, keystore, screen, incoming calls. */
export const deviceScenarios: Scenario[] = [
  {
    id: 'pin-brute-force', expected: 'PIN_LOCKED', title: 'PIN brute force (4 digits)', recommendations: ['R5', 'R1'], masvs: 'MASVS-AUTH-2', seed: '002 §4.3.1; 000 §KeyStore',
    action: 'try every 4-digit PIN against the phone', control: 'PIN verified inside the eSE with a retry counter and lockout',
    story: 'FIGI notes that a 4-digit KaiOS PIN can be brute-forced in hours (002 §4.3.1). Here the PIN lives in the eSE, which counts wrong tries and locks after five; only a reset signed by the backend unlocks it.',
    run: bruteForce,
  },
  {
    id: 'other-uid-uses-key', expected: 'ESE_KEY_ACCESS_DENIED', title: 'Another UID using the daemon\'s key', recommendations: ['R8', 'R2'], masvs: 'MASVS-STORAGE-1', seed: '000 §KeyStore (UID owner)',
    action: 'a malicious process asks the eSE to sign with the payment daemon\'s key', control: 'keystore keys owned by a UID',
    story: 'Malware running as another user on the phone tries to make the eSE sign a payment with the daemon\'s key. The keymint applet checks the caller\'s UID against the key\'s owner.',
    async run(ctx) {
      const phone = await ctx.world.phone('secure');
      await phone.daemon.enroll(ctx.world.newId('wallet'));
      return expectRefusal(async () => phone.ese!.sign(10_042, 'payment', new TextEncoder().encode('pay me')), ['ESE_KEY_ACCESS_DENIED'], ['UID 10042 asks the eSE to sign with the "payment" key']);
    },
  },
  {
    id: 'export-ese-key', expected: 'ESE_KEY_NOT_EXPORTABLE', title: 'Export of an eSE private key', recommendations: ['R2', 'R5'], masvs: 'MASVS-STORAGE-1, MASVS-CRYPTO-2', seed: '000 §KeyStore',
    action: 'ask the keystore for key material by every path its API offers: publicJwk, secure storage, decryption, the key handle, from a web app',
    control: 'keys generated inside the eSE as non-extractable; only public fields ever leave',
    story: 'A copied payment key would let an attacker sign payments from anywhere, so the FIGI analysis puts keys in a secure element (002 §4.3.1, R2). The daemon\'s own UID tries every keystore call that could leak a key: it gets public coordinates, refusals, and a handle that cannot be exported.',
    run: exportKey,
  },
  {
    id: 'screenshot-native-ui', expected: null, title: 'Screenshot of the native UI', recommendations: ['R8', 'R5'], masvs: 'MASVS-PLATFORM-3', seed: '000 §Native UI, §Disable screenshot and overlay',
    action: 'press *# (the KaiOS screenshot) while the payment confirmation and PIN pad show; a web app asks for a screenshot',
    control: 'native UI top layer: a screenshot of it yields nothing and shows no message; only the system may take one',
    story: 'Screenshots leak amounts, payees and the moment a PIN is typed to whatever syncs the gallery. The seed asks that a screenshot of the native UI yields nothing and no error message, so this control answers with silence: BLOCKED with no code, because the capture is empty and no "screenshot saved" toast appears.',
    run: screenshot,
  },
  {
    id: 'overlay-native-ui', expected: 'UI_OVERLAY_REFUSED', title: 'Overlay on the native UI', recommendations: ['R8', 'R5'], masvs: 'MASVS-PLATFORM-3', seed: '000 §Native UI, §Disable screenshot and overlay',
    action: 'a web app opens a dialog with a fake PIN pad over the payment confirmation', control: 'native UI top layer: nothing may draw over it',
    story: 'Overlay phishing draws a look-alike PIN pad over a genuine screen so the user types the PIN into the attacker\'s app. The compositor keeps the daemon\'s screen on top of everything and refuses any dialog, activity or notification over it.',
    run: overlay,
  },
  {
    id: 'incoming-call', expected: 'PAYMENT_CANCELLED', title: 'Incoming call during an unconfirmed payment', recommendations: ['R8', 'R5'], masvs: 'MASVS-PLATFORM-3', seed: '000 §Disable screenshot and overlay',
    action: 'a call arrives while "OK to continue" shows, hoping the payment goes on in the background or the PIN lands in the dialer',
    control: 'a visibility change cancels the unconfirmed payment (PAYMENT_CANCELLED) before anything is signed',
    story: 'A well-timed call (an accomplice, or social engineering "stay on the line") takes the screen away while a payment waits for confirmation. The daemon receives the visibility change and cancels: nothing is signed, nothing reaches the backend, no money moves.',
    run: incomingCall,
  },
];
