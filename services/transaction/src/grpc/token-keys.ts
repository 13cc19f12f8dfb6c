import { createLocalJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { contracts } from '../../../../kit/src/contracts.js';
import { call, createClient } from '../../../../kit/src/grpc-client.js';
import type { TlsMaterial } from '../../../../kit/src/tls.js';

const REFRESH_COOLDOWN_MS = 1000;
const DEFAULT_MAX_AGE_SEC = 60;

/**
 * The attestation service's token keys, fetched over mTLS: refreshed when a token names an unknown
 * `kid` (so key rotation needs no restart; at most one fetch per cooldown, later callers wait for it)
 * and whenever the set is older than the max age the service announces (so a retired key stops
 * verifying within that time). `deviceStanding` asks the registry for a device's standing.
 */
export function attestationTokenKeys(address: string, tls: TlsMaterial) {
  const client = createClient(contracts().AttestationService, address, tls, 'attestation');
  let set: JWTVerifyGetKey | undefined;
  let fetchedAt = 0;
  let maxAgeMs = DEFAULT_MAX_AGE_SEC * 1000;
  let inflight: Promise<void> | undefined;
  const refresh = () =>
    (inflight ??= (async () => {
      try {
        const { jwksJson, maxAgeSec } = await call(client, client.GetTokenKeys, {});
        set = createLocalJWKSet(JSON.parse(jwksJson) as JSONWebKeySet);
        maxAgeMs = (maxAgeSec > 0 ? maxAgeSec : DEFAULT_MAX_AGE_SEC) * 1000;
        fetchedAt = Date.now();
      } finally {
        inflight = undefined;
      }
    })());
  const resolve: JWTVerifyGetKey = async (header, token) => {
    if (!set || Date.now() - fetchedAt >= maxAgeMs) await refresh();
    try {
      return await set!(header, token);
    } catch {
      const wait = fetchedAt + REFRESH_COOLDOWN_MS - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      await refresh();
      return set!(header, token);
    }
  };
  const deviceStanding = async (deviceId: string) => {
    const s = await call(client, client.GetDeviceStatus, { deviceId }, 2000);
    return { status: s.status, notBeforeMs: Number(s.notBeforeMs) };
  };
  return { resolve, deviceStanding, close: () => client.close() };
}
