import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contracts } from '../../kit/src/contracts.js';
import { call, createClient } from '../../kit/src/grpc-client.js';
import { spiffeId } from '../../kit/src/identity.js';
import { loadIssuer } from '../../kit/src/pki.js';
import { readTls, type TlsMaterial } from '../../kit/src/tls.js';
import { EC_P256, issueCertificate, subtle } from '../../kit/src/x509.js';
import { issueDeviceCertificate } from '../../services/attestation/src/domain/credentials.js';
import { memoryFeatureStore } from '../../services/risk/src/store/memory/index.js';
import { codeOf } from '../support/expect-code.js';
import { fundedPhone, riskGet, testStack } from '../support/stack.js';
import { anyServiceCaller, overwritingDecisions } from '../support/weakened.js';

type Env = Awaited<ReturnType<typeof testStack>>;

const tlsOf = (env: Env, name: string): TlsMaterial =>
  readTls({ ca: env.stack.pki.ca, cert: env.stack.pki.cert(name), key: env.stack.pki.key(name) });

/** A device client certificate (spiffe://dfs.local/device/<id>) as the attestation service issues it. */
async function deviceTls(env: Env, deviceId: string): Promise<TlsMaterial> {
  const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ca = await loadIssuer(env.stack.pki.cert('device-ca'), env.stack.pki.key('device-ca'));
  const pem = await issueDeviceCertificate(
    deviceId,
    keys.publicKey.export({ type: 'spki', format: 'der' }),
    ca,
    600,
    Date.now(),
  );
  return {
    ca: readFileSync(env.stack.pki.ca),
    cert: Buffer.from(pem),
    key: Buffer.from(keys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string),
  };
}

/** A client certificate naming operator/<name>, minted with the device CA's key (what the attestation host holds). */
async function deviceCaOperatorTls(env: Env, name: string): Promise<TlsMaterial> {
  const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ca = await loadIssuer(env.stack.pki.cert('device-ca'), env.stack.pki.key('device-ca'));
  const spki = keys.publicKey.export({ type: 'spki', format: 'der' });
  const cert = await issueCertificate({
    subject: `CN=${name}, OU=operator`,
    publicKey: await subtle.importKey('spki', new Uint8Array(spki), EC_P256, true, ['verify']),
    issuer: ca,
    uris: [spiffeId('operator', name)],
    usages: ['clientAuth'],
  });
  return {
    ca: readFileSync(env.stack.pki.ca),
    cert: Buffer.from(`${cert.toString('pem')}\n${ca.cert.toString('pem')}\n`),
    key: Buffer.from(keys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string),
  };
}

/** OpenAccount (operators only: a wallet funded from the treasury) with the given certificate. */
async function openAccountAs(env: Env, tls: TlsMaterial, accountId: string) {
  const tx = createClient(contracts().TransactionService, env.stack.transactionAddr, tls, 'transaction');
  try {
    return await call(tx, tx.OpenAccount, { accountId, openingBalance: { minorUnits: '500000', currency: 'KES' } });
  } finally {
    tx.close();
  }
}

/** Posts one payment and returns it with what an attacker would write over its risk trail. */
async function postedPayment(env: Env) {
  const { phone, wallet, merchant, enrollment } = await fundedPhone(env.world);
  const result = await phone.daemon.pay({ payee: merchant, amount: { minorUnits: '1500', currency: 'KES' } });
  expect(result.status).toBe('POSTED');
  const forged = {
    transactionId: result.transactionId,
    deviceId: enrollment.deviceId,
    payer: 'wallet-forged',
    payee: merchant,
    amount: { minorUnits: '1500', currency: 'KES' },
    tier: 'HIGH',
  };
  return { result, wallet, forged };
}

async function assessAs(env: Env, tls: TlsMaterial, req: Parameters<typeof call>[2]) {
  const risk = createClient(contracts().RiskService, env.stack.riskAddr, tls, 'risk');
  try {
    return await call(risk, risk.Assess, req as never);
  } finally {
    risk.close();
  }
}

