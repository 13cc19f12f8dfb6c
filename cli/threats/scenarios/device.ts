import { CompactSign, generateKeyPair } from 'jose';
import { BROKER, PAYMENT_DAEMON, SYSTEM } from '../../../device-sim/src/access-policy.js';
import { PIN_RESET } from '../../../contracts/device.js';
import type { Phone } from '../../../device-sim/src/phone.js';
import type { PhoneUser } from '../../../device-sim/src/ui/native-ui.js';
import { USB_SHELL } from '../../../device-sim/src/usb.js';
import { accessPolicy, cancelOnCall, overlayGuard, pinRetry, resetSignature, screenshotGuard } from '../controls.js';
import { attempt, observed } from '../play.js';
import type { Context, Observation, Scenario } from '../types.js';
import { paymentCode } from './payment.js';
import { balance, kes, payer } from './setup.js';

/** The victim's PIN: a birth year, as many PINs are; a thief counting up from 0000 reaches it in 1,991 guesses. */
const SECRET_PIN = '1990';

/** An enrolled, funded phone whose PIN pad is typed by whoever holds it (`typed` is what the next PIN entry gets). */
async function stolenPhone(ctx: Context) {
  const holder = { typed: SECRET_PIN };
  const user: PhoneUser = { confirm: async () => true, enterPin: async () => holder.typed };
  const phone = await ctx.world.phone('secure', { pin: SECRET_PIN, user });
  const wallet = ctx.world.newId('wallet');
  const merchant = ctx.world.newId('merchant');
  const e = await phone.daemon.enroll(wallet);
  await ctx.world.openWallet(wallet, e.deviceId, 100_000, 'KES');
  await ctx.world.openMerchant(merchant, 'KES');
  return { phone, wallet, merchant, holder };
}

async function bruteForce(ctx: Context): Promise<Observation> {
  const { phone, wallet, merchant, holder } = await stolenPhone(ctx);
  const before = await balance(ctx.world, wallet);
  let stoppedBy: string | null = null;
  let tries = 0;
  let found: string | null = null;
  for (let g = 0; g < 10_000 && !found && !stoppedBy; g++) {
    holder.typed = String(g).padStart(4, '0');
    tries++;
    const r = await attempt(() => phone.daemon.pay({ payee: merchant, amount: kes(20_000) }));
    if (r.ok) found = holder.typed;
    else if (r.code !== 'PIN_WRONG') stoppedBy = r.code;
  }
  let rightPin: string | null = null;
  if (!found) {
    holder.typed = SECRET_PIN;
    rightPin = paymentCode(await attempt(() => phone.daemon.pay({ payee: merchant, amount: kes(20_000) }))) ?? 'POSTED';
  }
  const after = await balance(ctx.world, wallet);
  return observed(
    stoppedBy,
    found !== null && Number(after) < Number(before),
    {
      guesses: tries,
      pinFound: found !== null,
      rightPinAfterwards: rightPin,
      balanceBefore: before ?? null,
      balanceAfter: after ?? null,
    },
    [
      'a thief holds the enrolled phone and opens a KES 200.00 payment again and again',
      'on the native PIN pad he types 0000, 0001, 0002, ...',
      found ? `the right PIN accepted after ${tries} guesses` : `after ${tries} guesses: ${stoppedBy}`,
      ...(rightPin ? [`even the right PIN now gets ${rightPin}`] : []),
      `balance ${before} -> ${after}`,
    ],
  );
}

