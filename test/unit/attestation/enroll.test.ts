import { beforeEach, describe, expect, it } from 'vitest';
import { outcomeOf } from '../../support/expect-code.js';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { SECURITY_LEVEL_POLICY, type AttestationRecord } from '../../../kit/src/attestation-record.js';
import { generateSigningKey } from '../../../kit/src/keys.js';
import { levelFromChain } from '../../../services/attestation/src/domain/chain.js';
import { newChallenge } from '../../../services/attestation/src/domain/challenges.js';
import { enroll, type EnrollDeps } from '../../../services/attestation/src/domain/enroll.js';
import type { DeviceEvents } from '../../../services/attestation/src/domain/events.js';
import { revokeDevice } from '../../../services/attestation/src/domain/operator.js';
import { deviceStanding } from '../../../services/attestation/src/domain/registry.js';
import { standingGate } from '../../../services/transaction/src/domain/device-standing.js';
import { loadPolicy, type Policy } from '../../../services/attestation/src/domain/policy.js';
import { memoryAttestationStore } from '../../../services/attestation/src/store/memory.js';
import type { AttestationStore } from '../../../services/attestation/src/store/ports.js';
import {
  attestationExtension,
  attestedLeaf,
  enrollRequest,
  goodRecord,
  intermediate,
  rootCa,
  unitTrust,
  useFacts,
  type Issuer,
} from './support/evidence.js';

const CALLER = 'bootstrap:factory-bootstrap';
const shipped = loadPolicy('config/attestation-policy.json');

