import { z } from 'zod';

/** A wallet or merchant account id. */
export const AccountId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9:_\-.]{0,63}$/);

/** An amount on the wire: minor units as a decimal string, ISO 4217 currency. */
export const WireMoney = z.object({ minorUnits: z.string(), currency: z.string() }).strict();
export type WireMoney = z.infer<typeof WireMoney>;

/** A base64url SHA-256 digest (43 characters). */
export const Sha256B64url = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

/** A phone number in E.164 form (`+` and 5 to 15 digits). */
export const Msisdn = z.string().regex(/^\+[1-9]\d{4,14}$/);

/** The device tiers the attestation service grants. */
export const Tier = z.enum(['HIGH', 'STANDARD', 'LOW']);
export type Tier = z.infer<typeof Tier>;
