import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256b64url } from '../../../kit/src/jws.js';
import { DfsError } from '../../../kit/src/errors.js';
import { decide } from '../../../services/risk/src/domain/decide.js';
import { ingest } from '../../../services/risk/src/events/consumer.js';
import { loadRules } from '../../../services/risk/src/rules-file.js';
import { memoryFeatureStore } from '../../../services/risk/src/store/memory/index.js';
import type { NumberVerifier } from '../../../services/transaction/src/domain/numbers.js';
import { reportDevice } from '../../../services/transaction/src/domain/reports.js';
import { payment } from '../risk/fixtures.js';
import { codeOf } from '../../support/expect-code.js';
import { harness, type Harness } from './harness.js';

const rules = loadRules('config/risk-rules.json');
const VICTIM_NUMBER = '+254712345678';

/** The operator's lines: number -> IMSI of its working SIM; `down` makes it fail to answer. */
function operator(lines: Record<string, string>) {
  const state = { down: false, asked: 0 };
  const numbers: NumberVerifier = {
    async verify(msisdn, imsiHash) {
      state.asked++;
      if (state.down) throw new DfsError('NUMBER_VERIFICATION_UNAVAILABLE');
      return lines[msisdn] !== undefined && sha256b64url(lines[msisdn]) === imsiHash;
    },
  };
  return { numbers, state };
}

async function world() {
  const h = await harness();
  const mno = operator({ [VICTIM_NUMBER]: 'imsi-victim', '+254700000001': 'imsi-attacker' });
  const deps = { ...h.deps, numbers: mno.numbers };
  const [victim, attacker] = [await h.phone(0), await h.phone(0)];
  const report = (p: Awaited<ReturnType<Harness['phone']>>, body: Record<string, unknown>) =>
    p
      .signRaw({ reportId: randomUUID(), iat: h.clock.now, ...body }, { typ: 'dfs-device-report+jws' })
      .then((signed) => reportDevice(signed, p.token, p.peer, deps));
  const simReport = (p: Awaited<ReturnType<Harness['phone']>>, msisdn: string, imsi: string) =>
    report(p, { kind: 'sim_changed', msisdn, imsiHash: sha256b64url(imsi) });
  const queued = () => h.store.pendingOutbox(100);
  /** Risk's features learnt from everything queued so far (the relay, without a bus). */
  async function risk() {
    const store = memoryFeatureStore();
    for (const e of await queued()) await ingest(store, e.topic, e);
    const ask = (deviceId: string) =>
      decide(payment(1_000, 'HIGH', { deviceId, transactionId: randomUUID() }), store, rules, h.clock.now + 1);
    return { store, ask };
  }
  return { h, mno, victim, attacker, report, simReport, queued, risk };
}

describe('device reports: a SIM report carries its number only when the operator confirms it', () => {
  it(
    "binds the honest report's number; another phone reporting that number reaches risk " +
      "without it, so the victim's line does not move and the victim is not flagged",
    async () => {
      const w = await world();
      expect(await w.simReport(w.victim, VICTIM_NUMBER, 'imsi-victim')).toBe('device.sim_changed');
      expect((await w.h.store.getNumber(VICTIM_NUMBER))?.deviceId).toBe(w.victim.deviceId);
      expect(await w.simReport(w.attacker, VICTIM_NUMBER, 'imsi-attacker')).toBe('device.sim_changed');
      const [honest, claimed] = (await w.queued()).map((e) => e.data);
      expect(honest).toMatchObject({ deviceId: w.victim.deviceId, msisdn: VICTIM_NUMBER });
      expect(claimed).toMatchObject({ deviceId: w.attacker.deviceId, imsiHash: sha256b64url('imsi-attacker') });
      expect(claimed).not.toHaveProperty('msisdn');
      const risk = await w.risk();
      expect((await risk.store.getLine(VICTIM_NUMBER))?.deviceId).toBe(w.victim.deviceId);
      expect((await risk.ask(w.victim.deviceId)).ruleIds).not.toContain('sim.numberMoved');
      expect((await w.h.store.getNumber(VICTIM_NUMBER))?.deviceId).toBe(w.victim.deviceId);
    },
  );

  it('an operator that does not answer refuses the SIM report (sent again later), queueing nothing', async () => {
    const w = await world();
    w.mno.state.down = true;
    expect(await codeOf(w.simReport(w.victim, VICTIM_NUMBER, 'imsi-victim'))).toBe('NUMBER_VERIFICATION_UNAVAILABLE');
    expect(await w.queued()).toEqual([]);
    w.mno.state.down = false;
    expect(await w.simReport(w.victim, VICTIM_NUMBER, 'imsi-victim')).toBe('device.sim_changed');
    expect((await w.queued()).map((e) => e.data.msisdn)).toEqual([VICTIM_NUMBER]);
  });

  it('a revoked phone reports nothing while its token lasts: DEVICE_REVOKED, the operator not asked', async () => {
    const w = await world();
    w.h.revoked.add(w.attacker.deviceId);
    expect(await codeOf(w.simReport(w.attacker, VICTIM_NUMBER, 'imsi-victim'))).toBe('DEVICE_REVOKED');
    expect(await codeOf(w.report(w.attacker, { kind: 'pin_failed' }))).toBe('DEVICE_REVOKED');
    expect([await w.queued(), w.mno.state.asked]).toEqual([[], 0]);
    expect(await w.h.store.getNumber(VICTIM_NUMBER)).toBeNull();
  });
});
