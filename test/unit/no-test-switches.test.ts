/**
 * Production code carries no test switches: the threat demonstrations switch a control off by
 * injecting a permissive strategy at wiring time (cli/threats/controls.ts), so nothing under
 * services/, device-sim/ or kit/ may even mention sabotage.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const PRODUCTION = ['services', 'device-sim', 'kit'];

describe('production code', () => {
  it('never mentions sabotage (controls are switched off by injection only)', () => {
    const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', ...PRODUCTION], {
      encoding: 'utf8',
    })
      .split('\n')
      .filter((f) => /\.(ts|mts|js|mjs|json)$/.test(f));
    expect(files.length).toBeGreaterThan(100);
    expect(files.filter((f) => /sabotage/i.test(readFileSync(f, 'utf8')))).toEqual([]);
    expect(files.filter((f) => /sabotage/i.test(f))).toEqual([]);
  });
});
