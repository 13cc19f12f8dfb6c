import { calculateJwkThumbprint, CompactSign, exportJWK, generateKeyPair } from 'jose';
import type { Backend, DeviceChannel } from '../../../device-sim/src/daemon/backend.js';
import type { PaymentResult } from '../../../contracts/results.js';
import { sha256b64url } from '../../../kit/src/jws.js';
import {
  conditionalDebit,
  idempotency,
  keyBinding,
  paymentSignature,
  resultSignature,
  tokenSignature,
} from '../controls.js';
import { attempt, observed } from '../play.js';
import type { Context, Observation, Scenario } from '../types.js';
import { balance, editPayload, kes, payer } from './setup.js';

/** A network position on the phone's channel: `edit` sees (and may change) each submission and its answer. */
export function onChannel(
  edit: Partial<Pick<DeviceChannel, 'submitPayment' | 'paymentRequests'>> & {
    around?: (ch: DeviceChannel) => Partial<DeviceChannel>;
  },
): (b: Backend) => Backend {
  return (b) => ({
    ...b,
    connect: (tls) => {
      const ch = b.connect(tls);
      return { ...ch, ...(edit.around?.(ch) ?? {}) };
    },
  });
}

/**
 * The code a payment ended with: the refusal received, or the
 * code inside a signed non-POSTED result; null when it posted.
 */
export const paymentCode = (r: { ok: true; value: PaymentResult } | { ok: false; code: string }): string | null =>
  r.ok ? (r.value.status === 'POSTED' ? null : (r.value.code ?? r.value.status)) : r.code;

async function replay(ctx: Context): Promise<Observation> {
  let captured: { signedPayment: string; attestationToken: string } | undefined;
  let firstBytes: string | undefined;
  const { phone, wallet, merchant, enrollment } = await payer(ctx.world, {
    wrap: onChannel({
      around: (ch) => ({
        submitPayment: async (req) => {
          captured = req as typeof captured;
          const r = await ch.submitPayment(req);
          firstBytes = r.signedResult;
          return r;
        },
      }),
    }),
  });
  const start = await balance(ctx.world, wallet);
  const first = await phone.daemon.pay({ payee: merchant, amount: kes(1000) });
  const afterFirst = await balance(ctx.world, wallet);
  ctx.say(`payment ${first.transactionId} posted; the attacker replays its bytes`);
  const again = await attempt(() => enrollment.channel.submitPayment(captured!));
  const afterReplay = await balance(ctx.world, wallet);
  const evidence = {
    balanceBefore: start ?? null,
    afterFirst: afterFirst ?? null,
    afterReplay: afterReplay ?? null,
    replayAnswered: again.ok,
    sameSignedResult: again.ok && again.value.signedResult === firstBytes,
  };
  return observed(again.code, Number(afterReplay) < Number(afterFirst), evidence, [
    'pay KES 10.00 and capture the signed payment',
    'submit the same bytes again',
    again.ok
      ? `answer: ${evidence.sameSignedResult ? 'the first signed result, byte for byte' : 'a different result'}`
      : `refused with ${again.code}`,
    `balance ${start} -> ${afterFirst} -> ${afterReplay}`,
  ]);
}

async function fieldInTransit(ctx: Context, field: 'amount' | 'payee'): Promise<Observation> {
  const mule = ctx.world.newId('mule');
  await ctx.world.openMerchant(mule, 'KES');
  const edit = (req: { signedPayment?: string | null }) => ({
    ...req,
    signedPayment: editPayload<{ amount: { minorUnits: string }; payee: string }>(req.signedPayment as string, (p) => {
      if (field === 'amount') p.amount.minorUnits = '99000';
      else p.payee = mule;
    }),
  });
  const { phone, wallet, merchant } = await payer(ctx.world, {
    wrap: onChannel({ around: (ch) => ({ submitPayment: (req) => ch.submitPayment(edit(req) as typeof req) }) }),
  });
  const before = await balance(ctx.world, wallet);
  const r = await attempt(() => phone.daemon.pay({ payee: merchant, amount: kes(1000) }));
  const after = await balance(ctx.world, wallet);
  const muleBalance = await balance(ctx.world, mule);
  const debited = Number(before) - Number(after);
  const evidence = {
    balanceBefore: before ?? null,
    balanceAfter: after ?? null,
    debited,
    muleBalance: muleBalance ?? null,
  };
  const achieved = field === 'amount' ? debited >= 99_000 : Number(muleBalance) > 0;
  return observed(paymentCode(r), achieved, evidence, [
    `the phone signs KES 10.00 to ${merchant}`,
    field === 'amount'
      ? 'on the way, 1000 becomes 99000 in the signed payload'
      : `on the way, the payee becomes the attacker's account ${mule}`,
    r.ok ? `answer ${r.value.status}` : `refused with ${r.code}`,
    `wallet ${before} -> ${after}; attacker's account ${muleBalance}`,
  ]);
}

