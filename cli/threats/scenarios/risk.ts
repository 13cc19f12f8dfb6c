import { createHash } from 'node:crypto';
import { decodeJwt } from 'jose';
import type { PaymentResult } from '../../../device-sim/src/daemon/payment-daemon.js';
import type { PhoneUser } from '../../../device-sim/src/ui/native-ui.js';
import { DEVICE_TOPIC } from '../../../services/risk/src/domain/events.js';
import { riskRule, tierLimits } from '../controls.js';
import { attempt, notBuilt, observed } from '../play.js';
import type { Context, Observation, Scenario } from '../types.js';
import { onChannel } from './payment.js';
import { balance, kes, payer } from './setup.js';

interface Seen {
  status: string;
  code?: string;
  risk?: { decision: string; ruleIds: string[] };
}

/** Watches the signed results the backend sends the phone (read only: what crossed the wire). */
function watcher(seen: Seen[]) {
  const read = (jws: string) => JSON.parse(Buffer.from(jws.split('.')[1] ?? '', 'base64url').toString('utf8')) as Seen;
  return onChannel({
    around: (ch) => ({
      submitPayment: async (req) => {
        const r = await ch.submitPayment(req);
        seen.push(read(r.signedResult));
        return r;
      },
    }),
  });
}

/** The rule that answered, as the signed risk answer lists it: `rule` when among them, else the first listed, else the result's code. */
const ruleOf = (seen: Seen | undefined, rule: string): string | null =>
  seen?.risk?.ruleIds.includes(rule) ? rule : (seen?.risk?.ruleIds[0] ?? seen?.code ?? null);