async function forgedReset(ctx: Context): Promise<Observation> {
  const { phone, wallet, merchant, holder } = await stolenPhone(ctx);
  holder.typed = '0000';
  const before = await balance(ctx.world, wallet);
  let lockedBy: string | null = null;
  for (let i = 0; i < 10 && lockedBy !== 'PIN_LOCKED'; i++)
    lockedBy = paymentCode(await attempt(() => phone.daemon.pay({ payee: merchant, amount: kes(20_000) })));
  const nonce = phone.eseApi.pinResetNonce(PAYMENT_DAEMON);
  const own = await generateKeyPair('ES256');
  const forged = await new CompactSign(
    new TextEncoder().encode(JSON.stringify({ imei: phone.imei, nonce, exp: Math.floor(Date.now() / 1000) + 300 })),
  )
    .setProtectedHeader({ alg: 'ES256', typ: PIN_RESET.typ })
    .sign(own.privateKey);
  const reset = await attempt(() => phone.eseApi.resetPin(PAYMENT_DAEMON, forged));
  let paid: string | null = null;
  if (reset.ok) {
    phone.eseApi.setPin(PAYMENT_DAEMON, '0000');
    paid = paymentCode(await attempt(() => phone.daemon.pay({ payee: merchant, amount: kes(20_000) }))) ?? 'POSTED';
  }
  const after = await balance(ctx.world, wallet);
  return observed(
    reset.code,
    Number(after) < Number(before),
    {
      pinLockedFirst: lockedBy === 'PIN_LOCKED',
      resetApplied: reset.ok,
      thiefPayment: paid,
      balanceBefore: before ?? null,
      balanceAfter: after ?? null,
    },
    [
      'a thief locks the PIN with wrong guesses on the keypad',
      "he answers the phone's reset request with a reset message signed by a key of his own",
      reset.ok ? `the eSE cleared the PIN; he set 0000 and paid: ${paid}` : `refused with ${reset.code}`,
      `balance ${before} -> ${after}`,
    ],
  );
}

async function lockOverUsb(ctx: Context): Promise<Observation> {
  const { phone, wallet, merchant, holder } = await stolenPhone(ctx);
  holder.typed = '0000';
  const lockBefore = phone.lockScreen.enabled;
  const r = await attempt(() => phone.usb.disableLockScreen());
  const lockAfter = phone.lockScreen.enabled;
  const before = await balance(ctx.world, wallet);
  const paid = paymentCode(await attempt(() => phone.daemon.pay({ payee: merchant, amount: kes(20_000) }))) ?? 'POSTED';
  const after = await balance(ctx.world, wallet);
  const state = (on: boolean) => (on ? 'on' : 'off');
  return observed(
    r.code,
    !lockAfter,
    {
      lockScreenBefore: state(lockBefore),
      lockScreenAfter: state(lockAfter),
      thiefPayment: paid,
      balanceBefore: before ?? null,
      balanceAfter: after ?? null,
    },
    [
      'a thief plugs the stolen, locked phone into a computer and, over the USB debug shell, turns the lock screen off',
      r.ok
        ? 'the lock screen is off: the phone opens without a PIN'
        : `refused with ${r.code}; the lock screen stays on`,
      `he opens a KES 200.00 payment and, not knowing the payment PIN, types 0000: ${paid}`,
      `balance ${before} -> ${after}`,
    ],
  );
}

/** A phone user that does `onConfirm` when the payment confirmation shows, then confirms and types the PIN. */
function userDoing(onConfirm: () => void, pin = '2580'): PhoneUser {
  return {
    confirm: async (frame) => {
      if (frame.title === 'DFS Pay: confirm') onConfirm();
      return true;
    },
    enterPin: async () => pin,
  };
}

async function screenshot(ctx: Context): Promise<Observation> {
  const ref: { phone?: Phone; shot?: string | null; toasts?: number; code?: string | null } = {};
  const user = userDoing(() => {
    const before = ref.phone!.display.toasts.length;
    try {
      ref.shot = ref.phone!.display.screenshot(SYSTEM);
      ref.code = null;
    } catch (err) {
      ref.code = (err as { code?: string }).code ?? 'UNKNOWN';
    }
    ref.toasts = ref.phone!.display.toasts.length - before;
  });
  const { phone, merchant } = await payer(ctx.world, { user });
  ref.phone = phone;
  await phone.daemon.pay({ payee: merchant, amount: kes(1250) });
  const captured = typeof ref.shot === 'string' && ref.shot.includes('12.50');
  return observed(
    ref.code ?? null,
    captured,
    {
      imageCaptured: typeof ref.shot === 'string',
      imageShowsAmount: captured,
      screenshotSavedMessages: ref.toasts ?? 0,
    },
    [
      'press *# (the KaiOS screenshot) while the native UI shows amount, payee and the PIN step',
      captured
        ? 'the screenshot holds the confirmation screen'
        : ref.code
          ? `refused with ${ref.code}`
          : 'the capture is empty and no "screenshot saved" message appears',
    ],
  );
}

