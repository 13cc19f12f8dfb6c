import { PAYMENT_DAEMON, SYSTEM } from '../../../device-sim/src/access-policy.js';
import { BOOT_STAGES } from '../../../device-sim/src/boot.js';
import type { FinalPaymentResult } from '../../../contracts/results.js';
import type { Phone } from '../../../device-sim/src/phone.js';
import type { Key } from '../../../device-sim/src/ui/display.js';
import { KeypadUser } from '../../../device-sim/src/ui/keypad-user.js';
import type { Frame } from '../../../device-sim/src/ui/native-ui.js';
import { DfsError } from '../../../kit/src/errors.js';
import { errorCodeOf } from '../../../kit/src/grpc-client.js';
import { mask } from '../../../kit/src/log.js';
import type { World } from '../../world.js';
import { appScreen, CURRENCY, minorOf, nativeScreen, type AppPage, type Merchant } from './screens.js';
import type { Outcome, PhoneView } from './view.js';

/** The PIN the console's phones are provisioned with (the eSE holds it; shown on the page as the demo PIN). */
export const DEMO_PIN = '2580';
/** How long the call screen shows after the modem rings. */
const RING_MS = 2_000;
/** What the operator funds a console phone's wallet with after it enrolls (minor units). */
const OPENING_BALANCE = 100_000;

/**
 * One phone of the console: a device-sim phone built by the world against the stack, its keypad driving
 * the native UI (confirmation and PIN pad of the payment daemon) and, below it, the wallet app's pages.
 */
export class PhoneSession {
  #phone?: Phone;
  #page: AppPage = { page: 'home' };
  #frame?: Frame;
  #ringing = false;
  readonly #keypad: KeypadUser;
  readonly view: PhoneView;

  constructor(
    id: string,
    profile: string,
    private readonly world: World,
    private readonly merchants: () => readonly Merchant[],
    private readonly changed: (v: PhoneView) => void,
  ) {
    this.#keypad = new KeypadUser(() => this.#publish());
    this.view = {
      id,
      profile,
      power: 'off',
      busy: false,
      steps: [],
      screen: { layer: 'off', title: '', lines: [], soft: ['', '', ''] },
    };
  }

