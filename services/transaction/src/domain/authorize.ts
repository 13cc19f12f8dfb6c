import {
  calculateJwkThumbprint,
  decodeProtectedHeader,
  errors,
  importJWK,
  type CompactJWSHeaderParameters,
  type JWK,
  type JWTPayload,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
} from 'jose';
import {
  ATTESTATION_TOKEN,
  TOKEN_AUDIENCE,
  TOKEN_ISSUER,
  type AttestationTokenClaims,
} from '../../../../contracts/attestation-token.js';
import type { z } from 'zod';
import { AccountId } from '../../../../contracts/common.js';
import { PAYMENT } from '../../../../contracts/payment.js';
import type { SignedContract } from '../../../../contracts/signed.js';
import { boundedMap, type BoundedMap } from '../../../../kit/src/bounded-map.js';
import { DfsError } from '../../../../kit/src/errors.js';
import { expectTyp, sha256b64url, verifyJws, verifyJwt } from '../../../../kit/src/jws.js';
import type { Peer } from '../../../../kit/src/tls.js';
import type { CheckDevice } from './device-standing.js';
import { parseMoney, type Money } from './money.js';

/** A wallet or merchant account id (contracts/common.ts). */
export const ACCOUNT_ID = AccountId;

/** When a token was issued (ms): its `iatMs`, or the start of its `iat` second for a token without one. */
export function issuedAtMs(claims: Pick<AttestationTokenClaims, 'iat' | 'iatMs'>): number {
  return claims.iatMs ?? claims.iat * 1000;
}

/** A payment whose signature, token, binding, caller and freshness all verified. */
export interface AuthorizedPayment {
  deviceId: string;
  tier: string;
  idempotencyKey: string;
  payer: string;
  payee: string;
  money: Money;
  /** Thumbprint of the eSE key that signed (a step-up must come from the same key). */
  jkt: string;
  /** The integrator's request to pay this payment answers, if any. */
  requestId: string | null;
  requestHash: string;
}

export interface AuthorizeDeps {
  tokenKeys: JWTVerifyGetKey;
  /** The revocation check of the token's device (injected; standingGate in production). */
  checkDevice: CheckDevice;
  currencies: ReadonlySet<string>;
  maxAmount: number;
  freshnessMs: number;
  now: () => number;
  /**
   * How an attestation token's signature and claims are verified (its typ is checked before); absent, VERIFY_TOKEN_JWS.
   */
  verifyTokenJws?: VerifyTokenJws;
  /** How device signatures and key binding are checked; absent, DEVICE_JWS_CHECKS. */
  deviceJws?: DeviceJwsChecks;
  /** Tokens this service verified recently (see verifyToken); absent, every token is verified in full. */
  verifiedTokens?: BoundedMap<string, VerifiedToken>;
}

/** How long a verified token is taken without re-verifying its signature. */
export const TOKEN_CACHE_MS = 30_000;

/** A token this service verified: its claims, until when they hold, and its header (to re-check its key). */
export interface VerifiedToken {
  claims: AttestationTokenClaims;
  untilMs: number;
  header: CompactJWSHeaderParameters;
}

/** Verifies an attestation token's signature and claims, returning its payload and header. */
export type VerifyTokenJws = (
  token: string,
  keys: JWTVerifyGetKey,
  options: JWTVerifyOptions,
) => Promise<{ payload: JWTPayload; protectedHeader: CompactJWSHeaderParameters }>;

/** The production token check: verifyJwt (kit/src/jws.ts) under the ATTESTATION_TOKEN contract. */
export const VERIFY_TOKEN_JWS: VerifyTokenJws = (token, keys, options) =>
  verifyJwt(token, keys, ATTESTATION_TOKEN, options);

/** True while the key that signed a remembered token is still published (a removed key ends the memory). */
async function stillPublished(v: VerifiedToken, token: string, keys: JWTVerifyGetKey): Promise<boolean> {
  const [protectedHeader = '', payload = '', signature = ''] = token.split('.');
  return Promise.resolve(keys(v.header, { protected: protectedHeader, payload, signature })).then(
    () => true,
    () => false,
  );
}

