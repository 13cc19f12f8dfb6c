import { createHash } from 'node:crypto';
import { base64url, decodeJwt } from 'jose';
import type { Backend } from '../../../device-sim/src/daemon/backend.js';
import type { PhoneUser } from '../../../device-sim/src/ui/native-ui.js';
import { errorCodeOf } from '../../../kit/src/grpc-client.js';
import { DEVICE_TOPIC } from '../../../services/risk/src/domain/events.js';
import { expectRefusal, notBuilt } from '../play.js';
import type { Context, Result, Scenario } from '../types.js';
import { balance, kes, payer } from './setup.js';

interface Seen {
  status: string;
  code?: string;
  risk?: { decision: string; ruleIds: string[] };
}

/** Watches the signed results the backend sends the phone (read only: the attacker's vantage point on the wire). */
function watcher(seen: Seen[]): (b: Backend) => Backend {
  const read = (jws: string) => JSON.parse(new TextDecoder().decode(base64url.decode(jws.split('.')[1] ?? ''))) as Seen;
  return (b) => ({ ...b, connect: (tls) => { const ch = b.connect(tls); return { ...ch, submitPayment: async (req) => { const r = await ch.submitPayment(req); seen.push(read(r.signedResult)); return r; } }; } });
}

/** The person holding the phone confirms payments with the PIN but cannot pass the risk step-up (cancels "Extra check"). */
const noStepUp = (pin = '2580'): PhoneUser => ({ confirm: async (f) => f.lines[0] !== 'Extra check: confirm', enterPin: async () => pin });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const hash = (s: string) => createHash('sha256').update(s).digest('hex');

async function noEse(ctx: Context): Promise<Result> {
  const { phone, wallet, merchant, enrollment } = await payer(ctx.world, { profile: 'no-ese' });
  const steps = [`a phone without eSE enrolls: tier ${enrollment.tier}`];
  if (enrollment.tier !== 'LOW') return { outcome: 'SUCCEEDED', steps: [...steps, 'the software key got a tier above LOW'] };
  const before = await balance(ctx.world, wallet);
  const r = await phone.daemon.pay({ payee: merchant, amount: kes(30_000) });
  const after = await balance(ctx.world, wallet);
  steps.push(`pay KES 300.00 (above the LOW limit of KES 50.00): ${r.status} ${r.code ?? ''} [${r.risk.ruleIds.join(', ')}]`, `balance ${before} -> ${after}`);
  const stopped = r.status === 'DECLINED' && r.risk.ruleIds.includes('tier.perPayment') && before === after;
  return stopped ? { outcome: 'BLOCKED', code: r.code, steps } : { outcome: 'SUCCEEDED', code: r.code, steps };
}

async function simSwap(ctx: Context): Promise<Result> {
  if (!ctx.bus) return notBuilt('the operator\'s SIM feed publishes on the stack bus, which is not reachable when targeting a remote stack');
  const seen: Seen[] = [];
  const { phone, wallet, merchant, enrollment } = await payer(ctx.world, { wrap: watcher(seen), user: noStepUp() });
  const first = await phone.daemon.pay({ payee: merchant, amount: kes(1000) });
  const before = await balance(ctx.world, wallet);
  await ctx.bus.publish(DEVICE_TOPIC, [{ id: ctx.world.newId('sim'), type: 'device.sim_changed', key: enrollment.deviceId, atMs: Date.now(), data: { deviceId: enrollment.deviceId, imsiHash: hash(ctx.world.newId('imsi')), imeiHash: hash(phone.imei) } }]);
  ctx.say('the MNO\'s SIM feed reports a new IMSI for this subscriber');
  await ctx.bus.settled();
  const r = await expectRefusal(() => phone.daemon.pay({ payee: merchant, amount: kes(1000) }), ['PAYMENT_CANCELLED'], []);
  const after = await balance(ctx.world, wallet);
  const held = seen.at(-1);
  const steps = [`a KES 10.00 payment before the swap: ${first.status}`, 'swap the SIM (device.sim_changed on dfs.device.v1)', `the same payment again: ${held?.status} [${held?.risk?.ruleIds.join(', ') ?? ''}]`, `no fresh PIN confirmation: ${r.code ?? 'none'}`, `balance ${before} -> ${after}`];
  const detected = held?.status === 'STEP_UP_REQUIRED' && held.risk?.ruleIds.includes('sim.imsiChanged') && r.outcome === 'BLOCKED' && before === after;
  return detected ? { outcome: 'DETECTED', code: 'sim.imsiChanged', steps } : { outcome: 'SUCCEEDED', steps };
}

