import { describe, expect, it } from 'vitest';
import { serviceStatus, type HealthSignal } from '../../../services/transaction/src/domain/heartbeat.js';

describe('GSMA heartbeat service status', () => {
  const up: HealthSignal = () => true;
  const down: HealthSignal = () => false;

  it('is available when ready and every dependency is healthy, or when there are none', async () => {
    expect(await serviceStatus(up, [up, async () => true])).toBe('available');
    expect(await serviceStatus(up, [])).toBe('available');
  });

  it('is degraded when ready but a dependency is unhealthy, throws or rejects', async () => {
    expect(await serviceStatus(up, [up, down])).toBe('degraded');
    expect(await serviceStatus(up, [() => Promise.reject(new Error('deadline'))])).toBe('degraded');
    expect(
      await serviceStatus(up, [
        () => {
          throw new Error('closed');
        },
      ]),
    ).toBe('degraded');
  });

  it('is unavailable when not ready (or the readiness check fails), without asking the dependencies', async () => {
    let asked = 0;
    const counted: HealthSignal = () => (asked += 1) > 0;
    expect(await serviceStatus(down, [counted])).toBe('unavailable');
    expect(await serviceStatus(() => Promise.reject(new Error('store')), [counted])).toBe('unavailable');
    expect(asked).toBe(0);
  });
});