  /** Powers the phone on: the factory builds it, the boot chain and safeguard run, the boot screen shows both. */
  async powerOn(): Promise<void> {
    if (this.view.power !== 'off') throw new DfsError('CONSOLE_PHONE_BUSY');
    this.view.power = 'booting';
    this.#publish();
    try {
      const phone = await this.world.phone(this.view.profile, {
        pin: DEMO_PIN,
        user: this.#keypad,
        onStep: (s) => {
          this.view.steps.push({ step: s.step, detail: s.detail });
          this.#publish();
        },
      });
      phone.ui.onKey((k) => this.#keypad.key(k));
      phone.ui.onFrame((f) => {
        this.#frame = f;
        this.#publish();
      });
      this.#phone = phone;
      this.#readEvidence(phone);
      this.view.power = 'on';
      this.#page = { page: 'boot' };
    } catch (err) {
      this.view.power = 'off';
      this.#publish();
      throw err;
    }
    this.#publish();
  }

  /** A key of the keypad: to the native top layer while the daemon holds it, else to the wallet app. */
  press(key: Key): void {
    const phone = this.#phone;
    if (!phone) {
      if (key === 'End') void this.powerOn().catch(() => {});
      return;
    }
    if (phone.display.topOwner) return phone.display.pressKey(key);
    if (this.view.busy) return;
    this.#appKey(key);
  }

  /** The modem rings: the daemon loses the screen (an unconfirmed payment is cancelled, as on the phone). */
  incomingCall(): void {
    this.#on().display.incomingCall(SYSTEM);
    this.#ringing = true;
    this.#publish();
    setTimeout(() => {
      this.#ringing = false;
      this.#publish();
    }, RING_MS).unref();
  }

  /** The system process updates the firmware over the air (signed manifest, A/B slot, trusted boot) and reboots. */
  update(): void {
    const phone = this.#on();
    if (this.view.busy) throw new DfsError('CONSOLE_PHONE_BUSY');
    this.#run('update', async () => {
      const r = await phone.update();
      this.#readEvidence(phone);
      return { action: 'update', status: r.status, version: r.version };
    });
  }

  /** What the phone proved at power-on (or after an update): boot chain, safeguard, eSE, patch level, SIM. */
  #readEvidence(phone: Phone): void {
    const { safe, safety } = phone.safeguard.check(PAYMENT_DAEMON);
    const patch = phone.fota.platform().securityPatchLevel;
    this.view.evidence = {
      boot: { ...phone.boot, stages: BOOT_STAGES },
      safeguard: { safe, flags: Object.entries(safety).flatMap(([k, v]) => (v === true ? [k] : [])) },
      ese: Boolean(phone.ese),
      ...(patch ? { patchLevel: String(patch) } : {}),
      imei: mask(phone.imei),
      ...(phone.sim.current ? { sim: mask(phone.sim.current.msisdn) } : {}),
    };
  }

  /** A merchant's NFC tag (signed by the backend at onboarding) is held to the phone, which then pays its request. */
  async tap(merchant: string, minorUnits: string): Promise<void> {
    const phone = this.#on();
    if (!this.view.enrollment || this.view.busy) throw new DfsError('CONSOLE_PHONE_BUSY');
    const card = await this.world.merchantTag({ payee: merchant, amount: { minorUnits, currency: CURRENCY } });
    if (this.view.busy) throw new DfsError('CONSOLE_PHONE_BUSY');
    phone.nfc.tap(card);
    this.#run('tap', () => phone.daemon.payFromTag());
  }

  #appKey(key: Key): void {
    const page = this.#page;
    const ok = key === 'Enter' || key === 'SoftRight';
    if (key === 'End') this.#page = { page: 'home' };
    else if (page.page === 'boot') this.#page = ok ? { page: 'home' } : page;
    else if (page.page === 'home' && ok) {
      if (this.view.enrollment) this.#page = { page: 'amount', digits: '', merchant: 0 };
      else this.#enroll();
    } else if (page.page === 'home' && key === 'SoftLeft' && this.view.enrollment) this.#enroll();
    else if (page.page === 'amount') this.#amountKey(page, key, ok);
    this.#publish();
  }

  #amountKey(page: Extract<AppPage, { page: 'amount' }>, key: Key, ok: boolean): void {
    const count = Math.max(this.merchants().length, 1);
    if (/^[0-9]$/.test(key) && page.digits.length < 7) page.digits = `${page.digits}${key}`.replace(/^0+/, '');
    else if (key === 'SoftLeft') {
      if (page.digits) page.digits = page.digits.slice(0, -1);
      else this.#page = { page: 'home' };
    } else if (key === 'Up' || key === 'Left') page.merchant = (page.merchant + count - 1) % count;
    else if (key === 'Down' || key === 'Right') page.merchant = (page.merchant + 1) % count;
    else if (ok && page.digits) {
      const payee = this.merchants()[page.merchant]?.id;
      if (!payee) return;
      const amount = { minorUnits: minorOf(page.digits), currency: CURRENCY };
      this.#run('pay', () => this.#on().daemon.pay({ payee, amount }));
    }
  }

  /**
   * Enrolls: the first time a new wallet, opened and funded by the operator once the device is attested;
   * again (left soft key, e.g. after a reinstatement) with the same wallet, to get fresh credentials.
   */
  #enroll(): void {
    const prior = this.view.enrollment;
    this.#run('enroll', async () => {
      const wallet = prior?.wallet ?? this.world.newId('wallet');
      const e = await this.#on().daemon.enroll(wallet);
      if (!prior) await this.world.openWallet(wallet, e.deviceId, OPENING_BALANCE, CURRENCY);
      const balance = prior?.balance ?? String(OPENING_BALANCE);
      this.view.enrollment = { deviceId: e.deviceId, tier: e.tier, wallet, reasons: [...e.reasons], balance };
      return { action: 'enroll', status: 'ENROLLED', tier: e.tier };
    });
  }

  /** Runs one action of the daemon in the background; its verified result or refusal code becomes the outcome. */
  #run(action: Outcome['action'], act: () => Promise<FinalPaymentResult | Outcome>): void {
    this.view.busy = true;
    this.view.steps = [];
    this.view.outcome = undefined;
    this.#frame = undefined;
    this.#page = { page: 'home' };
    this.#publish();
    void act()
      .then(
        (r): Outcome =>
          'action' in r
            ? r
            : {
                action,
                status: r.status,
                transactionId: r.transactionId,
                ...(r.code ? { code: r.code } : {}),
                ...('payerBalance' in r && r.payerBalance ? { balance: r.payerBalance.minorUnits } : {}),
              },
        (err: unknown): Outcome => {
          const code = errorCodeOf(err);
          const status = code === 'PAYMENT_CANCELLED' ? 'CANCELLED' : 'REFUSED';
          return { action, status, code };
        },
      )
      .then((outcome) => {
        this.#keypad.drop();
        if (this.view.enrollment && outcome.balance) this.view.enrollment.balance = outcome.balance;
        this.view.outcome = outcome;
        this.view.busy = false;
        this.#frame = undefined;
        this.#publish();
      });
  }

  #on(): Phone {
    if (!this.#phone) throw new DfsError('CONSOLE_PHONE_BUSY');
    return this.#phone;
  }

  #publish(): void {
    const v = this.view;
    const k = this.#keypad.state;
    if (this.#ringing)
      v.screen = { layer: 'call', title: 'Incoming call', lines: ['Unknown number'], soft: ['', '', ''] };
    else if (v.power !== 'on')
      v.screen = { layer: 'off', title: v.power === 'booting' ? 'Booting' : '', lines: [], soft: ['', '', ''] };
    else if (this.#frame && this.#phone?.display.topOwner) v.screen = nativeScreen(this.#frame, k.waiting, k.digits);
    else v.screen = appScreen(v, this.#page, this.merchants());
    this.changed(structuredClone(v));
  }
}
