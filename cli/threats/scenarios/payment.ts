import { CompactSign, exportJWK, generateKeyPair } from 'jose';
import { sha256b64url } from '../../../kit/src/jws.js';
import { expectRefusal } from '../play.js';
import type { Result, Scenario } from '../types.js';
import { balance, editPayload, payer } from './setup.js';

/** Attacks on the payment path: in transit, replayed, with stolen credentials, racing (brief §3.4). */
export const paymentScenarios: Scenario[] = [
  {
    id: 'replay-posted-payment', expected: 'IDEMPOTENT_REPLAY', title: 'Replay of a posted payment', recommendations: ['R9', 'R3'], masvs: 'MASVS-NETWORK-1', seed: '002 R9',
    action: 'capture a signed payment on the wire and submit it again', control: 'per-payer idempotency key: a replay returns the first result and moves no money',
    story: 'An intercepted transfer replayed later is the oldest DFS fraud (FIGI audit guideline). The eSE-signed payment carries an idempotency key; the replay gets the original signed result back byte for byte and the balance does not move again.',
    async run(ctx) {
      let captured: { signedPayment: string; attestationToken: string } | undefined;
      const { phone, wallet, merchant, enrollment } = await payer(ctx.world, { wrap: (b) => ({ ...b, connect: (tls) => { const ch = b.connect(tls); return { ...ch, submitPayment: (req) => { captured = req as typeof captured; return ch.submitPayment(req); } }; } }) });
      const first = await phone.daemon.pay({ payee: merchant, amount: { minorUnits: '1000', currency: 'KES' } });
      const before = await balance(ctx.world, wallet);
      ctx.say(`payment ${first.transactionId} posted; the attacker replays its bytes`);
      const again = await enrollment.channel.submitPayment(captured!).catch((err: unknown) => err);
      const after = await balance(ctx.world, wallet);
      const steps = ['capture the signed payment', 'submit it again'];
      if (again instanceof Error) return expectRefusal(async () => { throw again; }, ['PAYMENT_STALE'], steps);
      return before === after ? { outcome: 'BLOCKED', code: 'IDEMPOTENT_REPLAY', steps: [...steps, 'same signed result returned, no money moved'] } : { outcome: 'SUCCEEDED', steps: [...steps, 'money moved twice'] };
    },
  },
  {
    id: 'amount-in-transit', expected: 'PAYMENT_SIGNATURE_INVALID', title: 'Amount changed in transit', recommendations: ['R9', 'R3'], masvs: 'MASVS-NETWORK-1', seed: '002 R9',
    action: 'raise the amount of a signed payment between phone and backend', control: 'eSE signature over the payment (JWS ES256)',
    story: 'A man in the middle (or malware on the phone\'s app side) changes 10.00 into 990.00. The amount is inside what the eSE signed, so the signature no longer verifies.',
    async run(ctx) {
      const { phone, wallet, merchant } = await payer(ctx.world, { wrap: (b) => ({ ...b, connect: (tls) => { const ch = b.connect(tls); return { ...ch, submitPayment: (req) => ch.submitPayment({ ...req, signedPayment: editPayload(req.signedPayment as string, (p) => { (p.amount as { minorUnits: string }).minorUnits = '99000'; }) }) }; } }) });
      const before = await balance(ctx.world, wallet);
      const r = await expectRefusal(() => phone.daemon.pay({ payee: merchant, amount: { minorUnits: '1000', currency: 'KES' } }), ['PAYMENT_SIGNATURE_INVALID'], ['change 1000 into 99000 in the signed payment']);
      const after = await balance(ctx.world, wallet);
      return before === after ? r : { ...r, outcome: 'SUCCEEDED', steps: [...r.steps, `the wallet was debited ${Number(before) - Number(after)}`] };
    },
  },
  {
    id: 'tampered-response', expected: 'RESPONSE_SIGNATURE_INVALID', title: 'Backend response tampered to show a false balance', recommendations: ['R9', 'R3'], masvs: 'MASVS-NETWORK-1', seed: '002 R9',
    action: 'rewrite the backend\'s answer to show a larger balance', control: 'results signed by the backend, verified by the daemon before display',
    story: 'FIGI auditors test whether a forged server response changes what the user sees. Every result is a JWS signed by the transaction service; the daemon verifies it and shows nothing when it does not verify.',
    async run(ctx) {
      const { phone, merchant } = await payer(ctx.world, { wrap: (b) => ({ ...b, connect: (tls) => { const ch = b.connect(tls); return { ...ch, submitPayment: async (req) => { const r = await ch.submitPayment(req); return { signedResult: editPayload(r.signedResult, (p) => { p.payerBalance = { minorUnits: '99999999', currency: 'KES' }; }) }; } }; } }) });
      const r = await expectRefusal(() => phone.daemon.pay({ payee: merchant, amount: { minorUnits: '1000', currency: 'KES' } }), ['RESPONSE_SIGNATURE_INVALID'], ['rewrite the payer balance in the result'], true);
      if (phone.ui.frames.some((f) => f.lines.some((l) => l.includes('99999999') || l === 'Payment sent'))) return { ...r, outcome: 'SUCCEEDED' };
      return r;
    },
  },
  {
    id: 'token-other-key', expected: 'PAYMENT_KEY_NOT_BOUND', title: 'Attestation token used with another device\'s key', recommendations: ['R1', 'R9'], masvs: 'MASVS-AUTH-1', seed: '000 §KeyStore',
    action: 'steal a phone\'s attestation token and sign payments with a key of his own', control: 'token bound to the eSE key (cnf.jkt)',
    story: 'Tokens leak (logs, backups, a compromised app side). A stolen token alone is useless: it is bound to the thumbprint of the eSE key, and payments signed by any other key are refused.',
    async run(ctx) {
      const { wallet, merchant, enrollment } = await payer(ctx.world);
      const { privateKey, publicKey } = await generateKeyPair('ES256');
      const payload = { idempotencyKey: ctx.world.newId('steal'), payer: wallet, payee: merchant, amount: { minorUnits: '5000', currency: 'KES' }, iat: Date.now(), ath: sha256b64url(enrollment.token) };
      const forged = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ alg: 'ES256', jwk: await exportJWK(publicKey) }).sign(privateKey);
      return expectRefusal(() => enrollment.channel.submitPayment({ signedPayment: forged, attestationToken: enrollment.token }), ['PAYMENT_KEY_NOT_BOUND'], ['sign a payment with his own key', 'present the stolen token']);
    },
  },
  {
    id: 'double-spend-race', expected: 'PAYMENT_PAYER_NOT_OWNED', title: 'Double-spend race from two phones on one account', recommendations: ['R1', 'R3'], masvs: 'MASVS-CODE-4', seed: 'brief §5',
    action: 'enroll a second phone claiming the same wallet and race two payments of the whole balance', control: 'wallet bound to its device; conditional single-document debit (balance >= amount)',
    story: 'Two phones try to spend the same money at the same moment. The second phone is not the wallet\'s holder, and even the holder\'s own concurrent payments cannot overdraw: the debit is conditional on the balance.',
    async run(ctx): Promise<Result> {
      const { phone, wallet, merchant } = await payer(ctx.world, { balance: 5000 });
      const other = await ctx.world.phone('secure');
      await other.daemon.enroll(wallet);
      const pay = (p: typeof phone) => p.daemon.pay({ payee: merchant, amount: { minorUnits: '5000', currency: 'KES' } }).then((r) => r.status, (e: unknown) => e);
      const results = await Promise.all([pay(phone), pay(other), pay(phone)]);
      const posted = results.filter((r) => r === 'POSTED').length;
      const left = await balance(ctx.world, wallet);
      const steps = ['two phones and two concurrent payments each spend the whole balance'];
      return posted === 1 && left === 0 ? { outcome: 'BLOCKED', code: 'PAYMENT_PAYER_NOT_OWNED', steps: [...steps, 'one payment posted, the others refused; balance 0'] } : { outcome: 'SUCCEEDED', steps: [...steps, `${posted} posted, balance ${left}`] };
    },
  },
];
