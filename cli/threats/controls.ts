import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { base64url, decodeJwt, decodeProtectedHeader } from 'jose';
import { DfsError, type ErrorCode } from '../../kit/src/errors.js';
import type { TlsMaterial } from '../../kit/src/tls.js';
import { grpcServerCredentials, type ServerTlsPolicy } from '../../kit/src/tls-policy.js';
import { AccessPolicy, DEFAULT_TABLE, type Caller, type DeviceApi } from '../../device-sim/src/access-policy.js';
import type { SignedContents } from '../../device-sim/src/store/kai-store.js';
import { FotaManifest } from '../../contracts/firmware.js';
import { oemFirmwareTrust } from '../../device-sim/src/fota.js';
import { STORE_ONLY } from '../../device-sim/src/store/installer.js';
import { PERMISSIONS } from '../../device-sim/src/broker/permissions.js';
import { byIdentity } from '../../kit/src/grpc-server.js';
import { identityAllowed } from '../../kit/src/identity.js';
import type { Policy } from '../../services/attestation/src/domain/policy.js';
import { SIGNED_FACTS, type SignedFacts } from '../../services/attestation/src/domain/posture.js';
import { EMPTY_STATUS_LIST } from '../../services/attestation/src/domain/status-list.js';
import type { ReservationStrategy } from '../../services/risk/src/domain/reserve.js';
import { trailKey, type DecisionRecord } from '../../services/risk/src/domain/model.js';
import { DEVICE_JWS_CHECKS } from '../../services/transaction/src/domain/authorize.js';
import type { ControlPort, Overrides } from './types.js';

/**
 * The permissive and stub variants of every control the scenarios attack, injected at wiring time
 * (startStack overrides, buildPhone parts). Production code only knows the ports and their strict
 * defaults; these variants exist for the sabotage and stub checks alone.
 */

const fail = (code: string): never => {
  throw new DfsError(code as ErrorCode);
};
const unverifiedPayload = (jws: string) => base64url.decode(jws.split('.')[1] ?? '');
const unverifiedJson = (jws: string): unknown => JSON.parse(new TextDecoder().decode(unverifiedPayload(jws)));
const unverifiedManifest = (jws: string) => FotaManifest.parse(unverifiedJson(jws));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function port(off: string, permit: () => Overrides, stub: (code: string) => Overrides): ControlPort {
  return { off, permit, stub };
}

/** The transaction service's check of the eSE signature on payments. */
export const paymentSignature = port(
  "the transaction service takes a payment's payload without verifying its eSE signature",
  () => ({
    stack: {
      transaction: { deviceJws: { bound: DEVICE_JWS_CHECKS.bound, verify: async (jws) => unverifiedJson(jws) } },
    },
  }),
  (code) => ({
    stack: { transaction: { deviceJws: { bound: DEVICE_JWS_CHECKS.bound, verify: async () => fail(code) } } },
  }),
);

/** The binding of the signing key to the attestation token (cnf.jkt). */
export const keyBinding = port(
  "the transaction service accepts a payment signed by any key, not only the token's cnf.jkt",
  () => ({ stack: { transaction: { deviceJws: { bound: () => true, verify: DEVICE_JWS_CHECKS.verify } } } }),
  (code) => ({
    stack: {
      transaction: {
        deviceJws: { bound: (jkt, claims) => jkt === claims.cnf.jkt || fail(code), verify: DEVICE_JWS_CHECKS.verify },
      },
    },
  }),
);

/** The attestation token's signature (ES256 by the attestation service). */
export const tokenSignature = port(
  'the transaction service reads attestation token claims without verifying the token signature',
  () => ({
    stack: {
      transaction: {
        verifyTokenJws: (async (token: string) => ({
          payload: decodeJwt(token),
          protectedHeader: decodeProtectedHeader(token),
        })) as never,
      },
    },
  }),
  (code) => ({ stack: { transaction: { verifyTokenJws: (async () => fail(code)) as never } } }),
);

