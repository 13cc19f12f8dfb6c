import { base64url } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../device-sim/src/daemon/backend.js';
import type { PhoneUser } from '../../device-sim/src/ui/native-ui.js';
import { balance, kes } from '../../cli/threats/scenarios/setup.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256b64url } from '../../kit/src/jws.js';
import { startStack } from '../../cli/stack.js';
import { connectWorld } from '../../cli/world.js';
import { codeOf } from '../support/expect-code.js';
import { blindOperator, silentNetwork } from '../support/risk-sabotage.js';
import { riskGet, testStack } from '../support/stack.js';

interface Seen {
  status: string;
  transactionId: string;
  code?: string;
  risk?: { decision: string; ruleIds: string[] };
}

/** Reads the signed results the backend sends the phone (read only). */
function watcher(seen: Seen[]): (b: Backend) => Backend {
  const read = (jws: string) => JSON.parse(new TextDecoder().decode(base64url.decode(jws.split('.')[1] ?? ''))) as Seen;
  return (b) => ({
    ...b,
    connect: (tls) => {
      const ch = b.connect(tls);
      return {
        ...ch,
        submitPayment: async (req) => {
          const r = await ch.submitPayment(req);
          seen.push(read(r.signedResult));
          return r;
        },
      };
    },
  });
}

/** Confirms payments with the PIN, but not the risk step-up. */
const noStepUp: PhoneUser = {
  confirm: async (f) => f.lines[0] !== 'Extra check: confirm',
  enterPin: async () => '2580',
};

describe(
  'SIM swap at the mobile operator (CAMARA SIM Swap ' + 'API) through the embedded stack (answers not cached)',
  () => {
    let env: Awaited<ReturnType<typeof testStack>>;
    const trail = async (id: string) =>
      (await riskGet(env.stack, `/v1/decisions/${id}`)).json() as Promise<{
        decision: string;
        ruleIds: string[];
        code?: string;
        operator?: { swapped?: boolean; unavailable?: string };
      }>;

    beforeAll(async () => {
      env = await testStack({ RISK_MNO_CACHE_SEC: '0' });
    });
    afterAll(async () => {
      await env?.close();
    });

    async function victim() {
      const seen: Seen[] = [];
      const phone = await env.world.phone('secure', { wrap: watcher(seen), user: noStepUp });
      const wallet = env.world.newId('wallet');
      const merchant = env.world.newId('merchant');
      const enrollment = await phone.daemon.enroll(wallet);
      await env.world.openWallet(wallet, enrollment.deviceId, 2_000_000, 'KES');
      await env.world.openMerchant(merchant, 'KES');
      return { phone, wallet, merchant, enrollment, seen };
    }

    it(
      'a swap done at the operator holds the next payment above the checked ' +
        'amount for a step-up (sim.swapped); without a fresh PIN nothing moves',
      async () => {
        const { phone, wallet, merchant, seen } = await victim();
        const msisdn = phone.sim.current!.msisdn;
        await expect
          .poll(async () => {
            const r = await phone.daemon.pay({ payee: merchant, amount: kes(150_000) });
            return [r.status, (await trail(r.transactionId)).operator?.swapped];
          })
          .toEqual(['POSTED', false]);

        const attackerSim = await env.world.mno!.swap(msisdn);
        expect(attackerSim.msisdn).toBe(msisdn);
        const before = await balance(env.world, wallet);
        expect(await codeOf(phone.daemon.pay({ payee: merchant, amount: kes(150_000) }))).toBe('PAYMENT_CANCELLED');
        const held = seen.at(-1)!;
        expect(held.status).toBe('STEP_UP_REQUIRED');
        expect(held.risk?.ruleIds).toContain('sim.swapped');
        const t = await trail(held.transactionId);
        expect(t.decision).toBe('STEP_UP');
        expect(t.ruleIds).toContain('sim.swapped');
        expect(await balance(env.world, wallet)).toBe(before);
      },
    );

    it(
      'a phone that puts another SIM in its slot reports the new ' +
        'IMSI, eSE-signed: its payments step up (sim.imsiChanged)',
      async () => {
        const { phone, merchant, seen } = await victim();
        await phone.daemon.pay({ payee: merchant, amount: kes(1_000) });
        phone.sim.insert(await env.world.mno!.newLine());
        await expect
          .poll(async () => {
            await phone.daemon.pay({ payee: merchant, amount: kes(1_000) }).catch(() => undefined);
            return seen.at(-1)?.risk?.ruleIds;
          })
          .toContain('sim.imsiChanged');
      },
    );

    it(
      'with the operator API stopped, a payment above the checked amount ' +
        'fails closed with SIM_SWAP_CHECK_UNAVAILABLE; small payments still pass',
      async () => {
        const { phone, merchant } = await victim();
        await expect
          .poll(
            async () =>
              (await trail((await phone.daemon.pay({ payee: merchant, amount: kes(150_000) })).transactionId)).operator
                ?.swapped,
          )
          .toBe(false);
        await env.stack.services.find((s) => s.name === 'mno')!.stop();
        const big = await phone.daemon.pay({ payee: merchant, amount: kes(150_000) });
        expect([big.status, big.code]).toEqual(['DECLINED', 'SIM_SWAP_CHECK_UNAVAILABLE']);
        const t = await trail(big.transactionId);
        expect(t).toMatchObject({ decision: 'DECLINE', code: 'SIM_SWAP_CHECK_UNAVAILABLE' });
        expect(t.ruleIds).toContain('sim.operatorUnavailable');
        const small = await phone.daemon.pay({ payee: merchant, amount: kes(5_000) });
        expect(small.status).toBe('POSTED');
      },
    );
  },
);

