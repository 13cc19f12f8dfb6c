import { OPERATOR_DAEMON, SYSTEM } from '../../../device-sim/src/access-policy.js';
import type { AppManifest } from '../../../device-sim/src/broker/manifest.js';
import { PcscClient } from '../../../device-sim/src/nfc/pcsc-client.js';
import type { Phone } from '../../../device-sim/src/phone.js';
import { KaiStore } from '../../../device-sim/src/store/kai-store.js';
import {
  accessPolicy,
  appTypePermissions,
  launchIntegrity,
  nfcExclusive,
  sideloading,
  storeSignature,
} from '../controls.js';
import { attempt, observed } from '../play.js';
import type { Context, Observation, Scenario } from '../types.js';
import { paymentCode } from './payment.js';
import { kes } from './setup.js';

const files = () => ({
  'index.html': Buffer.from('<script src="app.js"></script>'),
  'app.js': Buffer.from('stealWallet()'),
});
const app = (id: string, type: AppManifest['type'], permissions: AppManifest['permissions']): AppManifest => ({
  id,
  name: id,
  type,
  version: 1,
  permissions,
});

/** The UID the broker gives the first app installed on a phone. */
export const FIRST_APP_UID = 10_000;

/** A store-signed app installed and launched on `phone`, as the content process the broker knows. */
export async function launched(phone: Phone, manifest: AppManifest) {
  await phone.installer.install(SYSTEM, await phone.kaiStore.publish(manifest, files()));
  return phone.installer.launch(SYSTEM, manifest.id);
}

async function sideload(ctx: Context): Promise<Observation> {
  const phone = await ctx.world.phone('secure');
  const manifest = app('free-airtime', 'certified', { telephony: { description: 'calls' } });
  const installed = await attempt(() => phone.installer.install(SYSTEM, { manifest, files: files() }, 'sideload'));
  const running = installed.ok ? await attempt(() => phone.installer.launch(SYSTEM, manifest.id)) : installed;
  return observed(
    installed.code,
    running.ok,
    { buildType: phone.profile.buildType, installed: installed.ok, unsignedCodeRunning: running.ok },
    [
      'on a user build, install an unsigned "free airtime" package from a file',
      installed.ok ? 'installed' : `refused with ${installed.code}`,
      running.ok ? 'the unsigned package runs' : 'nothing runs',
    ],
  );
}

async function rogueStore(ctx: Context): Promise<Observation> {
  const phone = await ctx.world.phone('secure');
  const manifest = app('free-airtime', 'certified', { telephony: { description: 'calls' } });
  const rogue = await KaiStore.create();
  const installed = await attempt(async () => phone.installer.install(SYSTEM, await rogue.publish(manifest, files())));
  const running = installed.ok ? await attempt(() => phone.installer.launch(SYSTEM, manifest.id)) : installed;
  const telephony = running.ok ? await attempt(() => phone.broker.authorize(manifest.id, 'telephony')) : running;
  return observed(
    installed.code,
    telephony.ok,
    { installed: installed.ok, running: running.ok, certifiedPermissionGranted: telephony.ok },
    [
      'sign the package as "certified" with a store key of his own and install it',
      installed.ok ? 'installed' : `refused with ${installed.code}`,
      telephony.ok
        ? 'it runs and the broker grants it telephony (a certified-only API)'
        : 'it gets no process and no permission',
    ],
  );
}

async function tamperedFiles(ctx: Context): Promise<Observation> {
  const phone = await ctx.world.phone('secure');
  const manifest = app('wallet-helper', 'privileged', {});
  await phone.installer.install(SYSTEM, await phone.kaiStore.publish(manifest, files()));
  phone.installer.files(manifest.id).set('app.js', new Uint8Array(Buffer.from('stealWallet(); exfiltrate()')));
  const running = await attempt(() => phone.installer.launch(SYSTEM, manifest.id));
  return observed(running.code, running.ok, { modifiedCodeRunning: running.ok }, [
    'install a genuine store app',
    "with file access to the phone's storage, replace its app.js",
    running.ok ? 'the modified code is launched' : `the launch is refused with ${running.code}`,
  ]);
}

