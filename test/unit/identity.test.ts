import { describe, expect, it } from 'vitest';
import { CALLERS, identityAllowed, parseSpiffeId, spiffeId } from '../../kit/src/identity.js';
import { peerFromAltNames } from '../../kit/src/tls.js';

describe('workload identities (SPIFFE URI SAN), never the OU', () => {
  it('reads kind and name from exactly one SPIFFE URI of the trust domain', () => {
    expect(
      peerFromAltNames('DNS:transaction, IP Address:127.0.0.1, URI:spiffe://dfs.local/service/transaction'),
    ).toEqual({ role: 'service', name: 'transaction', id: CALLERS.transaction });
    expect(peerFromAltNames(undefined).role).toBe('unknown');
    expect(peerFromAltNames('DNS:transaction').role).toBe('unknown');
    expect(peerFromAltNames('URI:spiffe://evil.example/service/transaction').role).toBe('unknown');
    expect(
      peerFromAltNames('URI:spiffe://dfs.local/service/transaction, URI:spiffe://dfs.local/service/risk').role,
    ).toBe('unknown');
    expect(parseSpiffeId('spiffe://dfs.local/root/x')).toBeNull();
  });

  it('admits exactly the listed identities; /* admits any name of one kind', () => {
    expect(identityAllowed([CALLERS.transaction], CALLERS.transaction)).toBe(true);
    expect(identityAllowed([CALLERS.transaction], CALLERS.attestation)).toBe(false);
    expect(identityAllowed([CALLERS.anyDevice], spiffeId('device', 'dev-0123456789abcdef0123'))).toBe(true);
    expect(identityAllowed([CALLERS.anyDevice], spiffeId('service', 'dev-1'))).toBe(false);
    expect(identityAllowed([CALLERS.anyDevice], 'spiffe://dfs.local/device/a/b')).toBe(false);
    expect(identityAllowed([CALLERS.anyDevice], '')).toBe(false);
  });
});
