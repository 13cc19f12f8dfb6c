import { status as GrpcStatus } from '@grpc/grpc-js';

/** How one stable error code crosses the edges: gRPC status, HTTP status, the whitelisted client message. */
interface CodeSpec {
  grpc: GrpcStatus;
  http: number;
  message: string;
}

const spec = (grpc: GrpcStatus, http: number, message: string): CodeSpec => ({ grpc, http, message });
const { INVALID_ARGUMENT, PERMISSION_DENIED, UNAUTHENTICATED, FAILED_PRECONDITION, NOT_FOUND, ALREADY_EXISTS, UNAVAILABLE, INTERNAL, RESOURCE_EXHAUSTED, DEADLINE_EXCEEDED } = GrpcStatus;

/**
 * The one error-code table of the stack. Every error a client can see has a stable code here;
 * tests assert on these codes, never on message text.
 */
export const ERROR_CODES = {
  // generic edge errors
  INVALID_ARGUMENT: spec(INVALID_ARGUMENT, 400, 'The request is malformed.'),
  CALLER_NOT_ALLOWED: spec(PERMISSION_DENIED, 403, 'This caller may not call this method.'),
  RATE_LIMITED: spec(RESOURCE_EXHAUSTED, 429, 'Too many requests.'),
  INTERNAL: spec(INTERNAL, 500, 'Internal error.'),
  UNAVAILABLE: spec(UNAVAILABLE, 503, 'The service is not available.'),
  CONFIG_INVALID: spec(INTERNAL, 500, 'The configuration is invalid.'),
  // attestation
  ATTESTATION_CHALLENGE_UNKNOWN: spec(PERMISSION_DENIED, 403, 'Unknown attestation challenge.'),
  ATTESTATION_CHALLENGE_REUSED: spec(PERMISSION_DENIED, 403, 'The attestation challenge was already used.'),
  ATTESTATION_CHALLENGE_EXPIRED: spec(PERMISSION_DENIED, 403, 'The attestation challenge has expired.'),
  ATTESTATION_CHALLENGE_MISMATCH: spec(PERMISSION_DENIED, 403, 'The evidence does not carry the issued challenge.'),
  ATTESTATION_CHAIN_INVALID: spec(PERMISSION_DENIED, 403, 'The attestation chain does not verify.'),
  ATTESTATION_ROOT_UNKNOWN: spec(PERMISSION_DENIED, 403, 'The attestation chain does not end at a pinned root.'),
  ATTESTATION_EXTENSION_INVALID: spec(PERMISSION_DENIED, 403, 'The attestation record is missing or malformed.'),
  ATTESTATION_PROOF_INVALID: spec(PERMISSION_DENIED, 403, 'The proof of possession does not verify.'),
  ATTESTATION_KEY_PROPERTIES: spec(PERMISSION_DENIED, 403, 'The attested key does not have the required properties.'),
  ATTESTATION_POLICY_REFUSED: spec(PERMISSION_DENIED, 403, 'The device does not meet the attestation policy.'),
  // tokens and payment authentication
  TOKEN_INVALID: spec(UNAUTHENTICATED, 401, 'The attestation token is not valid.'),
  TOKEN_EXPIRED: spec(UNAUTHENTICATED, 401, 'The attestation token has expired.'),
  PAYMENT_SIGNATURE_INVALID: spec(UNAUTHENTICATED, 401, 'The payment signature does not verify.'),
  PAYMENT_KEY_NOT_BOUND: spec(UNAUTHENTICATED, 401, 'The payment was not signed by the attested device key.'),
  PAYMENT_TOKEN_MISMATCH: spec(UNAUTHENTICATED, 401, 'The payment is not bound to this attestation token.'),
  PAYMENT_DEVICE_MISMATCH: spec(PERMISSION_DENIED, 403, 'The TLS client is not the attested device.'),
  PAYMENT_PAYER_NOT_OWNED: spec(PERMISSION_DENIED, 403, 'The payer account does not belong to this device.'),
  PAYMENT_STALE: spec(FAILED_PRECONDITION, 409, 'The payment is outside the freshness window.'),
  IDEMPOTENCY_KEY_REUSED: spec(ALREADY_EXISTS, 409, 'The idempotency key was used with a different payment.'),
  // ledger
  AMOUNT_INVALID: spec(INVALID_ARGUMENT, 400, 'The amount is not a valid positive integer of minor units.'),
  CURRENCY_INVALID: spec(INVALID_ARGUMENT, 400, 'The currency is not supported.'),
  LEDGER_ACCOUNT_NOT_FOUND: spec(NOT_FOUND, 404, 'Account not found.'),
  LEDGER_ACCOUNT_EXISTS: spec(ALREADY_EXISTS, 409, 'The account already exists.'),
  LEDGER_CURRENCY_MISMATCH: spec(FAILED_PRECONDITION, 422, 'The currency does not match the account.'),
  LEDGER_INSUFFICIENT_FUNDS: spec(FAILED_PRECONDITION, 422, 'Insufficient funds.'),
  LEDGER_JOURNAL_TAMPERED: spec(INTERNAL, 500, 'The journal hash chain does not verify.'),
  TRANSACTION_NOT_FOUND: spec(NOT_FOUND, 404, 'Transaction not found.'),
  // risk
  RISK_DECLINED: spec(FAILED_PRECONDITION, 422, 'The payment was declined by risk rules.'),
  RISK_UNAVAILABLE: spec(UNAVAILABLE, 503, 'The risk service did not answer in time.'),
  RISK_TIMEOUT: spec(DEADLINE_EXCEEDED, 504, 'The risk service did not answer in time.'),
  // phone side (never crosses the backend edge, listed here so every code lives in one table)
  RESPONSE_SIGNATURE_INVALID: spec(UNAUTHENTICATED, 502, 'The backend response signature does not verify.'),
  RESPONSE_MISMATCH: spec(UNAUTHENTICATED, 502, 'The backend response is not about this request.'),
  DEVICE_NOT_ENROLLED: spec(FAILED_PRECONDITION, 409, 'The payment daemon is not enrolled.'),
  ESE_UNAVAILABLE: spec(FAILED_PRECONDITION, 409, 'This phone has no eSE: the keystore is not available.'),
  ESE_KEY_NOT_FOUND: spec(NOT_FOUND, 404, 'No such key in the eSE.'),
  ESE_KEY_ACCESS_DENIED: spec(PERMISSION_DENIED, 403, 'The key belongs to another UID.'),
  ESE_AUTH_REQUIRED: spec(PERMISSION_DENIED, 403, 'The key needs a fresh PIN verification.'),
  ESE_PROVISION_LOCKED: spec(PERMISSION_DENIED, 403, 'The eSE identity is provision-locked.'),
  PIN_WRONG: spec(PERMISSION_DENIED, 403, 'Wrong PIN.'),
  PIN_LOCKED: spec(PERMISSION_DENIED, 403, 'The PIN is locked after too many wrong tries.'),
  PAYMENT_CANCELLED: spec(FAILED_PRECONDITION, 409, 'The payment was cancelled on the phone.'),
} as const satisfies Record<string, CodeSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The one error base class: a stable code for clients, an optional cause kept for logs only. */
export class DfsError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
    options?: { cause?: unknown },
  ) {
    super(detail ? `${code}: ${detail}` : code, options);
    this.name = 'DfsError';
  }
}

/** True when `code` is one of the table's codes. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_CODES, code);
}

/** The table entry for an error: unknown errors become INTERNAL so no cause leaks to clients. */
export function describeError(err: unknown): { code: ErrorCode } & CodeSpec {
  const code: ErrorCode = err instanceof DfsError ? err.code : 'INTERNAL';
  return { code, ...ERROR_CODES[code] };
}
