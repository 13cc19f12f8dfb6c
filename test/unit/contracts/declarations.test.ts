import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, productionFiles } from '../../support/source.js';

/** Every name contracts/ exports (schemas, types, typ constants, helpers). */
function contractNames(): Set<string> {
  const names = new Set<string>();
  for (const file of readdirSync(join(ROOT, 'contracts')).filter((f) => f.endsWith('.ts'))) {
    for (const m of readFileSync(join(ROOT, 'contracts', file), 'utf8').matchAll(
      /^export (?:const|type|interface|function|class) (\w+)/gm,
    ))
      names.add(m[1]!);
  }
  return names;
}

/** Names the payloads had before they moved to contracts/ (a second copy would come back under them). */
const FORMER_NAMES = ['TokenClaims', 'Proof', 'Confirmation', 'ResetClaims', 'DeviceData', 'PaymentData'];

/** Declarations of `name` in `text` (re-exports and aliases `type X = Y;` of a contract are fine). */
function declares(text: string, name: string): boolean {
  return new RegExp(
    `^\\s*(?:export\\s+)?(?:interface\\s+${name}\\b|class\\s+${name}\\b|(?:const|let)\\s+${name}\\s*=|` +
      `type\\s+${name}\\s*=\\s*(?:\\{|z\\.|'|\\())`,
    'm',
  ).test(text);
}

/** zod object schemas with the fields of a signed payload (`iat`, `ath`, `cnf`, `typ`, `jkt`, `requestHash`). */
const SIGNED_SHAPE = /z\.object\(\{[^}]*\b(?:iat|ath|cnf|typ|jkt|requestHash)\s*:/;

describe('payload and claim types are declared only in contracts/', () => {
  const files = productionFiles();

  it('no production file declares a name of contracts/ or a former payload name', () => {
    const names = [...contractNames(), ...FORMER_NAMES];
    expect(names.length).toBeGreaterThan(20);
    const found = files.flatMap((f) => names.filter((n) => declares(f.text, n)).map((n) => `${f.path}: ${n}`));
    expect(found).toEqual([]);
  });

  it('no production file holds a zod schema of a signed payload', () => {
    expect(files.filter((f) => SIGNED_SHAPE.test(f.text)).map((f) => f.path)).toEqual([]);
  });

  it('the checks find a copy when there is one', () => {
    expect(declares('export interface TokenClaims {\n  sub: string;\n}', 'TokenClaims')).toBe(true);
    expect(declares('const PaymentPayload = z.object({', 'PaymentPayload')).toBe(true);
    expect(declares("export type PaymentStatus = 'POSTED' | 'FAILED';", 'PaymentStatus')).toBe(true);
    expect(declares("export type { PaymentResult } from '../../contracts/results.js';", 'PaymentResult')).toBe(false);
    expect(declares('export type DeviceData = DeviceEventData;', 'DeviceData')).toBe(false);
    expect(SIGNED_SHAPE.test('const C = z.object({ transactionId: z.uuid(), iat: z.number() })')).toBe(true);
  });
});