/** The security level derived from which attestation CA signed the chain. */
export const levelFromChain = port(
  'the attestation service takes the security level the record claims instead of deriving it from the signing CA',
  () => ({ stack: { attestation: { deriveLevel: (evidence) => evidence.record.key.securityLevel } } }),
  (code) => ({ stack: { attestation: { deriveLevel: () => fail(code) } } }),
);

/** The registry's re-keying rule: a key is replaced only by a chain proving at least the prior security level. */
export const keyReplacementLevel = port(
  "the device registry lets a key of any security level replace a device's registered key",
  () => ({ stack: { attestation: { keyReplacement: () => true } } }),
  (code) => ({ stack: { attestation: { keyReplacement: () => fail(code) } } }),
);

/** Pinning of the OEM attestation roots. */
export const rootPinning = port(
  'the attestation service trusts whatever root the presented chain ends at',
  () => ({ stack: { attestation: { anchors: (a) => ({ ...a, rootsFor: (last) => [...a.roots, last] }) } } }),
  (code) => ({
    stack: {
      attestation: {
        anchors: (a) => ({ ...a, rootsFor: (last) => (a.roots.some((r) => r.equal(last)) ? a.roots : fail(code)) }),
      },
    },
  }),
);

/** Single use of attestation challenges. */
export const challengeSingleUse = port(
  'the attestation store hands out a used challenge again as unused',
  () => ({
    stack: {
      attestation: {
        wrapStore: (s) =>
          withMethods(s, {
            consumeChallenge: async (id) => {
              const c = await s.consumeChallenge(id);
              return c && { ...c, used: false };
            },
          }),
      },
    },
  }),
  (code) => ({
    stack: {
      attestation: {
        wrapStore: (s) =>
          withMethods(s, {
            consumeChallenge: async (id) => {
              const c = await s.consumeChallenge(id);
              return c?.used ? fail(code) : c;
            },
          }),
      },
    },
  }),
);

/** A store with some of its methods replaced (the rest are the store's own). */
function withMethods<T extends object>(s: T, replace: Partial<T>): T {
  return new Proxy(s, {
    get: (t, k) => (Object.hasOwn(replace, k) ? replace[k as keyof T] : (Reflect.get(t, k, t) as unknown)),
  });
}

/** Idempotency: one transfer per payer and idempotency key. */
export const idempotency = port(
  'the ledger store files every payment as a new transfer, whatever its idempotency key',
  () => ({
    stack: {
      transaction: {
        wrapStore: (s) =>
          withMethods(s, {
            insertTransfer: async (t) => {
              const r = await s.insertTransfer(t);
              return r.created
                ? r
                : s.insertTransfer({
                    ...t,
                    idempotencyKey: `${t.idempotencyKey}.${Math.random().toString(36).slice(2, 10)}`,
                  });
            },
          }),
      },
    },
  }),
  (code) => ({
    stack: {
      transaction: {
        wrapStore: (s) =>
          withMethods(s, {
            insertTransfer: async (t) => {
              const r = await s.insertTransfer(t);
              return r.created ? r : fail(code);
            },
          }),
      },
    },
  }),
);

/** The conditional single-document debit (balance >= amount). */
export const conditionalDebit = port(
  'the ledger store reads the balance, then debits without a condition (check-then-act)',
  () => ({
    stack: {
      transaction: {
        wrapStore: (s) =>
          withMethods(s, {
            debit: async (account, transferId, amount) => {
              const before = await s.getAccount(account);
              if (!before || before.balance < amount) return { outcome: 'insufficient', balance: before?.balance ?? 0 };
              await sleep(20);
              const outcome = await s.credit(account, transferId, -amount);
              return { outcome, balance: before.balance - amount };
            },
          }),
      },
    },
  }),
  (code) => ({
    stack: {
      transaction: {
        wrapStore: (s) =>
          withMethods(s, {
            debit: async (a, t, amount) => {
              const r = await s.debit(a, t, amount);
              return r.outcome === 'insufficient' ? fail(code) : r;
            },
          }),
      },
    },
  }),
);

