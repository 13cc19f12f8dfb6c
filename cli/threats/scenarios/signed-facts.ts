import { createHash, generateKeyPairSync } from 'node:crypto';
import type { Phone } from '../../../device-sim/src/phone.js';
import { CURRENT_PATCH } from '../../../device-sim/src/profiles.js';
import { signedFact } from '../controls.js';
import { rewriteAttestation } from '../forgery.js';
import { attempt, observed } from '../play.js';
import type { Context, Fact, Observation, Scenario } from '../types.js';
import { paymentCode } from './payment.js';
import { balance, kes } from './setup.js';

/** Enrolls `phone`; when it gets in, funds it and pays KES 10.00 (what any tier allows). */
export async function enrollAndPay(ctx: Context, phone: Phone) {
  const wallet = ctx.world.newId('wallet');
  const merchant = ctx.world.newId('merchant');
  const e = await attempt(() => phone.daemon.enroll(wallet));
  let paid: string | null = null;
  if (e.ok) {
    await ctx.world.openWallet(wallet, e.value.deviceId, 100_000, 'KES');
    await ctx.world.openMerchant(merchant, 'KES');
    paid = paymentCode(await attempt(() => phone.daemon.pay({ payee: merchant, amount: kes(1_000) }))) ?? 'POSTED';
  }
  const received = e.ok ? await balance(ctx.world, merchant) : null;
  return { e, paid, received };
}

/** The observation of one enrollment: refused with a code, or enrolled at a tier that paid. */
async function judged(ctx: Context, phone: Phone, facts: Record<string, Fact>, did: string[]): Promise<Observation> {
  const { e, paid, received } = await enrollAndPay(ctx, phone);
  return observed(
    e.code,
    e.ok && Number(received) > 0,
    { ...facts, enrolled: e.ok, tier: e.ok ? e.value.tier : null, payment: paid, merchantReceived: received ?? null },
    [
      ...did,
      e.ok ? `enrolled at tier ${e.value.tier}; a KES 10.00 payment: ${paid}` : `enrollment refused with ${e.code}`,
    ],
  );
}

const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

async function customBootKey(ctx: Context): Promise<Observation> {
  const own = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'der' });
  const bootKeyHash = sha256(own);
  const { signer } = await ctx.world.oem.batchSigner();
  const phone = await ctx.world.phone('secure', {
    wrapKeystore: rewriteAttestation(signer, (r) => {
      r.rootOfTrust.verifiedBootKeyHash = bootKeyHash;
    }),
  });
  return judged(ctx, phone, { bootKeyHash: `${bootKeyHash.slice(0, 12)}...`, bootState: 'verified' }, [
    'the attacker builds firmware of his own, signs it with his own boot key, flashes it and relocks the bootloader',
    "the phone boots it as verified under that key, and its genuine eSE attests the key's hash",
  ]);
}

async function patchLie(ctx: Context): Promise<Observation> {
  const { signer } = await ctx.world.oem.batchSigner();
  const phone = await ctx.world.phone('outdated-patch', {
    wrapKeystore: rewriteAttestation(signer, (r) => {
      r.patchLevel = { os: CURRENT_PATCH, vendor: CURRENT_PATCH, boot: CURRENT_PATCH };
    }),
  });
  const running = phone.fota.platform().securityPatchLevel;
  return judged(ctx, phone, { runningPatch: running, reportedPatch: CURRENT_PATCH }, [
    `a phone running firmware at patch ${running}, too old to enroll, is modified to report patch ${CURRENT_PATCH}`,
    'the eSE attests the reported patch level next to the OEM-signed manifest of the firmware it measured',
  ]);
}

async function foreignSigner(ctx: Context): Promise<Observation> {
  const repackaged = {
    ...ctx.world.oem.daemonApplication(),
    signatureDigest: sha256("a repackager's certificate"),
  };
  const phone = await ctx.world.phone('secure', { application: repackaged });
  return judged(
    ctx,
    phone,
    { packageName: repackaged.packageName, signerDigest: `${repackaged.signatureDigest.slice(0, 12)}...` },
    [
      'the attacker repackages the payment daemon with code of his own and signs it with his own certificate',
      'installed on a genuine phone, it has the eSE generate and attest its payment key',
    ],
  );
}

/**
 * Facts the phone reports, bound to what the OEM and the app's
 * developer signed (seed 000 §Secure patch level; 002 R2, R6).
 */
export const signedFactScenarios: Scenario[] = [
  {
    id: 'boot-key-mismatch',
    label: 'on-device',
    expect: { code: 'ATTESTATION_BOOT_KEY_UNKNOWN', outcome: 'BLOCKED' },
    title: 'Custom firmware under its own boot key',
    recommendations: ['R2'],
    masvs: 'MASVS-RESILIENCE-1',
    seed: '002 §4.2; 000 §Safeguard',
    action:
      'flash firmware signed with a boot key of his own and relock ' +
      'the bootloader, so the phone boots it as verified, then enroll',
    control: "the attested verified-boot key hash must be one of the model's OEM boot keys (device trust file)",
    success: 'the phone running firmware the attacker controls enrolls and pays',
    port: signedFact('bootKey', 'verified boot key'),
    story:
      'Verified boot only says the firmware matched the key it was checked with; an ' +
      "unlocked-then-relocked phone checks the attacker's own key. The eSE attests which key " +
      'that was, and the verifier accepts only the boot keys the OEM published for the model.',
    run: customBootKey,
  },
  {
    id: 'patch-level-lie',
    label: 'on-device',
    expect: { code: 'ATTESTATION_PATCH_LEVEL_MISMATCH', outcome: 'BLOCKED' },
    title: 'Firmware reporting a newer patch level than it has',
    recommendations: ['R6', 'R2'],
    masvs: 'MASVS-RESILIENCE-1, MASVS-CODE-1',
    seed: '000 §Secure patch level; 002 §4.4, §5 (R6)',
    action:
      `on a phone too far behind on patches to enroll, modify ` +
      `the firmware to report patch ${CURRENT_PATCH}, then enroll`,
    control: 'the reported patch level must equal the patch level of the OEM-signed firmware manifest the eSE attests',
    success: 'the unpatched phone enrolls and pays',
    port: signedFact('patchLevel', 'patch level'),
    story:
      'A patch level is only a number the operating system reports, and a phone that is behind has every ' +
      'reason to round it up. The eSE also attests the OEM-signed manifest of the firmware it measured ' +
      'at boot; the verifier takes the patch level from there and refuses a phone whose report disagrees.',
    run: patchLie,
  },
  {
    id: 'foreign-app-signer',
    label: 'on-device',
    expect: { code: 'ATTESTATION_APP_SIGNER_MISMATCH', outcome: 'BLOCKED' },
    title: 'Repackaged payment daemon signed by another certificate',
    recommendations: ['R2', 'R3'],
    masvs: 'MASVS-RESILIENCE-2',
    seed: '002 §4.2, §5 (R3); 000 §KeyStore',
    action:
      'repackage the payment daemon with code of his own, sign it ' +
      "with his own certificate, and let it enroll the phone's eSE key",
    control:
      'the attested signing-certificate digest of the package must be one its developer published (device trust file)',
    success: 'the repackaged daemon holds an enrolled payment key and pays',
    port: signedFact('appSigner', 'package signer'),
    story:
      "A repackaged payment app keeps the package name but not the developer's signature. " +
      'The eSE attests which certificate signed the app holding the key, as Android Key ' +
      'Attestation does, and the verifier accepts only the digests the developer published.',
    run: foreignSigner,
  },
];
