import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { patternsOverlap } from '../../../services/transaction/src/domain/integrators.js';
import { loadIntegrators } from '../../../services/transaction/src/http/integrators.js';

/**
 * The integrators file keeps integrators apart: an integrator acts on the accounts its patterns match
 * (reads, disbursements, reversals), so two integrators whose patterns meet, or a pattern meeting a
 * treasury, or one id or key for two entries, would let one act as, or on the accounts of, another.
 */
describe('integrators file: one id, one key, and accounts of their own each', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dfs-integrators-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const key = (c: string) => c.repeat(32);
  const load = (integrators: object[]) => {
    const file = join(dir, 'integrators.json');
    writeFileSync(file, JSON.stringify({ integrators }));
    return () => loadIntegrators(file);
  };
  const refusal = (integrators: object[]) => {
    try {
      load(integrators)();
      return { code: 'loaded', problems: [] as string[] };
    } catch (err) {
      const e = err as { code?: string; problems?: string[] };
      return { code: e.code, problems: e.problems ?? [] };
    }
  };

  it('tells patterns apart by the ids they match', () => {
    expect(patternsOverlap('shop-*', 'shop-a-*')).toBe(true);
    expect(patternsOverlap('shop-a-*', 'shop-*')).toBe(true);
    expect(patternsOverlap('shop-*', 'shop-till')).toBe(true);
    expect(patternsOverlap('shop-till', 'shop-*')).toBe(true);
    expect(patternsOverlap('shop-till', 'shop-till')).toBe(true);
    expect(patternsOverlap('t*', 'treasury-*')).toBe(true);
    expect(patternsOverlap('shop-a-*', 'shop-b-*')).toBe(false);
    expect(patternsOverlap('shop-a-till', 'shop-b-*')).toBe(false);
    expect(patternsOverlap('shop', 'shop-*')).toBe(false);
  });

  it('loads integrators whose accounts do not meet', () => {
    const registry = load([
      { id: 'shop-a', apiKey: key('a'), accounts: ['shop-a-*'] },
      { id: 'shop-b', apiKey: key('b'), accounts: ['shop-b-till', 'shop-b-2-*'] },
    ])();
    expect(registry.authenticate(key('b'))?.id).toBe('shop-b');
  });

  it.each([
    [
      'a pattern meets another integrator',
      [
        ['shop-a', 'a', ['shop-*']],
        ['shop-b', 'b', ['shop-b-till']],
      ],
    ],
    ['a pattern matches a treasury', [['greedy', 'a', ['t*']]]],
    ['an exact treasury id', [['greedy', 'a', ['treasury-KES']]]],
    [
      'one id twice',
      [
        ['shop', 'a', ['shop-a-*']],
        ['shop', 'b', ['shop-b-*']],
      ],
    ],
    [
      'one API key twice',
      [
        ['shop-a', 'a', ['shop-a-*']],
        ['shop-b', 'a', ['shop-b-*']],
      ],
    ],
  ] as const)('refuses the file with CONFIG_INVALID when %s, naming no key', (_, entries) => {
    const r = refusal(entries.map(([id, k, accounts]) => ({ id, apiKey: key(k), accounts })));
    expect(r.code).toBe('CONFIG_INVALID');
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).not.toContain(key('a'));
  });
});