/** Mutual TLS on the transaction service's gRPC port. */
export const mutualTls = port(
  "the transaction service's gRPC port accepts TLS clients without a certificate",
  () => ({
    stack: {
      transaction: {
        serverCredentials: (tls: TlsMaterial) =>
          grpc.ServerCredentials.createSsl(tls.ca, [{ cert_chain: tls.cert, private_key: tls.key }], false),
      },
    },
  }),
  () => ({ stack: { transaction: { serverCredentials: () => grpc.ServerCredentials.createInsecure() } } }),
);

/** What a TLS server accepted before the policy: TLS 1.0 and up, OpenSSL's default suites including CBC. */
const WEAK_TLS: ServerTlsPolicy = () => ({ minVersion: 'TLSv1', ciphers: 'DEFAULT:@SECLEVEL=0' });

/** The one TLS policy (TLS 1.2+, AEAD suites only) on the transaction service's gRPC and HTTPS ports. */
export const tlsPolicy = port(
  "the transaction service's ports accept TLS 1.0 and CBC suites (OpenSSL defaults)",
  () => ({
    stack: {
      transaction: {
        serverCredentials: (tls: TlsMaterial) => grpcServerCredentials(tls, WEAK_TLS),
        httpsPolicy: WEAK_TLS,
      },
    },
  }),
  () => ({ stack: { transaction: { serverCredentials: () => grpc.ServerCredentials.createInsecure() } } }),
);

const PERMISSIVE_POLICY = (p: Policy): Policy => ({
  ...p,
  minPatchLevel: 0,
  requireVerifiedBoot: false,
  requireLocked: false,
  refuse: { rooted: false, debug: false, emulator: false, developerMode: false },
  models: Object.fromEntries(Object.entries(p.models).map(([m, band]) => [m, { ...band, minPatchLevel: 0 }])),
});

/** The attestation policy on the eSE-signed posture evidence. */
export const attestationPolicy = port(
  'the attestation policy refuses nothing (no root, debug, emulator, developer-mode, boot-state or patch-level check)',
  () => ({ stack: { attestation: { policy: PERMISSIVE_POLICY } } }),
  (code) => ({
    stack: {
      attestation: {
        policy: (p) => new Proxy(p, { get: (t, k) => (k === 'refuse' ? fail(code) : Reflect.get(t, k, t)) as unknown }),
      },
    },
  }),
);

interface RulesFile {
  tiers: Record<string, unknown>;
  rules: Record<string, { weight: number; veto?: boolean; windows?: string[] }>;
}

/** The reservation window that holds a rule's limit atomically (`limits.reserve`), for the rules that have one. */
const RESERVED_WINDOW: Record<string, string> = {
  'velocity.device': 'device.velocity',
  'velocity.payer': 'payer.velocity',
};

/** Switches one rule off in a rules file: it weighs nothing, and its limit is no longer reserved. */
function ruleOff(r: RulesFile, rule: string): void {
  r.rules[rule] = { ...r.rules[rule]!, weight: 0, veto: false };
  const reserve = r.rules['limits.reserve'];
  if (reserve?.windows) reserve.windows = reserve.windows.filter((w) => w !== RESERVED_WINDOW[rule]);
}

/** A copy of the risk rules changed by `edit`, written where the risk service reads it. */
function rulesEdited(edit: (r: RulesFile) => void): string {
  const rules = JSON.parse(readFileSync('config/risk-rules.json', 'utf8')) as RulesFile;
  edit(rules);
  const file = join(mkdtempSync(join(tmpdir(), 'dfs-rules-')), 'risk-rules.json');
  writeFileSync(file, JSON.stringify(rules));
  return file;
}

/**
 * One risk rule, or a few that make one control; its stub is
 * a risk engine answering DECLINE under a rule id of its own.
 */
