import { contracts } from '../../../kit/src/contracts.js';
import { call, createClient } from '../../../kit/src/grpc-client.js';
import type { Backend } from '../../../device-sim/src/daemon/backend.js';
import type { EnrollRequest } from '../../../gen/proto/dfs/v1/EnrollRequest.js';
import { challengeSingleUse, keyReplacementLevel, levelFromChain } from '../controls.js';
import { claimEse, rewriteAttestation } from '../forgery.js';
import { profile } from '../../../device-sim/src/profiles.js';
import { balance, kes, payer } from './setup.js';
import { attempt, observed } from '../play.js';
import type { Context, Observation, Scenario } from '../types.js';

async function replayEnrollment(ctx: Context): Promise<Observation> {
  let captured: EnrollRequest | undefined;
  const phone = await ctx.world.phone('secure', {
    wrap: (b: Backend): Backend => ({
      ...b,
      enroll: (req) => {
        captured = req;
        return b.enroll(req);
      },
    }),
  });
  const first = await phone.daemon.enroll(ctx.world.newId('wallet'));
  ctx.say('a genuine phone enrolled; the attacker captured its Enroll request on the wire');
  const client = createClient(
    contracts().AttestationService,
    ctx.attestationAddr,
    ctx.world.bootstrapTls,
    'attestation',
  );
  try {
    const r = await attempt(() => call(client, client.Enroll, captured!));
    const evidence = {
      genuineDevice: first.deviceId,
      credentialsIssuedToReplay: r.ok,
      replayTokenIssued: r.ok ? r.value.attestationToken.length > 0 : false,
    };
    return observed(r.code, r.ok, evidence, [
      'capture a genuine Enroll request (chain, proof, challenge id)',
      'send the same bytes again over gRPC',
      r.ok ? 'a second attestation token and certificate came back' : `refused with ${r.code}`,
    ]);
  } finally {
    client.close();
  }
}

async function softwareKeyTier(ctx: Context): Promise<Observation> {
  const firmwareKey = (await ctx.world.oem.manufacture(profile('no-ese'))).softwareAttestation!;
  const phone = await ctx.world.phone('no-ese', { wrapKeystore: claimEse(firmwareKey) });
  const wallet = ctx.world.newId('wallet');
  const merchant = ctx.world.newId('merchant');
  const e = await attempt(() => phone.daemon.enroll(wallet));
  let paid: string | null = null;
  if (e.ok) {
    await ctx.world.openWallet(wallet, e.value.deviceId, 200_000, 'KES');
    await ctx.world.openMerchant(merchant, 'KES');
    const r = await attempt(() => phone.daemon.pay({ payee: merchant, amount: kes(150_000) }));
    paid = r.ok ? r.value.status : r.code;
  }
  const received = e.ok ? await balance(ctx.world, merchant) : null;
  return observed(
    e.code,
    e.ok && e.value.tier === 'HIGH',
    { enrolled: e.ok, tier: e.ok ? e.value.tier : null, payment: paid, merchantReceived: received ?? null },
    [
      'a phone without eSE runs firmware that rewrites its attestation record to claim an eSE key',
      're-signs it with the software attestation key every eSE-less phone carries, and enrolls',
      e.ok ? `enrolled at tier ${e.value.tier}; a KES 1,500.00 payment: ${paid}` : `refused with ${e.code}`,
    ],
  );
}