async function escalation(ctx: Context): Promise<Observation> {
  const phone = await ctx.world.phone('secure');
  const manifest = app('torch', 'web', {
    telephony: { description: 'flash on calls' },
    'device-storage:sdcard': { description: 'themes', access: 'readwrite' },
  });
  await launched(phone, manifest);
  const telephony = await attempt(() => phone.broker.authorize(manifest.id, 'telephony'));
  const sdcard = await attempt(() => phone.broker.authorize(manifest.id, 'device-storage:sdcard', 'readwrite'));
  return observed(
    telephony.code,
    telephony.ok || sdcard.ok,
    { appType: manifest.type, telephonyGranted: telephony.ok, sdcardGranted: sdcard.ok },
    [
      'a plain web app from the store declares telephony and SD-card write in its manifest',
      `it asks the broker for telephony: ${telephony.ok ? 'granted' : telephony.code}`,
      `and for SD-card write: ${sdcard.ok ? 'granted' : sdcard.code}`,
    ],
  );
}

async function webNfcLock(ctx: Context): Promise<Observation> {
  const phone = await ctx.world.phone('secure');
  const running = await launched(phone, app('tap-game', 'privileged', { nfc: { description: 'tags' } }));
  const r = await attempt(() => phone.nfc.lock(running.caller));
  const holder = phone.nfc.holder?.process ?? null;
  const daemon = await attempt(() => phone.daemon.payFromTag());
  return observed(
    r.code,
    holder === running.caller.process,
    { lockHolder: holder, daemonTapPayment: daemon.ok ? daemon.value.status : daemon.code },
    [
      "a store game's content process calls the NFC daemon's nfc_lock",
      r.ok ? `the game holds nfc_lock (${holder})` : `refused with ${r.code}`,
      `the payment daemon then reads a tag: ${daemon.ok ? daemon.value.status : daemon.code}`,
    ],
  );
}