const BURST = 20;
/** A little over the outbox relay's interval, so a posted payment's event has left the outbox. */
const RELAY_MS = 60;

async function velocity(ctx: Context): Promise<Result> {
  const seen: Seen[] = [];
  const { phone, wallet, merchant } = await payer(ctx.world, { wrap: watcher(seen), user: noStepUp(), balance: 100_000 });
  let posted = 0;
  for (let i = 0; i < BURST; i++) {
    const r = await phone.daemon.pay({ payee: merchant, amount: kes(500) }).catch((err: unknown) => errorCodeOf(err));
    const last = seen.at(-1);
    if (last?.status === 'STEP_UP_REQUIRED' || last?.status === 'DECLINED') {
      const left = await balance(ctx.world, wallet);
      const steps = [`${posted} payments of KES 5.00 posted in a burst`, `payment ${i + 1}: ${last.status} [${last.risk?.ruleIds.join(', ')}], then ${typeof r === 'string' ? r : r.status}`, `balance ${left}`];
      ctx.say(steps[1]!);
      const code = last.risk?.ruleIds[0];
      return left === 100_000 - posted * 500 ? { outcome: 'DETECTED', code, steps } : { outcome: 'SUCCEEDED', code, steps: [...steps, 'the held payment moved money'] };
    }
    if (typeof r !== 'string' && r.status === 'POSTED') posted++;
    await sleep(RELAY_MS);
    await ctx.bus?.settled();
  }
  return { outcome: 'SUCCEEDED', steps: [`all ${BURST} payments posted without a step-up`] };
}

async function imeiClone(ctx: Context): Promise<Result> {
  const victim = await payer(ctx.world);
  const clone = await ctx.world.phone('secure', { imei: victim.phone.imei });
  let second;
  try {
    second = await clone.daemon.enroll(victim.wallet);
  } catch (err) {
    return expectRefusal(async () => { throw err; }, ['ATTESTATION_KEY_CONFLICT'], ['a second phone with the same IMEI and its own eSE key enrolls']);
  }
  const reasons = (decodeJwt(second.token).reasons as string[] | undefined) ?? [];
  const steps = [`the clone enrolls as ${second.deviceId === victim.enrollment.deviceId ? 'the same device' : 'another device'}: tier ${second.tier}, token reasons ${reasons.join(', ')}`];
  if (!reasons.includes('KEY_REPLACED')) return { outcome: 'SUCCEEDED', steps: [...steps, 'the key change went unnoticed'] };
  const reenroll = await expectRefusal(() => victim.phone.daemon.enroll(victim.wallet), ['ATTESTATION_KEY_REVOKED'], ['the first key attests again']);
  await ctx.bus?.settled();
  const before = await balance(ctx.world, victim.wallet);
  const pay = (p: typeof clone) => p.daemon.pay({ payee: victim.merchant, amount: kes(5000) }).then((r) => `${r.status} ${r.code ?? ''} [${r.risk.ruleIds.join(', ')}]`, (err: unknown) => errorCodeOf(err));
  const byClone = await pay(clone);
  const byOldToken = await pay(victim.phone);
  const after = await balance(ctx.world, victim.wallet);
  steps.push(...reenroll.steps, `the clone pays from the wallet: ${byClone}`, `the first phone pays with its old, unexpired token: ${byOldToken}`, `balance ${before} -> ${after}`);
  ctx.say(`balance ${before} -> ${after}`);
  if (reenroll.outcome !== 'BLOCKED' || before !== after) return { outcome: 'SUCCEEDED', code: 'KEY_REPLACED', steps };
  return { outcome: 'DETECTED', code: 'KEY_REPLACED', steps };
}