async function softwareRekey(ctx: Context): Promise<Observation> {
  const victim = await payer(ctx.world);
  const firmwareKey = (await ctx.world.oem.manufacture(profile('no-ese'))).softwareAttestation!;
  const forger = await ctx.world.phone('no-ese', {
    imei: victim.phone.imei,
    wrapKeystore: rewriteAttestation(firmwareKey, (r) => {
      r.rollbackIndex = Number.MAX_SAFE_INTEGER;
    }),
  });
  const forged = await attempt(() => forger.daemon.enroll(ctx.world.newId('wallet')));
  const again = await attempt(() => victim.phone.daemon.enroll(victim.wallet));
  await ctx.bus?.settled();
  const paid = again.ok
    ? await attempt(() => victim.phone.daemon.pay({ payee: victim.merchant, amount: kes(100) }))
    : null;
  return observed(
    forged.code,
    forged.ok && !again.ok,
    {
      victimDevice: victim.enrollment.deviceId,
      forgedDevice: forged.ok ? forged.value.deviceId : null,
      forgedTier: forged.ok ? forged.value.tier : null,
      victimReenrolls: again.ok ? 'enrolled' : again.code,
      victimPayment: paid ? (paid.ok ? paid.value.status : paid.code) : null,
    },
    [
      "a genuine eSE phone enrolls; a phone without eSE is given the victim's IMEI",
      'its firmware sets the rollback index to 2^53-1 and re-signs the record with the software attestation key',
      forged.ok ? `enrolled as ${forged.value.deviceId} at tier ${forged.value.tier}` : `refused with ${forged.code}`,
      `the victim attests again: ${again.ok ? 'enrolled' : again.code}; pays KES 1.00: ${
        paid ? (paid.ok ? paid.value.status : paid.code) : 'not tried'
      }`,
    ],
  );
}

/** Attacks on enrollment: replayed evidence and forged chains (brief §3.3). */
export const attestationScenarios: Scenario[] = [
  {
    id: 'software-key-tier-forgery',
    label: 'on-device',
    expect: { code: 'ATTESTATION_SECURITY_LEVEL_MISMATCH', outcome: 'BLOCKED' },
    title: 'Software key claiming an eSE',
    recommendations: ['R2', 'R1'],
    masvs: 'MASVS-RESILIENCE-1, MASVS-STORAGE-1',
    seed: '002 §4.3.1; 000 §KeyStore',
    action:
      'on a phone without eSE, firmware rewrites the attestation record to claim an eSE ' +
      'key and re-signs it with the software attestation key shipped in every such phone',
    control:
      'the security level is derived from which attestation CA signed ' +
      'the chain (eSE batch CA or software CA), never from the record',
    success: 'the phone enrolls at tier HIGH and pays above the LOW limit',
    port: levelFromChain,
    story:
      'The software attestation key ships in the firmware of every phone without an eSE, so anyone can ' +
      'extract it and sign whatever record he likes. The verifier takes the security level from the CA that ' +
      'signed (its policy OID), as Android Key Attestation does, and refuses a record that claims more.',
    run: softwareKeyTier,
  },
  {
    id: 'software-rekey-takeover',
    label: 'on-device',
    expect: { code: 'ATTESTATION_KEY_CONFLICT', outcome: 'BLOCKED' },
    title: "Software record re-keying an eSE phone's identity",
    recommendations: ['R1', 'R2'],
    masvs: 'MASVS-RESILIENCE-1, MASVS-AUTH-1',
    seed: '000 §Safeguard; 002 §4.3.1',
    action:
      "sign a software-level attestation record with a victim's IMEI and a rollback index of 2^53-1 " +
      'with the software attestation key every eSE-less phone carries, and enroll it',
    control:
      'device registry: a new key replaces the registered one only when its chain proves at least the ' +
      'prior security level; the rollback floor rises only on an index an eSE attested',
    success: "the forged key takes the victim's device identity and the victim's own key is revoked",
    port: keyReplacementLevel,
    story:
      'The software attestation key is in the firmware of every phone without an eSE, so its records prove ' +
      "nothing about who holds an IMEI. A software record for an eSE phone's IMEI is refused: otherwise it " +
      "would revoke the real phone's key and lock its owner out.",
    run: softwareRekey,
  },
  {
    id: 'reused-challenge',
    label: 'remote',
    expect: { code: 'ATTESTATION_CHALLENGE_REUSED', outcome: 'BLOCKED' },
    title: 'Replayed attestation (reused challenge)',
    recommendations: ['R1', 'R2'],
    masvs: 'MASVS-AUTH-1',
    seed: '000 §Safeguard',
    action: 'capture a genuine enrollment on the wire and send it again',
    control: 'single-use attestation challenge',
    success: 'a second attestation token and device certificate issued for the replayed evidence',
    port: challengeSingleUse,
    story:
      "An attacker records a healthy phone's enrollment and replays it to get credentials for a device " +
      'he controls. The challenge inside the signed evidence is single use, so the replay is refused.',
    run: replayEnrollment,
  },
];