async function fakeConfirmation(ctx: Context): Promise<Observation> {
  const forge = (jws: string) =>
    editPayload<Record<string, unknown>>(jws, (p) => {
      if (p.status !== 'POSTED') {
        p.status = 'POSTED';
        delete p.code;
        p.journalSeq = 1;
        p.payerBalance = { minorUnits: '0', currency: 'KES' };
      }
    });
  const { phone, wallet, merchant } = await payer(ctx.world, {
    balance: 1_000,
    wrap: onChannel({
      around: (ch) => ({
        submitPayment: async (req) => ({ signedResult: forge((await ch.submitPayment(req)).signedResult) }),
      }),
    }),
  });
  const before = await balance(ctx.world, wallet);
  const r = await attempt(() => phone.daemon.pay({ payee: merchant, amount: kes(5_000) }));
  const shown = phone.ui.frames.filter((f) => f.title === 'DFS Pay: result').map((f) => f.lines[0] ?? '');
  const merchantGot = await balance(ctx.world, merchant);
  const evidence = {
    walletBalance: before ?? null,
    merchantReceived: merchantGot ?? null,
    screenShowsPaymentSent: shown.includes('Payment sent'),
  };
  return observed(paymentCode(r), evidence.screenShowsPaymentSent && Number(merchantGot) === 0, evidence, [
    'a customer with KES 10.00 pays KES 50.00 (the backend declines it)',
    "a proxy on his phone's path rewrites the signed answer to POSTED",
    r.ok
      ? `the phone shows: ${shown.join(' / ') || 'nothing'}`
      : `refused with ${r.code}; the screen shows no confirmation`,
    `the merchant received ${merchantGot}`,
  ]);
}

async function stolenToken(ctx: Context): Promise<Observation> {
  const { wallet, merchant, enrollment } = await payer(ctx.world);
  const before = await balance(ctx.world, wallet);
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const payload = {
    idempotencyKey: ctx.world.newId('steal'),
    payer: wallet,
    payee: merchant,
    amount: kes(5000),
    iat: Date.now(),
    ath: sha256b64url(enrollment.token),
  };
  const forged = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: 'ES256', typ: 'dfs-payment+jws', jwk: await exportJWK(publicKey) })
    .sign(privateKey);
  const r = await attempt(() =>
    enrollment.channel.submitPayment({ signedPayment: forged, attestationToken: enrollment.token }),
  );
  const after = await balance(ctx.world, wallet);
  return observed(
    r.code,
    Number(after) < Number(before),
    { balanceBefore: before ?? null, balanceAfter: after ?? null },
    [
      "with the victim's token and device channel, sign KES 50.00 with a key of his own",
      r.ok ? 'the payment was answered' : `refused with ${r.code}`,
      `wallet ${before} -> ${after}`,
    ],
  );
}

async function reboundToken(ctx: Context): Promise<Observation> {
  const { wallet, merchant, enrollment } = await payer(ctx.world);
  const before = await balance(ctx.world, wallet);
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = await exportJWK(publicKey);
  const jkt = await calculateJwkThumbprint(jwk);
  const rebound = editPayload<{ cnf: { jkt: string } }>(enrollment.token, (c) => {
    c.cnf.jkt = jkt;
  });
  const payload = {
    idempotencyKey: ctx.world.newId('rebound'),
    payer: wallet,
    payee: merchant,
    amount: kes(5000),
    iat: Date.now(),
    ath: sha256b64url(rebound),
  };
  const signed = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: 'ES256', typ: 'dfs-payment+jws', jwk })
    .sign(privateKey);
  const r = await attempt(() => enrollment.channel.submitPayment({ signedPayment: signed, attestationToken: rebound }));
  const after = await balance(ctx.world, wallet);
  return observed(
    r.code,
    Number(after) < Number(before),
    { balanceBefore: before ?? null, balanceAfter: after ?? null },
    [
      "with the victim's leaked token and device channel, rewrite " +
        "the token's key binding (cnf.jkt) to a key of his own",
      'sign KES 50.00 with that key and present the rewritten token',
      r.ok ? 'the payment was answered' : `refused with ${r.code}`,
      `wallet ${before} -> ${after}`,
    ],
  );
}

