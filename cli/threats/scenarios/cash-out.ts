import { codeSingleUse } from '../controls.js';
import { attempt, notBuilt, observed } from '../play.js';
import type { Context, Observation, Scenario } from '../types.js';
import { balance, kes, kesText, payer, postAsIntegrator } from './setup.js';

/** POST a withdrawal as the integrator (the agent). */
const withdraw = (ctx: Context, wallet: string, agent: string, minorUnits: number, oneTimeCode: string) =>
  postAsIntegrator(ctx, '/v1.2/mm/transactions/type/withdrawal', {
    amount: String(minorUnits),
    currency: 'KES',
    debitParty: [{ key: 'walletid', value: wallet }],
    creditParty: [{ key: 'accountid', value: agent }],
    oneTimeCode,
  });

const AMOUNT = 2_000;

async function cashOutTwice(ctx: Context): Promise<Observation> {
  if (!ctx.integrator) return notBuilt('the integrator API needs TRANSACTION_HTTP_URL and a registered key');
  const { phone, wallet } = await payer(ctx.world, { balance: 10_000 });
  const agent = ctx.world.newId('merchant');
  await ctx.world.openMerchant(agent, 'KES');
  const made = await attempt(() => phone.daemon.createCashOutCode(kes(AMOUNT)));
  if (!made.ok) return observed(made.code, false, { codeMade: false }, ['the phone could not make a code']);
  const code = made.value.authorisationCode;
  ctx.say(`the phone shows a one-time code for ${kesText(AMOUNT)}; the customer reads it to the agent`);
  const first = await withdraw(ctx, wallet, agent, AMOUNT, code);
  if (first.code === 'CALLER_NOT_ALLOWED') return notBuilt('the integrator key may not record withdrawals');
  const afterFirst = await balance(ctx.world, wallet);
  const second = await withdraw(ctx, wallet, agent, AMOUNT, code);
  const afterSecond = await balance(ctx.world, wallet);
  const takenTwice = second.state === 'completed' && afterSecond === 10_000 - 2 * AMOUNT;
  return observed(
    second.code,
    takenTwice,
    {
      firstWithdrawal: first.state ?? first.code,
      secondStatus: second.status,
      secondWithdrawal: second.state ?? second.code,
      walletAfterFirst: afterFirst ?? null,
      walletAfterSecond: afterSecond ?? null,
    },
    [
      `the customer makes a cash-out code for ${kesText(AMOUNT)} on the phone (native UI, PIN, eSE signature)`,
      `the agent records the withdrawal with it: ${first.state ?? first.code}; the wallet holds ` +
        kesText(afterFirst ?? 0),
      `the agent records a second withdrawal with the same code under a new correlation id: ` +
        (second.state ? `${second.state} (HTTP ${second.status})` : `refused: HTTP ${second.status} ${second.code}`),
      `the wallet now holds ${kesText(afterSecond ?? 0)}`,
    ],
  );
}

/** A rogue cash-out agent replaying a customer's one-time code (002 §2 R1). */
export const cashOutScenarios: Scenario[] = [
  {
    id: 'cash-out-code-replay',
    label: 'insider',
    expect: { code: 'AUTHORISATION_CODE_INVALID', outcome: 'BLOCKED' },
    title: "Agent cashing out a customer's one-time code twice",
    recommendations: ['R1'],
    masvs: 'MASVS-AUTH-2',
    seed: '002 §2 R1',
    action:
      'as a cash-out agent with a valid integrator key, record a withdrawal with the code the customer read out, ' +
      'then record a second withdrawal with the same code under a new X-CorrelationID',
    control:
      'single use of the code: it is redeemed in one conditional write (ACTIVE, or already redeemed by this very ' +
      'request), and a code files at most one withdrawal transfer',
    success: "the second withdrawal completes and the customer's wallet is debited twice",
    port: codeSingleUse,
    story:
      'A customer authorises one cash-out by reading a code from the phone to the agent. The code stands for ' +
      'the PIN the customer entered on the native UI; if an agent could use it again, the one PIN entry would ' +
      'pay out as often as the agent liked. The backend spends the code on first use, so a replay is refused.',
    run: cashOutTwice,
  },
];
