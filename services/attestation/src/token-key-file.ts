/* eslint-disable security/detect-non-literal-fs-filename --
   the ring file lives under the validated state directory; no path comes from a request */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { calculateJwkThumbprint, importJWK, type JWK } from 'jose';
import { z } from '../../../kit/src/config.js';
import { DfsError } from '../../../kit/src/errors.js';
import { loadOrCreateSigningKey } from '../../../kit/src/keys.js';
import { tokenKeyRing, type RingContents, type RingKey, type TokenKeyRing } from './domain/token-keys.js';

const Jwk = z.record(z.string(), z.string());
const RingFile = z.object({
  current: Jwk,
  next: Jwk,
  retired: z.array(z.object({ jwk: Jwk, retiredAtMs: z.number(), removeAtMs: z.number() })),
  removed: z.array(z.string()),
});

async function ringKey(privateJwk: JWK): Promise<RingKey> {
  const privateKey = (await importJWK({ ...privateJwk, alg: 'ES256' }, 'ES256')) as CryptoKey;
  const { d: _d, ...pub } = privateJwk;
  const kid = await calculateJwkThumbprint(pub);
  return { key: { kid, privateKey, publicJwk: { ...pub, kid, alg: 'ES256', use: 'sig' } }, privateJwk };
}

function readRing(file: string): z.infer<typeof RingFile> | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const parsed = RingFile.safeParse(JSON.parse(text));
  if (!parsed.success) throw new DfsError('CONFIG_INVALID', `${file}: not a token key ring`);
  return parsed.data;
}

/** Writes the ring whole (a temporary file renamed over the old one), readable by the service user only. */
function writeRing(file: string, ring: RingContents): void {
  const body = {
    current: ring.current.privateJwk,
    next: ring.next.privateJwk,
    retired: ring.retired.map((r) => ({ jwk: r.key.privateJwk, retiredAtMs: r.retiredAtMs, removeAtMs: r.removeAtMs })),
    removed: ring.removed,
  };
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(body), { mode: 0o600 });
  renameSync(tmp, file);
}

/** The first start's current key: `<state>/keys/attestation-token.jwk.json`, created when absent. */
async function initialKey(stateDir: string): Promise<RingKey> {
  await loadOrCreateSigningKey(stateDir, 'attestation-token');
  return ringKey(JSON.parse(readFileSync(join(stateDir, 'keys', 'attestation-token.jwk.json'), 'utf8')) as JWK);
}

/**
 * The attestation-token key ring of the state directory: `<state>/keys/attestation-token-ring.json`
 * (mode 0600) holds current, next and retired keys and the ids of removed keys, written on every
 * rotation and removal. Without it (first start) the ring starts from `attestation-token.jwk.json`.
 * A restart thus signs with the key the ring last had, and never signs with or publishes a removed key.
 */
export async function openTokenKeyRing(stateDir: string, graceMs: number, now = Date.now()): Promise<TokenKeyRing> {
  const file = join(stateDir, 'keys', 'attestation-token-ring.json');
  const kept = readRing(file);
  const saved = kept
    ? {
        current: await ringKey(kept.current),
        next: await ringKey(kept.next),
        retired: await Promise.all(
          kept.retired.map(async ({ jwk, retiredAtMs, removeAtMs }) => ({
            key: await ringKey(jwk),
            retiredAtMs,
            removeAtMs,
          })),
        ),
        removed: kept.removed,
      }
    : { current: await initialKey(stateDir) };
  return tokenKeyRing(saved, { graceMs, save: async (ring) => writeRing(file, ring) }, now);
}
