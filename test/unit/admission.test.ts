import { describe, expect, it } from 'vitest';
import { admission } from '../../kit/src/admission.js';
import { DfsError } from '../../kit/src/errors.js';

describe('admission control', () => {
  it(
    'runs up to the budget at once, refuses beyond it with ' + 'OVERLOADED and a hint, and frees slots when work ends',
    async () => {
      const a = admission(2);
      const gates: (() => void)[] = [];
      const held = () => a.run(() => new Promise<string>((r) => gates.push(() => r('done'))));
      const first = held();
      const second = held();
      expect(a.inFlight).toBe(2);
      const refused = await a.run(async () => 'never').catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(DfsError);
      expect((refused as DfsError).code).toBe('OVERLOADED');
      expect((refused as DfsError).retryAfterMs).toBeGreaterThanOrEqual(10);
      expect(a.refused).toBe(1);
      for (const g of gates) g();
      expect(await Promise.all([first, second])).toEqual(['done', 'done']);
      expect(a.inFlight).toBe(0);
      expect(await a.run(async () => 'admitted')).toBe('admitted');
    },
  );

  it('frees the slot of work that failed', async () => {
    const a = admission(1);
    await expect(
      a.run(async () => {
        throw new DfsError('INTERNAL');
      }),
    ).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(await a.run(async () => 1)).toBe(1);
  });
});
