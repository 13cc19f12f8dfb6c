import { describe, expect, it } from 'vitest';
import { ATTESTATION_STATUS_LIST } from '../../../contracts/attestation-status.js';
import { RESULT } from '../../../contracts/results.js';
import { compactJws, signJws } from '../../../kit/src/jws.js';
import { EC_P256, generateEcKeyPair, issueCertificate, subtle } from '../../../kit/src/x509.js';
import { createLogger } from '../../../kit/src/log.js';
import { statusInForce, verifyStatusList } from '../../../services/attestation/src/domain/status-list.js';
import { memoryAttestationStore } from '../../../services/attestation/src/store/memory.js';
import { codeOf } from '../../support/expect-code.js';

/** A pinned OEM root: a self-signed CA and its key. */
async function oemRoot() {
  const keys = await generateEcKeyPair(false);
  const cert = await issueCertificate({
    subject: 'CN=Test OEM attestation root',
    publicKey: keys.publicKey,
    selfKey: keys.privateKey,
    ca: {},
  });
  return { cert, key: keys.privateKey };
}

/** Signs `payload` under any header with the root key, as a holder of that key could. */
const signAs = (key: CryptoKey, header: object, payload: object) =>
  compactJws(
    { alg: 'ES256', ...header },
    payload,
    async (data) => new Uint8Array(await subtle.sign(EC_P256, key, new Uint8Array(data))),
  );

describe('status list verification (contracts/attestation-status.ts, through kit/src/jws.ts)', () => {
  const list = { issuedAtMs: 1_700_000_000_000, entries: { '1a2b': { status: 'REVOKED' as const } } };

  it(
    'a list the root signs under its own typ verifies; the same payload ' +
      'under another typ, or none, is ATTESTATION_STATUS_LIST_INVALID',
    async () => {
      const root = await oemRoot();
      await expect(
        verifyStatusList(await signJws(ATTESTATION_STATUS_LIST, list, { privateKey: root.key }), [root.cert]),
      ).resolves.toEqual(list);
      expect(await codeOf(verifyStatusList(await signAs(root.key, { typ: RESULT.typ }, list), [root.cert]))).toBe(
        'ATTESTATION_STATUS_LIST_INVALID',
      );
      expect(await codeOf(verifyStatusList(await signAs(root.key, {}, list), [root.cert]))).toBe(
        'ATTESTATION_STATUS_LIST_INVALID',
      );
    },
  );

  it('a body outside the contract, or a list signed by another key, is ATTESTATION_STATUS_LIST_INVALID', async () => {
    const root = await oemRoot();
    const other = await oemRoot();
    const badBody = await signAs(
      root.key,
      { typ: ATTESTATION_STATUS_LIST.typ },
      { issuedAtMs: 1, entries: { XYZ: {} } },
    );
    expect(await codeOf(verifyStatusList(badBody, [root.cert]))).toBe('ATTESTATION_STATUS_LIST_INVALID');
    const foreign = await signJws(ATTESTATION_STATUS_LIST, list, { privateKey: other.key });
    expect(await codeOf(verifyStatusList(foreign, [root.cert]))).toBe('ATTESTATION_STATUS_LIST_INVALID');
    await expect(verifyStatusList(foreign, [root.cert, other.cert])).resolves.toEqual(list);
  });
});

describe('the status list in force follows the store (docs/ATTESTATION.md, "Replicas")', () => {
  const list = (issuedAtMs: number, serial: string) => ({
    issuedAtMs,
    entries: { [serial]: { status: 'REVOKED' as const } },
  });

  it('a load racing a newer list another replica stored never moves this replica back to its older list', async () => {
    const store = memoryAttestationStore();
    const anchors = { roots: [], revokedSerials: new Set<string>() };
    const status = statusInForce({
      store: {
        ...store,
        // While this replica stores its list, another stores a newer one, and an enrollment here follows it.
        async putStatusList(l) {
          await store.putStatusList(list(20, 'bb02'));
          await status.follow();
          await store.putStatusList(l);
        },
      },
      events: {
        attested: async () => {},
        rejected: async () => {},
        revoked: async () => {},
        reverified: async () => {},
      },
      now: () => 1,
      source: async () => list(10, 'aa01'),
      anchors,
      policySerials: [],
      log: createLogger('test', 'silent'),
    });
    await status.load(false);
    expect([...anchors.revokedSerials]).toEqual(['bb02']);
    expect(await status.follow()).toBe(20);
  });
});
