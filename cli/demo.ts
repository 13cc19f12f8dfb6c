import type { Step } from '../device-sim/src/daemon/payment-daemon.js';
import { formatMinor } from '../device-sim/src/daemon/payment-daemon.js';
import { renderFrame } from '../device-sim/src/ui/native-ui.js';
import { mask } from '../kit/src/log.js';
import type { World } from './world.js';

const LABELS: Record<Step['step'], string> = {
  challenge: 'challenge',
  attestation: 'attestation verdict',
  'signed-payment': 'signed payment',
  risk: 'risk decision',
  ledger: 'ledger posting',
  'verified-response': 'verified response',
};

function describe(s: Step): string {
  const d = s.detail as Record<string, unknown>;
  switch (s.step) {
    case 'challenge':
      return `single-use challenge ${String(d.challengeId).slice(0, 8)}… issued by the attestation service`;
    case 'attestation':
      return `eSE key attested: tier ${d.tier} (${(d.reasons as string[]).join(', ')}), device ${d.deviceId}`;
    case 'signed-payment':
      return `payment signed inside the eSE (ES256), idempotency key ${String(d.idempotencyKey).slice(0, 8)}…`;
    case 'risk':
      return `${d.decision}: ${d.reason}`;
    case 'ledger':
      return (
        `${d.status}${d.journalSeq ? `, journal entry #${d.journalSeq}` : ''}${d.code ? ` (${d.code})` : ''}, ` +
        `transaction ${d.transactionId}`
      );
    case 'verified-response':
      return 'backend signature on the result verified by the daemon before display';
  }
}

export interface DemoResult {
  enrolled: boolean;
  status: string;
  transactionId: string;
  amount: string;
  currency: string;
  tier: string;
  deviceId: string;
  code?: string;
  payerBalance?: string;
}

/**
 * One demo payment through the whole path: a `secure` phone enrolls, the operator opens and funds
 * its wallet and a merchant, and the phone pays the merchant. Narrates each step unless `quiet`.
 */
export async function runDemo(
  world: World,
  opts: { quiet: boolean; profile?: string; amountMinor?: number; currency?: string },
): Promise<DemoResult> {
  const say = opts.quiet ? () => {} : (line: string) => console.log(line);
  const currency = opts.currency ?? 'KES';
  const amount = String(opts.amountMinor ?? 1250);
  let n = 0;
  const phone = await world.phone(opts.profile ?? 'secure', {
    onStep: (s) => say(`  [${++n}] ${LABELS[s.step].padEnd(20)} ${describe(s)}`),
  });
  phone.ui.onFrame((f) =>
    say(
      renderFrame(f)
        .split('\n')
        .map((l) => `        ${l}`)
        .join('\n'),
    ),
  );
  say(
    `\nPhone "${phone.profile.name}" (IMEI ${mask(phone.imei)}) powered on: ` +
      `boot chain ${phone.boot.state}, safeguard checked, PIN held by the eSE`,
  );

  const wallet = world.newId('wallet');
  const merchant = world.newId('merchant');
  const enrollment = await phone.daemon.enroll(wallet);
  await world.openWallet(wallet, enrollment.deviceId, 100_000, currency);
  await world.openMerchant(merchant, currency);
  say(`      operator opened ${wallet} (funded ${currency} ${formatMinor('100000')}) and ${merchant}`);

  const result = await phone.daemon.pay({ payee: merchant, amount: { minorUnits: amount, currency } });
  const balance = result.payerBalance
    ? `, wallet balance now ${currency} ${formatMinor(result.payerBalance.minorUnits)}`
    : '';
  say(`\nResult: ${result.status} ${currency} ${formatMinor(amount)} to ${merchant}${balance}`);
  return {
    enrolled: true,
    status: result.status,
    transactionId: result.transactionId,
    amount,
    currency,
    tier: enrollment.tier,
    deviceId: enrollment.deviceId,
    ...(result.code ? { code: result.code } : {}),
    ...(result.payerBalance ? { payerBalance: result.payerBalance.minorUnits } : {}),
  };
}