export const riskRule = (...rules: string[]): ControlPort =>
  port(
    rules.length === 1
      ? `the risk rule ${rules[0]} weighs nothing (every other rule stays in force)`
      : `the risk rules ${rules.join(' and ')} weigh nothing and their ` +
          `windows are not reserved (every other rule stays in force)`,
    () => ({ env: { RISK_RULES_FILE: rulesEdited((r) => rules.forEach((rule) => ruleOff(r, rule))) } }),
    (code) => ({
      stack: { transaction: { assessRisk: async () => ({ decision: 'DECLINE', ruleIds: [code], reason: 'stub' }) } },
    }),
  );

/** The posture tier limits; its stub is a risk engine answering DECLINE under a rule id of its own. */
export const tierLimits = (tier: string): ControlPort =>
  port(
    `tier ${tier} gets the limits of tier HIGH (every rule stays in force)`,
    () => ({
      env: {
        RISK_RULES_FILE: rulesEdited((r) => {
          r.tiers[tier] = r.tiers.HIGH;
        }),
      },
    }),
    (code) => ({
      stack: { transaction: { assessRisk: async () => ({ decision: 'DECLINE', ruleIds: [code], reason: 'stub' }) } },
    }),
  );

/** The broker's least privilege by app type. */
export const appTypePermissions = port(
  'the broker grants every declared permission whatever the app type',
  () => ({
    phones: {
      permissions: Object.fromEntries(
        Object.entries(PERMISSIONS).map(([k, v]) => [k, { ...v, minType: 'web' }]),
      ) as typeof PERMISSIONS,
    },
  }),
  (code) => ({ phones: { permissions: new Proxy(PERMISSIONS, { get: () => fail(code) }) } }),
);

/**
 * An access policy that also lets `process` (as `uid`) call `apis`; its stub refuses that process with another code.
 */
class GrantingPolicy extends AccessPolicy {
  constructor(
    private readonly extra: { process: string; uid: number; apis: DeviceApi[] },
    private readonly refuseWith?: string,
  ) {
    super({
      ...DEFAULT_TABLE,
      [extra.process]: {
        uid: extra.uid,
        native: DEFAULT_TABLE[extra.process]?.native ?? false,
        apis: [...(DEFAULT_TABLE[extra.process]?.apis ?? []), ...extra.apis],
      },
    });
  }

  override check(caller: Caller, api: DeviceApi): void {
    if (this.refuseWith && caller.process === this.extra.process && this.extra.apis.includes(api))
      fail(this.refuseWith);
    super.check(caller, api);
  }
}

/** The device access policy (default deny), for one process and the APIs it is after. */
export const accessPolicy = (who: string, processName: string, uid: number, apis: DeviceApi[]): ControlPort =>
  port(
    `the device access policy lets ${who} call ${apis.join(', ')}`,
    () => ({ phones: { accessPolicy: new GrantingPolicy({ process: processName, uid, apis }) } }),
    (code) => ({ phones: { accessPolicy: new GrantingPolicy({ process: processName, uid, apis }, code) } }),
  );

/** The eSE PIN applet's retry counter. */
export const pinRetry = port(
  'the eSE PIN applet never locks, however many wrong PINs it sees',
  () => ({ phones: { pinRetry: () => 'PIN_WRONG' } }),
  (code) => ({ phones: { pinRetry: (tries, max) => (tries >= max ? (code as ErrorCode) : 'PIN_WRONG') } }),
);

/** The backend signature on PIN resets. */
export const resetSignature = port(
  'the eSE PIN applet applies a PIN reset without verifying the backend ' +
    'signature, and risk does not weigh the lockout the phone reported (pin.locked)',
  () => ({
    phones: { verifyReset: async (jws) => unverifiedJson(jws) },
    env: { RISK_RULES_FILE: rulesEdited((r) => ruleOff(r, 'pin.locked')) },
  }),
  (code) => ({ phones: { verifyReset: async () => fail(code) } }),
);