const RACERS = 3;

async function doubleSpend(ctx: Context): Promise<Observation> {
  const held: (() => void)[] = [];
  const barrier = () =>
    new Promise<void>((resolve) => {
      held.push(resolve);
      if (held.length === RACERS) for (const go of held) go();
    });
  const results: Promise<Awaited<ReturnType<typeof attempt<PaymentResult>>>>[] = [];
  const wallet = ctx.world.newId('wallet');
  const merchant = ctx.world.newId('merchant');
  const phone = await ctx.world.phone('secure', {
    wrap: onChannel({
      around: (ch) => ({
        submitPayment: async (req) => {
          await barrier();
          return ch.submitPayment(req);
        },
      }),
    }),
    onStep: (s) => {
      if (s.step === 'signed-payment' && results.length < RACERS) start();
    },
  });
  const start = () => {
    results.push(attempt(() => phone.daemon.pay({ payee: merchant, amount: kes(5000) })));
  };
  const e = await phone.daemon.enroll(wallet);
  await ctx.world.openWallet(wallet, e.deviceId, 5000, 'KES');
  await ctx.world.openMerchant(merchant, 'KES');
  start();
  while (results.length < RACERS) await Promise.race([...results, new Promise((r) => setTimeout(r, 10))]);
  const done = await Promise.all(results);
  const codes = done.map(paymentCode);
  const posted = codes.filter((c) => c === null).length;
  const left = await balance(ctx.world, wallet);
  const received = await balance(ctx.world, merchant);
  const refusal = codes.find((c) => c !== null) ?? null;
  return observed(
    refusal,
    posted > 1 || Number(left) < 0,
    {
      openingBalance: 5000,
      posted,
      outcomes: codes.map((c) => c ?? 'POSTED').join(', '),
      walletBalance: left ?? null,
      merchantReceived: received ?? null,
    },
    [
      `the wallet holder signs ${RACERS} payments of its whole ` +
        `balance (KES 50.00) and releases them at the same instant`,
      `outcomes: ${codes.map((c) => c ?? 'POSTED').join(', ')}`,
      `wallet ${left}, merchant ${received}`,
    ],
  );
}

