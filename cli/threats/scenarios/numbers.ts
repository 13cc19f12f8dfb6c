import { mask } from '../../../kit/src/log.js';
import { numberVerification } from '../controls.js';
import { notBuilt, observed } from '../play.js';
import type { Context, Observation, Scenario } from '../types.js';
import { balance, kesText, postAsIntegrator } from './setup.js';

const AMOUNT = 2_500;

/** POST a disbursement from `from` to the wallet a phone number names, as the integrator. */
const disburseTo = (ctx: Context, from: string, msisdn: string) =>
  postAsIntegrator(ctx, '/v1.2/mm/transactions/type/disbursement', {
    amount: String(AMOUNT),
    currency: 'KES',
    debitParty: [{ key: 'accountid', value: from }],
    creditParty: [{ key: 'msisdn', value: msisdn }],
  });

async function keepNumber(ctx: Context): Promise<Observation> {
  const mno = ctx.world.mno;
  if (!ctx.integrator || !mno) return notBuilt('needs the integrator API and the simulated mobile operator');
  const line = await mno.newLine();
  const phone = await ctx.world.phone('secure', { sim: line });
  const wallet = ctx.world.newId('wallet');
  const e = await phone.daemon.enroll(wallet);
  await ctx.world.openWallet(wallet, e.deviceId, 0, 'KES');
  const payroll = ctx.world.newId('merchant');
  await ctx.world.openWallet(payroll, '', 100_000, 'KES');
  await mno.port(line.msisdn);
  ctx.say(`the number ${mask(line.msisdn)} moves to another subscriber's SIM; the old phone keeps its wallet`);
  const sent = await disburseTo(ctx, payroll, line.msisdn);
  const received = (await balance(ctx.world, wallet)) ?? 0;
  return observed(
    sent.code,
    received === AMOUNT,
    { disbursement: sent.state ?? sent.code, status: sent.status, oldPhoneReceived: received },
    [
      `the attacker's phone holds the SIM of ${mask(line.msisdn)}; enrolled, it reports it, the operator confirms it`,
      "the number is ported to another subscriber's SIM at the operator; the attacker keeps the old phone",
      `an employer pays ${kesText(AMOUNT)} to the number: ` +
        (sent.state ? `${sent.state} (HTTP ${sent.status})` : `refused: HTTP ${sent.status} ${sent.code}`),
      `the old phone's wallet received ${kesText(received)}`,
    ],
  );
}

/** A phone collecting payments for a number it no longer holds (002 §2 R1). */
export const numberScenarios: Scenario[] = [
  {
    id: 'msisdn-after-port',
    label: 'remote',
    expect: { code: 'LEDGER_ACCOUNT_NOT_FOUND', outcome: 'BLOCKED' },
    title: 'Old phone collecting payments sent to a number that moved to another SIM',
    recommendations: ['R1'],
    masvs: 'MASVS-AUTH-1',
    seed: '002 §2 R1',
    action:
      "enroll a phone holding a SIM (its number is bound to its wallet on the operator's word), have the operator " +
      'port the number to another SIM, then have an integrator disburse to that number',
    control:
      "the operator's number verification at every resolution: a number names the bound wallet only while the " +
      "operator confirms the bound phone's SIM is still the number's working one " +
      '(and a report binds only when it does)',
    success: "the disbursement addressed to the number lands in the old phone's wallet",
    port: numberVerification,
    story:
      'Integrators address customers by phone number, and numbers move: ports, recycled numbers, swaps. A ' +
      "binding that outlived its SIM would send the new subscriber's salary to whoever kept the old phone. The " +
      'backend asks the mobile operator before a number names a wallet, so a number that moved names nothing ' +
      "until its new holder's phone reports it.",
    run: keepNumber,
  },
];