/** The compositor's protection of the native top layer against overlays. */
export const overlayGuard = port(
  'the compositor draws dialogs over the native top layer',
  () => ({ phones: { screen: { overlay: () => null, screenshot: () => 'blank' } } }),
  (code) => ({ phones: { screen: { overlay: () => code as ErrorCode, screenshot: () => 'blank' } } }),
);

/** The compositor's blank screenshots of the native top layer. */
export const screenshotGuard = port(
  'the compositor captures the native top layer in screenshots',
  () => ({ phones: { screen: { overlay: () => 'UI_OVERLAY_REFUSED', screenshot: () => 'capture' } } }),
  (code) => ({ phones: { screen: { overlay: () => 'UI_OVERLAY_REFUSED', screenshot: () => fail(code) } } }),
);

/** The payment daemon's cancellation on an incoming call. */
export const cancelOnCall = port(
  'the payment daemon ignores the visibility change of an incoming call',
  () => ({ phones: { onCall: () => new Promise<never>(() => {}) } }),
  (code) => ({ phones: { onCall: (hidden) => hidden.then(() => fail(code)) } }),
);

/** The daemon's verification of backend-signed results. */
export const resultSignature = port(
  'the payment daemon shows backend results without verifying their signature',
  () => ({ phones: { openResult: async (jws) => unverifiedJson(jws) } }),
  (code) => ({ phones: { openResult: async () => fail(code) } }),
);

/** The exclusive NFC lock. */
export const nfcExclusive = port(
  'the NFC daemon serves every caller while another holds nfc_lock',
  () => ({ phones: { nfcExclusive: () => null } }),
  (code) => ({
    phones: {
      nfcExclusive: (holder, caller) =>
        holder && (holder.process !== caller.process || holder.uid !== caller.uid) ? (code as ErrorCode) : null,
    },
  }),
);

/** The signature of the NFC daemon over the PC/SC key exchange. */
export const nfcHello = port(
  'the payment daemon accepts any key exchange answer on the PC/SC path (unauthenticated ECDH)',
  () => ({ phones: { checkHello: () => true } }),
  (code) => ({ phones: { checkHello: () => fail(code) } }),
);

/** The backend signature on merchant tags. */
export const tagSignature = port(
  "the payment daemon reads a merchant tag's request without verifying the backend signature",
  () => ({ phones: { checkTag: async (record) => unverifiedJson(record) } }),
  (code) => ({ phones: { checkTag: async () => fail(code) } }),
);

/** Sideloading refused on user builds. */
export const sideloading = port(
  'the installer accepts sideloaded packages on user builds',
  () => ({ phones: { install: { ...STORE_ONLY, sideload: () => null } } }),
  (code) => ({ phones: { install: { ...STORE_ONLY, sideload: () => code as ErrorCode } } }),
);

/** The Kai Store signature on packages. */
export const storeSignature = port(
  "the installer takes a package's signed contents without verifying the store signature",
  () => ({
    phones: {
      install: {
        ...STORE_ONLY,
        verify: async (jws) => unverifiedJson(jws ?? '') as SignedContents,
      },
    },
  }),
  (code) => ({ phones: { install: { ...STORE_ONLY, verify: async () => fail(code) } } }),
);

/** The file hashes re-checked at every launch. */
export const launchIntegrity = port(
  'the installer launches an app without re-checking its files against the store signature',
  () => ({ phones: { install: { ...STORE_ONLY, launch: () => null } } }),
  (code) => ({ phones: { install: { ...STORE_ONLY, launch: () => code as ErrorCode } } }),
);

/** The OEM release-key signature over FOTA manifests (checked at install and at every boot). */
export const fotaSignature = port(
  'FOTA installs and boots a package without verifying its OEM release-key signature',
  () => ({
    phones: {
      firmwareTrust: (key: CryptoKey) => ({
        ...oemFirmwareTrust(key),
        verifyManifest: async (jws: string) => unverifiedManifest(jws),
      }),
    },
  }),
  (code) => ({
    phones: {
      firmwareTrust: (key: CryptoKey) => ({ ...oemFirmwareTrust(key), verifyManifest: async () => fail(code) }),
    },
  }),
);

