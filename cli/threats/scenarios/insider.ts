import { randomUUID } from 'node:crypto';
import { contracts } from '../../../kit/src/contracts.js';
import { call, createClient } from '../../../kit/src/grpc-client.js';
import type { TlsMaterial } from '../../../kit/src/tls.js';
import type { Backend } from '../../../device-sim/src/daemon/backend.js';
import type { AssessRequest } from '../../../gen/proto/dfs/v1/AssessRequest.js';
import { CALLERS } from '../../../kit/src/identity.js';
import { appendOnlyTrail, assessCallers, callerIssuer } from '../controls.js';
import { attempt, notBuilt, observed } from '../play.js';
import type { Context, Observation, Scenario } from '../types.js';
import { paymentCode } from './payment.js';
import { watcher, type Seen } from './risk.js';
import { kes, kesText, payer } from './setup.js';

/** One RiskService.Assess call made with `tls` (whoever holds that certificate and key). */
async function assessWith(ctx: Context, tls: TlsMaterial, req: AssessRequest) {
  const risk = createClient(contracts().RiskService, ctx.risk!.addr, tls, 'risk');
  try {
    return await attempt(() => call(risk, risk.Assess, req));
  } finally {
    risk.close();
  }
}

interface Trail {
  decision?: string;
  tier?: string;
  payer?: string;
  amount?: { minorUnits: number };
  ruleIds?: string[];
  code?: string;
}

/** A decision trail as the risk service's HTTP API shows it. */
const trailOf = async (ctx: Context, transactionId: string) =>
  (await (
    await fetch(`${ctx.risk!.url}/v1/decisions/${encodeURIComponent(transactionId)}`, {
      headers: { authorization: `Bearer ${ctx.risk!.token}` },
    })
  ).json()) as Trail;

/** Within what a tier LOW phone may pay at once: an amount risk approves when the transaction service asks. */
const ASKED = 2_000;

/** Asks risk with `tls` about a payment of ASKED made up for `deviceId` at tier HIGH; and the trail it filed. */
async function assessMadeUp(ctx: Context, tls: TlsMaterial, deviceId: string, payer: string) {
  const transactionId = randomUUID();
  const r = await assessWith(ctx, tls, {
    transactionId,
    deviceId,
    payer,
    payee: ctx.world.newId('merchant'),
    amount: kes(ASKED),
    tier: 'HIGH',
  });
  return { r, trail: r.ok ? await trailOf(ctx, transactionId) : null };
}

async function deviceAssesses(ctx: Context): Promise<Observation> {
  if (!ctx.risk) return notBuilt("the risk service's address is known to the embedded stack only");
  const held: { tls?: TlsMaterial } = {};
  const phone = await ctx.world.phone('no-ese', {
    wrap: (b: Backend): Backend => ({
      ...b,
      connect: (tls) => {
        held.tls = tls;
        return b.connect(tls);
      },
    }),
  });
  const wallet = ctx.world.newId('wallet');
  const e = await phone.daemon.enroll(wallet);
  const { r, trail } = await assessMadeUp(ctx, held.tls!, e.deviceId, wallet);
  return observed(
    r.code,
    r.ok && r.value.decision === 'APPROVE',
    {
      enrolledTier: e.tier,
      claimedTier: 'HIGH',
      asked: ASKED,
      decision: r.ok ? r.value.decision : null,
      decidedAtTier: trail?.tier ?? null,
      trailWritten: trail?.decision !== undefined,
    },
    [
      `a phone without eSE enrolls at tier ${e.tier}; malware on it takes the device's own mTLS certificate and key`,
      `it calls RiskService.Assess directly for a ${kesText(ASKED)} payment it made up, claiming tier HIGH`,
      r.ok
        ? `risk answered ${r.value.decision} [${r.value.ruleIds.join(', ')}] ` +
          `and filed a decision trail (decided at tier ${trail?.tier})`
        : `refused with ${r.code}`,
    ],
  );
}

async function deviceCaMintsService(ctx: Context): Promise<Observation> {
  if (!ctx.risk || !ctx.deviceCaTls)
    return notBuilt("the device CA's key and the risk service are reachable on the embedded stack only");
  const phone = await ctx.world.phone('no-ese');
  const wallet = ctx.world.newId('wallet');
  const e = await phone.daemon.enroll(wallet);
  const forged = await ctx.deviceCaTls('service', 'transaction');
  const { r, trail } = await assessMadeUp(ctx, forged, e.deviceId, wallet);
  return observed(
    r.code,
    r.ok && trail?.decision !== undefined,
    {
      claimed: CALLERS.transaction,
      signedBy: 'device CA',
      answer: r.ok ? r.value.decision : r.code,
      trailWritten: trail?.decision !== undefined,
    },
    [
      "an insider on the attestation host takes the device CA's key (it signs phones' certificates at enrollment)",
      `he mints a client certificate naming ${CALLERS.transaction}; the TLS handshake verifies it against the root`,
      `he calls RiskService.Assess as the transaction service for a ${kesText(ASKED)} payment he made up`,
      r.ok
        ? `risk answered ${r.value.decision} and filed a decision trail (${trail?.decision})`
        : `refused with ${r.code}`,
    ],
  );
}

const DECLINED_AMOUNT = 600_000;

