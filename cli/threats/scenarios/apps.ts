import { randomUUID } from 'node:crypto';
import { OPERATOR_DAEMON, SYSTEM } from '../../../device-sim/src/access-policy.js';
import type { AppManifest } from '../../../device-sim/src/broker/manifest.js';
import { merchantTag } from '../../../device-sim/src/nfc/cards.js';
import { PcscClient } from '../../../device-sim/src/nfc/pcsc-client.js';
import type { Phone } from '../../../device-sim/src/phone.js';
import { KaiStore } from '../../../device-sim/src/store/kai-store.js';
import type { PhoneUser } from '../../../device-sim/src/ui/native-ui.js';
import { expectAllRefused, expectRefusal, notBuilt } from '../play.js';
import type { Context, Result, Scenario } from '../types.js';
import { balance, kes, payer } from './setup.js';

const files = () => ({ 'index.html': Buffer.from('<script src="app.js"></script>'), 'app.js': Buffer.from('stealWallet()') });
const app = (id: string, type: AppManifest['type'], permissions: AppManifest['permissions']): AppManifest => ({ id, name: id, type, version: 1, permissions });

async function sideload(ctx: Context): Promise<Result> {
  const phone = await ctx.world.phone('secure');
  const manifest = app('free-airtime', 'certified', { telephony: { description: 'calls' }, 'nfc-lock': { description: 'tap to pay' } });
  const rogue = await KaiStore.create();
  return expectAllRefused([
    [() => phone.installer.install(SYSTEM, { manifest, files: files() }, 'sideload'), ['STORE_SIDELOAD_REFUSED'], 'sideload an unsigned package on a user build'],
    [async () => phone.installer.install(SYSTEM, await rogue.publish(manifest, files())), ['STORE_SIGNATURE_INVALID'], 'install it as a store package signed by a store of his own'],
  ]);
}

/** A store-signed app installed and launched on `phone`, as the content process the broker knows. */
async function launched(phone: Phone, manifest: AppManifest) {
  await phone.installer.install(SYSTEM, await phone.kaiStore.publish(manifest, files()));
  return phone.installer.launch(SYSTEM, manifest.id);
}

async function webNfcLock(ctx: Context): Promise<Result> {
  const phone = await ctx.world.phone('secure');
  const running = await launched(phone, app('tap-game', 'privileged', { 'nfc-lock': { description: 'exclusive NFC' }, nfc: { description: 'tags' } }));
  const result = await expectAllRefused([
    [async () => phone.broker.authorize('tap-game', 'nfc-lock'), ['BROKER_NATIVE_ONLY'], 'the web app asks the broker for nfc_lock (declared in its manifest)'],
    [async () => phone.nfc.lock(running.caller), ['DEVICE_ACCESS_DENIED'], 'its content process calls the NFC daemon\'s nfc_lock directly'],
  ]);
  return phone.nfc.holder ? { ...result, outcome: 'SUCCEEDED' } : result;
}

async function readWhileLocked(ctx: Context): Promise<Result> {
  const attempts: Result[] = [];
  const ref: { phone?: Phone } = {};
  const bridge = async (sealed: Uint8Array, forward: (s: Uint8Array) => Promise<Uint8Array>) => {
    if (attempts.length === 0) {
      const phone = ref.phone!;
      attempts.push(await expectAllRefused([
        [async () => phone.broker.nfcRead('reader'), ['NFC_BUSY'], 'a privileged web app reads the tag through Web NFC'],
        [() => PcscClient.connect(phone.nfc, OPERATOR_DAEMON), ['NFC_BUSY'], 'another native daemon opens a PC/SC session'],
      ], [`the payment daemon holds nfc_lock (${phone.nfc.holder?.process})`]));
    }
    return forward(sealed);
  };
  const phone = await ctx.world.phone('secure', { bridge });
  ref.phone = phone;
  const wallet = ctx.world.newId('wallet');
  const merchant = ctx.world.newId('merchant');
  const e = await phone.daemon.enroll(wallet);
  await ctx.world.openWallet(wallet, e.deviceId, 10_000, 'KES');
  await ctx.world.openMerchant(merchant, 'KES');
  await launched(phone, app('reader', 'privileged', { nfc: { description: 'read tags' } }));
  phone.nfc.tap(merchantTag({ payee: merchant, amount: kes(700) }));
  const paid = await phone.daemon.payFromTag();
  ctx.say(`the daemon paid the tag (${paid.status}) and released the lock`);
  return attempts[0] ?? { outcome: 'SUCCEEDED', steps: ['the daemon never held the lock'] };
}

/** The phone's user during the CSRF scenario: set to cancel, or to confirm without the PIN. */
function switchableUser(pin: string): PhoneUser & { mode: 'normal' | 'cancel' | 'no-pin' } {
  const user = {
    mode: 'normal' as 'normal' | 'cancel' | 'no-pin',
    confirm: async () => user.mode !== 'cancel',
    enterPin: async () => (user.mode === 'no-pin' ? '' : pin),
  };
  return user;
}