describe(
  "sabotage: the operator's SIM-swap signals switched off by " +
    'injection (a blind CAMARA answer, silent network events)',
  () => {
    it('the same swap goes unnoticed and the payment above the checked amount posts', async () => {
      const stateDir = mkdtempSync(join(tmpdir(), 'dfs-simswap-'));
      const stack = await startStack({
        stateDir,
        ephemeral: true,
        env: { LOG_LEVEL: 'silent' },
        controls: { risk: { operator: blindOperator }, mno: { events: silentNetwork } },
      });
      const world = await connectWorld(stack.pki, stack);
      try {
        const phone = await world.phone('secure', { user: noStepUp });
        const wallet = world.newId('wallet');
        const merchant = world.newId('merchant');
        const enrollment = await phone.daemon.enroll(wallet);
        await world.openWallet(wallet, enrollment.deviceId, 2_000_000, 'KES');
        await world.openMerchant(merchant, 'KES');
        await expect
          .poll(async () => {
            const first = await phone.daemon.pay({ payee: merchant, amount: kes(150_000) });
            return [
              first.status,
              (
                (await (await riskGet(stack, `/v1/decisions/${first.transactionId}`)).json()) as {
                  operator?: { swapped?: boolean };
                }
              ).operator?.swapped,
            ];
          })
          .toEqual(['POSTED', false]);
        await world.mno!.swap(phone.sim.current!.msisdn);
        const before = await balance(world, wallet);
        const r = await phone.daemon.pay({ payee: merchant, amount: kes(150_000) });
        expect(r.status).toBe('POSTED');
        expect(r.risk.ruleIds).not.toContain('sim.swapped');
        expect(Number(before) - Number(await balance(world, wallet))).toBe(150_000);
      } finally {
        world.close();
        await stack.stop();
        rmSync(stateDir, { recursive: true, force: true });
      }
    });
  },
);

describe(
  'a number taken to another handset with another SIM, through the real producers (attestation, ' +
    "the phone reports, risk); the operator's Number Verification answers as after a swap",
  () => {
    /** The number's working SIM (IMSI hash) as the operator knows it; the swap moves it to the attacker's card. */
    const working = new Map<string, string>();
    let env: Awaited<ReturnType<typeof testStack>>;
    beforeAll(async () => {
      const numbers = { verify: async (msisdn: string, imsiHash: string) => working.get(msisdn) === imsiHash };
      env = await testStack({ RISK_MNO_CACHE_SEC: '0' }, undefined, { transaction: { numbers } });
    });
    afterAll(async () => {
      await env?.close();
    });

    it('payments from the new handset decline (sim.imsiImeiChanged); attestation publishes the IMEI hash', async () => {
      const phone = await env.world.phone('secure', { user: noStepUp });
      const victimSim = phone.sim.current!;
      working.set(victimSim.msisdn, sha256b64url(victimSim.imsi));
      const merchant = env.world.newId('merchant');
      await env.world.openMerchant(merchant, 'KES');
      const victimWallet = env.world.newId('wallet');
      const enrollment = await phone.daemon.enroll(victimWallet);
      await env.world.openWallet(victimWallet, enrollment.deviceId, 2_000_000, 'KES');
      // Bound at risk: a payment above the checked amount asks the operator about the number.
      const bound = async () => {
        const r = await phone.daemon.pay({ payee: merchant, amount: kes(150_000) }).catch(() => null);
        if (!r) return undefined;
        const t = (await (await riskGet(env.stack, `/v1/decisions/${r.transactionId}`)).json()) as {
          operator?: { swapped?: boolean };
        };
        return t.operator?.swapped;
      };
      await expect.poll(bound).toBe(false);

      const attackerSim = { ...victimSim, iccid: `${victimSim.iccid.slice(0, -4)}0000`, imsi: '639000000000001' };
      working.set(victimSim.msisdn, sha256b64url(attackerSim.imsi));
      const seen: Seen[] = [];
      const attacker = await env.world.phone('secure', { sim: attackerSim, wrap: watcher(seen), user: noStepUp });
      const wallet = env.world.newId('wallet');
      const taken = await attacker.daemon.enroll(wallet);
      await env.world.openWallet(wallet, taken.deviceId, 100_000, 'KES');
      await expect
        .poll(async () => {
          await attacker.daemon.pay({ payee: merchant, amount: kes(1_000) }).catch(() => undefined);
          return [seen.at(-1)?.status, seen.at(-1)?.risk?.ruleIds];
        })
        .toEqual(['DECLINED', ['sim.imsiImeiChanged', 'sim.numberMoved']]);
    });
  },
);
