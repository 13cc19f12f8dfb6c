import { z } from 'zod';
import { AccountId, Msisdn, Sha256B64url } from './common.js';
import { signedContract } from './signed.js';

/** What the backend's PIN-reset authority signs to unlock one phone's PIN applet (R1, R5). */
export const PinReset = z
  .object({
    imei: z.string(),
    /** The nonce the applet issued. */
    nonce: z.string(),
    /** Seconds since the epoch. */
    exp: z.number().int(),
  })
  .strict();
export type PinReset = z.infer<typeof PinReset>;

/** A PIN reset, signed with the key installed in the eSE at the factory. */
export const PIN_RESET = signedContract('dfs-pin-reset+jws', 1, PinReset);

/** What the Kai Store signs for a package: the manifest digest and every file's digest (seed 001 §Signed Apps). */
export const KaiPackageContents = z.object({
  id: z.string(),
  version: z.number().int(),
  manifestSha256: z.string(),
  files: z.record(z.string(), z.string()),
});
export type KaiPackageContents = z.infer<typeof KaiPackageContents>;

/** A package signature by the Kai Store key. */
export const KAI_PACKAGE = signedContract('kai-package+jws', 1, KaiPackageContents);

/** The payment request a merchant tag carries (SFI 1 record 1), as the operator issues it at onboarding. */
export const TagPaymentRequest = z
  .object({
    payee: AccountId,
    amount: z
      .object({ minorUnits: z.string().regex(/^[1-9]\d{0,15}$/), currency: z.string().regex(/^[A-Z]{3}$/) })
      .strict(),
    reference: z.string().max(64).optional(),
  })
  .strict();
export type TagPaymentRequest = z.infer<typeof TagPaymentRequest>;

/** A merchant tag: a payment request signed with the payment backend's result key. */
export const MERCHANT_TAG = signedContract('dfs-merchant-tag+jws', 1, TagPaymentRequest);

const ReportFields = { reportId: z.uuid(), iat: z.number().int().positive() };

/**
 * What the phone reports to the backend for risk: a wrong PIN, a PIN lockout, or the SIM now in the
 * slot (its number and the SHA-256 of its IMSI). `reportId` makes a resent report one event.
 */
export const DeviceReport = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('pin_failed'), ...ReportFields }).strict(),
  z.object({ kind: z.literal('pin_locked'), ...ReportFields }).strict(),
  z.object({ kind: z.literal('sim_changed'), ...ReportFields, msisdn: Msisdn, imsiHash: Sha256B64url }).strict(),
]);
export type DeviceReport = z.infer<typeof DeviceReport>;

/**
 * A device report, signed by the attested eSE payment key (`jwk`
 * header); the eSE signs this typ, and only this one, without a PIN.
 */
export const DEVICE_REPORT = signedContract('dfs-device-report+jws', 1, DeviceReport);
