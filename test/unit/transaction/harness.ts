import { randomUUID } from 'node:crypto';
import {
  calculateJwkThumbprint,
  CompactSign,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  SignJWT,
  type JWK,
} from 'jose';
import { sha256b64url } from '../../../kit/src/jws.js';
import { generateSigningKey, jwks } from '../../../kit/src/keys.js';
import type { Peer } from '../../../kit/src/tls.js';
import { openAccount } from '../../../services/transaction/src/domain/accounts.js';
import { DfsError } from '../../../kit/src/errors.js';
import {
  recheckDeviceAndRisk,
  type PaymentDeps,
  type RiskAnswer,
} from '../../../services/transaction/src/domain/payments.js';
import type { RequestDeps } from '../../../services/transaction/src/domain/requests.js';
import type { WithdrawalDeps } from '../../../services/transaction/src/domain/withdrawals.js';
import { memoryLedgerStore } from '../../../services/transaction/src/store/memory/index.js';
import type { Transfer } from '../../../services/transaction/src/domain/model.js';
import type { LedgerStore } from '../../../services/transaction/src/store/ports.js';

/* eslint-disable-next-line @typescript-eslint/no-explicit-any --
   decoded JWS payloads are read and mutated freely in tests */
export type Loose = Record<string, any>;

export const APPROVE: RiskAnswer = { decision: 'APPROVE', ruleIds: [], reason: 'test' };

/** Decodes a compact JWS payload (tests read what the service signed). */
export const payloadOf = (jws: string) =>
  JSON.parse(Buffer.from(jws.split('.')[1]!, 'base64url').toString('utf8')) as Loose;

/** The write operations of the ledger store port: none may run on refused input. */
export const WRITES = [
  'createAccount',
  'debit',
  'credit',
  'clearApplied',
  'insertTransfer',
  'setRisk',
  'finishTransfer',
  'appendJournal',
  'addOutbox',
  'markSent',
  'setStepUp',
  'passStepUp',
  'reserveReturn',
  'releaseReturn',
  'insertRequest',
  'claimRequest',
  'finishRequest',
] as const;

/** Wraps a store and records the write operations called on it. */
export function recording(inner: LedgerStore): { store: LedgerStore; writes: string[] } {
  const writes: string[] = [];
  const store = new Proxy(inner, {
    get(target, prop: string) {
      const v = (target as unknown as Record<string, unknown>)[prop];
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        if ((WRITES as readonly string[]).includes(prop)) writes.push(prop);
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store, writes };
}

/**
 * The transaction domain with no network: an in-memory store, a result key, an attestation-token
 * issuer standing in for the attestation service, phones with P-256 keys standing in for eSEs, and
 * a settable clock and risk answer.
 */
export async function harness(opts: { store?: LedgerStore; riskFailOpenMaxMinor?: number } = {}) {
  const { store, writes } = recording(opts.store ?? memoryLedgerStore());
  const { key: resultKey } = await generateSigningKey();
  const { key: tokenKey } = await generateSigningKey();
  const clock = { now: Date.now() };
  const risk: {
    answer: (t: Transfer, tier: string) => Promise<RiskAnswer>;
    again: (t: Transfer) => Promise<RiskAnswer>;
  } = { answer: async () => APPROVE, again: async () => APPROVE };
  const revoked = new Set<string>();
  const checkDevice = async (deviceId: string) => {
    if (revoked.has(deviceId)) throw new DfsError('DEVICE_REVOKED');
  };
  const assessRisk = (t: Transfer, tier: string, stage?: 'payment' | 'step-up') =>
    stage === 'step-up' ? risk.again(t) : risk.answer(t, tier);
  const deps: PaymentDeps & RequestDeps & Pick<WithdrawalDeps, 'recheckDevice'> & { treasuryFloat: number } = {
    store,
    resultKey: () => resultKey,
    now: () => clock.now,
    tokenKeys: createLocalJWKSet(jwks([tokenKey])),
    currencies: new Set(['KES', 'UGX']),
    maxAmount: 10_000_000,
    freshnessMs: 120_000,
    treasuryFloat: 1_000_000_000_000,
    assessRisk,
    checkDevice,
    recheckStepUp: recheckDeviceAndRisk({ checkDevice, assessRisk }),
    recheckDevice: checkDevice,
    riskFailOpenMaxMinor: opts.riskFailOpenMaxMinor ?? 0,
    stepUpTtlMs: 60_000,
    requestTtlMs: 900_000,
  };

  async function phone(
    balance: number,
    currency = 'KES',
    tier: 'HIGH' | 'STANDARD' | 'LOW' = 'HIGH',
    accountId = `wallet-${randomUUID().slice(0, 8)}`,
  ) {
    const deviceId = `dev-${randomUUID().slice(0, 12)}`;
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const jwk = await exportJWK(publicKey);
    const token = await new SignJWT({ tier, acct: accountId, cnf: { jkt: await calculateJwkThumbprint(jwk) } })
      .setProtectedHeader({ alg: 'ES256', kid: tokenKey.kid, typ: 'dfs-attestation+jwt' })
      .setIssuer('dfs-attestation')
      .setAudience('dfs-transaction')
      .setSubject(deviceId)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(tokenKey.privateKey);
    await openAccount(
      {
        accountId,
        holderDeviceId: deviceId,
        opening: balance > 0 ? { minorUnits: balance, currency } : null,
        currency,
      },
      deps,
    );
    const peer: Peer = { role: 'device', name: deviceId, id: `spiffe://dfs.local/device/${deviceId}` };
    /** Signs any payload with this phone's key, like a (possibly malicious) daemon with a PIN-unlocked eSE. */
    const signRaw = (
      payload: unknown,
      header: Record<string, unknown> = {},
      key: CryptoKey = privateKey,
      pub: JWK = jwk,
    ) =>
      new CompactSign(new TextEncoder().encode(typeof payload === 'string' ? payload : JSON.stringify(payload)))
        .setProtectedHeader({ alg: 'ES256', typ: 'dfs-payment+jws', jwk: pub, ...header })
        .sign(key);
    const payment = (payee: string, minor: number | string, extra: Record<string, unknown> = {}) => ({
      idempotencyKey: randomUUID(),
      payer: accountId,
      payee,
      amount: { minorUnits: String(minor), currency },
      iat: clock.now,
      ath: sha256b64url(token),
      ...extra,
    });
    return { deviceId, accountId, token, peer, jwk, signRaw, payment, sign: (p: unknown) => signRaw(p) };
  }

  async function merchant(currency = 'KES', id = `merchant-${randomUUID().slice(0, 8)}`) {
    await openAccount({ accountId: id, holderDeviceId: null, opening: null, currency }, deps);
    return id;
  }

  async function balances(): Promise<Map<string, number>> {
    return new Map((await store.listAccounts()).map((a) => [a.id, a.balance]));
  }

  return { store, writes, deps, clock, risk, revoked, phone, merchant, balances, resultKey };
}

export type Harness = Awaited<ReturnType<typeof harness>>;

/**
 * A harness whose store dies in `credit` while `crash.on`: a payment then stays PENDING after its
 * debit, as a crash between the two leaves it. `inner` is the store as the next process sees it.
 */
export async function crashingHarness() {
  const inner = memoryLedgerStore();
  const crash = { on: false };
  const store: LedgerStore = {
    ...inner,
    credit: async (...a) => {
      if (crash.on) throw new Error('process died');
      return inner.credit(...a);
    },
  };
  return { h: await harness({ store }), inner, crash };
}
