import { pino, type Logger } from 'pino';

/**
 * Paths never logged in clear: PINs, keys, tokens, signed payloads, account and phone numbers
 * (R5, R8). Applied to every logger of the stack.
 */
export const REDACTED_PATHS = [
  'pin',
  '*.pin',
  'privateKey',
  '*.privateKey',
  'key',
  '*.key',
  'token',
  '*.token',
  'attestationToken',
  '*.attestationToken',
  'signedPayment',
  '*.signedPayment',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'accountNumber',
  '*.accountNumber',
  'pan',
  '*.pan',
  'imei',
  '*.imei',
  'msisdn',
  '*.msisdn',
  'phoneNumber',
  '*.phoneNumber',
  'apiKey',
  '*.apiKey',
  'accessToken',
  '*.accessToken',
  'access_token',
  '*.access_token',
  'operatorToken',
  '*.operatorToken',
  'privateJwk',
  '*.privateJwk',
];

let destination = 1;

/** Sends every logger created from now on to this file descriptor (the CLI keeps stdout for its narration). */
export function setLogDestination(fd: 1 | 2): void {
  destination = fd;
}

/** The structured JSON logger of one component; child loggers per request add their bindings. */
export function createLogger(name: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino(
    { name, level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, base: { svc: name } },
    pino.destination({ fd: destination, sync: false }),
  );
}

/** Masks an account number or identifier for logs: keeps the last 4 characters. */
export function mask(value: string): string {
  return value.length <= 4 ? '****' : `${'*'.repeat(Math.min(value.length - 4, 8))}${value.slice(-4)}`;
}

export type { Logger };