describe('enroll (domain): registry, key changes, events', () => {
  let deps: EnrollDeps;
  let factory: Issuer;
  /** The software attestation key every eSE-less phone's firmware carries: anyone can extract it. */
  let firmwareKey: Issuer;
  let seen: { type: string; data: Record<string, unknown> }[];

  async function attempt(
    edit: (r: AttestationRecord) => void,
    opts: { policy?: Policy; caller?: string; nonce?: string; issuer?: Issuer } = {},
  ) {
    const c = newChallenge({ purpose: 'enroll', binding: CALLER }, 120, Date.now());
    await deps.store.putChallenge(c);
    const issuer = opts.issuer ?? factory;
    const leaf = await attestedLeaf(issuer, [attestationExtension(goodRecord(opts.nonce ?? c.nonce, edit))]);
    const { request } = await enrollRequest({
      challengeId: c.id,
      chain: [leaf.cert, issuer.cert],
      leafKey: leaf.keys.privateKey,
    });
    return enroll({ ...request, caller: opts.caller ?? CALLER }, { ...deps, policy: opts.policy ?? deps.policy });
  }

  beforeEach(async () => {
    const unit = await unitTrust();
    useFacts(unit.facts);
    const root = await rootCa();
    factory = await intermediate(root);
    firmwareKey = await intermediate(root, { policies: [SECURITY_LEVEL_POLICY.software] });
    const signing = (await generateSigningKey()).key;
    seen = [];
    const rec = (type: string) => async (data: object) => {
      seen.push({ type, data: { ...data } });
    };
    const events: DeviceEvents = {
      attested: async (d, replacedKey) => {
        seen.push({ type: 'device.attested', data: { ...d, replacedKey } });
      },
      rejected: rec('device.rejected'),
      revoked: rec('device.revoked'),
      reverified: rec('device.reverified'),
    };
    deps = {
      store: memoryAttestationStore(),
      anchors: { roots: [root.cert], revokedSerials: new Set() },
      policy: shipped,
      tokenKey: () => signing,
      deviceCa: await rootCa('CN=Device CA'),
      tokenTtlSec: 600,
      events,
      now: Date.now,
      deriveLevel: levelFromChain,
      trust: unit.trust,
    };
  });

  it('registers the key and issues a token carrying tier, cnf.jkt, kid and the re-attestation threshold', async () => {
    const out = await attempt(() => {});
    expect(out.tier).toBe('HIGH');
    const claims = decodeJwt(out.token);
    expect(claims).toMatchObject({
      sub: out.deviceId,
      tier: 'HIGH',
      cnf: { jkt: out.device.keyThumbprint },
      reattestAboveMinor: String(shipped.reattestation.aboveMinorUnits),
      reattestWithinSec: shipped.reattestation.withinSec,
    });
    expect(decodeProtectedHeader(out.token).kid).toBe(deps.tokenKey().kid);
    expect((await deps.store.getDevice(out.deviceId))?.status).toBe('ACTIVE');
    expect(seen.map((e) => e.type)).toEqual(['device.attested']);
  });

  it(
    'a status list another replica stores while the enrollment runs: refused (ATTESTATION_BATCH_REVOKED), ' +
      'the device it wrote dropped to re-attestation',
    async () => {
      deps.followStatus = async () => 0;
      expect((await attempt(() => {})).tier).toBe('HIGH');

      // Read before the chain check: the old list; read after the write: the one revoking the batch.
      let reads = 0;
      deps.followStatus = async () => {
        if (++reads === 2) deps.anchors.revokedSerials = new Set([factory.cert.serialNumber.toLowerCase()]);
        return reads === 1 ? 0 : 1;
      };
      seen = [];
      expect(await outcomeOf(attempt(() => {}))).toBe('ATTESTATION_BATCH_REVOKED');
      const written = (await deps.store.listDevices()).filter((d) => d.status === 'REATTEST');
      expect(written.map((d) => d.revocation?.reason)).toEqual(['ATTESTATION_BATCH_REVOKED']);
      expect(seen.map((e) => e.type)).toEqual(['device.revoked', 'device.rejected']);
    },
  );

  it('same IMEI, new key (revoke-old): the new key replaces the old one, which is revoked and announced', async () => {
    let imei = '';
    const first = await attempt((r) => {
      imei = r.device.imei;
    });
    const second = await attempt((r) => {
      r.device.imei = imei;
    });
    expect(second.deviceId).toBe(first.deviceId);
    expect(second.reasons).toContain('KEY_REPLACED');
    expect(second.device.revokedKeyThumbprints).toEqual([first.device.keyThumbprint]);
    expect(seen.map((e) => e.type)).toEqual(['device.attested', 'device.revoked', 'device.attested']);
    expect(seen[1]!.data).toMatchObject({ scope: 'key', keyThumbprints: [first.device.keyThumbprint] });
  });

  it('a key replacement stops the tokens issued for the old key (TOKEN_REVOKED at the standing gate)', async () => {
    let clock = Date.now();
    deps = { ...deps, now: () => (clock += 5) };
    const gate = standingGate((id) => deviceStanding(deps.store, id));
    const issuedAt = (token: string) => Number(decodeJwt(token).iatMs);
    let imei = '';
    const old = await attempt((r) => {
      imei = r.device.imei;
    });
    await expect(gate(old.deviceId, issuedAt(old.token))).resolves.toBeUndefined();
    const rekeyed = await attempt((r) => {
      r.device.imei = imei;
    });
    expect(rekeyed.reasons).toContain('KEY_REPLACED');
    expect(await outcomeOf(gate(old.deviceId, issuedAt(old.token)))).toBe('TOKEN_REVOKED');
    await expect(gate(rekeyed.deviceId, issuedAt(rekeyed.token))).resolves.toBeUndefined();
  });

  it('same IMEI, new key (refuse-new): ATTESTATION_KEY_CONFLICT and the old key stays', async () => {
    let imei = '';
    const first = await attempt((r) => {
      imei = r.device.imei;
    });
    expect(
      await outcomeOf(
        attempt(
          (r) => {
            r.device.imei = imei;
          },
          { policy: { ...shipped, onKeyChange: 'refuse-new' } },
        ),
      ),
    ).toBe('ATTESTATION_KEY_CONFLICT');
    expect((await deps.store.getDevice(first.deviceId))?.keyThumbprint).toBe(first.device.keyThumbprint);
  });

  it('never lets the rollback index go below the highest this device has shown (ATTESTATION_ROLLBACK)', async () => {
    let imei = '';
    await attempt((r) => {
      imei = r.device.imei;
      r.rollbackIndex = 5;
    });
    expect(
      await outcomeOf(
        attempt((r) => {
          r.device.imei = imei;
          r.rollbackIndex = 4;
        }),
      ),
    ).toBe('ATTESTATION_ROLLBACK');
    await expect(
      attempt((r) => {
        r.device.imei = imei;
        r.rollbackIndex = 5;
      }),
    ).resolves.toMatchObject({ tier: 'HIGH' });
  });

  it(
    'a software record cannot re-key an eSE-enrolled device (ATTESTATION_KEY_CONFLICT); ' +
      'with the rule injected away it takes the device over',
    async () => {
      let imei = '';
      await attempt((r) => {
        imei = r.device.imei;
      });
      const rekeyed = await attempt((r) => {
        r.device.imei = imei;
      });
      expect(rekeyed).toMatchObject({ tier: 'HIGH', reasons: expect.arrayContaining(['KEY_REPLACED']) });
      const victim = rekeyed.device;
      const forged = () =>
        attempt(
          (r) => {
            r.device.imei = imei;
            r.key.securityLevel = 'software';
            r.rollbackIndex = Number.MAX_SAFE_INTEGER;
          },
          { issuer: firmwareKey },
        );
      expect(await outcomeOf(forged())).toBe('ATTESTATION_KEY_CONFLICT');
      expect(seen.at(-1)).toMatchObject({ type: 'device.rejected', data: { codes: ['ATTESTATION_KEY_CONFLICT'] } });
      expect(await deps.store.getDevice(victim.deviceId)).toMatchObject({
        keyThumbprint: victim.keyThumbprint,
        revokedKeyThumbprints: victim.revokedKeyThumbprints,
        highestRollbackIndex: 3,
        securityLevel: 'ese',
      });

      deps = { ...deps, replacement: () => true };
      const takeover = await forged();
      expect(takeover).toMatchObject({ deviceId: victim.deviceId, tier: 'LOW' });
      expect(takeover.reasons).toContain('KEY_REPLACED');
      expect((await deps.store.getDevice(victim.deviceId))?.revokedKeyThumbprints).toContain(victim.keyThumbprint);
      expect(seen.at(-2)).toMatchObject({ type: 'device.revoked', data: { keyThumbprints: [victim.keyThumbprint] } });
    },
  );

  it('a software record never raises the rollback floor, so a forged index cannot lock the phone out', async () => {
    let imei = '';
    const software = { issuer: firmwareKey };
    const first = await attempt((r) => {
      imei = r.device.imei;
      r.key.securityLevel = 'software';
    }, software);
    expect(first).toMatchObject({ tier: 'LOW', device: { securityLevel: 'software', highestRollbackIndex: 0 } });
    const forged = await attempt((r) => {
      r.device.imei = imei;
      r.key.securityLevel = 'software';
      r.rollbackIndex = Number.MAX_SAFE_INTEGER;
    }, software);
    expect(forged.device).toMatchObject({ highestRollbackIndex: 0, lastRollbackIndex: Number.MAX_SAFE_INTEGER });
    await expect(
      attempt((r) => {
        r.device.imei = imei;
        r.key.securityLevel = 'software';
      }, software),
    ).resolves.toMatchObject({ tier: 'LOW', deviceId: first.deviceId });
    const ese = await attempt((r) => {
      r.device.imei = imei;
      r.rollbackIndex = 4;
    });
    expect(ese).toMatchObject({ tier: 'HIGH', device: { securityLevel: 'ese', highestRollbackIndex: 4 } });
    expect(
      await outcomeOf(
        attempt((r) => {
          r.device.imei = imei;
          r.rollbackIndex = 3;
        }),
      ),
    ).toBe('ATTESTATION_ROLLBACK');
  });

  it('refuses a revoked device (ATTESTATION_DEVICE_REVOKED) after operator revocation', async () => {
    let imei = '';
    const first = await attempt((r) => {
      imei = r.device.imei;
    });
    await revokeDevice(first.deviceId, 'lost phone', deps);
    expect(
      await outcomeOf(
        attempt((r) => {
          r.device.imei = imei;
        }),
      ),
    ).toBe('ATTESTATION_DEVICE_REVOKED');
    expect(seen.at(-2)).toMatchObject({ type: 'device.revoked', data: { scope: 'device', deviceId: first.deviceId } });
    expect(seen.at(-1)).toMatchObject({
      type: 'device.rejected',
      data: { deviceId: first.deviceId, codes: ['ATTESTATION_DEVICE_REVOKED'] },
    });
  });

  it(
    'a revocation that lands while a re-enrollment is judged is ' +
      'not overwritten: the enrollment is judged again and refused',
    async () => {
      const real = deps.store;
      /** Enrolls a device, then re-enrolls it with the operator revoking it right after the enrollment read it. */
      const race = async (put: AttestationStore['putDevice']) => {
        let imei = '';
        const first = await attempt((r) => {
          imei = r.device.imei;
        });
        let raced = false;
        deps = {
          ...deps,
          store: {
            ...real,
            putDevice: put,
            async getDevice(id) {
              const prior = await real.getDevice(id);
              if (!raced && id === first.deviceId) {
                raced = true;
                await revokeDevice(id, 'lost phone', { ...deps, store: real });
              }
              return prior;
            },
          },
        };
        const code = await outcomeOf(
          attempt((r) => {
            r.device.imei = imei;
          }),
        );
        deps = { ...deps, store: real };
        return { code, status: (await real.getDevice(first.deviceId))?.status };
      };
      expect(await race(real.putDevice)).toEqual({ code: 'ATTESTATION_DEVICE_REVOKED', status: 'REVOKED' });
      const lastWriterWins: AttestationStore['putDevice'] = async (d) =>
        real.putDevice(d, await real.getDevice(d.deviceId));
      expect(await race(lastWriterWins)).toEqual({ code: 'ACCEPTED', status: 'ACTIVE' });
    },
  );

  it('reports the first refusal as the code and every refusal in the event', async () => {
    expect(
      await outcomeOf(
        attempt((r) => {
          r.safety.rooted = true;
          r.patchLevel.vendor = 202301;
        }),
      ),
    ).toBe('ATTESTATION_DEVICE_ROOTED');
    expect(seen.at(-1)).toMatchObject({
      type: 'device.rejected',
      data: { codes: ['ATTESTATION_DEVICE_ROOTED', 'ATTESTATION_PATCH_TOO_OLD'] },
    });
  });

  it('refuses a record that carries another nonce, and a challenge used by another caller', async () => {
    expect(await outcomeOf(attempt(() => {}, { nonce: 'z'.repeat(43) }))).toBe('ATTESTATION_CHALLENGE_MISMATCH');
    expect(await outcomeOf(attempt(() => {}, { caller: 'device:dev-someone-else' }))).toBe(
      'ATTESTATION_CHALLENGE_NOT_BOUND',
    );
    expect(seen.at(-1)).toMatchObject({
      type: 'device.rejected',
      data: { codes: ['ATTESTATION_CHALLENGE_NOT_BOUND'] },
    });
  });
});
