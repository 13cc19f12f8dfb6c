import { status as GrpcStatus } from '@grpc/grpc-js';

/** How one stable error code crosses the edges: gRPC status, HTTP status, the whitelisted client message. */
interface CodeSpec {
  grpc: GrpcStatus;
  http: number;
  message: string;
}

const spec = (grpc: GrpcStatus, http: number, message: string): CodeSpec => ({ grpc, http, message });
const {
  INVALID_ARGUMENT,
  PERMISSION_DENIED,
  UNAUTHENTICATED,
  FAILED_PRECONDITION,
  NOT_FOUND,
  ALREADY_EXISTS,
  UNAVAILABLE,
  ABORTED,
  INTERNAL,
  RESOURCE_EXHAUSTED,
  DEADLINE_EXCEEDED,
} = GrpcStatus;

/**
 * The one error-code table of the stack. Every error a client can see has a stable code here;
 * tests assert on these codes, never on message text.
 */
export const ERROR_CODES = {
  // generic edge errors
  INVALID_ARGUMENT: spec(INVALID_ARGUMENT, 400, 'The request is malformed.'),
  REQUEST_ENCODING_UNSUPPORTED: spec(
    INVALID_ARGUMENT,
    415,
    'The request body uses a content encoding or charset this API does not accept.',
  ),
  REQUEST_TOO_LARGE: spec(INVALID_ARGUMENT, 413, 'The request body is larger than this API accepts.'),
  CALLER_NOT_ALLOWED: spec(PERMISSION_DENIED, 403, 'This caller may not call this method.'),
  RATE_LIMITED: spec(RESOURCE_EXHAUSTED, 429, 'Too many requests.'),
  OVERLOADED: spec(
    RESOURCE_EXHAUSTED,
    503,
    'The service is at capacity and refused the request before doing anything; retry after the hinted delay.',
  ),
  INTERNAL: spec(INTERNAL, 500, 'Internal error.'),
  UNAVAILABLE: spec(UNAVAILABLE, 503, 'The service is not available.'),
  CONFIG_INVALID: spec(INTERNAL, 500, 'The configuration is invalid.'),
  // attestation
  ATTESTATION_CHALLENGE_UNKNOWN: spec(PERMISSION_DENIED, 403, 'Unknown attestation challenge.'),
  ATTESTATION_CHALLENGE_REUSED: spec(PERMISSION_DENIED, 403, 'The attestation challenge was already used.'),
  ATTESTATION_CHALLENGE_EXPIRED: spec(PERMISSION_DENIED, 403, 'The attestation challenge has expired.'),
  ATTESTATION_CHALLENGE_NOT_BOUND: spec(
    PERMISSION_DENIED,
    403,
    'The attestation challenge was issued to another request.',
  ),
  ATTESTATION_CHALLENGE_MISMATCH: spec(PERMISSION_DENIED, 403, 'The evidence does not carry the issued challenge.'),
  ATTESTATION_CHAIN_INVALID: spec(PERMISSION_DENIED, 403, 'The attestation chain does not verify.'),
  ATTESTATION_SIGNATURE_ALGORITHM: spec(
    PERMISSION_DENIED,
    403,
    'The attestation chain uses a signature algorithm that is not allowed.',
  ),
  ATTESTATION_CERT_VALIDITY: spec(
    PERMISSION_DENIED,
    403,
    'A certificate of the attestation chain is outside its validity period.',
  ),
  ATTESTATION_SELF_SIGNED: spec(PERMISSION_DENIED, 403, 'The attestation chain contains a self-signed certificate.'),
  ATTESTATION_ROOT_UNKNOWN: spec(PERMISSION_DENIED, 403, 'The attestation chain does not end at a pinned root.'),
  ATTESTATION_BATCH_REVOKED: spec(PERMISSION_DENIED, 403, 'The attestation batch key of this device has been revoked.'),
  ATTESTATION_STATUS_LIST_INVALID: spec(
    INVALID_ARGUMENT,
    400,
    'The attestation status list is not validly signed, or older than the one in force.',
  ),
  ATTESTATION_CERT_REVOKED: spec(PERMISSION_DENIED, 403, 'A certificate of the attestation chain is revoked.'),
  ATTESTATION_ISSUER_NOT_CA: spec(PERMISSION_DENIED, 403, 'An issuer of the attestation chain is not a CA.'),
  ATTESTATION_EXTENSION_COUNT: spec(
    PERMISSION_DENIED,
    403,
    'The attestation chain must carry exactly one attestation extension, in the leaf.',
  ),
  ATTESTATION_EXTENSION_INVALID: spec(PERMISSION_DENIED, 403, 'The attestation record is missing or malformed.'),
  ATTESTATION_PROOF_INVALID: spec(PERMISSION_DENIED, 403, 'The proof of possession does not verify.'),
  ATTESTATION_DEVICE_REVOKED: spec(PERMISSION_DENIED, 403, 'This device has been revoked.'),
  ATTESTATION_KEY_REVOKED: spec(PERMISSION_DENIED, 403, 'The attested key has been revoked.'),
  ATTESTATION_EVIDENCE_EXPIRED: spec(PERMISSION_DENIED, 403, 'The attestation evidence is too old.'),
  ATTESTATION_KEY_EXPORTABLE: spec(PERMISSION_DENIED, 403, 'The attested key is exportable.'),
  ATTESTATION_KEY_PROPERTIES: spec(PERMISSION_DENIED, 403, 'The attested key does not have the required properties.'),
  ATTESTATION_KEY_OWNER: spec(PERMISSION_DENIED, 403, 'The attested key is not owned by the payment daemon.'),
  ATTESTATION_UNKNOWN_APPLICATION: spec(PERMISSION_DENIED, 403, 'The attesting application is not allowed.'),
  ATTESTATION_DEVICE_ROOTED: spec(PERMISSION_DENIED, 403, 'The device is rooted.'),
  ATTESTATION_EMULATOR: spec(PERMISSION_DENIED, 403, 'The device is an emulator.'),
  ATTESTATION_DEBUG_ENABLED: spec(PERMISSION_DENIED, 403, 'The device has debugging enabled.'),
  ATTESTATION_DEVELOPER_MODE: spec(PERMISSION_DENIED, 403, 'The device is in developer mode.'),
  ATTESTATION_BOOT_UNVERIFIED: spec(PERMISSION_DENIED, 403, 'The device did not boot verified firmware.'),
  ATTESTATION_BOOTLOADER_UNLOCKED: spec(PERMISSION_DENIED, 403, 'The device bootloader is unlocked.'),
  ATTESTATION_ROLLBACK: spec(PERMISSION_DENIED, 403, 'The device runs older firmware than it has run before.'),
  ATTESTATION_PATCH_TOO_OLD: spec(PERMISSION_DENIED, 403, 'The device security patch level is below the minimum.'),
  ATTESTATION_APP_SIGNER_MISMATCH: spec(
    PERMISSION_DENIED,
    403,
    "The payment app package is not signed by its developer's certificate.",
  ),
  ATTESTATION_BOOT_KEY_UNKNOWN: spec(PERMISSION_DENIED, 403, 'The verified boot key is not one this model ships with.'),
  ATTESTATION_FIRMWARE_UNSIGNED: spec(
    PERMISSION_DENIED,
    403,
    'The firmware manifest is missing or not signed by the OEM.',
  ),
  ATTESTATION_PATCH_LEVEL_MISMATCH: spec(
    PERMISSION_DENIED,
    403,
    'The reported patch level disagrees with the signed firmware manifest.',
  ),
  ATTESTATION_SECURITY_LEVEL_MISMATCH: spec(
    PERMISSION_DENIED,
    403,
    'The record claims a security level its certificate chain does not prove.',
  ),
  ATTESTATION_ESE_REQUIRED: spec(PERMISSION_DENIED, 403, 'The attested key is not held in a secure element.'),
  ATTESTATION_KEY_CONFLICT: spec(PERMISSION_DENIED, 403, 'This device is already enrolled with another key.'),
  ATTESTATION_DEVICE_NOT_FOUND: spec(NOT_FOUND, 404, 'Device not found.'),
  ATTESTATION_TOKEN_KEY_NOT_FOUND: spec(NOT_FOUND, 404, 'No retired token key with this id.'),
  ATTESTATION_OPERATOR_UNAUTHENTICATED: spec(UNAUTHENTICATED, 401, 'A valid operator credential is required.'),
  // tokens and payment authentication
  JWS_TYPE_MISMATCH: spec(UNAUTHENTICATED, 401, 'The signed object is not of the kind this call takes (JWS typ).'),
  TOKEN_INVALID: spec(UNAUTHENTICATED, 401, 'The attestation token is not valid.'),
  TOKEN_REVOKED: spec(
    UNAUTHENTICATED,
    401,
    'This attestation token was issued before the device was last revoked; enroll again.',
  ),
  DEVICE_REVOKED: spec(PERMISSION_DENIED, 403, 'This device has been revoked.'),
  DEVICE_REATTESTATION_REQUIRED: spec(
    FAILED_PRECONDITION,
    409,
    'The attestation batch of this device was revoked; it must attest again.',
  ),
  DEVICE_STATUS_UNAVAILABLE: spec(UNAVAILABLE, 503, 'The device registry did not answer; try again.'),
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
  LEDGER_OPERATOR_UNAUTHENTICATED: spec(UNAUTHENTICATED, 401, 'A valid operator credential is required.'),
  TRANSACTION_NOT_FOUND: spec(NOT_FOUND, 404, 'Transaction not found.'),
  TRANSACTION_IN_PROGRESS: spec(UNAVAILABLE, 503, 'The transaction has no final result yet; ask again shortly.'),
  PAYMENT_ABANDONED: spec(
    FAILED_PRECONDITION,
    409,
    'The payer abandoned this payment before it arrived; it will not post.',
  ),
  // risk
  RISK_DECLINED: spec(FAILED_PRECONDITION, 422, 'The payment was declined by risk rules.'),
  RISK_UNAVAILABLE: spec(UNAVAILABLE, 503, 'The risk service did not answer in time.'),
  RISK_TIMEOUT: spec(DEADLINE_EXCEEDED, 504, 'The risk service did not answer in time.'),
  RISK_OPERATOR_UNAUTHENTICATED: spec(UNAUTHENTICATED, 401, 'A valid operator credential is required.'),
  FEATURE_UPDATE_CONFLICT: spec(ABORTED, 409, 'A risk feature document kept changing; the event is applied again.'),
  // infrastructure
  STORE_UNAVAILABLE: spec(UNAVAILABLE, 503, 'The data store is not available.'),
  BUS_UNAVAILABLE: spec(UNAVAILABLE, 503, 'The event bus is not available.'),
  DEVICE_UPDATE_CONFLICT: spec(ABORTED, 409, 'The device record kept changing during this request; try again.'),
  // transaction
  STEP_UP_INVALID: spec(UNAUTHENTICATED, 401, 'The step-up confirmation does not verify.'),
  STEP_UP_NOT_PENDING: spec(FAILED_PRECONDITION, 409, 'No step-up is waiting for this transaction.'),
  STEP_UP_EXPIRED: spec(FAILED_PRECONDITION, 409, 'The step-up was not confirmed in time.'),
  PAYMENT_REQUEST_NOT_FOUND: spec(NOT_FOUND, 404, 'Payment request not found.'),
  PAYMENT_REQUEST_NOT_PENDING: spec(FAILED_PRECONDITION, 409, 'The payment request is no longer pending.'),
  PAYMENT_REQUEST_EXPIRED: spec(FAILED_PRECONDITION, 409, 'The payment request has expired.'),
  PAYMENT_REQUEST_MISMATCH: spec(PERMISSION_DENIED, 403, 'The payment does not match the payment request.'),
  AUTHORISATION_CODE_INVALID: spec(
    PERMISSION_DENIED,
    403,
    'The authorisation code is not valid for this withdrawal (unknown, used, expired, or another amount).',
  ),
  TRANSACTION_NOT_REVERSIBLE: spec(
    FAILED_PRECONDITION,
    409,
    'The transaction cannot be reversed or refunded by this amount.',
  ),
  INTEGRATOR_UNAUTHENTICATED: spec(UNAUTHENTICATED, 401, 'A valid X-API-Key header is required.'),
  INTEGRATOR_TOKEN_INVALID: spec(UNAUTHENTICATED, 401, 'The bearer access token is invalid or has expired.'),
  OAUTH_CLIENT_INVALID: spec(UNAUTHENTICATED, 401, 'Client authentication failed.'),
  OAUTH_GRANT_UNSUPPORTED: spec(INVALID_ARGUMENT, 400, 'Only the client_credentials grant is supported.'),
  INTEGRATOR_IDENTIFIER_TYPE_UNSUPPORTED: spec(
    INVALID_ARGUMENT,
    400,
    'This account identifier type is not supported; use accountid or walletid.',
  ),
  INTEGRATOR_DATE_INVALID: spec(
    INVALID_ARGUMENT,
    400,
    'The X-Date header is not an RFC 7231 HTTP date or an RFC 3339 date-time.',
  ),
  CALLBACK_URL_NOT_ALLOWED: spec(
    INVALID_ARGUMENT,
    400,
    "The X-Callback-URL is not an https URL without credentials or fragment under the integrator's callback origins.",
  ),
  REATTESTATION_REQUIRED: spec(FAILED_PRECONDITION, 409, 'This amount needs a fresh attestation of the device.'),
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
  // device
  DEVICE_ACCESS_DENIED: spec(PERMISSION_DENIED, 403, 'This process may not call this device API.'),
  ESE_KEY_PURPOSE: spec(PERMISSION_DENIED, 403, 'The key may not be used for this operation.'),
  ESE_KEY_NOT_EXPORTABLE: spec(PERMISSION_DENIED, 403, 'Secret key material never leaves the eSE.'),
  ESE_DECRYPT_FAILED: spec(INVALID_ARGUMENT, 400, 'The ciphertext does not decrypt under this key.'),
  ESE_STORAGE_NOT_FOUND: spec(NOT_FOUND, 404, "No such item in this owner's secure storage."),
  PIN_NOT_SET: spec(FAILED_PRECONDITION, 409, 'No PIN is set.'),
  PIN_ALREADY_SET: spec(FAILED_PRECONDITION, 409, 'A PIN is already set; change it with the old PIN.'),
  PIN_RESET_INVALID: spec(PERMISSION_DENIED, 403, 'The PIN reset is not a valid backend-signed reset for this phone.'),
  FOTA_SIGNATURE_INVALID: spec(PERMISSION_DENIED, 403, 'The update or image is not signed by the OEM.'),
  FOTA_ROLLBACK_REFUSED: spec(FAILED_PRECONDITION, 409, 'The update or image is older than the anti-rollback floor.'),
  FOTA_PACKAGE_TAMPERED: spec(
    PERMISSION_DENIED,
    403,
    'The update package or the image it builds does not match its signed hash.',
  ),
  FOTA_DIFF_BASE_MISMATCH: spec(
    FAILED_PRECONDITION,
    409,
    'The differential update is built from another base than the running firmware.',
  ),
  FOTA_MODEL_MISMATCH: spec(FAILED_PRECONDITION, 409, 'The update is for another phone model.'),
  FOTA_PACKAGE_TOO_LARGE: spec(FAILED_PRECONDITION, 413, 'The update package is larger than the phone accepts.'),
  FOTA_BOOT_FAILED: spec(
    FAILED_PRECONDITION,
    409,
    'The installed update did not boot; the phone fell back to the previous firmware.',
  ),
  FOTA_DOWNLOAD_FAILED: spec(
    UNAVAILABLE,
    503,
    'The update could not be downloaded; the download resumes on the next attempt.',
  ),
  FOTA_RELEASE_NOT_FOUND: spec(NOT_FOUND, 404, 'No such release or package.'),
  BROKER_PERMISSION_DENIED: spec(
    PERMISSION_DENIED,
    403,
    'The app lacks the permission or the trust level for this API.',
  ),
  BROKER_NATIVE_ONLY: spec(PERMISSION_DENIED, 403, 'This API is for native code only.'),
  BROKER_LAUNCH_DENIED: spec(PERMISSION_DENIED, 403, 'An app cannot launch another app directly.'),
  STORE_SIGNATURE_INVALID: spec(PERMISSION_DENIED, 403, 'The package is not signed by the store.'),
  STORE_INTEGRITY_FAILED: spec(PERMISSION_DENIED, 403, 'The package files do not match their signed hashes.'),
  STORE_SIDELOAD_REFUSED: spec(PERMISSION_DENIED, 403, 'Sideloading is not allowed on a user build.'),
  STORE_APP_NOT_INSTALLED: spec(NOT_FOUND, 404, 'No such app is installed.'),
  NFC_BUSY: spec(FAILED_PRECONDITION, 409, 'NFC is locked by another native caller.'),
  NFC_NO_CARD: spec(FAILED_PRECONDITION, 409, 'No card or tag is in the NFC field.'),
  NFC_CHANNEL_INVALID: spec(UNAUTHENTICATED, 401, 'The NFC secure channel message does not authenticate.'),
  NFC_TAG_INVALID: spec(INVALID_ARGUMENT, 400, 'The tag does not carry a valid payment request.'),
  NFC_TAG_UNTRUSTED: spec(PERMISSION_DENIED, 403, 'The merchant tag is not signed by the payment backend.'),
  APDU_MALFORMED: spec(INVALID_ARGUMENT, 400, 'The APDU is malformed.'),
  APDU_REFUSED: spec(FAILED_PRECONDITION, 422, 'The card answered with an error status word.'),
  CAMERA_DISABLED: spec(FAILED_PRECONDITION, 409, 'The camera is disabled.'),
  CAMERA_NOT_INITIATOR: spec(PERMISSION_DENIED, 403, 'Only the caller that disabled the camera may enable it.'),
  UI_OVERLAY_REFUSED: spec(PERMISSION_DENIED, 403, 'Nothing may draw over a secure screen.'),
  // the operator console (cli/console)
  CONSOLE_UNAUTHENTICATED: spec(UNAUTHENTICATED, 401, 'A valid operator credential is required.'),
  CONSOLE_PHONE_NOT_FOUND: spec(NOT_FOUND, 404, 'No such phone in this console.'),
  CONSOLE_PHONE_BUSY: spec(FAILED_PRECONDITION, 409, 'The phone is busy or not in a state for this action.'),
  CONSOLE_RUN_IN_PROGRESS: spec(FAILED_PRECONDITION, 409, 'A run of this kind is in progress; wait until it ends.'),
  CONSOLE_SCENARIO_NOT_FOUND: spec(NOT_FOUND, 404, 'No threat scenario has this id.'),
  // mobile network operator (CAMARA SIM Swap) and SIM-aware risk
  MNO_UNAUTHENTICATED: spec(UNAUTHENTICATED, 401, 'A valid operator API credential is required.'),
  MNO_IDENTIFIER_NOT_FOUND: spec(NOT_FOUND, 404, 'The phone number is not a line of this operator.'),
  MNO_OUT_OF_RANGE: spec(INVALID_ARGUMENT, 400, 'maxAge must be between 1 and 2400 hours.'),
  MNO_MISSING_IDENTIFIER: spec(FAILED_PRECONDITION, 422, 'The phone number is required.'),
  NUMBER_VERIFICATION_UNAVAILABLE: spec(
    UNAVAILABLE,
    503,
    'The mobile operator did not confirm the phone number in time; try again.',
  ),
  SIM_SWAP_CHECK_UNAVAILABLE: spec(
    UNAVAILABLE,
    503,
    'The mobile operator could not confirm the SIM was not swapped; this amount is refused.',
  ),
  DEVICE_REPORT_INVALID: spec(UNAUTHENTICATED, 401, "The device report is not signed by this device's attested key."),
} as const satisfies Record<string, CodeSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The one error base class: a stable code for clients, an optional cause kept for logs only. */
export class DfsError extends Error {
  /** How long the caller should wait before retrying (OVERLOADED), carried to clients as metadata. */
  readonly retryAfterMs?: number;

  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
    options?: { cause?: unknown; retryAfterMs?: number },
  ) {
    super(detail ? `${code}: ${detail}` : code, options);
    this.name = 'DfsError';
    if (options?.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
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
