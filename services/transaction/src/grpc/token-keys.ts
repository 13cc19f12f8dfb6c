import { createLocalJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { contracts } from '../../../../kit/src/contracts.js';
import { call, createClient } from '../../../../kit/src/grpc-client.js';
import type { TlsMaterial } from '../../../../kit/src/tls.js';

const REFRESH_COOLDOWN_MS = 1000;

/**
 * The attestation service's token keys, fetched over mTLS and refreshed when a token names an
 * unknown `kid` (so key rotation needs no restart), at most once per cooldown.
 */
export function attestationTokenKeys(address: string, tls: TlsMaterial): { resolve: JWTVerifyGetKey; close(): void } {
  const client = createClient(contracts().AttestationService, address, tls, 'attestation');
  let set: JWTVerifyGetKey | undefined;
  let fetchedAt = 0;
  const refresh = async () => {
    fetchedAt = Date.now();
    const { jwksJson } = await call(client, client.GetTokenKeys, {});
    set = createLocalJWKSet(JSON.parse(jwksJson) as JSONWebKeySet);
  };
  const resolve: JWTVerifyGetKey = async (header, token) => {
    if (!set) await refresh();
    try {
      return await set!(header, token);
    } catch (err) {
      if (Date.now() - fetchedAt < REFRESH_COOLDOWN_MS) throw err;
      await refresh();
      return set!(header, token);
    }
  };
  return { resolve, close: () => client.close() };
}
