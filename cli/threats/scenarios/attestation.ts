import { contracts } from '../../../kit/src/contracts.js';
import { call, createClient } from '../../../kit/src/grpc-client.js';
import type { Backend } from '../../../device-sim/src/daemon/backend.js';
import type { EnrollRequest } from '../../../gen/proto/dfs/v1/EnrollRequest.js';
import { expectRefusal } from '../play.js';
import type { Scenario } from '../types.js';
import { forgedEnrollment } from './forge.js';

/** Attacks on enrollment: replayed evidence and forged chains (brief §3.3). */
export const attestationScenarios: Scenario[] = [
  {
    id: 'reused-challenge', expected: 'ATTESTATION_CHALLENGE_REUSED', title: 'Replayed attestation (reused challenge)', recommendations: ['R1', 'R2'], masvs: 'MASVS-AUTH-1', seed: '000 §Safeguard',
    action: 'capture a genuine enrollment and send it again', control: 'single-use attestation challenge',
    story: 'An attacker records a healthy phone\'s enrollment and replays it to get credentials for a device he controls. The challenge inside the signed evidence is single use, so the replay is refused.',
    async run(ctx) {
      let captured: EnrollRequest | undefined;
      const phone = await ctx.world.phone('secure', { wrap: (b: Backend): Backend => ({ ...b, enroll: (req) => { captured = req; return b.enroll(req); } }) });
      await phone.daemon.enroll(ctx.world.newId('wallet'));
      ctx.say('a genuine phone enrolled; the attacker captured its Enroll request');
      const client = createClient(contracts().AttestationService, ctx.attestationAddr, ctx.world.bootstrapTls, 'attestation');
      try {
        return await expectRefusal(() => call(client, client.Enroll, captured!), ['ATTESTATION_CHALLENGE_REUSED'], ['replay the captured Enroll request']);
      } finally {
        client.close();
      }
    },
  },
  {
    id: 'self-signed-chain', expected: 'ATTESTATION_SELF_SIGNED', title: 'Forged attestation chain with a self-signed root', recommendations: ['R2', 'R7'], masvs: 'MASVS-RESILIENCE-1', seed: '000 §KeyStore',
    action: 'build a root of his own, sign a perfect attestation record with it, enroll', control: 'chain verification up to a pinned OEM root (no self-signed certificate in the chain)',
    story: 'Without an eSE, an attacker can still write a flawless attestation record and sign it with a root he made. The backend trusts only pinned OEM roots: a self-signed certificate inside the chain is refused outright, and a chain without it ends nowhere the backend knows.',
    run: async (ctx) => expectRefusal(() => forgedEnrollment(ctx, 'self-signed-root'), ['ATTESTATION_SELF_SIGNED'], ['enroll with a chain ending at a self-signed root']),
  },
  {
    id: 'issuer-not-ca', expected: 'ATTESTATION_ISSUER_NOT_CA', title: 'Chain with an issuer lacking CA:TRUE', recommendations: ['R2', 'R7'], masvs: 'MASVS-RESILIENCE-1', seed: '000 §KeyStore',
    action: 'have a rogue daemon make the eSE sign a child certificate with his genuine attested key, then enroll with it', control: 'every issuer must be CA:TRUE with its path length respected',
    story: 'A genuine phone\'s attested key chains to the OEM root, but it is an end-entity key. An attacker who gets the eSE to sign with it can issue himself a "leaf" with a perfect record. The verifier checks basic constraints on every issuer, as Android Key Attestation verifiers must.',
    run: async (ctx) => expectRefusal(() => forgedEnrollment(ctx, 'issuer-not-ca'), ['ATTESTATION_ISSUER_NOT_CA'], ['sign a child certificate with the genuine attested key', 'enroll with the forged leaf']),
  },
];