async function overwriteTrail(ctx: Context): Promise<Observation> {
  if (!ctx.risk || !ctx.serviceTls)
    return notBuilt("the risk service and the transaction service's identity are reachable on the embedded stack only");
  const seen: Seen[] = [];
  const { phone, wallet, merchant, enrollment } = await payer(ctx.world, { wrap: watcher(seen), balance: 1_000_000 });
  const paid = await attempt(() => phone.daemon.pay({ payee: merchant, amount: kes(DECLINED_AMOUNT) }));
  const id = seen.at(-1)?.transactionId ?? '';
  const before = await trailOf(ctx, id);
  const r = await assessWith(ctx, ctx.serviceTls('transaction'), {
    transactionId: id,
    deviceId: enrollment.deviceId,
    payer: wallet,
    payee: merchant,
    amount: kes(1_000),
    tier: 'HIGH',
  });
  const after = await trailOf(ctx, id);
  return observed(
    r.code,
    after.decision !== before.decision || Number(after.amount?.minorUnits) !== Number(before.amount?.minorUnits),
    {
      payment: paymentCode(paid) ?? 'POSTED',
      trailBefore: `${before.decision} ${before.amount?.minorUnits}`,
      secondAnswer: r.ok ? r.value.decision : r.code,
      trailAfter: `${after.decision} ${after.amount?.minorUnits}`,
    },
    [
      `a ${kesText(DECLINED_AMOUNT)} payment is decided: trail ${before.decision} [${before.ruleIds?.join(', ')}]`,
      "an insider with the transaction service's certificate " +
        'assesses the same transaction id again as a KES 10.00 payment',
      r.ok ? `risk answered ${r.value.decision}` : `refused with ${r.code}`,
      `the trail now reads ${after.decision} for ${after.amount?.minorUnits}`,
    ],
  );
}

/** Calls into risk by the wrong identity, or by the right one to rewrite history (003 R3; 002 R3). */
export const insiderScenarios: Scenario[] = [
  {
    id: 'assess-wrong-caller',
    label: 'on-device',
    expect: { code: 'CALLER_NOT_ALLOWED', outcome: 'BLOCKED' },
    title: 'Device certificate calling the risk engine',
    recommendations: ['R3', 'R1'],
    masvs: 'MASVS-AUTH-1, MASVS-NETWORK-1',
    seed: '003 R3; 002 §5 (R3)',
    action:
      "with an enrolled phone's own mTLS certificate and key, call " +
      'RiskService.Assess directly for a payment it made up, claiming tier HIGH',
    control: "RiskService.Assess admits one certificate identity, the transaction service's SPIFFE ID",
    success:
      'the risk engine answers the phone with an APPROVE and files a decision trail for a payment that never existed',
    port: assessCallers,
    story:
      "Every certificate of the stack's CA gets through TLS, devices included; what a caller " +
      'may do is decided by who it is. A phone that could ask risk directly could probe the ' +
      'rules for amounts that pass, file trails for payments that never existed and fill limit ' +
      'windows. Risk answers the transaction service only; the phone is refused before any rule ' +
      'runs (and even then risk decides at the tier the attestation gave, not the one claimed).',
    run: deviceAssesses,
  },
  {
    id: 'device-ca-mints-service',
    label: 'insider',
    expect: { code: 'CALLER_NOT_ALLOWED', outcome: 'BLOCKED' },
    title: "Service identity minted with the device CA's key",
    recommendations: ['R3', 'R7'],
    masvs: 'MASVS-AUTH-1, MASVS-NETWORK-1',
    seed: '003 R3; 002 §5 (R3)',
    action:
      "with the device CA's key (held by the attestation service to enroll phones), mint a client certificate " +
      'naming the transaction service and call RiskService.Assess for a payment made up',
    control:
      "a caller's kind is read only from a CA that may issue it: services and operators from certificates " +
      'the root signed, devices from the device CA (kit/src/tls.ts)',
    success: 'the risk engine takes the minted certificate for the transaction service and files a decision trail',
    port: callerIssuer,
    story:
      'The device CA sits under the same root as every service certificate, and its key lives on the ' +
      'attestation host. Whoever takes it can mint certificates the TLS handshake accepts. What they may ' +
      'call still depends on which CA signed them: a device CA certificate only ever names a device, so ' +
      'one naming the transaction service (or an operator, who may open wallets funded from the treasury) ' +
      'names nobody and is refused before any rule runs.',
    run: deviceCaMintsService,
  },
  {
    id: 'decision-trail-overwrite',
    label: 'insider',
    expect: { code: null, outcome: 'BLOCKED' },
    title: 'Insider rewriting a decision trail',
    recommendations: ['R3'],
    masvs: 'MASVS-CODE-4',
    seed: '003 R3; 002 §5 (R3)',
    action:
      "with the transaction service's certificate, send a second Assess for a declined " +
      "payment's transaction id as a small benign payment, to make its trail read APPROVE",
    control:
      'append-only decision trails: the first trail of a transaction ' +
      'is kept and a second assessment gets the first decision back',
    success: "the declined payment's trail reads APPROVE for KES 10.00",
    port: appendOnlyTrail,
    story:
      'Decision trails are what auditors and dispute handlers read; an insider who ' +
      'can call risk with the right identity could rewrite them to hide a refused ' +
      'fraud attempt. Trails are append-only per transaction: the second assessment ' +
      'answers with the first decision (no error) and the trail does not change.',
    run: overwriteTrail,
  },
];