/** Attacks on the payment path: in transit, replayed, with stolen credentials, racing (brief §3.4). */
export const paymentScenarios: Scenario[] = [
  {
    id: 'replay-posted-payment',
    label: 'remote',
    expect: { code: null, outcome: 'BLOCKED' },
    title: 'Replay of a posted payment',
    recommendations: ['R9', 'R3'],
    masvs: 'MASVS-NETWORK-1',
    seed: '002 R9',
    action: 'capture a signed payment and submit the same bytes again',
    control: 'per-payer idempotency key: a replay gets the first signed result back and moves no money',
    success: 'the wallet is debited a second time',
    port: idempotency,
    story:
      'An intercepted transfer replayed later is the oldest DFS fraud (FIGI audit guideline). The ' +
      'eSE-signed payment carries an idempotency key; the replay gets the original signed result back ' +
      'byte for byte (no error: the answer is the first one) and the balance does not move again.',
    run: replay,
  },
  {
    id: 'amount-in-transit',
    label: 'remote',
    expect: { code: 'PAYMENT_SIGNATURE_INVALID', outcome: 'BLOCKED' },
    title: 'Amount changed in transit',
    recommendations: ['R9', 'R3'],
    masvs: 'MASVS-NETWORK-1',
    seed: '002 R9',
    action: 'raise the amount of a signed payment between phone and backend',
    control: 'eSE signature over the payment (JWS ES256)',
    success: 'the wallet is debited KES 990.00 for a KES 10.00 payment',
    port: paymentSignature,
    story:
      "A man in the middle (or malware on the phone's app side) changes 10.00 into 990.00. " +
      'The amount is inside what the eSE signed, so the signature no longer verifies.',
    run: (ctx) => fieldInTransit(ctx, 'amount'),
  },
  {
    id: 'payee-in-transit',
    label: 'remote',
    expect: { code: 'PAYMENT_SIGNATURE_INVALID', outcome: 'BLOCKED' },
    title: 'Payee swapped in transit',
    recommendations: ['R9', 'R3'],
    masvs: 'MASVS-NETWORK-1',
    seed: '002 R9',
    action: 'replace the payee of a signed payment with a mule account between phone and backend',
    control: 'eSE signature over the payment (JWS ES256)',
    success: "the attacker's mule account receives the money",
    port: paymentSignature,
    story:
      'Redirecting a payment to a mule account is quieter than inflating it. The payee is ' +
      'inside what the eSE signed, so the edited payment does not verify and nothing moves.',
    run: (ctx) => fieldInTransit(ctx, 'payee'),
  },
  {
    id: 'tampered-response',
    label: 'remote',
    expect: { code: 'RESPONSE_SIGNATURE_INVALID', outcome: 'BLOCKED' },
    title: 'Forged "payment sent" answer',
    recommendations: ['R9', 'R3'],
    masvs: 'MASVS-NETWORK-1',
    seed: '002 R9',
    action:
      'a customer pays more than his balance and has a proxy rewrite the ' +
      "backend's DECLINED answer into POSTED, to show the merchant a confirmation",
    control: 'results signed by the backend, verified by the daemon before display',
    success: 'the phone shows "Payment sent" while the merchant received nothing',
    port: resultSignature,
    story:
      'FIGI auditors test whether a forged server response changes what the user sees; fake ' +
      'confirmation screens are a common merchant fraud. Every result is a JWS signed by the ' +
      'transaction service; the daemon verifies it and shows no confirmation when it does not verify.',
    run: fakeConfirmation,
  },
  {
    id: 'token-other-key',
    label: 'remote',
    expect: { code: 'PAYMENT_KEY_NOT_BOUND', outcome: 'BLOCKED' },
    title: 'Attestation token used with another key',
    recommendations: ['R1', 'R9'],
    masvs: 'MASVS-AUTH-1',
    seed: '000 §KeyStore',
    action: "with a phone's stolen attestation token (and its device channel), sign payments with a key of his own",
    control: 'token bound to the eSE key (cnf.jkt)',
    success: "the victim's wallet is debited by a payment the attacker signed",
    port: keyBinding,
    story:
      'Tokens leak (logs, backups, a compromised app side). A stolen token alone is useless: it is ' +
      'bound to the thumbprint of the eSE key, and payments signed by any other key are refused.',
    run: stolenToken,
  },
  {
    id: 'token-rebound',
    label: 'remote',
    expect: { code: 'TOKEN_INVALID', outcome: 'BLOCKED' },
    title: "Attestation token rebound to the attacker's key",
    recommendations: ['R1', 'R9'],
    masvs: 'MASVS-AUTH-1',
    seed: '000 §KeyStore; 002 R9',
    action:
      "with a leaked token and the victim's device channel, rewrite the token's " +
      'key binding (cnf.jkt) to a key of his own and sign payments with it',
    control:
      'the attestation token is a JWS signed by the attestation ' +
      'service and verified by the transaction service on every payment',
    success: "the victim's wallet is debited by a payment the attacker signed",
    port: tokenSignature,
    story:
      'If the key binding were only a claim, a leaked token could be pointed at any ' +
      'key. The token is signed by the attestation service: an edited one no longer ' +
      'verifies, and the payment is refused before anything else is looked at.',
    run: reboundToken,
  },
  {
    id: 'double-spend-race',
    label: 'on-device',
    expect: { code: 'LEDGER_INSUFFICIENT_FUNDS', outcome: 'BLOCKED' },
    title: 'Double spend: concurrent payments of the whole balance',
    recommendations: ['R3'],
    masvs: 'MASVS-CODE-4',
    seed: 'brief §5',
    action:
      `the wallet holder signs ${RACERS} payments of his whole ` +
      `balance and releases them to the backend at the same instant`,
    control: 'conditional single-document debit (balance >= amount)',
    success: 'more than one payment posts and the wallet goes below zero',
    port: conditionalDebit,
    story:
      'Spending the same money twice at the same moment is how a race breaks a ledger that checks ' +
      'the balance and then debits. Here the debit itself carries the condition: one payment ' +
      'posts, the others are declined for insufficient funds, and the balance never goes negative.',
    run: doubleSpend,
  },
];
