import { base64url } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttestationRecord } from '../../kit/src/attestation-record.js';
import { contracts } from '../../kit/src/contracts.js';
import type { BusEvent } from '../../kit/src/events.js';
import { call, createClient } from '../../kit/src/grpc-client.js';
import { loadIssuer } from '../../kit/src/pki.js';
import type { TlsMaterial } from '../../kit/src/tls.js';
import type { x509 } from '../../kit/src/x509.js';
import { DEVICE_TOPIC } from '../../contracts/events.js';
import { codeOf } from '../support/expect-code.js';
import { testStack } from '../support/stack.js';
import {
  attestationExtension,
  attestedLeaf,
  enrollRequest,
  goodRecord,
  intermediate,
  rootCa,
  stackFacts,
  useFacts,
  type Issuer,
} from '../unit/attestation/support/evidence.js';

type Env = Awaited<ReturnType<typeof testStack>>;
type Chain = { chain: x509.X509Certificate[]; leafKey: CryptoKey };
const OPERATOR_TOKEN = 'operator-token-for-tests-0123456789abcdef';

/**
 * The attacker: holds the factory bootstrap certificate every phone ships with, and (for the policy
 * cases) a factory attestation key certified by the OEM root, as if one eSE's key had leaked. Every
 * forgery goes through the real Enroll RPC over mTLS.
 */
function attacker(env: Env, factory: Issuer, tls: TlsMaterial = env.world.bootstrapTls) {
  const client = createClient(contracts().AttestationService, env.stack.attestationAddr, tls, 'attestation');
  const challenge = (purpose = 'enroll') => call(client, client.CreateChallenge, { purpose });
  async function request(
    edit: (r: AttestationRecord) => void = () => {},
    chainOf?: (ext: x509.Extension) => Promise<Chain>,
    challengeId?: string,
  ) {
    const ch = challengeId ? { challengeId, nonce: Buffer.alloc(32) } : await challenge();
    const ext = attestationExtension(goodRecord(base64url.encode(ch.nonce), edit));
    const built = chainOf
      ? await chainOf(ext)
      : await (async () => {
          const l = await attestedLeaf(factory, [ext]);
          return { chain: [l.cert, factory.cert], leafKey: l.keys.privateKey };
        })();
    return enrollRequest({ challengeId: ch.challengeId, chain: built.chain, leafKey: built.leafKey });
  }
  return {
    client,
    challenge,
    request,
    enroll: async (edit?: (r: AttestationRecord) => void, chainOf?: (ext: x509.Extension) => Promise<Chain>) =>
      call(client, client.Enroll, (await request(edit, chainOf)).request),
    close: () => client.close(),
  };
}

