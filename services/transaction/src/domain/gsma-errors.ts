import type { GsmaError } from '../../../../contracts/integrator.js';
import { ERROR_CODES, isErrorCode, type ErrorCode } from '../../../../kit/src/errors.js';

type Category = GsmaError['errorCategory'];

/** Stable codes whose GSMA category and harmonised code are not the ones their HTTP status implies. */
const SPECIFIC: Partial<Record<ErrorCode, [Category, string]>> = {
  CURRENCY_INVALID: ['validation', 'currencyNotSupported'],
  LEDGER_CURRENCY_MISMATCH: ['businessRule', 'currencyNotSupported'],
  IDEMPOTENCY_KEY_REUSED: ['businessRule', 'duplicateRequest'],
  RATE_LIMITED: ['businessRule', 'rateLimitError'],
  INTEGRATOR_UNAUTHENTICATED: ['authorisation', 'clientAuthorisationError'],
  CALLER_NOT_ALLOWED: ['authorisation', 'requestingPartyAuthorisationError'],
  INTEGRATOR_IDENTIFIER_TYPE_UNSUPPORTED: ['identification', 'identifierError'],
  PAYMENT_REQUEST_EXPIRED: ['businessRule', 'requestDeclined'],
  LEDGER_INSUFFICIENT_FUNDS: ['businessRule', 'insufficientFunds'],
};

/** The GSMA category and harmonised code of an HTTP status, for codes without a specific mapping. */
function byStatus(http: number): [Category, string] {
  if (http === 401 || http === 403) return ['authorisation', 'clientAuthorisationError'];
  if (http === 404) return ['identification', 'identifierError'];
  if (http === 409 || http === 422) return ['businessRule', 'incorrectState'];
  if (http === 503) return ['serviceUnavailable', 'genericError'];
  if (http >= 500) return ['internal', 'genericError'];
  return ['validation', 'formatError'];
}

/**
 * The GSMA error object of a stable code: category and harmonised code from the one error table,
 * the table's message as the description, and the stable code itself in errorParameters (`code`),
 * with the offending field (`field`) when the refusal names one.
 */
export function gsmaError(code: string, field: string | undefined, now: number): GsmaError {
  const c: ErrorCode = isErrorCode(code) ? code : 'INTERNAL';
  const spec = ERROR_CODES[c];
  const [errorCategory, errorCode] = SPECIFIC[c] ?? byStatus(spec.http);
  return {
    errorCategory,
    errorCode,
    errorDescription: spec.message,
    errorDateTime: new Date(now).toISOString(),
    errorParameters: [{ key: 'code', value: code }, ...(field ? [{ key: 'field', value: field.slice(0, 256) }] : [])],
  };
}