/** The anti-rollback floor: only newer firmware at or above the rollback index installs and boots. */
export const rollbackFloor = port(
  'FOTA installs and boots firmware below the rollback index',
  () => ({
    phones: {
      firmwareTrust: (key: CryptoKey) => ({ ...oemFirmwareTrust(key), checkNewer: () => {}, bootsAtFloor: () => true }),
    },
  }),
  (code) => ({
    phones: { firmwareTrust: (key: CryptoKey) => ({ ...oemFirmwareTrust(key), checkNewer: () => fail(code) }) },
  }),
);

/** A risk engine that declines everything under a rule id of the stub's choosing (the stub of risk-side controls). */
const riskDeclines = (code: string): Overrides => ({
  stack: { transaction: { assessRisk: async () => ({ decision: 'DECLINE', ruleIds: [code], reason: 'stub' }) } },
});

/**
 * Device revocation as the payment path honours it: the transaction
 * service's standing check, and risk's device.status rule.
 */
export const deviceRevocation = port(
  "a revoked device's token is honoured: the transaction service's standing " +
    "check passes every device, and risk's device.status rule weighs nothing",
  () => ({
    stack: { transaction: { checkDevice: async () => {} } },
    env: { RISK_RULES_FILE: rulesEdited((r) => ruleOff(r, 'device.status')) },
  }),
  (code) => ({ stack: { transaction: { checkDevice: async () => fail(code) } } }),
);

/** The OEM-signed attestation status list (revoked batch CAs). */
export const batchStatusList = port(
  'the attestation service reads a status list that revokes nothing, whatever the OEM published',
  () => ({ stack: { attestation: { statusList: async () => EMPTY_STATUS_LIST } } }),
  (code) => {
    let loads = 0;
    return { stack: { attestation: { statusList: async () => (loads++ ? fail(code) : EMPTY_STATUS_LIST) } } };
  },
);

/** One binding of a reported fact (boot key, app signer, patch level) to what the OEM or the developer signed. */
export const signedFact = (fact: keyof SignedFacts, what: string): ControlPort =>
  port(
    `the attestation service takes the reported ${what} without ` +
      `checking it against signed data (every other check stays in force)`,
    () => ({ stack: { attestation: { signedFacts: { ...SIGNED_FACTS, [fact]: () => true } } } }),
    (code) => ({
      stack: {
        attestation: {
          signedFacts: {
            ...SIGNED_FACTS,
            [fact]: (r: Parameters<SignedFacts['bootKey']>[0], t: Parameters<SignedFacts['bootKey']>[1]) =>
              SIGNED_FACTS[fact](r, t) || fail(code),
          },
        },
      },
    }),
  );

/** Who may call RiskService.Assess: the transaction service's certificate identity only. */
export const assessCallers = port(
  'the risk service lets any certificate of the stack CA call Assess',
  () => ({ stack: { risk: { authorizeCaller: () => true } } }),
  (code) => ({ stack: { risk: { authorizeCaller: (allowed, peer) => byIdentity(allowed, peer) || fail(code) } } }),
);

/**
 * Which CA may name which caller (kit/src/tls.ts): a certificate the device CA signed names a device,
 * never a service or an operator. Turned off, the risk service authorizes on the name alone.
 */
export const callerIssuer = port(
  "the risk service takes a caller's identity from its certificate's name, whichever CA under the root signed it",
  () => ({
    stack: { risk: { authorizeCaller: (allowed, peer) => identityAllowed(allowed, peer.id || (peer.claimed ?? '')) } },
  }),
  (code) => ({ stack: { risk: { authorizeCaller: (allowed, peer) => byIdentity(allowed, peer) || fail(code) } } }),
);

