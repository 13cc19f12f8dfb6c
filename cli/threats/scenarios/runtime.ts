import { BROKER, SYSTEM } from '../../../device-sim/src/access-policy.js';
import { PAYMENT_CARD_AID, paymentCard, parseCardRecord } from '../../../device-sim/src/nfc/cards.js';
import { readRecord, selectAid } from '../../../device-sim/src/nfc/apdu.js';
import { PcscClient } from '../../../device-sim/src/nfc/pcsc-client.js';
import { accessPolicy } from '../controls.js';
import { attempt, observed } from '../play.js';
import type { Context, Observation, Scenario } from '../types.js';
import { FIRST_APP_UID, launched } from './apps.js';
import { paymentCode } from './payment.js';
import { kes, payer } from './setup.js';
import { fullPackagePath } from './firmware.js';

/**
 * Seed 002's Gecko finding: every web app runs in one runtime process, so one memory-corruption bug
 * in it gives the attacker that process (the broker, UID 1001). These scenarios play that process
 * asking for what the payment daemon holds.
 */

async function runtimePin(ctx: Context): Promise<Observation> {
  const { phone, merchant } = await payer(ctx.world);
  const guesses: string[] = [];
  for (const pin of ['0000', '1234', '1111', '0852', '9999', '2468']) {
    const r = await attempt(() => phone.eseApi.verifyPin(BROKER, pin));
    guesses.push(r.ok ? 'accepted' : r.code);
    if (r.ok || r.code === 'DEVICE_ACCESS_DENIED') break;
  }
  const owner = await attempt(() => phone.daemon.pay({ payee: merchant, amount: kes(1000) }));
  const ownerCode = paymentCode(owner) ?? 'POSTED';
  return observed(
    guesses.filter((g) => g !== 'accepted').at(-1) ?? null,
    ownerCode === 'PIN_LOCKED' || guesses.includes('accepted'),
    { runtimeGuesses: guesses.join(', '), ownersNextPayment: ownerCode },
    [
      'the compromised runtime (UID 1001) sends PIN guesses to the eSE PIN applet',
      `answers: ${guesses.join(', ')}`,
      `the owner then pays with the right PIN: ${ownerCode}`,
    ],
  );
}

async function runtimeNfc(ctx: Context): Promise<Observation> {
  const phone = await ctx.world.phone('secure');
  phone.nfc.tap(paymentCard('4111111111111111', '2912', 'A VICTIM'));
  const r = await attempt(async () => {
    const reader = await PcscClient.connect(phone.nfc, BROKER);
    await reader.transmit(selectAid(PAYMENT_CARD_AID));
    return parseCardRecord((await reader.transmit(readRecord(1, 1))).data);
  });
  return observed(r.code, r.ok, { cardNumberRead: r.ok, cardLast4: r.ok ? r.value.pan.slice(-4) : null }, [
    'a contactless card is in the field (the victim taps it to pay)',
    'the compromised runtime opens a PC/SC session and sends SELECT and READ RECORD',
    r.ok ? `it read the card number (ending ${r.value.pan.slice(-4)}) and expiry` : `refused with ${r.code}`,
  ]);
}

async function runtimeNativeUi(ctx: Context): Promise<Observation> {
  const phone = await ctx.world.phone('secure');
  const fake = { title: 'DFS Pay: PIN', lines: ['Pay KES 5.00', 'to merchant-cafe', 'Enter PIN'] };
  const r = await attempt(() => {
    phone.display.claimTop(BROKER, { onKey: () => {}, onVisibility: () => {} });
    phone.display.drawTop(BROKER, fake);
  });
  const owner = phone.display.topOwner?.process ?? null;
  return observed(
    r.code,
    owner === BROKER.process,
    {
      topLayerOwner: owner,
      fakeTrustedScreen: phone.display.composed().includes('Enter PIN') && owner === BROKER.process,
    },
    [
      'the compromised runtime claims the native top layer (the screen only the daemon may draw) and draws a PIN pad',
      r.ok ? 'its PIN pad is shown as the trusted native screen' : `refused with ${r.code}`,
    ],
  );
}

async function otaFromWebPage(ctx: Context): Promise<Observation> {
  const phone = await ctx.world.phone('old-release');
  const page = await launched(phone, {
    id: 'promo-page',
    name: 'promo-page',
    type: 'web',
    version: 1,
    permissions: {},
  });
  const before = phone.fota.status(SYSTEM);
  const next = before.installedVersion + 1;
  const update = await ctx.world.oem.release(next);
  const r = await attempt(() =>
    phone.fota.install(page.caller, { manifest: update.manifest, path: fullPackagePath(next) }),
  );
  const after = phone.fota.status(SYSTEM);
  return observed(
    r.code,
    after.installedVersion !== before.installedVersion,
    { installedBefore: before.installedVersion, installedAfter: after.installedVersion },
    [
      'a web page (promo-page) calls the FOTA service to install a firmware package of its choosing',
      r.ok ? `the phone installed firmware ${after.installedVersion}` : `refused with ${r.code}`,
    ],
  );
}