const trailOf = async (env: Env, id: string) => (await riskGet(env.stack, `/v1/decisions/${id}`)).json();

describe('callers by identity: RiskService.Assess admits the transaction service only (003 R3)', () => {
  let env: Env;
  beforeAll(async () => {
    env = await testStack();
  });
  afterAll(async () => {
    await env?.close();
  });

  it("untampered: the transaction service's identity may assess", async () => {
    const res = await assessAs(env, tlsOf(env, 'transaction'), {
      transactionId: randomUUID(),
      deviceId: 'dev-x',
      payer: 'a',
      payee: 'b',
      amount: { minorUnits: '100', currency: 'KES' },
      tier: 'HIGH',
    });
    expect(res.decision).toBeTruthy();
  });

  it.each(['attestation', 'operator', 'device'])(
    'Assess with the %s certificate is CALLER_NOT_ALLOWED and the posted trail is unchanged',
    async (who) => {
      const { result, wallet, forged } = await postedPayment(env);
      const tls = who === 'device' ? await deviceTls(env, forged.deviceId) : tlsOf(env, who);
      expect(await codeOf(assessAs(env, tls, forged))).toBe('CALLER_NOT_ALLOWED');
      expect(await trailOf(env, result.transactionId)).toMatchObject({ payer: wallet, decision: 'APPROVE' });
    },
  );

  it(
    'OpenAccount with an operator identity minted by the device CA is CALLER_NOT_ALLOWED and opens ' +
      'no wallet; the root-issued operator certificate opens one',
    async () => {
      const forged = `wallet-${randomUUID().slice(0, 8)}`;
      expect(await codeOf(openAccountAs(env, await deviceCaOperatorTls(env, 'operator'), forged))).toBe(
        'CALLER_NOT_ALLOWED',
      );
      const op = createClient(
        contracts().TransactionService,
        env.stack.transactionAddr,
        tlsOf(env, 'operator'),
        'transaction',
      );
      try {
        expect(await codeOf(call(op, op.GetBalance, { accountId: forged }))).toBe('LEDGER_ACCOUNT_NOT_FOUND');
      } finally {
        op.close();
      }
      const genuine = `wallet-${randomUUID().slice(0, 8)}`;
      expect(await openAccountAs(env, tlsOf(env, 'operator'), genuine)).toBeTruthy();
    },
  );

  it(
    'a second Assess for the same transaction id, even from ' +
      'the transaction service, leaves the first trail unchanged',
    async () => {
      const { result, wallet, forged } = await postedPayment(env);
      const before = await trailOf(env, result.transactionId);
      const again = await assessAs(env, tlsOf(env, 'transaction'), {
        ...forged,
        amount: { minorUnits: '9999999', currency: 'KES' },
      });
      expect(again.decision).toBe(before.decision);
      expect(await trailOf(env, result.transactionId)).toEqual(before);
      expect(before.payer).toBe(wallet);
    },
  );
});

describe(
  'sabotage: any service certificate may assess (anyServiceCaller) ' +
    'over overwritable trails (overwritingDecisions)',
  () => {
    let env: Env;
    beforeAll(async () => {
      env = await testStack({}, undefined, {
        risk: { authorizeCaller: anyServiceCaller, store: overwritingDecisions(memoryFeatureStore()) },
      });
    });
    afterAll(async () => {
      await env?.close();
    });

    it(
      "the attestation service's certificate rewrites a posted " +
        "payment's trail: GET /v1/decisions shows the forged payer",
      async () => {
        const { result, forged } = await postedPayment(env);
        const res = await assessAs(env, tlsOf(env, 'attestation'), forged);
        expect(res.decision).toBeTruthy();
        expect(await trailOf(env, result.transactionId)).toMatchObject({ payer: 'wallet-forged' });
      },
    );
  },
);
