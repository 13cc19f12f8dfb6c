import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOrCreateSecret, sameSecret } from '../../../kit/src/operator-auth.js';

describe('operator credential', () => {
  it('compares secrets of any length without throwing', () => {
    expect(sameSecret('a'.repeat(40), 'a'.repeat(40))).toBe(true);
    expect(sameSecret('a'.repeat(40), 'a'.repeat(39))).toBe(false);
    expect(sameSecret('', 'a'.repeat(40))).toBe(false);
  });

  it('uses the environment value when set, otherwise generates one 0600 file and reuses it', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'dfs-op-')), 'keys', 'attestation-operator.token');
    expect(loadOrCreateSecret('e'.repeat(40), file)).toBe('e'.repeat(40));
    const made = loadOrCreateSecret(undefined, file);
    expect(made.length).toBeGreaterThanOrEqual(43);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadOrCreateSecret(undefined, file)).toBe(made);
  });
});
