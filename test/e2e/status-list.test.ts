import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CompactSign } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTESTATION_STATUS_LIST } from '../../contracts/attestation-status.js';
import { generateEcKeyPair } from '../../kit/src/x509.js';
import { codeOf } from '../support/expect-code.js';
import { connectWorld } from '../../cli/world.js';
import { FREE_PORTS } from '../../cli/stack.js';
import type { ServiceHandle } from '../../kit/src/service.js';
import { loadConfig as attestationConfig } from '../../services/attestation/src/config.js';
import { startAttestation } from '../../services/attestation/src/main.js';
import type { AttestationStore } from '../../services/attestation/src/store/ports.js';
import { fundedPhone, testStack } from '../support/stack.js';
import { noRevocations } from '../support/weakened.js';

type Env = Awaited<ReturnType<typeof testStack>>;
const kes = (minorUnits: number) => ({ minorUnits: String(minorUnits), currency: 'KES' });

/** Publishes a status list file and asks the attestation service to reload it (operator API). */
async function publish(env: Env, jws: string) {
  writeFileSync(join(env.stack.stateDir, 'oem', 'attestation-status.jws'), jws);
  const token = readFileSync(join(env.stack.stateDir, 'keys', 'attestation-operator.token'), 'utf8').trim();
  const http = `https://127.0.0.1:${env.stack.services.find((s) => s.name === 'attestation')!.httpPort}`;
  const res = await fetch(`${http}/v1/operator/attestation-status/reload`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
  });
  return res.json() as Promise<{ code?: string; devicesToReattest?: string[] }>;
}

describe('attestation status list: a revoked batch CA (002 R2; docs/ATTESTATION.md "Status list")', () => {
  let env: Env;
  beforeAll(async () => {
    env = await testStack();
  });
  afterAll(async () => {
    await env?.close();
  });

  it(
    'revoking the batch refuses enrollment under it (ATTESTATION_BATCH_REVOKED), ' +
      'drops enrolled devices to re-attestation, and a new batch enrolls',
    async () => {
      env.world.oem.newBatch();
      const { serial } = await env.world.oem.batchSigner();
      const enrolled = await fundedPhone(env.world);
      expect((await enrolled.phone.daemon.pay({ payee: enrolled.merchant, amount: kes(1_000) })).status).toBe('POSTED');
      expect((await (await env.world.phone('secure')).daemon.enroll(env.world.newId('wallet'))).tier).toBe('HIGH');

      const loaded = await publish(
        env,
        await env.world.oem.signStatusList({ [serial]: { status: 'REVOKED', reason: 'KEY_COMPROMISE' } }),
      );
      expect(loaded.devicesToReattest).toContain(enrolled.enrollment.deviceId);

      expect(await codeOf((await env.world.phone('secure')).daemon.enroll(env.world.newId('wallet')))).toBe(
        'ATTESTATION_BATCH_REVOKED',
      );
      expect(await codeOf(enrolled.phone.daemon.pay({ payee: enrolled.merchant, amount: kes(1_000) }))).toBe(
        'DEVICE_REATTESTATION_REQUIRED',
      );
      expect(await codeOf(enrolled.phone.daemon.enroll(enrolled.wallet))).toBe('ATTESTATION_BATCH_REVOKED');

      env.world.oem.newBatch();
      expect((await (await env.world.phone('secure')).daemon.enroll(env.world.newId('wallet'))).tier).toBe('HIGH');
    },
  );

  it(
    'a list not signed by the OEM root, or older than the one ' +
      'in force, is refused (ATTESTATION_STATUS_LIST_INVALID)',
    async () => {
      const rogue = await generateEcKeyPair();
      const forged = await new CompactSign(
        new TextEncoder().encode(JSON.stringify({ issuedAtMs: Date.now(), entries: {} })),
      )
        .setProtectedHeader({ alg: 'ES256', typ: ATTESTATION_STATUS_LIST.typ })
        .sign(rogue.privateKey);
      expect((await publish(env, forged)).code).toBe('ATTESTATION_STATUS_LIST_INVALID');
      expect((await publish(env, await env.world.oem.signStatusList({}, 1))).code).toBe(
        'ATTESTATION_STATUS_LIST_INVALID',
      );
    },
  );
});

describe('sabotage: a status list source that revokes nothing (statusList: noRevocations)', () => {
  let env: Env;
  beforeAll(async () => {
    env = await testStack({}, undefined, { attestation: { statusList: noRevocations } });
  });
  afterAll(async () => {
    await env?.close();
  });

  it('a phone of the revoked batch enrolls HIGH and pays', async () => {
    const { serial } = await env.world.oem.batchSigner();
    await publish(
      env,
      await env.world.oem.signStatusList({ [serial]: { status: 'REVOKED', reason: 'KEY_COMPROMISE' } }),
    );
    const p = await fundedPhone(env.world);
    expect(p.enrollment.tier).toBe('HIGH');
    expect((await p.phone.daemon.pay({ payee: p.merchant, amount: kes(1_000) })).status).toBe('POSTED');
  });
});

describe('two attestation replicas on one store: a list loaded into one binds the other (002 R2)', () => {
  let env: Env;
  let shared: AttestationStore | undefined;
  let replica: ServiceHandle | undefined;
  let second: Awaited<ReturnType<typeof connectWorld>> | undefined;
  beforeAll(async () => {
    env = await testStack({}, undefined, { attestation: { wrapStore: (store) => (shared = store) } });
    const { stateDir } = env.stack;
    replica = await startAttestation(
      attestationConfig({
        LOG_LEVEL: 'silent',
        ...FREE_PORTS,
        DFS_STATE_DIR: stateDir,
        ATTESTATION_OEM_ROOTS: join(stateDir, 'oem', 'root.crt'),
      }),
      env.stack.bus,
      { wrapStore: () => shared! },
    );
    second = await connectWorld(env.stack.pki, { ...env.stack, attestationAddr: `127.0.0.1:${replica.grpcPort}` });
  });
  afterAll(async () => {
    second?.close();
    await replica?.stop();
    await env?.close();
  });

  it('the other replica refuses enrollment under the revoked batch, which it accepted before', async () => {
    const world = second!;
    world.oem.newBatch();
    const { serial } = await world.oem.batchSigner();
    expect((await (await world.phone('secure')).daemon.enroll(world.newId('wallet'))).tier).toBe('HIGH');

    await publish(env, await world.oem.signStatusList({ [serial]: { status: 'REVOKED', reason: 'KEY_COMPROMISE' } }));
    expect(await codeOf((await world.phone('secure')).daemon.enroll(world.newId('wallet')))).toBe(
      'ATTESTATION_BATCH_REVOKED',
    );
  });
});