async function csrf(ctx: Context): Promise<Result> {
  if (!ctx.integrator) return notBuilt('the integrator REST API is not reachable from here (set TRANSACTION_HTTP_URL for a running stack)');
  const user = switchableUser('2580');
  const { phone, wallet, merchant } = await payer(ctx.world, { user, balance: 50_000 });
  const start = await balance(ctx.world, wallet);
  const page = await launched(phone, app('promo-page', 'web', {}));
  const native = await expectRefusal(async () => phone.broker.authorize(page.manifest.id, 'native-ui'), ['BROKER_NATIVE_ONLY'], ['the web page asks the broker to drive the native payment UI']);
  if (native.outcome !== 'BLOCKED') return native;
  const res = await fetch(`${ctx.integrator.url}/v1/transactions/type/merchantpay`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-API-Key': ctx.integrator.apiKey, 'X-CorrelationID': randomUUID() },
    body: JSON.stringify({ amount: '45000', currency: 'KES', debitParty: [{ key: 'accountid', value: wallet }], creditParty: [{ key: 'accountid', value: merchant }] }),
  });
  const created = (await res.json()) as { serverCorrelationId?: string; status?: string };
  const steps = [...native.steps, `the page's checkout posts a request to pay KES 450.00 from the victim's wallet: HTTP ${res.status}, ${created.status}`];
  if (!created.serverCorrelationId) return { outcome: 'SUCCEEDED', steps: [...steps, 'the request was not created as a request to pay'] };
  if ((await balance(ctx.world, wallet)) !== start) return { outcome: 'SUCCEEDED', steps: [...steps, 'money moved on the request alone'] };
  user.mode = 'cancel';
  const cancelled = await expectRefusal(() => phone.daemon.payRequest(created.serverCorrelationId!), ['PAYMENT_CANCELLED'], ['the phone shows it on the native UI; the user presses Back']);
  user.mode = 'no-pin';
  const noPin = await expectRefusal(() => phone.daemon.payRequest(created.serverCorrelationId!), ['PIN_WRONG'], ['the request is confirmed but no PIN is typed']);
  const end = await balance(ctx.world, wallet);
  ctx.say(`wallet balance ${start} -> ${end}`);
  const all = [...steps, ...cancelled.steps, ...noPin.steps, `balance ${start} -> ${end}`];
  if (cancelled.outcome !== 'BLOCKED') return { ...cancelled, steps: all };
  if (noPin.outcome !== 'BLOCKED' || end !== start) return { outcome: 'SUCCEEDED', code: noPin.code, steps: all };
  return { outcome: 'BLOCKED', code: cancelled.code, steps: all };
}

/** Attacks through apps on the phone (seed 000 §Kai store, §NFC; seed 003 web-app attacks). */
export const appScenarios: Scenario[] = [
  {
    id: 'sideloaded-app', expected: 'STORE_SIDELOAD_REFUSED', title: 'Sideloaded app', recommendations: ['R4', 'R8'], masvs: 'MASVS-CODE-4, MASVS-RESILIENCE-2', seed: '000 §Kai store, §non pre-built applications',
    action: 'install an unsigned "free airtime" package on a user build, then the same package signed by a store of his own', control: 'installer: store signature and file hashes verified; sideloading refused on user builds',
    story: 'Fake airtime and wallet apps are how malware reaches feature phones. On a user build the installer refuses sideloading outright, and a package signed by anything but the Kai Store key is refused, so the malicious app never gets a process, let alone permissions.',
    run: sideload,
  },
  {
    id: 'web-app-nfc-lock', expected: 'BROKER_NATIVE_ONLY', title: 'Web app calling nfc_lock', recommendations: ['R8'], masvs: 'MASVS-PLATFORM-1', seed: '000 §NFC API and NFC access lock; 001 §Trusted and Untrusted Apps',
    action: 'a store app declares nfc-lock in its manifest, asks the broker for it, then calls the NFC daemon directly', control: 'broker: native-only APIs refused to every web app; the access policy has no row for app processes',
    story: 'A game that could take nfc_lock would keep the payment daemon off the NFC controller, or grab it to talk to cards itself. nfc_lock is a native-only GeckoBridge API: the broker refuses it whatever the manifest says, and the app\'s own process is refused by the device access policy.',
    run: webNfcLock,
  },
  {
    id: 'nfc-read-while-locked', expected: 'NFC_BUSY', title: 'Second app reading NFC while the daemon holds the lock', recommendations: ['R8', 'R9'], masvs: 'MASVS-PLATFORM-1', seed: '000 §NFC access lock; 004',
    action: 'while the daemon reads a merchant tag under nfc_lock, a privileged web app reads NFC and another native daemon opens PC/SC', control: 'exclusive NFC lock: everyone but the holder gets NFC_BUSY',
    story: 'A second reader during a tap could skim the tag or the card in the field, or race the daemon with a forged tag. While the payment daemon holds nfc_lock, Web NFC and every other native caller get NFC_BUSY until it unlocks.',
    run: readWhileLocked,
  },
  {
    id: 'csrf-web-payment', expected: 'PAYMENT_CANCELLED', title: 'Payment from a web app or deep link without native confirmation', recommendations: ['R8', 'R5', 'R1'], masvs: 'MASVS-PLATFORM-1, MASVS-AUTH-2', seed: '003 §CSRF via web activities',
    action: 'a web page (deep link, checkout) starts a payment from the victim\'s wallet; the user cancels it; then it is confirmed without the PIN',
    control: 'a payment started outside the daemon is only a request to pay; money moves only after confirmation on the native UI and the PIN in the eSE',
    story: 'Seed 003 shows web activities being used like CSRF to trigger actions in another app. Here a web page or integrator can only create a request to pay: it shows on the native UI, a user who cancels moves nothing, and a confirmation without the PIN is refused by the eSE.',
    run: csrf,
  },
];
