import { contracts } from '../../../kit/src/contracts.js';
import { call, createClient } from '../../../kit/src/grpc-client.js';
import type { Backend } from '../../../device-sim/src/daemon/backend.js';
import type { EnrollRequest } from '../../../gen/proto/dfs/v1/EnrollRequest.js';
import { challengeSingleUse, rootPinning } from '../controls.js';
import { attempt, observed } from '../play.js';
import type { Context, Observation, Scenario } from '../types.js';
import { forgedEnrollment } from './forge.js';

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

async function forged(ctx: Context, shape: 'self-signed-root', steps: string[]): Promise<Observation> {
  const r = await attempt(() => forgedEnrollment(ctx, shape));
  return observed(r.code, r.ok, { enrolled: r.ok, tier: r.ok ? r.value.tier : null }, [
    ...steps,
    r.ok ? `enrolled at tier ${r.value.tier} with forged evidence` : `refused with ${r.code}`,
  ]);
}

/** Attacks on enrollment: replayed evidence and forged chains (brief §3.3). */
export const attestationScenarios: Scenario[] = [
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
      "An attacker records a healthy phone's enrollment and replays it to get credentials for a device he controls. The challenge inside the signed evidence is single use, so the replay is refused.",
    run: replayEnrollment,
  },
  {
    id: 'self-signed-chain',
    label: 'remote',
    expect: { code: 'ATTESTATION_SELF_SIGNED', outcome: 'BLOCKED' },
    title: 'Forged attestation chain with a self-signed root',
    recommendations: ['R2', 'R7'],
    masvs: 'MASVS-RESILIENCE-1',
    seed: '000 §KeyStore',
    action: 'build a root of his own, sign a perfect attestation record with it, enroll over gRPC',
    control: 'chain verification up to a pinned OEM root (no self-signed certificate in the chain)',
    success: 'a device enrolled at tier HIGH on evidence the attacker wrote',
    port: rootPinning,
    story:
      'Without an eSE, an attacker can still write a flawless attestation record and sign it with a root he made. The backend trusts only pinned OEM roots: a self-signed certificate inside the chain is refused outright, and a chain without it ends nowhere the backend knows.',
    run: (ctx) =>
      forged(ctx, 'self-signed-root', [
        'ask the attestation service for a challenge',
        'write a perfect record for it; sign it under a self-made root',
        'enroll with that chain',
      ]),
  },
];
