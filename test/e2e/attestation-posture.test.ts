import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { base64url, decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack } from '../../cli/stack.js';
import { connectWorld } from '../../cli/world.js';
import { contracts } from '../../kit/src/contracts.js';
import type { BusEvent } from '../../kit/src/events.js';
import { call, createClient } from '../../kit/src/grpc-client.js';
import { ensureDevPki, loadIssuer } from '../../kit/src/pki.js';
import { randomImei } from '../../device-sim/src/imei.js';
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
} from '../unit/attestation/support/evidence.js';

type Env = Awaited<ReturnType<typeof testStack>>;
const httpOf = (env: { stack: Env['stack'] }) =>
  `https://127.0.0.1:${env.stack.services.find((s) => s.name === 'attestation')!.httpPort}`;

describe('posture tier per device-sim configuration, carried in the token', () => {
  let env: Env;
  const events: BusEvent[] = [];
  beforeAll(async () => {
    env = await testStack();
    await env.stack.bus.subscribe(DEVICE_TOPIC, 'attestation-posture-test', async (e) => {
      events.push(e);
    });
  });
  afterAll(async () => {
    await env?.close();
  });

  it.each([
    ['secure', 'HIGH'],
    ['no-ese', 'LOW'],
  ])('%s enrolls at %s and the token says so', async (profile, tier) => {
    const phone = await env.world.phone(profile);
    const enrollment = await phone.daemon.enroll(env.world.newId('wallet'));
    expect(enrollment.tier).toBe(tier);
    expect(decodeJwt(enrollment.token).tier).toBe(tier);
    await expect
      .poll(() => events.find((e) => e.type === 'device.attested' && e.key === enrollment.deviceId)?.data.tier)
      .toBe(tier);
  });

  it.each([
    ['outdated-patch', 'ATTESTATION_PATCH_TOO_OLD'],
    ['rooted', 'ATTESTATION_DEVICE_ROOTED'],
    ['emulator', 'ATTESTATION_EMULATOR'],
    ['debug', 'ATTESTATION_DEBUG_ENABLED'],
    ['dev-mode', 'ATTESTATION_DEVELOPER_MODE'],
    ['tampered-boot', 'ATTESTATION_BOOT_UNVERIFIED'],
    ['rolled-back', 'ATTESTATION_BOOT_UNVERIFIED'],
  ])('%s is REFUSED with %s, and a device.rejected event says why', async (profile, code) => {
    const phone = await env.world.phone(profile);
    expect(await codeOf(phone.daemon.enroll(env.world.newId('wallet')))).toBe(code);
    await expect.poll(() => events.filter((e) => e.type === 'device.rejected').at(-1)?.data.codes).toContain(code);
  });
});

describe('the STANDARD band: patch level between minPatchLevel and highTierPatchLevel', () => {
  let env: Env;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dfs-policy-'));
    const policy = JSON.parse(readFileSync('config/attestation-policy.json', 'utf8'));
    const file = join(dir, 'policy.json');
    writeFileSync(
      file,
      JSON.stringify({ ...policy, version: 'test-standard', highTierPatchLevel: 202612, models: {} }),
    );
    env = await testStack({ ATTESTATION_POLICY_FILE: file });
  });
  afterAll(async () => {
    await env?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'a secure phone at patch 202610 under a 202612 ' + 'high-tier level enrolls at STANDARD, in the token too',
    async () => {
      const phone = await env.world.phone('secure');
      const enrollment = await phone.daemon.enroll(env.world.newId('wallet'));
      expect(enrollment.tier).toBe('STANDARD');
      expect(decodeJwt(enrollment.token)).toMatchObject({ tier: 'STANDARD', reasons: ['PATCH_BEHIND'] });
    },
  );
});