async function overlay(ctx: Context): Promise<Observation> {
  const ref: { phone?: Phone; code?: string | null; screen?: string } = {};
  const fake = { title: 'DFS Pay: PIN', lines: ['Enter PIN to continue', '[ ][ ][ ][ ]'] };
  const user = userDoing(() => {
    const r = (() => {
      try {
        ref.phone!.display.overlay(BROKER, fake);
        return null;
      } catch (err) {
        return (err as { code?: string }).code ?? 'UNKNOWN';
      }
    })();
    ref.code = r;
    ref.screen = ref.phone!.display.composed();
  });
  const { phone, merchant } = await payer(ctx.world, { user });
  ref.phone = phone;
  await phone.daemon.pay({ payee: merchant, amount: kes(1250) });
  const drawn = (ref.screen ?? '').includes('Enter PIN to continue');
  return observed(ref.code ?? null, drawn, { fakePinPadOnScreen: drawn }, [
    'a web app has the runtime open a dialog with a look-alike PIN pad while the payment confirmation shows',
    drawn ? 'the fake PIN pad is drawn above the confirmation' : `refused with ${ref.code}`,
  ]);
}

async function incomingCall(ctx: Context): Promise<Observation> {
  const ref: { phone?: Phone } = {};
  let submitted = 0;
  const victim: PhoneUser = {
    confirm: async (frame) => {
      if (frame.title !== 'DFS Pay: confirm') return true;
      ref.phone!.display.incomingCall(SYSTEM);
      await new Promise((r) => setTimeout(r, 20));
      return true;
    },
    enterPin: async () => '2580',
  };
  const { phone, wallet, merchant } = await payer(ctx.world, {
    user: victim,
    wrap: (b) => ({
      ...b,
      connect: (tls) => {
        const ch = b.connect(tls);
        return {
          ...ch,
          submitPayment: (req) => {
            submitted++;
            return ch.submitPayment(req);
          },
        };
      },
    }),
  });
  ref.phone = phone;
  const before = await balance(ctx.world, wallet);
  const r = await attempt(() => phone.daemon.pay({ payee: merchant, amount: kes(4000) }));
  const after = await balance(ctx.world, wallet);
  return observed(
    paymentCode(r),
    Number(after) < Number(before),
    { sentToBackend: submitted, balanceBefore: before ?? null, balanceAfter: after ?? null },
    [
      "an accomplice starts a KES 40.00 payment on the victim's phone",
      'a call rings while "OK to continue" shows; the victim presses ' +
        'the green key to answer and types the digits the caller asks for',
      r.ok
        ? `the payment went on behind the call: ${r.value.status}`
        : `cancelled with ${r.code} before anything was signed`,
      `payments sent to the backend: ${submitted}; balance ${before} -> ${after}`,
    ],
  );
}

