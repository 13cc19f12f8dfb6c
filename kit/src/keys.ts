/* eslint-disable security/detect-non-literal-fs-filename --
   key files live under the validated state directory; no path comes from a request */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { DfsError } from './errors.js';

/** An ES256 signing key with its public JWK; `kid` is the RFC 7638 thumbprint. */
export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK & { kid: string; alg: 'ES256'; use: 'sig' };
}

/** Generates a fresh ES256 signing key in memory. */
export async function generateSigningKey(): Promise<{ key: SigningKey; privateJwk: JWK }> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const privateJwk = await exportJWK(privateKey);
  return { key: await signingKeyOf(privateJwk), privateJwk };
}

/** The ES256 signing key of a private JWK, its `kid` the RFC 7638 thumbprint of its public part. */
export async function signingKeyOf(privateJwk: JWK): Promise<SigningKey> {
  const privateKey = (await importJWK({ ...privateJwk, alg: 'ES256' }, 'ES256')) as CryptoKey;
  const { d: _d, ...pub } = privateJwk;
  const kid = await calculateJwkThumbprint(pub);
  return { kid, privateKey, publicJwk: { ...pub, kid, alg: 'ES256', use: 'sig' } };
}

/**
 * A private JWK kept in a file. One that is not JSON is CONFIG_INVALID naming the file only: a JSON
 * error quotes the text it failed on, here a private key, into whatever logs the failure.
 */
export function readJwkFile(file: string): JWK {
  const text = readFileSync(file, 'utf8');
  try {
    return JSON.parse(text) as JWK;
  } catch {
    throw new DfsError('CONFIG_INVALID', `${file}: not a JSON Web Key`);
  }
}

/**
 * Loads a service signing key from the state directory, creating it on first use, so that all
 * processes of one service sign with the same key. Dev keys only: never committed.
 */
export async function loadOrCreateSigningKey(stateDir: string, name: string): Promise<SigningKey> {
  const file = join(stateDir, 'keys', `${name}.jwk.json`);
  try {
    return await signingKeyOf(readJwkFile(file));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const { key, privateJwk } = await generateSigningKey();
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  try {
    writeFileSync(file, JSON.stringify(privateJwk), { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateSigningKey(stateDir, name);
    throw err;
  }
  return key;
}

/** A JWKS document for the given public keys. */
export function jwks(keys: SigningKey[]): { keys: SigningKey['publicJwk'][] } {
  return { keys: keys.map((k) => k.publicJwk) };
}
