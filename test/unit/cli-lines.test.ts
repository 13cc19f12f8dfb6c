import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** The command-line files formatted with Prettier so far; the whole tree follows when it is formatted at once. */
const FORMATTED = [
  'cli/dfs.ts',
  'cli/program.ts',
  'cli/actions.ts',
  'cli/failure.ts',
  'cli/reach.ts',
  'cli/ports.ts',
  'scripts/check-lines.mjs',
  'test/e2e/cli-usage.test.ts',
  'test/unit/cli-failure.test.ts',
  'test/unit/cli-lines.test.ts',
];

const checkLines = (...args: string[]) =>
  spawnSync(process.execPath, ['scripts/check-lines.mjs', ...args], { encoding: 'utf8' });

describe('scripts/check-lines.mjs', () => {
  it('finds no line over 120 columns in the formatted command-line files', () => {
    const r = checkLines(...FORMATTED);
    expect(r.stdout).toBe('');
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`${FORMATTED.length} files, no line over 120 columns`);
  });

  it('the formatted files are as Prettier writes them', () => {
    const r = spawnSync(process.execPath, ['node_modules/prettier/bin/prettier.cjs', '--check', ...FORMATTED], {
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  }, 30_000);

  it('fails and names file and line when a line is over the limit', () => {
    const r = checkLines('--max', '60', 'cli/program.ts');
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^cli\/program\.ts:\d+: \d+ columns$/m);
  });
});
