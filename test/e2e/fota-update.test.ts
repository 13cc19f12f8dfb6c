import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../device-sim/src/access-policy.js';
import { testStack } from '../support/stack.js';

type Env = Awaited<ReturnType<typeof testStack>>;

describe('security updates reach the phone and close the R6 loop (002 R6; 000 §Kai FOTA, §Secure patch level)', () => {
  let env: Env;
  let operator: (path: string) => Promise<Record<string, unknown>>;
  beforeAll(async () => {
    env = await testStack();
    const http = `https://127.0.0.1:${env.stack.services.find((s) => s.name === 'attestation')!.httpPort}`;
    const token = readFileSync(join(env.stack.stateDir, 'keys', 'attestation-operator.token'), 'utf8').trim();
    operator = async (path) =>
      (await fetch(`${http}/v1/operator${path}`, { headers: { authorization: `Bearer ${token}` } })).json() as Promise<
        Record<string, unknown>
      >;
  });
  afterAll(async () => {
    await env?.close();
  });

  it(
    'an old-patch phone enrolls at LOW and is declined above its cap; ' +
      'it updates over FOTA, re-attests, and the same payment is approved',
    async () => {
      const phone = await env.world.phone('old-release');
      expect(phone.fota.platform()).toMatchObject({ securityPatchLevel: 202604, osVersion: '2.6.1.2' });
      const wallet = env.world.newId('wallet');
      const merchant = env.world.newId('merchant');
      const before = await phone.daemon.enroll(wallet);
      expect(before.tier).toBe('LOW');
      expect(before.reasons).toContain('UPDATE_REQUIRED');
      expect(decodeJwt(before.token)).toMatchObject({ tier: 'LOW' });
      await env.world.openWallet(wallet, before.deviceId, 100_000, 'KES');
      await env.world.openMerchant(merchant, 'KES');
      expect(await operator(`/devices/${before.deviceId}`)).toMatchObject({
        tier: 'LOW',
        update: { known: true, currentVersion: 3, patchLevelsBehind: 6, updateAvailable: true, pastEndOfLife: false },
      });

      const payment = { payee: merchant, amount: { minorUnits: '30000', currency: 'KES' } };
      const declined = await phone.daemon.pay(payment);
      expect([declined.status, declined.code]).toEqual(['DECLINED', 'RISK_DECLINED']);
      expect(declined.risk.ruleIds).toContain('tier.perPayment');

      const floorBefore = phone.ese!.rollbackIndex;
      const outcome = await phone.update();
      expect(outcome).toMatchObject({
        status: 'UPDATED',
        version: 3,
        patchLevel: 202610,
        kind: 'diff',
        fromVersion: 2,
      });
      expect(phone.fota.status(SYSTEM)).toMatchObject({ installedVersion: 3, rollbackIndex: 3, activeSlot: 'b' });
      expect([floorBefore, phone.ese!.rollbackIndex]).toEqual([2, 3]);
      expect(phone.ese!.powerOnState()).toMatchObject({
        rootOfTrust: { verifiedBootState: 'verified' },
        patchLevel: { os: 202610, vendor: 202610, boot: 202610 },
        rollbackIndex: 3,
        firmware: { version: 3, patchLevel: 202610 },
      });

      const after = await phone.daemon.enroll(wallet);
      expect([after.deviceId, after.tier]).toEqual([before.deviceId, 'HIGH']);
      expect(after.reasons).not.toContain('UPDATE_REQUIRED');
      const paid = await phone.daemon.pay(payment);
      expect(paid.status).toBe('POSTED');
      expect(await operator(`/devices/${before.deviceId}`)).toMatchObject({
        tier: 'HIGH',
        patchLevel: 202610,
        highestRollbackIndex: 3,
        update: { patchLevelsBehind: 0, updateAvailable: false },
      });
      expect(await phone.update()).toEqual({ status: 'UP_TO_DATE', version: 3, patchLevel: 202610 });
    },
    60_000,
  );

  it('a phone on the current release enrolls at HIGH and is told nothing', async () => {
    const phone = await env.world.phone('secure');
    const e = await phone.daemon.enroll(env.world.newId('wallet'));
    expect([e.tier, e.reasons]).toEqual(['HIGH', ['ESE_VERIFIED_BOOT_CURRENT_PATCH']]);
    expect((await operator(`/devices/${e.deviceId}`)).update).toMatchObject({
      patchLevelsBehind: 0,
      updateAvailable: false,
    });
  });
});

describe('end of life and concurrent updates', () => {
  let env: Env;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dfs-catalog-'));
    const catalog = JSON.parse(readFileSync('config/fota-catalog.json', 'utf8'));
    catalog.models['KaiPhone 4G'].endOfLife = '2025-12-31';
    writeFileSync(join(dir, 'catalog.json'), JSON.stringify(catalog));
    env = await testStack({ ATTESTATION_FOTA_CATALOG: join(dir, 'catalog.json') });
  });
  afterAll(async () => {
    await env?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a phone of a model past end of life stays LOW even on its newest release (MODEL_END_OF_LIFE)', async () => {
    const phone = await env.world.phone('secure');
    const e = await phone.daemon.enroll(env.world.newId('wallet'));
    expect([e.tier, e.reasons]).toEqual(['LOW', ['MODEL_END_OF_LIFE']]);
  });

  it('a burst of phones updates at once, and two concurrent updates of one phone install once', async () => {
    const phones = await Promise.all(Array.from({ length: 8 }, () => env.world.phone('old-release')));
    const outcomes = await Promise.all(phones.map((p) => p.update()));
    expect(outcomes.map((o) => `${o.status}:${o.version}`)).toEqual(Array(8).fill('UPDATED:3'));
    const one = await env.world.phone('old-release');
    const both = await Promise.all([one.update(), one.update()]);
    expect(both.map((o) => o.status).sort()).toEqual(['UPDATED', 'UP_TO_DATE']);
    expect([one.ese!.rollbackIndex, one.fota.status(SYSTEM).activeSlot]).toEqual([3, 'b']);
  }, 60_000);
});