/** The person holding the phone confirms payments with the PIN but cannot pass the risk step-up (cancels "Extra check"). */
const noStepUp = (pin = '2580'): PhoneUser => ({
  confirm: async (f) => f.lines[0] !== 'Extra check: confirm',
  enterPin: async () => pin,
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const hash = (s: string) => createHash('sha256').update(s).digest('hex');
const shown = (r: { ok: true; value: PaymentResult } | { ok: false; code: string }) =>
  r.ok ? `${r.value.status}${r.value.code ? ` ${r.value.code}` : ''}` : r.code;

async function noEse(ctx: Context): Promise<Observation> {
  const seen: Seen[] = [];
  const { phone, wallet, merchant, enrollment } = await payer(ctx.world, { profile: 'no-ese', wrap: watcher(seen) });
  const before = await balance(ctx.world, wallet);
  const r = await attempt(() => phone.daemon.pay({ payee: merchant, amount: kes(30_000) }));
  const after = await balance(ctx.world, wallet);
  const first = seen[0];
  return observed(
    ruleOf(first, 'tier.perPayment'),
    Number(before) - Number(after) >= 30_000,
    {
      tier: enrollment.tier,
      keyIn: phone.daemon.securityLevel,
      riskDecision: first?.risk?.decision ?? null,
      rules: first?.risk?.ruleIds.join(', ') ?? null,
      result: shown(r),
      balanceBefore: before ?? null,
      balanceAfter: after ?? null,
    },
    [
      `a phone without eSE enrolls: its key is in software, tier ${enrollment.tier}`,
      `pay KES 300.00: risk ${first?.risk?.decision} [${first?.risk?.ruleIds.join(', ')}]`,
      `result ${shown(r)}; balance ${before} -> ${after}`,
    ],
  );
}

async function simSwap(ctx: Context): Promise<Observation> {
  if (!ctx.bus)
    return notBuilt(
      "the mobile operator's subscriber feed publishes on the stack bus, which is not reachable when targeting a remote stack",
    );
  const seen: Seen[] = [];
  const { phone, wallet, merchant, enrollment } = await payer(ctx.world, { wrap: watcher(seen), user: noStepUp() });
  const first = await phone.daemon.pay({ payee: merchant, amount: kes(1000) });
  const before = await balance(ctx.world, wallet);
  await ctx.bus.publish(DEVICE_TOPIC, [
    {
      id: ctx.world.newId('sim'),
      type: 'device.sim_changed',
      key: enrollment.deviceId,
      atMs: Date.now(),
      data: { deviceId: enrollment.deviceId, imsiHash: hash(ctx.world.newId('imsi')), imeiHash: hash(phone.imei) },
    },
  ]);
  await ctx.bus.settled();
  const r = await attempt(() => phone.daemon.pay({ payee: merchant, amount: kes(1000) }));
  const after = await balance(ctx.world, wallet);
  const held = seen.at(-1);
  return observed(
    ruleOf(held, 'sim.imsiChanged'),
    Number(after) < Number(before),
    {
      beforeSwap: first.status,
      afterSwap: held?.status ?? null,
      rules: held?.risk?.ruleIds.join(', ') ?? null,
      result: shown(r),
      balanceBefore: before ?? null,
      balanceAfter: after ?? null,
    },
    [
      `a KES 10.00 payment before the swap: ${first.status}`,
      "the fraudster has the number moved to his SIM; the mobile operator's feed reports the new IMSI for this subscriber",
      `the same payment again: ${held?.status} [${held?.risk?.ruleIds.join(', ') ?? ''}]`,
      `nobody passes the PIN step-up: ${shown(r)}`,
      `balance ${before} -> ${after}`,
    ],
  );
}

const BURST = 20;
/** A little over the outbox relay's interval, so a posted payment's event has left the outbox. */
const RELAY_MS = 60;

async function velocity(ctx: Context): Promise<Observation> {
  const seen: Seen[] = [];
  const { phone, wallet, merchant } = await payer(ctx.world, {
    wrap: watcher(seen),
    user: noStepUp(),
    balance: 100_000,
  });
  let posted = 0;
  let stopped: Seen | undefined;
  for (let i = 0; i < BURST && !stopped; i++) {
    await attempt(() => phone.daemon.pay({ payee: merchant, amount: kes(500) }));
    const last = seen.at(-1);
    if (last?.status === 'POSTED') posted++;
    else stopped = last;
    await sleep(RELAY_MS);
    await ctx.bus?.settled();
  }
  const left = await balance(ctx.world, wallet);
  return observed(
    ruleOf(stopped, 'velocity.device'),
    posted === BURST,
    {
      attempted: posted + (stopped ? 1 : 0),
      posted,
      heldAs: stopped?.status ?? null,
      rules: stopped?.risk?.ruleIds.join(', ') ?? null,
      balanceAfter: left ?? null,
    },
    [
      `up to ${BURST} payments of KES 5.00 in a row from one phone and wallet`,
      `${posted} posted`,
      stopped
        ? `then ${stopped.status} [${stopped.risk?.ruleIds.join(', ')}] and nobody passes the step-up`
        : 'none was held',
      `balance ${left}`,
    ],
  );
}

async function imeiClone(ctx: Context): Promise<Observation> {
  const seen: Seen[] = [];
  const victim = await payer(ctx.world);
  const clone = await ctx.world.phone('secure', { imei: victim.phone.imei, wrap: watcher(seen) });
  const second = await attempt(() => clone.daemon.enroll(victim.wallet));
  if (!second.ok)
    return observed(second.code, false, { cloneEnrolled: false }, [
      "a second phone with the victim's IMEI and its own eSE key enrolls",
      `refused with ${second.code}`,
    ]);
  const reasons = (decodeJwt(second.value.token).reasons as string[] | undefined) ?? [];
  const reenroll = await attempt(() => victim.phone.daemon.enroll(victim.wallet));
  await ctx.bus?.settled();
  const before = await balance(ctx.world, victim.wallet);
  const byClone = await attempt(() => clone.daemon.pay({ payee: victim.merchant, amount: kes(5000) }));
  const after = await balance(ctx.world, victim.wallet);
  return observed(
    ruleOf(seen.at(-1), 'device.keyReplaced'),
    Number(after) < Number(before),
    {
      cloneTier: second.value.tier,
      tokenReasons: reasons.join(', '),
      oldKeyReenrolls: reenroll.ok ? 'enrolled' : reenroll.code,
      clonePayment: shown(byClone),
      rules: seen.at(-1)?.risk?.ruleIds.join(', ') ?? null,
      balanceBefore: before ?? null,
      balanceAfter: after ?? null,
    },
    [
      `a clone with the victim's IMEI enrolls with its own eSE key for the victim's wallet: tier ${second.value.tier}, reasons ${reasons.join(', ')}`,
      `the first key attests again: ${reenroll.ok ? 'enrolled' : reenroll.code}`,
      `the clone pays KES 50.00: ${shown(byClone)}`,
      `balance ${before} -> ${after}`,
    ],
  );
}

/** Attacks that posture-aware risk and the device registry stop (seed 002 §4.3, §6; R1, R2). */
export const riskScenarios: Scenario[] = [
  {
    id: 'no-ese-high-tier',
    label: 'on-device',
    expect: { code: 'tier.perPayment', outcome: 'BLOCKED' },
    title: 'Phone without eSE asking for a high-tier payment',
    recommendations: ['R2', 'R1'],
    masvs: 'MASVS-STORAGE-1, MASVS-CRYPTO-2',
    seed: '002 §4.3.1, §6',
    action: 'enroll a phone whose payment key is in software, then pay KES 300.00',
    control:
      'posture tier limits: no eSE is tier LOW, whose per-payment limit is KES 50.00 (risk rule tier.perPayment; the daily limit and step-up threshold of the tier apply too)',
    success: 'KES 300.00 leaves the wallet of a phone whose key could have been copied',
    port: tierLimits('LOW'),
    story:
      'Most KaiOS phones have no secure element, so their keys can be copied (002 §4.3.1). FIGI concludes such phones are safe enough for small amounts only (§6): the attestation gives them tier LOW, and risk declines anything above the LOW limit while a secure phone would pay it.',
    run: noEse,
  },
  {
    id: 'sim-swap',
    label: 'remote',
    expect: { code: 'sim.imsiChanged', outcome: 'DETECTED' },
    title: 'SIM swap followed by a payment',
    recommendations: ['R1'],
    masvs: 'MASVS-AUTH-3',
    seed: '002 §4.3.1, §5 (R1)',
    action: "have the victim's number moved to a new SIM, then pay at once; nobody passes the PIN step-up",
    control:
      'risk rule sim.imsiChanged: payments are held for a fresh PIN confirmation until the device is re-verified',
    detectedBy:
      "the mobile operator's subscriber feed reports the IMSI change; risk rule sim.imsiChanged holds the next payment for a PIN step-up on the native UI",
    success: 'the payment after the swap posts without a step-up',
    port: riskRule('sim.imsiChanged'),
    story:
      "SIM swap is the classic mobile-money takeover: the fraudster moves the number to a SIM he holds. The mobile operator's feed tells risk, which holds the very next payment for a step-up on the native UI; without a fresh PIN in the eSE nothing moves (IMSI and IMEI changing together declines outright).",
    run: simSwap,
  },
  {
    id: 'velocity-abuse',
    label: 'on-device',
    expect: { code: 'velocity.device', outcome: 'DETECTED' },
    title: 'Velocity abuse',
    recommendations: ['R1'],
    masvs: 'MASVS-AUTH-3',
    seed: '002 §6',
    action: `a burst of up to ${BURST} small payments from one phone and wallet`,
    control: 'velocity rules per device and payer: beyond the window limit payments are stepped up, then declined',
    detectedBy:
      'risk counts posted payments per device and payer in a sliding window; past ten in ten minutes it holds the next one for a PIN step-up',
    success: `all ${BURST} payments post without a hold`,
    port: riskRule('velocity.device', 'velocity.payer'),
    story:
      'Mule accounts and coerced users drain wallets with many small payments that each stay under the limits. Risk counts posted payments per device, payer and payee in a sliding window; past ten in ten minutes the next one needs a fresh PIN confirmation and the burst stops.',
    run: velocity,
  },

  {
    id: 'imei-second-key',
    label: 'on-device',
    expect: { code: 'device.keyReplaced', outcome: 'DETECTED' },
    title: 'Same IMEI enrolled with a second eSE key',
    recommendations: ['R1', 'R2'],
    masvs: 'MASVS-RESILIENCE-1, MASVS-AUTH-1',
    seed: '000 §Safeguard; 002 §4.2',
    action:
      "provision a second phone with the victim's IMEI (a cloned identity), enroll it with its own eSE key claiming the victim's wallet, then pay",
    control:
      "device registry: one key per IMEI; a new key revokes the old one (KEY_REPLACED) and risk rule device.keyReplaced declines the device's payments until an operator re-verifies it",
    detectedBy:
      "the attestation registry flags the second key (KEY_REPLACED) and revokes the first; risk rule device.keyReplaced declines the device's payments",
    success: "the clone pays from the victim's wallet",
    port: riskRule('device.keyReplaced'),
    story:
      'Cloned IMEIs are how stolen or counterfeit phones pass for genuine ones. A second eSE key for the same IMEI is flagged KEY_REPLACED, the old key is revoked and can no longer attest, and risk declines every payment of that device until an operator re-verifies it.',
    run: imeiClone,
  },
];