/** Attacks from a compromised web runtime and from web pages on the phone (seed 002 §4.2 NCC findings; seed 001). */
export const runtimeScenarios: Scenario[] = [
  {
    id: 'web-runtime-pin',
    label: 'on-device',
    expect: { code: 'DEVICE_ACCESS_DENIED', outcome: 'BLOCKED' },
    title: 'Compromised web runtime guessing the PIN',
    recommendations: ['R8', 'R5'],
    masvs: 'MASVS-PLATFORM-1, MASVS-AUTH-2',
    seed: '002 §4.2 (single Gecko runtime); 000 §KeyStore',
    action: 'code running in the shared web runtime sends PIN guesses to the eSE PIN applet',
    control: 'device access policy: the PIN applet answers the payment daemon only, never the web runtime',
    success: "the runtime's guesses reach the eSE and lock the owner's PIN",
    port: accessPolicy('the web runtime (broker, UID 1001)', 'broker', BROKER.uid, ['pin']),
    story:
      'KaiOS runs every web app in one Gecko runtime, so one browser bug gives an attacker all of ' +
      'them at once (002 §4.2). That process still cannot reach the PIN: only the payment daemon ' +
      'may talk to the PIN applet, so neither guessing nor locking the owner out is possible.',
    run: runtimePin,
  },
  {
    id: 'web-runtime-nfc',
    label: 'on-device',
    expect: { code: 'DEVICE_ACCESS_DENIED', outcome: 'BLOCKED' },
    title: 'Compromised web runtime reading a card over PC/SC',
    recommendations: ['R8'],
    masvs: 'MASVS-PLATFORM-1',
    seed: '002 §4.2 (single Gecko runtime); 000 §NFC API',
    action: 'code running in the shared web runtime opens a PC/SC session and reads the contactless card in the field',
    control:
      'device access policy: APDU access (PC/SC) is for native ' +
      'payment processes only; web apps get NDEF through Web NFC',
    success: 'the runtime reads the card number',
    port: accessPolicy('the web runtime (broker, UID 1001)', 'broker', BROKER.uid, ['nfc.pcsc']),
    story:
      'Web NFC gives web apps tag text, never card data. A compromised runtime ' +
      'would like the APDU path the payment daemon uses; the access policy ' +
      'gives it to native payment processes only, so the card stays unread.',
    run: runtimeNfc,
  },
  {
    id: 'web-runtime-native-ui',
    label: 'on-device',
    expect: { code: 'DEVICE_ACCESS_DENIED', outcome: 'BLOCKED' },
    title: 'Compromised web runtime drawing the trusted screen',
    recommendations: ['R8', 'R5'],
    masvs: 'MASVS-PLATFORM-3',
    seed: '002 §4.2 (single Gecko runtime); 000 §Native UI',
    action: 'code running in the shared web runtime claims the native top layer and draws a PIN pad there',
    control: 'device access policy: only native payment processes may claim the native top layer',
    success: "the runtime's PIN pad is shown as the trusted native screen",
    port: accessPolicy('the web runtime (broker, UID 1001)', 'broker', BROKER.uid, ['native-ui']),
    story:
      'The native top layer is what users learn to trust with their PIN. If the web ' +
      'runtime could draw there, its PIN pad would be indistinguishable from the ' +
      'real one; the access policy keeps that layer for native payment processes.',
    run: runtimeNativeUi,
  },
  {
    id: 'ota-from-web-page',
    label: 'remote',
    expect: { code: 'DEVICE_ACCESS_DENIED', outcome: 'BLOCKED' },
    title: 'Firmware update triggered from a web page',
    recommendations: ['R6', 'R8'],
    masvs: 'MASVS-PLATFORM-1',
    seed: '002 §4.2 (NCC: OTA settings changed from a web page)',
    action: 'a web page the victim opens calls the FOTA service to install a firmware package of its choosing',
    control: 'device access policy: only the system process may apply firmware updates',
    success: 'the web page gets a firmware package installed',
    port: accessPolicy("a web page's process", 'app:promo-page', FIRST_APP_UID, ['fota.apply']),
    story:
      'NCC found KaiOS settings, OTA ones included, reachable from a web page (002 §4.2). Here the FOTA ' +
      'service answers the system process only: a page, whatever it asks, changes nothing in the firmware.',
    run: otaFromWebPage,
  },
];