/**
 * Verifies an attestation token (ES256, issuer, audience, expiry) and returns its claims. A phone
 * presents the same token with every payment, so a verified token is remembered until its expiry or
 * TOKEN_CACHE_MS, whichever comes first, and only while its signing key is still published.
 */
export async function verifyToken(
  token: string,
  deps: Pick<AuthorizeDeps, 'tokenKeys' | 'now' | 'verifiedTokens' | 'verifyTokenJws'>,
): Promise<AttestationTokenClaims> {
  const now = deps.now();
  const known = deps.verifiedTokens?.get(token);
  if (known && known.untilMs > now && (await stillPublished(known, token, deps.tokenKeys))) return known.claims;
  try {
    expectTyp(decodeProtectedHeader(token), ATTESTATION_TOKEN);
    const { payload, protectedHeader } = await (deps.verifyTokenJws ?? VERIFY_TOKEN_JWS)(token, deps.tokenKeys, {
      issuer: TOKEN_ISSUER,
      audience: TOKEN_AUDIENCE,
      currentDate: new Date(now),
    });
    const claims = ATTESTATION_TOKEN.schema.parse(payload);
    deps.verifiedTokens?.set(token, {
      claims,
      untilMs: Math.min((payload.exp ?? 0) * 1000, now + TOKEN_CACHE_MS),
      header: protectedHeader,
    });
    return claims;
  } catch (err) {
    if (err instanceof DfsError) throw err;
    throw new DfsError(err instanceof errors.JWTExpired ? 'TOKEN_EXPIRED' : 'TOKEN_INVALID', undefined, { cause: err });
  }
}

const deviceKeys = boundedMap<string, { jkt: string; key: CryptoKey | null }>(50_000);

/**
 * The thumbprint and imported public key (null when not a valid P-256 point) of a device JWK, computed once per key.
 */
async function deviceKey(jwk: JWK): Promise<{ jkt: string; key: CryptoKey | null }> {
  const id = `${jwk.x}.${jwk.y}`;
  const known = deviceKeys.get(id);
  if (known) return known;
  const key = await importJWK({ kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }, 'ES256').then(
    (k) => k as CryptoKey,
    () => null,
  );
  const entry = { jkt: await calculateJwkThumbprint(jwk), key };
  deviceKeys.set(id, entry);
  return entry;
}

/** The two checks on a device JWS, as strategies injected at wiring time. */
export interface DeviceJwsChecks {
  /** True when the signing key (thumbprint `jkt`) is the one the token is bound to. */
  bound(jkt: string, claims: AttestationTokenClaims): boolean;
  /**
   * The verified JSON payload of `jws` under `key` (its typ already
   * checked against `contract`); throws when the signature does not verify.
   */
  verify(jws: string, key: CryptoKey | null, contract: SignedContract): Promise<unknown>;
}

/** The production checks: `cnf.jkt` binding and an ES256 signature verified by verifyJws (kit/src/jws.ts). */
export const DEVICE_JWS_CHECKS: DeviceJwsChecks = {
  bound: (jkt, claims) => jkt === claims.cnf.jkt,
  async verify(jws, key, contract) {
    if (!key) throw new Error('the jwk is not a P-256 public key');
    return (await verifyJws(jws, key, contract)).payload;
  },
};

/**
 * Verifies a JWS made by the device's eSE key: ES256 with a public `jwk` header whose thumbprint is
 * the token's `cnf.jkt`, of the contract's `typ`; returns the JSON payload (UTF-8 only) and that thumbprint.
 */
export async function verifyDeviceJws(
  jws: string,
  claims: AttestationTokenClaims,
  contract: SignedContract,
  checks: DeviceJwsChecks = DEVICE_JWS_CHECKS,
): Promise<{ payload: unknown; jkt: string }> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(jws);
  } catch (err) {
    throw new DfsError('PAYMENT_SIGNATURE_INVALID', 'malformed JWS', { cause: err });
  }
  const jwk = header.jwk as JWK | undefined;
  if (header.alg !== 'ES256' || !jwk || jwk.kty !== 'EC' || jwk.crv !== 'P-256' || 'd' in jwk)
    throw new DfsError('PAYMENT_SIGNATURE_INVALID', 'header');
  const { jkt, key } = await deviceKey(jwk);
  if (!checks.bound(jkt, claims)) throw new DfsError('PAYMENT_KEY_NOT_BOUND');
  expectTyp(header, contract);
  try {
    return { payload: await checks.verify(jws, key, contract), jkt };
  } catch (err) {
    if (err instanceof DfsError) throw err;
    throw new DfsError('PAYMENT_SIGNATURE_INVALID', undefined, { cause: err });
  }
}