/** Attacks on the phone itself through its keypad, screen and calls (seed 000). */
export const deviceScenarios: Scenario[] = [
  {
    id: 'pin-brute-force',
    label: 'on-device',
    expect: { code: 'PIN_LOCKED', outcome: 'BLOCKED' },
    title: 'PIN brute force on the keypad',
    recommendations: ['R5', 'R1'],
    masvs: 'MASVS-AUTH-2',
    seed: '002 §4.3.1; 000 §KeyStore',
    action: 'a thief with the phone types every 4-digit PIN on the native PIN pad of a payment',
    control: 'PIN verified inside the eSE with a retry counter and lockout',
    success: "the PIN is found and the thief's payment posts",
    port: pinRetry,
    story:
      'FIGI notes that a 4-digit KaiOS PIN can be brute-forced in hours (002 §4.3.1). Here the ' +
      'PIN goes from the native PIN pad straight into the eSE, which counts wrong tries and locks ' +
      'after five; after that even the right PIN is refused until a reset signed by the backend.',
    run: bruteForce,
  },
  {
    id: 'pin-lock-over-usb',
    label: 'on-device',
    expect: { code: 'DEVICE_ACCESS_DENIED', outcome: 'BLOCKED' },
    title: 'Lock screen turned off over USB',
    recommendations: ['R1', 'R2'],
    masvs: 'MASVS-AUTH-2, MASVS-PLATFORM-1',
    seed: '002 §4.4 (iii: the lock-screen PIN disabled over USB), §4.2',
    action:
      'plug a stolen, locked phone into a computer and turn the ' +
      'lock screen off through the USB debug shell, then try to pay',
    control:
      'default-deny device access policy: the lock-screen settings belong to the system ' +
      'process, not to the USB shell; the payment PIN is a separate one, held by the eSE',
    success:
      'the lock screen is off and the phone opens without a PIN (the ' +
      "payment still needs the eSE PIN: the evidence shows the thief's try)",
    port: accessPolicy('the USB debug shell (UID 2000)', USB_SHELL.process, USB_SHELL.uid, ['lockscreen.settings']),
    story:
      'NCC Group disabled the lock-screen PIN of a KaiOS phone over a USB cable. Here ' +
      "the lock screen's settings are a device API only the system process holds, so " +
      'the USB shell is refused; and even a phone whose lock screen is gone does not ' +
      'pay, because the payment PIN lives in the eSE applet, not in the lock screen.',
    run: lockOverUsb,
  },
  {
    id: 'forged-pin-reset',
    label: 'on-device',
    expect: { code: 'PIN_RESET_INVALID', outcome: 'BLOCKED' },
    title: 'Forged PIN reset after a lockout',
    recommendations: ['R5', 'R1'],
    masvs: 'MASVS-AUTH-2',
    seed: '000 §KeyStore; 002 R5',
    action: "after locking the PIN, answer the phone's reset request with a reset message signed by a key of his own",
    control:
      'the eSE applies only PIN resets signed by the backend key ' +
      'installed at the factory, for this IMEI and the nonce it issued',
    success: 'the PIN is cleared, the thief sets his own and pays',
    port: resetSignature,
    story:
      'A lockout is only as strong as the way out of it. The eSE clears a locked PIN only for ' +
      "a reset signed by the backend's reset key, installed at the factory, naming this " +
      "phone's IMEI and a nonce the eSE issued; a reset from anyone else leaves the PIN locked.",
    run: forgedReset,
  },
  {
    id: 'screenshot-native-ui',
    label: 'on-device',
    expect: { code: null, outcome: 'BLOCKED' },
    title: 'Screenshot of the native UI',
    recommendations: ['R8', 'R5'],
    masvs: 'MASVS-PLATFORM-3',
    seed: '000 §Native UI, §Disable screenshot and overlay',
    action: 'press *# (the KaiOS screenshot) while the payment confirmation and PIN step show',
    control: 'native UI top layer: a screenshot of it yields nothing and shows no message',
    success: 'the screenshot holds the confirmation screen with amount and payee',
    port: screenshotGuard,
    story:
      'Screenshots leak amounts, payees and the moment a PIN is typed to whatever syncs ' +
      'the gallery. The seed asks that a screenshot of the native UI yields nothing and ' +
      'no error message, so this control answers with silence: BLOCKED with no code, ' +
      'because the capture is empty and no "screenshot saved" message appears.',
    run: screenshot,
  },
  {
    id: 'overlay-native-ui',
    label: 'on-device',
    expect: { code: 'UI_OVERLAY_REFUSED', outcome: 'BLOCKED' },
    title: 'Overlay on the native UI',
    recommendations: ['R8', 'R5'],
    masvs: 'MASVS-PLATFORM-3',
    seed: '000 §Native UI, §Disable screenshot and overlay',
    action: 'a web app opens a dialog with a fake PIN pad over the payment confirmation',
    control: 'native UI top layer: nothing may draw over it',
    success: 'the fake PIN pad is on screen above the genuine confirmation',
    port: overlayGuard,
    story:
      'Overlay phishing draws a look-alike PIN pad over a genuine screen so the user ' +
      "types the PIN into the attacker's app. The compositor keeps the daemon's screen " +
      'on top of everything and refuses any dialog, activity or notification over it.',
    run: overlay,
  },
  {
    id: 'incoming-call',
    label: 'on-device',
    expect: { code: 'PAYMENT_CANCELLED', outcome: 'BLOCKED' },
    title: 'Incoming call during an unconfirmed payment',
    recommendations: ['R8', 'R5'],
    masvs: 'MASVS-PLATFORM-3',
    seed: '000 §Disable screenshot and overlay',
    action:
      'a call arrives while "OK to continue" shows; the victim answers ' +
      'with the green key and types the digits the caller asks for',
    control: 'a visibility change cancels the unconfirmed payment (PAYMENT_CANCELLED) before anything is signed',
    success: 'the payment posts behind the call',
    port: cancelOnCall,
    story:
      'A well-timed call (an accomplice, or "stay on the line" social engineering) takes ' +
      "the screen away while a payment waits for confirmation, hoping the victim's key " +
      'presses and digits land in it. The daemon receives the visibility change and ' +
      'cancels: nothing is signed, nothing reaches the backend, no money moves.',
    run: incomingCall,
  },
];