/** Attacks that posture-aware risk and the device registry stop (seed 002 §4.3, §6; R1, R2). */
export const riskScenarios: Scenario[] = [
  {
    id: 'no-ese-high-tier', expected: 'RISK_DECLINED', title: 'Phone without eSE asking for a high-tier payment', recommendations: ['R2', 'R1'], masvs: 'MASVS-STORAGE-1, MASVS-CRYPTO-2', seed: '002 §4.3.1, §6',
    action: 'enroll a phone whose payment key is in software, then pay KES 300.00', control: 'posture tier limits: no eSE is tier LOW, whose per-payment limit is KES 50.00 (tier.perPayment veto)',
    story: 'Most KaiOS phones have no secure element, so their keys can be copied (002 §4.3.1). FIGI concludes such phones are safe enough for small amounts only (§6): the attestation gives them tier LOW, and risk declines anything above the LOW limit while a secure phone would pay it.',
    run: noEse,
  },
  {
    id: 'sim-swap', expected: 'sim.imsiChanged', title: 'SIM swap followed by a payment', recommendations: ['R1'], masvs: 'MASVS-AUTH-3', seed: '002 §4.3.1, §5 (R1)',
    action: 'swap the victim\'s SIM (the MNO feed reports a new IMSI), then pay at once; nobody passes the PIN step-up', control: 'risk rule sim.imsiChanged: payments are held for a fresh PIN confirmation until the device is re-verified',
    story: 'SIM swap is the classic mobile-money takeover: the fraudster moves the number to a SIM he holds. The MNO\'s SIM feed tells risk, which holds the very next payment for a step-up on the native UI; without a fresh PIN in the eSE nothing moves (IMSI and IMEI changing together declines outright).',
    run: simSwap,
  },
  {
    id: 'velocity-abuse', expected: 'velocity.device', title: 'Velocity abuse', recommendations: ['R1'], masvs: 'MASVS-AUTH-3', seed: '002 §6',
    action: `a burst of up to ${BURST} small payments from one phone and wallet`, control: 'velocity rules per device and payer: beyond the window limit payments are stepped up, then declined',
    story: 'Mule accounts and coerced users drain wallets with many small payments that each stay under the limits. Risk counts posted payments per device, payer and payee in a sliding window; past ten in ten minutes the next one needs a fresh PIN confirmation and the burst stops.',
    run: velocity,
  },
  {
    id: 'imei-second-key', expected: 'KEY_REPLACED', title: 'Same IMEI enrolled with a second eSE key', recommendations: ['R1', 'R2'], masvs: 'MASVS-RESILIENCE-1, MASVS-AUTH-1', seed: '000 §Safeguard; 002 §4.2',
    action: 'provision a second phone with the victim\'s IMEI (a cloned identity), enroll it with its own eSE key claiming the victim\'s wallet, then pay',
    control: 'device registry: one key per IMEI; a new key revokes the old one (KEY_REPLACED, device.revoked) and risk rule device.keyReplaced holds the device\'s payments until an operator re-verifies it; policy onKeyChange refuse-new refuses the clone instead',
    story: 'Cloned IMEIs are how stolen or counterfeit phones pass for genuine ones, and here the IMEI names the device that holds a wallet. A second eSE key for the same IMEI is flagged KEY_REPLACED, the old key is revoked and can no longer attest, and the published revocation makes risk decline every payment of that device, clone and old token alike, until an operator re-verifies it (with onKeyChange refuse-new the clone is refused at enrollment).',
    run: imeiClone,
  },
];