/**
 * PCI MPoC practice, as the attestation policy puts it in the token: a payment above
 * `reattestAboveMinor` needs an attestation younger than `reattestWithinSec`.
 */
export function needsReattestation(claims: AttestationTokenClaims, minorUnits: number, now: number): boolean {
  if (claims.reattestAboveMinor === undefined || claims.reattestWithinSec === undefined) return false;
  return minorUnits > Number(claims.reattestAboveMinor) && now - claims.iat * 1000 > claims.reattestWithinSec * 1000;
}

/** The fields every device-signed money order carries: whose wallet, how much, when, and which token. */
interface MoneyOrder {
  payer: string;
  amount: { minorUnits: string; currency: string };
  iat: number;
  ath: string;
}

/** A device-signed money order whose token, key, signature, binding, caller, freshness and payer all verified. */
export interface AuthorizedOrder<T> {
  claims: AttestationTokenClaims;
  order: T;
  money: Money;
  jkt: string;
  requestHash: string;
}

/**
 * Verifies an order the phone's eSE signed after the PIN (a payment, an authorisation-code order;
 * brief §3.4; R1, R3, R9): the attestation token (signature, issuer, audience, expiry), that the
 * order's key is the one the token is bound to (`cnf.jkt`), the eSE signature and typ, that the
 * order names this token (`ath`), the re-attestation age for its amount, that the TLS client is the
 * same device, freshness, that the payer is the device's own wallet, and that the device is not
 * revoked (checkDevice).
 */
export async function authorizeOrder<T extends MoneyOrder>(
  signed: string,
  token: string,
  peer: Peer,
  deps: AuthorizeDeps,
  contract: SignedContract<z.ZodType<T>>,
): Promise<AuthorizedOrder<T>> {
  if (signed.length > 8192 || token.length > 8192) throw new DfsError('INVALID_ARGUMENT', 'too large');
  const claims = await verifyToken(token, deps);
  const { payload: raw, jkt } = await verifyDeviceJws(signed, claims, contract, deps.deviceJws);
  const parsed = contract.schema.safeParse(raw);
  if (!parsed.success)
    throw new DfsError('INVALID_ARGUMENT', parsed.error.issues.map((i) => i.path.join('.')).join(','));
  const order = parsed.data;
  const money = parseMoney(order.amount, deps.currencies, deps.maxAmount);

  if (order.ath !== sha256b64url(token)) throw new DfsError('PAYMENT_TOKEN_MISMATCH');
  if (needsReattestation(claims, money.minorUnits, deps.now())) throw new DfsError('REATTESTATION_REQUIRED');
  if (peer.role !== 'device' || peer.name !== claims.sub) throw new DfsError('PAYMENT_DEVICE_MISMATCH');
  if (Math.abs(deps.now() - order.iat) > deps.freshnessMs) throw new DfsError('PAYMENT_STALE');
  if (order.payer !== claims.acct) throw new DfsError('PAYMENT_PAYER_NOT_OWNED');
  await deps.checkDevice(claims.sub, issuedAtMs(claims));
  return { claims, order, money, jkt, requestHash: sha256b64url(signed.split('.')[1]!) };
}

/** Verifies a payment (authorizeOrder under PAYMENT) and returns what the payment path needs. */
export async function authorizePayment(
  signedPayment: string,
  token: string,
  peer: Peer,
  deps: AuthorizeDeps,
): Promise<AuthorizedPayment> {
  const { claims, order: p, money, jkt, requestHash } = await authorizeOrder(signedPayment, token, peer, deps, PAYMENT);
  return {
    deviceId: claims.sub,
    tier: claims.tier,
    idempotencyKey: p.idempotencyKey,
    payer: p.payer,
    payee: p.payee,
    money,
    jkt,
    requestId: p.requestId ?? null,
    requestHash,
  };
}
