import { describe, expect, it } from 'vitest';
import { EVENTS, TOPICS } from '../../../contracts/events.js';
import { productionFiles } from '../../support/source.js';
import { eventDrift, scanEvents } from './event-scan.js';

/**
 * Event types the risk service consumes whose producer is still being built. Each entry is a rule
 * input with no source yet; delete the entry in the change that adds its producer (the test fails
 * while a listed type has a producer, so this list only shrinks).
 */
const PENDING_PRODUCERS: readonly string[] = [];

const catalog = EVENTS as Record<string, { producers: readonly string[]; consumers: readonly string[] }>;

describe('event catalog (contracts/events.ts) against the production source', () => {
  const files = productionFiles();
  const use = scanEvents(files, Object.keys(EVENTS));

  it('every consumed type has a producer, every produced type a consumer, and the catalog names them all', () => {
    expect(eventDrift(catalog, use, PENDING_PRODUCERS)).toEqual([]);
  });

  it('without the allow-list, the types with no producer yet are findings', () => {
    const problems = eventDrift(catalog, use, []);
    expect(
      problems
        .filter((p) => p.includes('produced nowhere'))
        .map((p) => p.split(':')[0])
        .sort(),
    ).toEqual([...PENDING_PRODUCERS].sort());
  });

  it(
    'names the producers and consumers of the risk signals: ' +
      "the operator, the phone's reports, the payment outcomes",
    () => {
      expect(use.produced.get('network.sim_swapped')).toEqual(new Set(['mno']));
      for (const t of ['device.sim_changed', 'device.pin_failed', 'device.pin_locked'])
        expect(use.produced.get(t)).toEqual(new Set(['transaction']));
      for (const t of [
        'network.sim_swapped',
        'device.sim_changed',
        'device.pin_failed',
        'device.pin_locked',
        'payment.declined',
        'payment.failed',
        'payment.reversed',
      ]) {
        expect(use.consumed.get(t)?.has('risk'), t).toBe(true);
      }
    },
  );

  it(
    'finds a removed producer: the operator without its network ' +
      'events, the transaction service without device reports',
    () => {
      const noMno = files.filter((f) => f.path !== 'services/mno/src/events/network-events.ts');
      expect(eventDrift(catalog, scanEvents(noMno, Object.keys(EVENTS)), PENDING_PRODUCERS)).toEqual([
        'network.sim_swapped: consumed by risk but produced nowhere in production code',
        'network.sim_swapped: the catalog says producers [mno], the source shows []',
      ]);
      const noReports = files.filter((f) => f.path !== 'services/transaction/src/domain/reports.ts');
      const problems = eventDrift(catalog, scanEvents(noReports, Object.keys(EVENTS)), PENDING_PRODUCERS);
      for (const t of ['device.sim_changed', 'device.pin_failed', 'device.pin_locked']) {
        expect(problems).toContain(`${t}: consumed by risk but produced nowhere in production code`);
      }
    },
  );

  it('finds a removed producer: the attestation service without its device events', () => {
    const without = files.filter((f) => f.path !== 'services/attestation/src/events/device-events.ts');
    const problems = eventDrift(catalog, scanEvents(without, Object.keys(EVENTS)), PENDING_PRODUCERS);
    expect(problems).toContain(
      'device.attested: consumed by risk, transaction but produced nowhere in production code',
    );
    expect(problems).toContain('device.revoked: consumed by risk, transaction but produced nowhere in production code');
    expect(problems).toContain(
      'device.reverified: consumed by risk, transaction but produced nowhere in production code',
    );
  });

  it(
    'finds a removed consumer, a producer the catalog does ' + 'not name, and a pending entry that got its producer',
    () => {
      const fixture = [
        {
          path: 'services/attestation/src/events/x.ts',
          text: "publish(buildEvent('device.attested', id, now(), {}));",
        },
        { path: 'services/risk/src/domain/x.ts', text: "const T = handles('device.revoked');" },
        {
          path: 'device-sim/src/daemon/x.ts',
          text: "bus.publish(DEVICE_TOPIC, [buildEvent('device.pin_failed', id, now(), { deviceId })]);",
        },
        {
          path: 'services/transaction/src/domain/x.ts',
          text: "paymentEvent(ok ? 'payment.posted' : 'payment.failed', t, now);",
        },
      ];
      const mini = {
        'device.attested': { producers: ['attestation'], consumers: ['risk'] },
        'device.revoked': { producers: ['attestation'], consumers: ['risk'] },
        'device.pin_failed': { producers: [], consumers: ['risk'] },
        'payment.posted': { producers: ['transaction'], consumers: ['integrators'] },
        'payment.failed': { producers: ['transaction'], consumers: [] },
      };
      const problems = eventDrift(mini, scanEvents(fixture, Object.keys(mini)), ['device.pin_failed']);
      expect(problems).toEqual([
        'device.attested: produced by attestation but consumed by nobody',
        'device.attested: the catalog says consumers [risk], the source shows []',
        'device.revoked: consumed by risk but produced nowhere in production code',
        'device.revoked: the catalog says producers [attestation], the source shows []',
        'device.pin_failed: produced by device-sim; remove it from PENDING_PRODUCERS',
        'device.pin_failed: produced by device-sim but consumed by nobody',
        'device.pin_failed: the catalog says producers [], the source shows [device-sim]',
        'device.pin_failed: the catalog says consumers [risk], the source shows []',
        'payment.failed: produced by transaction but consumed by nobody',
      ]);
    },
  );

  it('every event type is on a known topic, and the topics are distinct', () => {
    expect(new Set(TOPICS).size).toBe(TOPICS.length);
    for (const spec of Object.values(EVENTS)) expect(TOPICS).toContain(spec.topic);
  });
});