/** Append-only decision trails: the first trail of a transaction and stage is never replaced. */
export const appendOnlyTrail = port(
  "the risk store replaces a transaction's decision trail with every new assessment",
  () => ({
    stack: {
      risk: {
        wrapStore: (s) => {
          const rewritten = new Map<string, DecisionRecord>();
          return withMethods(s, {
            appendDecision: async (rec) => {
              rewritten.set(trailKey(rec.transactionId, rec.stage), rec);
              return rec;
            },
            getDecision: async (id, stage) => rewritten.get(trailKey(id, stage)) ?? s.getDecision(id, stage),
          });
        },
      },
    },
  }),
  (code) => ({
    stack: {
      risk: {
        wrapStore: (s) =>
          withMethods(s, {
            appendDecision: async (rec) =>
              (await s.getDecision(rec.transactionId, rec.stage)) ? fail(code) : s.appendDecision(rec),
          }),
      },
    },
  }),
);

/** Holds nothing and refuses nothing: each decision sees only the windows learned from posted payments. */
const holdNothing: ReservationStrategy = () => ({
  reserve: async (_id, _amount, claims) => ({
    reserved: true,
    windows: claims.map((c) => ({ ...c, amount: 0, count: 0, reserved: false })),
  }),
  confirm: async () => {},
  release: async () => {},
});

/** The atomic reservation of an approved payment in its day and velocity windows (risk rule limits.reserve). */
export const windowReservations = port(
  'risk reserves nothing in the day and velocity windows: each decision sees only the payments already posted',
  () => ({ stack: { risk: { reservations: holdNothing } } }),
  riskDeclines,
);

/** The mobile operator's SIM-swap signals: the CAMARA SIM Swap answer and the network events. */
export const simSwapSignals = port(
  "the operator's SIM-swap signals are lost: risk's CAMARA SIM Swap client " +
    "always answers not swapped, and the operator's network events go nowhere",
  () => ({
    stack: {
      risk: { operator: { check: async () => ({ swapped: false }) } },
      mno: { events: { simChanged: async () => {} } },
    },
  }),
  riskDeclines,
);

/** The callback-origin check: a request's X-Callback-URL must fall under the integrator's registered origins. */
export const callbackOrigins = port(
  "the transaction service calls back whatever X-Callback-URL a request names, the stack's own addresses included",
  () => ({ stack: { transaction: { callbackTarget: (raw) => new URL(raw).href } } }),
  (code) => ({ stack: { transaction: { callbackTarget: () => fail(code) } } }),
);

/**
 * A cash-out code moves money once: the conditional redeem (state ACTIVE, or redeemed by this very
 * request) and the one withdrawal transfer per code (`#withdrawal:<code>` idempotency key).
 */
export const codeSingleUse = port(
  'the ledger store hands a redeemed cash-out code out again, and files each withdrawal with it as a new transfer',
  () => ({
    stack: {
      transaction: {
        wrapStore: (s) => {
          const redeemed = new Map<string, Awaited<ReturnType<typeof s.redeemAuthCode>>>();
          return withMethods(s, {
            redeemAuthCode: async (id, match, by, now, max) => {
              const c = (await s.redeemAuthCode(id, match, by, now, max)) ?? redeemed.get(id) ?? null;
              if (c) redeemed.set(id, c);
              return c;
            },
            insertTransfer: async (t) =>
              s.insertTransfer(t.kind === 'withdrawal' ? { ...t, idempotencyKey: `${t.idempotencyKey}.${t.id}` } : t),
          });
        },
      },
    },
  }),
  (code) => ({
    stack: { transaction: { wrapStore: (s) => withMethods(s, { redeemAuthCode: async () => fail(code) }) } },
  }),
);

/** The operator's confirmation of a phone's SIM report before its number names a wallet. */
export const numberVerification = port(
  'the transaction service binds a number to whichever phone reports it, without asking the operator',
  () => ({ stack: { transaction: { numbers: { verify: async () => true } } } }),
  // the stub confirms the binding (the phone held the SIM then) and refuses at the resolution this attack meets
  (code) => {
    let asked = 0;
    return { stack: { transaction: { numbers: { verify: async () => asked++ === 0 || fail(code) } } } };
  },
);
