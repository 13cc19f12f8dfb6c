import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { base64url, CompactSign, exportJWK, generateKeyPair } from 'jose';
import { RESULT } from '../../../contracts/results.js';
import { expect } from 'vitest';
import { DfsError } from '../../../kit/src/errors.js';
import { sha256b64url } from '../../../kit/src/jws.js';
import { ensureDevPki } from '../../../kit/src/pki.js';
import type { Backend, DeviceChannel } from '../../../device-sim/src/daemon/backend.js';
import { Oem } from '../../../device-sim/src/oem.js';
import { MERCHANT_TAG } from '../../../contracts/device.js';
import { merchantTag, type SimulatedCard } from '../../../device-sim/src/nfc/cards.js';
import { buildPhone, type Phone } from '../../../device-sim/src/phone.js';
import type { RefusalLog } from '../../../device-sim/src/log.js';
import { scriptedUser, type PhoneUser } from '../../../device-sim/src/ui/native-ui.js';
import type { EnrollRequest } from '../../../gen/proto/dfs/v1/EnrollRequest.js';
import type { SubmitPaymentRequest } from '../../../gen/proto/dfs/v1/SubmitPaymentRequest.js';

/** Runs `fn` (sync or async), which must fail, and returns its DfsError code. */
export async function codeOf(fn: () => unknown): Promise<string> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof DfsError) return err.code;
    throw err;
  }
  return expect.fail('expected a refusal, but the call succeeded');
}

/** A refusal log that keeps what was written. */
export function recorder(): RefusalLog & { entries: Record<string, unknown>[] } {
  const entries: Record<string, unknown>[] = [];
  return {
    entries,
    warn: (obj) => {
      entries.push(obj as Record<string, unknown>);
    },
  };
}

let oem: Promise<Oem> | undefined;

/** One simulated OEM per test file (its dev PKI in a temporary state directory). */
export function testOem(): Promise<Oem> {
  oem ??= ensureDevPki(mkdtempSync(join(tmpdir(), 'dfs-device-'))).then((pki) => Oem.load(pki));
  return oem;
}

/** What the fake backend saw: every enroll request and submitted payment. */
export interface FakeBackend extends Backend {
  enrolls: EnrollRequest[];
  payments: SubmitPaymentRequest[];
  /** A merchant tag carrying `request` signed by this backend (as tags issued at onboarding are). */
  tag(request: unknown): Promise<SimulatedCard>;
}

/**
 * A backend stand-in for device unit tests: issues challenges, accepts any enrollment with a token
 * of `ttlMs`, and answers payments with results signed by its own key (as the real one does).
 */
export async function fakeBackend(ttlMs = 600_000): Promise<FakeBackend> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), alg: 'ES256', kid: 'fake' };
  const enrolls: EnrollRequest[] = [];
  const payments: SubmitPaymentRequest[] = [];
  const sign = (p: object) =>
    new CompactSign(new TextEncoder().encode(JSON.stringify(p)))
      .setProtectedHeader({ alg: 'ES256', kid: 'fake', typ: RESULT.typ })
      .sign(privateKey);
  const channel = {
    async submitPayment(req: SubmitPaymentRequest) {
      payments.push(req);
      const signed = String(req.signedPayment);
      const p = JSON.parse(new TextDecoder().decode(base64url.decode(signed.split('.')[1]!))) as Record<
        string,
        unknown
      >;
      return {
        signedResult: await sign({
          typ: 'payment-result',
          transactionId: randomUUID(),
          idempotencyKey: p.idempotencyKey,
          status: 'POSTED',
          kind: 'payment',
          journalSeq: payments.length,
          payerBalance: { minorUnits: '0', currency: 'KES' },
          payer: p.payer,
          payee: p.payee,
          amount: p.amount,
          risk: { decision: 'APPROVE', ruleIds: [], reason: 'ok' },
          requestHash: sha256b64url(signed.split('.')[1]!),
        }),
      };
    },
    resultKeys: async () => JSON.stringify({ keys: [jwk] }),
    close() {},
  } as unknown as DeviceChannel;
  return {
    enrolls,
    payments,
    tag: async (request: unknown) =>
      merchantTag(
        await new CompactSign(new TextEncoder().encode(JSON.stringify(request)))
          .setProtectedHeader({ alg: 'ES256', kid: 'fake', typ: MERCHANT_TAG.typ })
          .sign(privateKey),
      ),
    ca: Buffer.alloc(0),
    createChallenge: async () => ({
      challengeId: randomUUID(),
      nonce: randomBytes(32),
      expiresAtMs: String(Date.now() + 60_000),
    }),
    async enroll(req) {
      enrolls.push(req);
      return {
        deviceId: 'device-1',
        attestationToken: `token-${enrolls.length}`,
        tokenExpiresAtMs: String(Date.now() + ttlMs),
        tier: 'HIGH',
        reasons: [],
        clientCertificatePem: '',
      };
    },
    connect: () => channel,
    close() {},
  };
}

/** A phone of `profile` wired to a fake backend. */
export async function testPhone(
  profile = 'secure',
  opts: { pin?: string; user?: PhoneUser; backend?: Backend; pinMaxTries?: number; log?: RefusalLog } = {},
): Promise<Phone> {
  const pin = opts.pin ?? '2580';
  return buildPhone({
    oem: await testOem(),
    profile,
    pin,
    user: opts.user ?? scriptedUser(pin),
    backend: opts.backend ?? (await fakeBackend()),
    pinMaxTries: opts.pinMaxTries,
    log: opts.log ?? recorder(),
  });
}
