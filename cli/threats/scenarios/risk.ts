import { decodeJwt } from 'jose';
import type { PaymentResult } from '../../../contracts/results.js';
import type { PhoneUser } from '../../../device-sim/src/ui/native-ui.js';
import { burstPhone, postedSum } from '../../burst.js';
import { riskRule, simSwapSignals, tierLimits, windowReservations } from '../controls.js';
import { attempt, notBuilt, observed } from '../play.js';
import type { Context, Observation, Scenario } from '../types.js';
import { onChannel } from './payment.js';
import { balance, kes, kesText, payer } from './setup.js';

/** A signed result as it crossed the wire. */
export interface Seen {
  status: string;
  transactionId?: string;
  code?: string;
  risk?: { decision: string; ruleIds: string[] };
}

/** Watches the signed results the backend sends the phone (read only: what crossed the wire). */
export function watcher(seen: Seen[]) {
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

/**
 * The rule that answered, as the signed risk answer lists it: `rule`
 * when among them, else the first listed, else the result's code.
 */
export const ruleOf = (seen: Seen | undefined, rule: string): string | null =>
  seen?.risk?.ruleIds.includes(rule) ? rule : (seen?.risk?.ruleIds[0] ?? seen?.code ?? null);

/**
 * The person holding the phone confirms payments with the PIN but cannot pass the risk step-up (cancels "Extra check").
 */
const noStepUp = (pin = '2580'): PhoneUser => ({
  confirm: async (f) => f.lines[0] !== 'Extra check: confirm',
  enterPin: async () => pin,
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
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

/**
 * Above the amount risk asks the operator about (rule sim.swapped, checkAboveMinor), under the HIGH step-up threshold.
 */
const SWAP_AMOUNT = 120_000;

/**
 * Payments before the swap, 100 ms apart, until risk knows the victim's number (the
 * phone reports it with its first payment); three stay within the velocity window.
 */
const BINDING_TRIES = 3;

async function simSwap(ctx: Context): Promise<Observation> {
  const mno = ctx.world.mno;
  if (!mno || !ctx.risk) return notBuilt('the simulated mobile operator runs with the embedded stack only');
  const trailOf = async (id: string) =>
    (await (
      await fetch(`${ctx.risk!.url}/v1/decisions/${encodeURIComponent(id)}`, {
        headers: { authorization: `Bearer ${ctx.risk!.token}` },
      })
    ).json()) as {
      operator?: { swapped?: boolean };
    };
  const seen: Seen[] = [];
  const { phone, wallet, merchant } = await payer(ctx.world, {
    wrap: watcher(seen),
    user: noStepUp(),
    balance: 1_000_000,
  });
  const msisdn = phone.sim.current?.msisdn;
  if (!msisdn) return notBuilt('the phone got no SIM from the operator');
  await attempt(() => phone.daemon.pay({ payee: merchant, amount: kes(1000) }));
  let first: Awaited<ReturnType<typeof attempt<PaymentResult>>> | undefined;
  let asked: { swapped?: boolean } | undefined;
  for (let i = 0; i < BINDING_TRIES && !asked; i++) {
    first = await attempt(() => phone.daemon.pay({ payee: merchant, amount: kes(SWAP_AMOUNT) }));
    if (!first.ok || first.value.status !== 'POSTED') break;
    asked = (await trailOf(first.value.transactionId)).operator;
    if (!asked) await sleep(100);
  }
  const attackerSim = await mno.swap(msisdn);
  await ctx.bus?.settled();
  const before = await balance(ctx.world, wallet);
  const r = await attempt(() => phone.daemon.pay({ payee: merchant, amount: kes(SWAP_AMOUNT) }));
  const after = await balance(ctx.world, wallet);
  const held = seen.at(-1);
  return observed(
    ruleOf(held, 'sim.swapped'),
    Number(after) < Number(before),
    {
      beforeSwap: first ? shown(first) : null,
      operatorBeforeSwap: asked ? (asked.swapped ? 'swapped' : 'not swapped') : null,
      simChangedAtOperator: attackerSim.latestSimChange,
      afterSwap: held?.status ?? null,
      rules: held?.risk?.ruleIds.join(', ') ?? null,
      result: shown(r),
      balanceBefore: before ?? null,
      balanceAfter: after ?? null,
    },
    [
      `the victim pays ${kesText(SWAP_AMOUNT)} before the ` +
        `swap: ${first ? shown(first) : 'not tried'}; risk asked the operator about the ` +
        `number: ${asked ? (asked.swapped ? 'swapped' : 'not swapped') : 'no answer'}`,
      'the fraudster talks the mobile operator into moving the ' +
        "victim's number to a SIM he holds (the operator's SIM swap)",
      `the same payment after the swap: ${held?.status} [${held?.risk?.ruleIds.join(', ') ?? ''}]`,
      `the payment ends: ${shown(r)} (nobody passes a PIN step-up)`,
      `balance ${before} -> ${after}`,
    ],
  );
}

/**
 * 15 payments of KES 2,000.00, the most a HIGH phone pays without a step-up: KES 30,000.00, one and a
 * half times the day limit. The burst fits the transaction service's admission budget (16 in flight),
 * so all of it reaches risk at once; a burst twice that size has its rest refused OVERLOADED and
 * resent after the first posted payments are learned, racing risk's learning rather than its windows.
 */
const BURST_PAYMENTS = 15;
const BURST_AMOUNT = 200_000;

interface LimitsTrail {
  limits?: { refused?: string; windows?: { window: string; maxAmount: number }[] };
}

async function burstPastLimit(ctx: Context): Promise<Observation> {
  if (!ctx.risk) return notBuilt("the risk service's decision trails are reachable on the embedded stack only");
  const trail = async (id: string) =>
    (await (
      await fetch(`${ctx.risk!.url}/v1/decisions/${encodeURIComponent(id)}`, {
        headers: { authorization: `Bearer ${ctx.risk!.token}` },
      })
    ).json()) as LimitsTrail;
  const { phone, fire } = await burstPhone(ctx.world);
  const wallet = ctx.world.newId('wallet');
  const merchant = ctx.world.newId('merchant');
  const e = await phone.daemon.enroll(wallet);
  await ctx.world.openWallet(wallet, e.deviceId, BURST_PAYMENTS * BURST_AMOUNT, 'KES');
  await ctx.world.openMerchant(merchant, 'KES');
  const before = await balance(ctx.world, wallet);
  const outcomes = await fire(BURST_PAYMENTS, merchant, BURST_AMOUNT);
  const after = await balance(ctx.world, wallet);
  const results = outcomes.flatMap((o) => ('result' in o ? [o.result] : []));
  const posted = results.filter((r) => r.status === 'POSTED');
  const refused = results.find((r) => r.status !== 'POSTED');
  const day = posted[0]
    ? (await trail(posted[0].transactionId)).limits?.windows?.find((w) => w.window === 'device.day')
    : undefined;
  const refusedWindow = refused ? ((await trail(refused.transactionId)).limits?.refused ?? null) : null;
  const moved = Number(before) - Number(after);
  const errors = outcomes.flatMap((o) => ('code' in o ? [o.code] : []));
  return observed(
    refused ? ruleOf(refused, 'limits.reserve') : (errors[0] ?? null),
    day !== undefined && moved > day.maxAmount,
    {
      tier: e.tier,
      payments: BURST_PAYMENTS,
      eachAmount: BURST_AMOUNT,
      posted: posted.length,
      postedSum: postedSum(outcomes),
      moved,
      dayLimit: day?.maxAmount ?? null,
      refusedWindow,
      refusedBy: refused?.risk.ruleIds.join(', ') ?? null,
    },
    [
      `a tier ${e.tier} phone signs ${BURST_PAYMENTS} payments of ${kesText(BURST_AMOUNT)} ` +
        `(${kesText(BURST_PAYMENTS * BURST_AMOUNT)} in all) and releases them at the same instant`,
      `${posted.length} posted, ${kesText(moved)} left the wallet; ` +
        `the day limit is ${day ? kesText(day.maxAmount) : 'unknown'}`,
      refused
        ? `the others: ${refused.status} [${refused.risk.ruleIds.join(', ')}], window ${refusedWindow}`
        : 'none was refused',
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
      `a clone with the victim's IMEI enrolls with its own eSE key for the ` +
        `victim's wallet: tier ${second.value.tier}, reasons ${reasons.join(', ')}`,
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
      'posture tier limits: no eSE is tier LOW, whose per-payment limit is KES 50.00 (risk ' +
      'rule tier.perPayment; the daily limit and step-up threshold of the tier apply too)',
    success: 'KES 300.00 leaves the wallet of a phone whose key could have been copied',
    port: tierLimits('LOW'),
    story:
      'Most KaiOS phones have no secure element, so their keys can be copied (002 §4.3.1). FIGI ' +
      'concludes such phones are safe enough for small amounts only (§6): the attestation gives them ' +
      'tier LOW, and risk declines anything above the LOW limit while a secure phone would pay it.',
    run: noEse,
  },
  {
    id: 'sim-swap',
    label: 'remote',
    expect: { code: 'sim.swapped', outcome: 'DETECTED' },
    title: 'SIM swap at the operator followed by a payment',
    recommendations: ['R1'],
    masvs: 'MASVS-AUTH-3',
    seed: '002 §4.3.1, §5 (R1)',
    action:
      `have the mobile operator move the victim's number to a SIM he holds, ` +
      `then pay ${kesText(SWAP_AMOUNT)} at once; nobody passes the PIN step-up`,
    control:
      "risk asks the operator's CAMARA SIM Swap API about the payer's number (rule sim.swapped) and " +
      'hears its network events: a recently swapped number holds the payment for a fresh PIN confirmation',
    detectedBy:
      "the mobile operator tells risk that the number's SIM was swapped (its " +
      'network event, and its CAMARA SIM Swap API, asked before larger payments); ' +
      'risk rule sim.swapped holds the payment for a PIN step-up on the native UI',
    success: 'the payment after the swap posts without a step-up',
    port: simSwapSignals,
    story:
      'SIM swap is the classic mobile-money takeover: the fraudster talks the operator into moving ' +
      'the number to a SIM he holds. Risk asks the operator (the CAMARA SIM Swap API, as mobile-money ' +
      'providers do) before larger payments and hears its network events, so the very next payment is ' +
      'held for a step-up on the native UI; without a fresh PIN in the eSE nothing moves.',
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
      'risk counts posted payments per device and payer in a sliding window; ' +
      'past ten in ten minutes it holds the next one for a PIN step-up',
    success: `all ${BURST} payments post without a hold`,
    port: riskRule('velocity.device', 'velocity.payer'),
    story:
      'Mule accounts and coerced users drain wallets with many small payments that each stay under ' +
      'the limits. Risk counts posted payments per device, payer and payee in a sliding window; ' +
      'past ten in ten minutes the next one needs a fresh PIN confirmation and the burst stops.',
    run: velocity,
  },

  {
    id: 'burst-past-day-limit',
    label: 'on-device',
    expect: { code: 'limits.reserve', outcome: 'BLOCKED' },
    title: 'Concurrent burst past the spending limits',
    recommendations: ['R1', 'R3'],
    masvs: 'MASVS-CODE-4, MASVS-AUTH-3',
    seed: '002 §6; brief §5',
    action:
      `from one tier HIGH phone, sign ${BURST_PAYMENTS} payments of ${kesText(BURST_AMOUNT)} ` +
      `(one and a half times the HIGH day limit in all, and few enough that admission control ` +
      `takes them all at once) and release them to the backend at the same instant`,
    control:
      'risk reserves every approved amount in its day and velocity windows in one conditional store update ' +
      '(rule limits.reserve): a payment the windows cannot take is declined, however many decide at once',
    success: 'more than the tier day limit leaves the wallet',
    port: windowReservations,
    story:
      'Limits checked against what has already posted are blind to payments decided at the same moment: a ' +
      'burst fired at once sees empty windows. Risk holds each approved amount in the windows before ' +
      'answering, atomically in the store, so a burst stops where the limits are, whatever its concurrency.',
    run: burstPastLimit,
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
      "provision a second phone with the victim's IMEI (a cloned identity), " +
      "enroll it with its own eSE key claiming the victim's wallet, then pay",
    control:
      'device registry: one key per IMEI; a new key revokes the old one (KEY_REPLACED) and risk ' +
      "rule device.keyReplaced declines the device's payments until an operator re-verifies it",
    detectedBy:
      'the attestation registry flags the second key (KEY_REPLACED) and revokes ' +
      "the first; risk rule device.keyReplaced declines the device's payments",
    success: "the clone pays from the victim's wallet",
    port: riskRule('device.keyReplaced'),
    story:
      'Cloned IMEIs are how stolen or counterfeit phones pass for genuine ones. A second eSE ' +
      'key for the same IMEI is flagged KEY_REPLACED, the old key is revoked and can no longer ' +
      'attest, and risk declines every payment of that device until an operator re-verifies it.',
    run: imeiClone,
  },
];