describe('operator API (bearer credential)', () => {
  let env: Env;
  let token: string;
  beforeAll(async () => {
    env = await testStack();
    useFacts(await stackFacts(env.stack.pki));
    token = readFileSync(join(env.stack.stateDir, 'keys', 'attestation-operator.token'), 'utf8').trim();
  });
  afterAll(async () => {
    await env?.close();
  });
  const get = (path: string, bearer?: string) =>
    fetch(`${httpOf(env)}${path}`, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });

  it('refuses calls without the credential or with a wrong one (ATTESTATION_OPERATOR_UNAUTHENTICATED)', async () => {
    for (const res of [
      await get('/v1/operator/devices'),
      await get('/v1/operator/policy', `${token}x`),
      await get('/v1/operator/devices', 'a'.repeat(43)),
    ]) {
      expect(res.status).toBe(401);
      expect((await res.json()).code).toBe('ATTESTATION_OPERATOR_UNAUTHENTICATED');
    }
  });

  it('lists devices with posture and last attestation, IMEI masked; reads the policy in force', async () => {
    const phone = await env.world.phone('secure');
    const enrollment = await phone.daemon.enroll(env.world.newId('wallet'));
    const { devices } = await (await get('/v1/operator/devices', token)).json();
    const mine = devices.find((d: { deviceId: string }) => d.deviceId === enrollment.deviceId);
    expect(mine).toMatchObject({ status: 'ACTIVE', tier: 'HIGH', securityLevel: 'ese' });
    expect(mine.lastAttestedAtMs).toBeGreaterThan(Date.now() - 60_000);
    expect(mine.imei).not.toContain(phone.imei.slice(0, 8));
    expect(mine.imei.endsWith(phone.imei.slice(-4))).toBe(true);
    const policy = await (await get('/v1/operator/policy', token)).json();
    expect(policy.version).toBe(JSON.parse(readFileSync('config/attestation-policy.json', 'utf8')).version);
    const one = await get(`/v1/operator/devices/${enrollment.deviceId}`, token);
    expect((await one.json()).deviceId).toBe(enrollment.deviceId);
    const missing = await get('/v1/operator/devices/dev-00000000000000000000', token);
    expect([missing.status, (await missing.json()).code]).toEqual([404, 'ATTESTATION_DEVICE_NOT_FOUND']);
  });

  it(
    'the same IMEI with a different eSE key: the new key ' + 'replaces the old, flagged KEY_REPLACED, old key revoked',
    async () => {
      const factory = await intermediate(await loadIssuer(env.stack.pki.oemRoot, env.stack.pki.oemRootKey));
      const client = createClient(
        contracts().AttestationService,
        env.stack.attestationAddr,
        env.world.bootstrapTls,
        'attestation',
      );
      const imei = randomImei();
      const enrollWithNewKey = async () => {
        const ch = await call(client, client.CreateChallenge, { purpose: 'enroll' });
        const leaf = await attestedLeaf(factory, [
          attestationExtension(
            goodRecord(base64url.encode(ch.nonce), (r) => {
              r.device.imei = imei;
            }),
          ),
        ]);
        return call(
          client,
          client.Enroll,
          (
            await enrollRequest({
              challengeId: ch.challengeId,
              chain: [leaf.cert, factory.cert],
              leafKey: leaf.keys.privateKey,
            })
          ).request,
        );
      };
      try {
        const first = await enrollWithNewKey();
        const second = await enrollWithNewKey();
        expect(second.deviceId).toBe(first.deviceId);
        expect(second.reasons).toContain('KEY_REPLACED');
        const claims = decodeJwt(second.attestationToken) as { reasons: string[]; cnf: { jkt: string } };
        expect(claims.reasons).toContain('KEY_REPLACED');
        expect(claims.cnf.jkt).not.toBe((decodeJwt(first.attestationToken) as { cnf: { jkt: string } }).cnf.jkt);
        const view = await (await get(`/v1/operator/devices/${first.deviceId}`, token)).json();
        expect([view.revokedKeys, view.tier]).toEqual([1, 'HIGH']);
      } finally {
        client.close();
      }
    },
  );
});

describe('pinned OEM roots from config: several at once (rotation)', () => {
  let stateDir: string;
  let stack: Awaited<ReturnType<typeof startStack>>;
  let world: Awaited<ReturnType<typeof connectWorld>>;
  const nextRoot = rootCa('CN=Simulated OEM Attestation Root 2');
  beforeAll(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'dfs-roots-'));
    const pki = await ensureDevPki(stateDir);
    const file = join(stateDir, 'oem', 'next-root.crt');
    writeFileSync(file, (await nextRoot).cert.toString('pem'));
    stack = await startStack({
      stateDir,
      ephemeral: true,
      env: { LOG_LEVEL: 'silent', ATTESTATION_OEM_ROOTS: `${file},${pki.oemRoot}` },
    });
    world = await connectWorld(stack.pki, stack);
    useFacts(await stackFacts(stack.pki));
  });
  afterAll(async () => {
    world?.close();
    await stack?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('accepts phones chained to the current root and to the next one', async () => {
    const phone = await world.phone('secure');
    expect((await phone.daemon.enroll(world.newId('wallet'))).tier).toBe('HIGH');
    const factory = await intermediate(await nextRoot);
    const client = createClient(
      contracts().AttestationService,
      stack.attestationAddr,
      world.bootstrapTls,
      'attestation',
    );
    try {
      const ch = await call(client, client.CreateChallenge, { purpose: 'enroll' });
      const leaf = await attestedLeaf(factory, [attestationExtension(goodRecord(base64url.encode(ch.nonce)))]);
      const { request } = await enrollRequest({
        challengeId: ch.challengeId,
        chain: [leaf.cert, factory.cert],
        leafKey: leaf.keys.privateKey,
      });
      expect((await call(client, client.Enroll, request)).tier).toBe('HIGH');
    } finally {
      client.close();
    }
  });
});
