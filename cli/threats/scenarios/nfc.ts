import { parseResponse } from '../../../device-sim/src/nfc/apdu.js';
import { CompactSign, generateKeyPair } from 'jose';
import { MERCHANT_TAG } from '../../../contracts/device.js';
import { merchantTag } from '../../../device-sim/src/nfc/cards.js';
import type { HandshakeRelay } from '../../../device-sim/src/nfc/pcsc-client.js';
import { ChannelEnd, ephemeralKey } from '../../../device-sim/src/nfc/secure-channel.js';
import { nfcHello, tagSignature } from '../controls.js';
import { attempt, observed } from '../play.js';
import type { Context, Observation, Scenario } from '../types.js';
import { paymentCode } from './payment.js';
import { balance, kes, payer } from './setup.js';

async function bridgeMitm(ctx: Context): Promise<Observation> {
  const ends: { daemon?: ChannelEnd; nfcd?: ChannelEnd } = {};
  const seen = { commandsReadInClear: 0, tagReadInClear: false };
  const handshake: HandshakeRelay = async (callerPublic, forward) => {
    const towardNfcd = await ephemeralKey();
    const hello = await forward(towardNfcd.publicRaw);
    ends.nfcd = await ChannelEnd.derive(towardNfcd.privateKey, hello.nfcPublicRaw, hello.sessionId, 'app');
    const towardDaemon = await ephemeralKey();
    ends.daemon = await ChannelEnd.derive(towardDaemon.privateKey, callerPublic, hello.sessionId, 'nfcd');
    return { ...hello, nfcPublicRaw: towardDaemon.publicRaw };
  };
  const bridge = async (sealed: Uint8Array, forward: (s: Uint8Array) => Promise<Uint8Array>) => {
    if (!ends.daemon || !ends.nfcd) return forward(sealed);
    const command = await ends.daemon.open(sealed);
    seen.commandsReadInClear++;
    const response = await ends.nfcd.open(await forward(await ends.nfcd.seal(command)));
    seen.tagReadInClear ||= parseResponse(response).data.length > 0;
    return ends.daemon.seal(response);
  };
  const phone = await ctx.world.phone('secure', { handshake, bridge });
  const wallet = ctx.world.newId('wallet');
  const merchant = ctx.world.newId('merchant');
  const e = await phone.daemon.enroll(wallet);
  await ctx.world.openWallet(wallet, e.deviceId, 10_000, 'KES');
  await ctx.world.openMerchant(merchant, 'KES');
  phone.nfc.tap(await ctx.world.merchantTag({ payee: merchant, amount: kes(700) }));
  const r = await attempt(() => phone.daemon.payFromTag());
  return observed(paymentCode(r), seen.commandsReadInClear > 0, { ...seen, payment: paymentCode(r) ?? 'POSTED' }, [
    'malware on the GeckoBridge hop sits between the payment daemon and the NFC daemon',
    "it answers the daemon's key exchange with its own point and opens its own session to the NFC daemon",
    r.ok
      ? `the tap payment went through: ${r.value.status} to ${r.value.payee}`
      : `the daemon refused the key exchange: ${r.code}`,
    `APDUs read in clear by the relay: ${seen.commandsReadInClear}`,
  ]);
}

async function tagSwap(ctx: Context): Promise<Observation> {
  const mule = ctx.world.newId('mule');
  await ctx.world.openMerchant(mule, 'KES');
  const { phone, wallet, merchant } = await payer(ctx.world);
  const genuine = await ctx.world.merchantTag({ payee: merchant, amount: kes(700) });
  const own = await generateKeyPair('ES256');
  const forged = await new CompactSign(new TextEncoder().encode(JSON.stringify({ payee: mule, amount: kes(700) })))
    .setProtectedHeader({ alg: 'ES256', typ: MERCHANT_TAG.typ })
    .sign(own.privateKey);
  phone.nfc.tap(genuine);
  const first = await attempt(() => phone.daemon.payFromTag());
  phone.nfc.tap(merchantTag(forged));
  const before = await balance(ctx.world, wallet);
  const r = await attempt(() => phone.daemon.payFromTag());
  const muleBalance = await balance(ctx.world, mule);
  return observed(
    paymentCode(r),
    Number(muleBalance) > 0,
    {
      genuineTagPayment: paymentCode(first) ?? 'POSTED',
      swappedTagPayment: paymentCode(r) ?? 'POSTED',
      muleBalance: muleBalance ?? null,
      walletBefore: before ?? null,
      walletAfter: (await balance(ctx.world, wallet)) ?? null,
    },
    [
      `the merchant's genuine tag pays ${merchant}: ${paymentCode(first) ?? 'POSTED'}`,
      'the attacker sticks his own tag over it, naming his mule account and signed with a key of his own',
      r.ok ? `the phone paid ${r.value.payee}` : `the daemon refused the tag: ${r.code}`,
      `attacker's account ${muleBalance}`,
    ],
  );
}

/** Attacks on the NFC path between the payment daemon and the NFC daemon (seed 000 §NFC API). */
export const nfcScenarios: Scenario[] = [
  {
    id: 'merchant-tag-swap',
    label: 'remote',
    expect: { code: 'NFC_TAG_UNTRUSTED', outcome: 'BLOCKED' },
    title: "Merchant NFC tag swapped for the attacker's",
    recommendations: ['R9', 'R1'],
    masvs: 'MASVS-PLATFORM-1',
    seed: '000 §NFC API; 002 R9',
    action:
      "stick a tag of his own over a merchant's tag, naming his mule " +
      'account (signed with a key of his own), and wait for customers to tap',
    control:
      'merchant tags carry a payment request signed by the payment backend; ' +
      'the daemon verifies it with the backend keys it holds before showing it',
    success: "a customer's tap pays the attacker's mule account",
    port: tagSignature,
    story:
      'Swapped QR codes and tags are a cheap, common merchant fraud: the customer pays whoever printed ' +
      'the sticker. Tags issued at onboarding carry a request signed by the payment backend; the payment ' +
      'daemon checks that signature before the request reaches the screen, so a home-made tag is refused.',
    run: tagSwap,
  },
  {
    id: 'nfc-bridge-mitm',
    label: 'on-device',
    expect: { code: 'NFC_CHANNEL_INVALID', outcome: 'BLOCKED' },
    title: 'Man in the middle on the NFC bridge during the key exchange',
    recommendations: ['R8', 'R9', 'R3'],
    masvs: 'MASVS-NETWORK-1, MASVS-PLATFORM-1',
    seed: '000 §NFC API and NFC access lock ("APDU result will do E2E protection")',
    action:
      "malware on the GeckoBridge hop replaces the NFC daemon's ECDH point with " +
      'its own, then relays the APDUs of a tap payment, reading them in clear',
    control: 'the NFC daemon signs its key exchange with an identity key the payment daemon pins',
    success: "the relay reads the daemon's APDUs and the card's answers in clear",
    port: nfcHello,
    story:
      'The APDU channel between the payment daemon and the NFC daemon is end-to-end encrypted, but an ' +
      'unauthenticated ECDH only protects against a passive relay: one that answers both sides with its own ' +
      'keys reads and edits everything. Here the NFC daemon signs each exchange (both points and the session ' +
      'id) with a key the payment daemon pins, and a substituted point is refused before any APDU is sent.',
    run: bridgeMitm,
  },
];
