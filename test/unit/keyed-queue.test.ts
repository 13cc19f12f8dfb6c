import { describe, expect, it } from 'vitest';
import { keyedQueue } from '../../kit/src/keyed.js';

/** A task that logs its start and end and ends when released (or fails, when told to). */
function gated(log: string[], name: string, fail = false) {
  let release: () => void = () => {};
  const ended = new Promise<void>((r) => {
    release = r;
  });
  return {
    release,
    task: async () => {
      log.push(`${name}+`);
      await ended;
      log.push(`${name}-`);
      if (fail) throw new Error(`${name} failed`);
      return name;
    },
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('keyedQueue: in order per key, side by side across keys, barriers alone', () => {
  it('runs tasks on other keys side by side and a task on a taken key after it, even when that one fails', async () => {
    const queue = keyedQueue();
    const log: string[] = [];
    const a = gated(log, 'a', true);
    const b = gated(log, 'b');
    const c = gated(log, 'c');
    const ra = queue(['device:1', 'payee:m'], a.task);
    const rb = queue(['device:2'], b.task);
    const rc = queue(['payee:m', 'device:3'], c.task);
    await tick();
    expect(log).toEqual(['a+', 'b+']);
    b.release();
    await expect(rb).resolves.toBe('b');
    expect(log).toEqual(['a+', 'b+', 'b-']);
    a.release();
    await expect(ra).rejects.toThrow('a failed');
    await tick();
    expect(log).toEqual(['a+', 'b+', 'b-', 'a-', 'c+']);
    c.release();
    await expect(rc).resolves.toBe('c');
  });

  it('starts a barrier (no keys) after every earlier task, and every later task after it', async () => {
    const queue = keyedQueue();
    const log: string[] = [];
    const a = gated(log, 'a');
    const bar = gated(log, 'bar');
    const b = gated(log, 'b');
    const ra = queue(['k1'], a.task);
    const rbar = queue([], bar.task);
    const rb = queue(['k2'], b.task);
    await tick();
    expect(log).toEqual(['a+']);
    a.release();
    await ra;
    await tick();
    expect(log).toEqual(['a+', 'a-', 'bar+']);
    bar.release();
    await rbar;
    await tick();
    expect(log).toEqual(['a+', 'a-', 'bar+', 'bar-', 'b+']);
    b.release();
    await expect(rb).resolves.toBe('b');
  });
});