async function readWhileLocked(ctx: Context): Promise<Observation> {
  const probes: { web?: Awaited<ReturnType<typeof attempt>>; pcsc?: Awaited<ReturnType<typeof attempt>> } = {};
  const ref: { phone?: Phone } = {};
  const bridge = async (sealed: Uint8Array, forward: (s: Uint8Array) => Promise<Uint8Array>) => {
    if (!probes.web) {
      probes.web = await attempt(() => ref.phone!.broker.nfcRead('reader'));
      probes.pcsc = await attempt(() => PcscClient.connect(ref.phone!.nfc, OPERATOR_DAEMON));
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
  phone.nfc.tap(await ctx.world.merchantTag({ payee: merchant, amount: kes(700) }));
  const paid = await attempt(() => phone.daemon.payFromTag());
  const web = probes.web;
  return observed(
    web?.code ?? null,
    Boolean(web?.ok || probes.pcsc?.ok),
    {
      daemonHeldLock: Boolean(web),
      webNfcRead: web ? (web.ok ? 'read the tag' : web.code) : null,
      otherDaemonPcsc: probes.pcsc ? (probes.pcsc.ok ? 'session opened' : probes.pcsc.code) : null,
      daemonPayment: paymentCode(paid) ?? 'POSTED',
    },
    [
      'the payment daemon reads a merchant tag under nfc_lock',
      `meanwhile a privileged web app reads NFC: ${web?.ok ? 'it read the tag' : web?.code}`,
      `and another native daemon opens PC/SC: ${probes.pcsc?.ok ? 'opened' : probes.pcsc?.code}`,
    ],
  );
}

/** Attacks through apps on the phone (seed 000 §Kai store, §NFC; seed 003 web-app attacks). */
export const appScenarios: Scenario[] = [
  {
    id: 'sideloaded-app',
    label: 'on-device',
    expect: { code: 'STORE_SIDELOAD_REFUSED', outcome: 'BLOCKED' },
    title: 'Sideloaded app',
    recommendations: ['R4', 'R8'],
    masvs: 'MASVS-CODE-4, MASVS-RESILIENCE-2',
    seed: '000 §Kai store, §non pre-built applications',
    action: 'install an unsigned "free airtime" package from a file on a user build',
    control: 'installer: sideloading refused on user builds',
    success: 'the unsigned package is installed and runs',
    port: sideloading,
    story:
      'Fake airtime and wallet apps are how malware reaches feature phones. On a user build the ' +
      'installer refuses sideloading outright, so the malicious package never gets a process.',
    run: sideload,
  },
  {
    id: 'rogue-store-package',
    label: 'on-device',
    expect: { code: 'STORE_SIGNATURE_INVALID', outcome: 'BLOCKED' },
    title: 'Package signed by a rogue store',
    recommendations: ['R4', 'R8'],
    masvs: 'MASVS-CODE-4, MASVS-RESILIENCE-2',
    seed: '000 §Kai store',
    action: 'sign a package as "certified" with a store key of his own and install it',
    control: 'installer: Kai Store signature and file hashes verified at install',
    success: 'the package runs as a certified app and gets certified-only permissions',
    port: storeSignature,
    story:
      "An app's type (web, privileged, certified) decides which device APIs it may ask " +
      'for, and the store signature is what vouches for it. A package signed by anything ' +
      'but the Kai Store key is refused, so no one promotes his own app to "certified".',
    run: rogueStore,
  },
  {
    id: 'app-files-modified',
    label: 'on-device',
    expect: { code: 'STORE_INTEGRITY_FAILED', outcome: 'BLOCKED' },
    title: 'Installed app modified on storage',
    recommendations: ['R4', 'R8'],
    masvs: 'MASVS-RESILIENCE-2',
    seed: '000 §Kai store',
    action: "replace the code of an installed store app on the phone's storage, then launch it",
    control: 'installer: every file hash re-checked against the store signature at each launch',
    success: "the modified code runs under the genuine app's identity and permissions",
    port: launchIntegrity,
    story:
      "Someone with the phone (or a USB cable) can swap an installed app's files, " +
      'keeping its identity and permissions. The installer re-checks every file ' +
      'against the store-signed hashes at each launch and refuses one that changed.',
    run: tamperedFiles,
  },
  {
    id: 'web-app-permission-escalation',
    label: 'on-device',
    expect: { code: 'BROKER_PERMISSION_DENIED', outcome: 'BLOCKED' },
    title: 'Web app asking for privileged permissions',
    recommendations: ['R8'],
    masvs: 'MASVS-PLATFORM-1',
    seed: '001 §App Security; 000 §Application isolation',
    action: 'a plain web app declares telephony and SD-card write in its manifest and asks the broker for them',
    control: 'broker: least privilege by app type (telephony is certified-only, SD-card privileged-only), default deny',
    success: 'the web app is granted telephony or SD-card write',
    port: appTypePermissions,
    story:
      "A manifest is only a wish list. The broker grants an API only when the app's signed type " +
      'qualifies for it, so a web app that declares telephony or SD-card access gets neither.',
    run: escalation,
  },
  {
    id: 'web-app-nfc-lock',
    label: 'on-device',
    expect: { code: 'DEVICE_ACCESS_DENIED', outcome: 'BLOCKED' },
    title: 'Web app taking nfc_lock',
    recommendations: ['R8'],
    masvs: 'MASVS-PLATFORM-1',
    seed: '000 §NFC API and NFC access lock; 001 §Trusted and Untrusted Apps',
    action: "a store game's content process calls the NFC daemon's nfc_lock directly",
    control: 'device access policy: nfc_lock is a native-only API; app processes have no row (default deny)',
    success: "the game holds nfc_lock and the payment daemon's tap payments fail",
    port: accessPolicy("the tap-game app's process", 'app:tap-game', FIRST_APP_UID, ['nfc.lock']),
    story:
      'A game that could take nfc_lock would keep the payment daemon off the NFC ' +
      'controller, or grab it to talk to cards itself. nfc_lock is a native-only ' +
      "GeckoBridge API: the app's own process is refused by the device access policy.",
    run: webNfcLock,
  },
  {
    id: 'nfc-read-while-locked',
    label: 'on-device',
    expect: { code: 'NFC_BUSY', outcome: 'BLOCKED' },
    title: 'Second reader while the daemon holds the NFC lock',
    recommendations: ['R8', 'R9'],
    masvs: 'MASVS-PLATFORM-1',
    seed: '000 §NFC access lock; 004',
    action:
      'while the daemon reads a merchant tag under nfc_lock, a privileged web ' +
      'app reads NFC through the broker and another native daemon opens PC/SC',
    control: 'exclusive NFC lock: everyone but the holder gets NFC_BUSY',
    success: 'the second reader gets the tag while the daemon reads it',
    port: nfcExclusive,
    story:
      'A second reader during a tap could skim the tag or the card in the field, or ' +
      'race the daemon with a forged tag. While the payment daemon holds nfc_lock, ' +
      'Web NFC and every other native caller get NFC_BUSY until it unlocks.',
    run: readWhileLocked,
  },
];
