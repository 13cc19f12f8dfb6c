import { describe, expect, it } from 'vitest';
import { countStoreCommand, noWork, sumWork, workCounts, workPer, type WorkCounts } from '../../kit/src/work.js';

const reading = (over: Partial<WorkCounts>): WorkCounts => ({ ...noWork(), ...over });

describe('work counts (kit/src/work.ts)', () => {
  it('counts a store command in the total and under its collection and command name, in a copy', () => {
    const before = workCounts();
    countStoreCommand('ledger_outbox insert');
    countStoreCommand('ledger_outbox insert');
    countStoreCommand('ping');
    const after = workCounts();
    expect(after.storeCommands - before.storeCommands).toBe(3);
    expect(
      (after.storeCommandsBy['ledger_outbox insert'] ?? 0) - (before.storeCommandsBy['ledger_outbox insert'] ?? 0),
    ).toBe(2);
    after.storeCommandsBy['ping'] = 1_000;
    expect(workCounts().storeCommandsBy['ping']).not.toBe(1_000);
  });

  it('adds up the counters of several processes, the counts by name included', () => {
    const total = sumWork([
      reading({ storeCommands: 3, grpcServed: 2, storeCommandsBy: { 'a find': 2, 'b insert': 1 } }),
      reading({ storeCommands: 2, grpcServed: 5, storeCommandsBy: { 'a find': 2 }, busHandledBy: { 'g.t': 4 } }),
    ]);
    expect(total).toEqual(
      reading({
        storeCommands: 5,
        grpcServed: 7,
        storeCommandsBy: { 'a find': 4, 'b insert': 1 },
        busHandledBy: { 'g.t': 4 },
      }),
    );
  });

  it('gives the work between two readings per payment, largest names first, unused ones left out', () => {
    const start = reading({ storeCalls: 10, storeCommands: 4, storeCommandsBy: { 'a find': 4, 'c update': 0 } });
    const end = reading({
      storeCalls: 40,
      storeCommands: 34,
      busEvents: 9,
      storeCommandsBy: { 'a find': 10, 'b insert': 24, 'c update': 0 },
    });
    end.busHandledBy = { 'risk.payments': 6, 'idle.devices': 0 };
    const per = workPer(end, start, 3);
    expect(per).toEqual(
      reading({
        storeCalls: 10,
        storeCommands: 10,
        busEvents: 3,
        storeCommandsBy: { 'b insert': 8, 'a find': 2 },
        busHandledBy: { 'risk.payments': 2 },
      }),
    );
    expect(Object.keys(per.storeCommandsBy)).toEqual(['b insert', 'a find']);
    expect(workPer(reading({ storeCalls: 2 }), noWork(), 3).storeCalls).toBe(0.67);
  });
});
