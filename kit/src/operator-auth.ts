/* eslint-disable security/detect-non-literal-fs-filename --
   the token file is a fixed name under the validated state directory */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RequestHandler } from 'express';
import { DfsError, type ErrorCode } from './errors.js';

/**
 * A bearer secret (an operator token, the operator simulator's API key): the configured value when
 * set, otherwise a random one generated once into `file` under the state directory (mode 0600) and
 * read from there afterwards.
 */
export function loadOrCreateSecret(fromEnv: string | undefined, file: string): string {
  if (fromEnv) return fromEnv;
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const token = randomBytes(32).toString('base64url');
  try {
    writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8').trim();
    throw err;
  }
  return token;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** True when `presented` equals `expected`, compared in constant time (over SHA-256 digests of equal length). */
export function sameSecret(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

/** Middleware: requires `Authorization: Bearer <secret>` (the operator token, an API key; `code`, a 401, otherwise). */
export function requireBearer(token: string, code: ErrorCode): RequestHandler {
  return (req, _res, next) => {
    const m = /^Bearer ([\x21-\x7e]{1,512})$/.exec(req.get('authorization') ?? '');
    next(m && sameSecret(m[1]!, token) ? undefined : new DfsError(code));
  };
}