describe('attestation refusals through the real Enroll RPC, one stable code each', () => {
  let env: Env;
  let factory: Issuer;
  let oemRoot: Issuer;
  let evil: ReturnType<typeof attacker>;
  const events: BusEvent[] = [];
  const httpUrl = () => `https://127.0.0.1:${env.stack.services.find((s) => s.name === 'attestation')!.httpPort}`;

  beforeAll(async () => {
    env = await testStack({ ATTESTATION_OPERATOR_TOKEN: OPERATOR_TOKEN });
    useFacts(await stackFacts(env.stack.pki));
    oemRoot = await loadIssuer(env.stack.pki.oemRoot, env.stack.pki.oemRootKey);
    factory = await intermediate(oemRoot);
    evil = attacker(env, factory);
    await env.stack.bus.subscribe(DEVICE_TOPIC, 'attestation-rejections-test', async (e) => {
      events.push(e);
    });
  });
  afterAll(async () => {
    evil?.close();
    await env?.close();
  });

  it('control: the forged-evidence harness enrolls a clean record at HIGH', async () => {
    expect((await evil.enroll()).tier).toBe('HIGH');
  });

  it('reused challenge (ATTESTATION_CHALLENGE_REUSED)', async () => {
    const { request } = await evil.request();
    await call(evil.client, evil.client.Enroll, request);
    expect(await codeOf(call(evil.client, evil.client.Enroll, request))).toBe('ATTESTATION_CHALLENGE_REUSED');
  });

  it('unknown challenge (ATTESTATION_CHALLENGE_UNKNOWN)', async () => {
    const { request } = await evil.request(undefined, undefined, '00000000-0000-4000-8000-000000000000');
    expect(await codeOf(call(evil.client, evil.client.Enroll, request))).toBe('ATTESTATION_CHALLENGE_UNKNOWN');
  });

  it('a challenge asked for another purpose (ATTESTATION_CHALLENGE_NOT_BOUND)', async () => {
    const other = await evil.challenge('payment');
    const { request } = await evil.request(undefined, undefined, other.challengeId);
    expect(await codeOf(call(evil.client, evil.client.Enroll, request))).toBe('ATTESTATION_CHALLENGE_NOT_BOUND');
  });

  it('a challenge asked for by another TLS client (ATTESTATION_CHALLENGE_NOT_BOUND)', async () => {
    const { request, tlsKeyPem } = await evil.request();
    const enrolled = await call(evil.client, evil.client.Enroll, request);
    const asDevice = attacker(env, factory, {
      ca: env.world.bootstrapTls.ca,
      cert: Buffer.from(enrolled.clientCertificatePem),
      key: Buffer.from(tlsKeyPem),
    });
    try {
      const theirs = await asDevice.challenge();
      const { request: stolen } = await evil.request(undefined, undefined, theirs.challengeId);
      expect(await codeOf(call(evil.client, evil.client.Enroll, stolen))).toBe('ATTESTATION_CHALLENGE_NOT_BOUND');
    } finally {
      asDevice.close();
    }
  });

  it('evidence that carries another nonce (ATTESTATION_CHALLENGE_MISMATCH)', async () => {
    expect(
      await codeOf(
        evil.enroll((r) => {
          r.challenge = base64url.encode(Buffer.alloc(32, 7));
        }),
      ),
    ).toBe('ATTESTATION_CHALLENGE_MISMATCH');
  });

  it("unknown root: a chain to a rogue root with the OEM root's name (ATTESTATION_ROOT_UNKNOWN)", async () => {
    const rogue = await rootCa(oemRoot.cert.subject);
    const rogueFactory = await intermediate(rogue);
    expect(
      await codeOf(
        evil.enroll(undefined, async (ext) => {
          const l = await attestedLeaf(rogueFactory, [ext]);
          return { chain: [l.cert, rogueFactory.cert], leafKey: l.keys.privateKey };
        }),
      ),
    ).toBe('ATTESTATION_ROOT_UNKNOWN');
  });

  it('self-signed chain (ATTESTATION_SELF_SIGNED)', async () => {
    expect(
      await codeOf(
        evil.enroll(undefined, async (ext) => {
          const l = await attestedLeaf('self', [ext]);
          return { chain: [l.cert], leafKey: l.keys.privateKey };
        }),
      ),
    ).toBe('ATTESTATION_SELF_SIGNED');
  });

  it('issuer without CA:TRUE (ATTESTATION_ISSUER_NOT_CA)', async () => {
    const endEntity = await intermediate(oemRoot, { ca: false });
    expect(
      await codeOf(
        evil.enroll(undefined, async (ext) => {
          const l = await attestedLeaf(endEntity, [ext]);
          return { chain: [l.cert, endEntity.cert], leafKey: l.keys.privateKey };
        }),
      ),
    ).toBe('ATTESTATION_ISSUER_NOT_CA');
  });

  it('two attestation extensions (ATTESTATION_EXTENSION_COUNT)', async () => {
    const decoy = attestationExtension(goodRecord('d'.repeat(43)));
    expect(
      await codeOf(
        evil.enroll(undefined, async (ext) => {
          const l = await attestedLeaf(factory, [ext, decoy]);
          return { chain: [l.cert, factory.cert], leafKey: l.keys.privateKey };
        }),
      ),
    ).toBe('ATTESTATION_EXTENSION_COUNT');
  });

  it('a proof of possession made by another key (ATTESTATION_PROOF_INVALID)', async () => {
    const other = await attestedLeaf(factory, []);
    expect(
      await codeOf(
        evil.enroll(undefined, async (ext) => {
          const l = await attestedLeaf(factory, [ext]);
          return { chain: [l.cert, factory.cert], leafKey: other.keys.privateKey };
        }),
      ),
    ).toBe('ATTESTATION_PROOF_INVALID');
  });

  const policyCases: [string, (r: AttestationRecord) => void][] = [
    [
      'ATTESTATION_KEY_EXPORTABLE',
      (r) => {
        r.key.exportable = true;
      },
    ],
    [
      'ATTESTATION_KEY_OWNER',
      (r) => {
        r.key.ownerUid = 10_001;
      },
    ],
    [
      'ATTESTATION_PATCH_TOO_OLD',
      (r) => {
        r.patchLevel.boot = 202312;
      },
    ],
    [
      'ATTESTATION_BOOT_UNVERIFIED',
      (r) => {
        r.rootOfTrust.verifiedBootState = 'unverified';
      },
    ],
    [
      'ATTESTATION_BOOTLOADER_UNLOCKED',
      (r) => {
        r.rootOfTrust.deviceLocked = false;
      },
    ],
    [
      'ATTESTATION_DEVICE_ROOTED',
      (r) => {
        r.safety.rooted = true;
      },
    ],
    [
      'ATTESTATION_EMULATOR',
      (r) => {
        r.safety.emulator = true;
      },
    ],
    [
      'ATTESTATION_DEBUG_ENABLED',
      (r) => {
        r.safety.debug = true;
      },
    ],
    [
      'ATTESTATION_DEVELOPER_MODE',
      (r) => {
        r.safety.developerMode = true;
      },
    ],
    [
      'ATTESTATION_UNKNOWN_APPLICATION',
      (r) => {
        r.application.packageName = 'com.evil.wallet';
      },
    ],
    [
      'ATTESTATION_APP_SIGNER_MISMATCH',
      (r) => {
        r.application.signatureDigest = 'f'.repeat(64);
      },
    ],
    [
      'ATTESTATION_BOOT_KEY_UNKNOWN',
      (r) => {
        r.rootOfTrust.verifiedBootKeyHash = 'a'.repeat(64);
      },
    ],
    [
      'ATTESTATION_FIRMWARE_UNSIGNED',
      (r) => {
        r.firmware!.patchLevel = 202611;
        r.patchLevel.os = 202611;
      },
    ],
    [
      'ATTESTATION_PATCH_LEVEL_MISMATCH',
      (r) => {
        r.patchLevel.os = 202611;
      },
    ],
    [
      'ATTESTATION_EVIDENCE_EXPIRED',
      (r) => {
        r.issuedAt = Date.now() - 3_600_000;
      },
    ],
  ];
  it.each(policyCases)('%s', async (code, edit) => {
    expect(await codeOf(evil.enroll(edit))).toBe(code);
  });

  it('rollback index lower than this device has shown (ATTESTATION_ROLLBACK)', async () => {
    let imei = '';
    await evil.enroll((r) => {
      imei = r.device.imei;
      r.rollbackIndex = 7;
    });
    expect(
      await codeOf(
        evil.enroll((r) => {
          r.device.imei = imei;
          r.rollbackIndex = 6;
        }),
      ),
    ).toBe('ATTESTATION_ROLLBACK');
  });

  it('revoked device: revoked by the operator API, then refused (ATTESTATION_DEVICE_REVOKED)', async () => {
    let imei = '';
    const enrolled = await evil.enroll((r) => {
      imei = r.device.imei;
    });
    const res = await fetch(`${httpUrl()}/v1/operator/devices/${enrolled.deviceId}/revoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'reported stolen' }),
    });
    expect(res.status).toBe(200);
    expect(
      await codeOf(
        evil.enroll((r) => {
          r.device.imei = imei;
        }),
      ),
    ).toBe('ATTESTATION_DEVICE_REVOKED');
    await expect
      .poll(() => events.filter((e) => e.key === enrolled.deviceId).map((e) => e.type))
      .toEqual(['device.attested', 'device.revoked', 'device.rejected']);
  });

  it(
    'several reasons: the first in check order is the ' + 'code, all of them are in the device.rejected event',
    async () => {
      let imei = '';
      expect(
        await codeOf(
          evil.enroll((r) => {
            imei = r.device.imei;
            r.patchLevel.vendor = 202301;
            r.safety.emulator = true;
            r.safety.developerMode = true;
          }),
        ),
      ).toBe('ATTESTATION_EMULATOR');
      const codes = ['ATTESTATION_EMULATOR', 'ATTESTATION_DEVELOPER_MODE', 'ATTESTATION_PATCH_TOO_OLD'];
      const mine = () =>
        events.filter((e) => e.type === 'device.rejected' && JSON.stringify(e.data.codes) === JSON.stringify(codes));
      await expect.poll(() => mine().length).toBe(1);
      expect(JSON.stringify(mine()[0])).not.toContain(imei);
    },
  );
});

describe('challenge expiry (ATTESTATION_CHALLENGE_EXPIRED)', () => {
  let env: Env;
  beforeAll(async () => {
    env = await testStack({ ATTESTATION_CHALLENGE_TTL_SEC: '1' });
    useFacts(await stackFacts(env.stack.pki));
  });
  afterAll(async () => {
    await env?.close();
  });

  it('refuses evidence for a challenge older than its TTL', async () => {
    const factory = await intermediate(await loadIssuer(env.stack.pki.oemRoot, env.stack.pki.oemRootKey));
    const evil = attacker(env, factory);
    try {
      const { request } = await evil.request();
      await new Promise((r) => setTimeout(r, 1100));
      expect(await codeOf(call(evil.client, evil.client.Enroll, request))).toBe('ATTESTATION_CHALLENGE_EXPIRED');
    } finally {
      evil.close();
    }
  });
});
