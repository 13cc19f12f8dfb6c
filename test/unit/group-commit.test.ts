import { describe, expect, it } from 'vitest';
import { groupCommit } from '../../kit/src/group-commit.js';

/** A send that records each batch and answers after `gate` opens. */
function recorder() {
  const batches: number[][] = [];
  let open: () => void = () => {};
  let gate = new Promise<void>((r) => (open = r));
  const send = async (items: readonly number[]) => {
    batches.push([...items]);
    await gate;
    return items.map((i) => (i < 0 ? new Error(`negative ${i}`) : i * 10));
  };
  return {
    batches,
    send,
    release() {
      open();
      gate = new Promise<void>((r) => (open = r));
    },
  };
}

describe('group commit (kit/src/group-commit.ts)', () => {
  it('sends the calls of one turn as one batch, and the calls made while it is in flight as the next', async () => {
    const r = recorder();
    const call = groupCommit(r.send);
    const first = [call(1), call(2), call(3)];
    await new Promise((res) => setImmediate(res));
    expect(r.batches).toEqual([[1, 2, 3]]);
    const second = [call(4), call(5)];
    await new Promise((res) => setImmediate(res));
    expect(r.batches).toHaveLength(1);
    r.release();
    expect(await Promise.all(first)).toEqual([10, 20, 30]);
    await new Promise((res) => setImmediate(res));
    expect(r.batches).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
    r.release();
    expect(await Promise.all(second)).toEqual([40, 50]);
  });

  it('fails only the item whose result is an Error, and every item of a batch whose send throws', async () => {
    const r = recorder();
    const call = groupCommit(r.send);
    const results = [call(1), call(-2), call(3)].map((p) =>
      p.then(
        (v) => ({ v }),
        (e: Error) => ({ e: e.message }),
      ),
    );
    await new Promise((res) => setImmediate(res));
    r.release();
    expect(await Promise.all(results)).toEqual([{ v: 10 }, { e: 'negative -2' }, { v: 30 }]);

    let fail = true;
    const flaky = groupCommit(async (items: readonly number[]) => {
      if (fail) throw new Error('down');
      return items;
    });
    const failed = await Promise.allSettled([flaky(1), flaky(2)]);
    expect(failed.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await flaky(7)).toBe(7);
  });

  it('splits a backlog larger than the batch limit', async () => {
    const r = recorder();
    const call = groupCommit(r.send, 4);
    const all = Array.from({ length: 10 }, (_, i) => call(i));
    for (let i = 0; i < 3; i++) {
      await new Promise((res) => setImmediate(res));
      r.release();
    }
    expect(await Promise.all(all)).toEqual(Array.from({ length: 10 }, (_, i) => i * 10));
    expect(r.batches.map((b) => b.length)).toEqual([4, 4, 2]);
  });
});
