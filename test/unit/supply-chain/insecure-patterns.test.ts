import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ overrideConfigFile: 'eslint.config.js' });

/** Lints source text as if it were a production file, with the project's own ESLint config. */
async function ruleIds(code: string, filePath = 'services/planted/src/domain/planted.ts'): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.severity === 2).map((m) => m.ruleId ?? 'parse-error');
}

describe(
  'lint rules for insecure patterns (eslint.config.js, docs/SECURITY.md; seed 002 R4)',
  { timeout: 60_000 },
  () => {
    it('a clean production file has no findings', async () => {
      expect(await ruleIds('export const sum = (a: number, b: number): number => a + b;\n')).toEqual([]);
    });

    it.each([
      [
        'eval of request input',
        'export const run = (req: { body: { code: string } }): unknown => eval(req.body.code);\n',
        'security/detect-eval-with-expression',
      ],
      [
        'child process',
        "import { exec } from 'node:child_process';\nexport const run = (cmd: string): void => { exec(cmd); };\n",
        'security/detect-child-process',
      ],
      [
        'regular expression built from input',
        'export const matcher = (p: string): RegExp => new RegExp(p);\n',
        'security/detect-non-literal-regexp',
      ],
      ['catastrophic backtracking', 'export const bad = /^(a+)+$/;\n', 'security/detect-unsafe-regex'],
      [
        'file path from input',
        "import { readFileSync } from 'node:fs';\nexport const " +
          "read = (p: string): string => readFileSync(p, 'utf8');\n",
        'security/detect-non-literal-fs-filename',
      ],
      [
        'timing-unsafe secret comparison',
        'export const ok = (token: string, expected: string): boolean ' +
          '=> { if (token === expected) return true; return false; };\n',
        'security/detect-possible-timing-attacks',
      ],
      [
        'pseudo-random bytes',
        "import crypto from 'node:crypto';\nexport const nonce = (): Buffer => crypto.pseudoRandomBytes(16);\n",
        'security/detect-pseudoRandomBytes',
      ],
    ])('a planted %s fails lint', async (_name, code, rule) => {
      expect(await ruleIds(code)).toContain(rule);
    });

    it('an inline justification silences exactly the justified line', async () => {
      const code =
        "import { readFileSync } from 'node:fs';\n// eslint-disable-next-line " +
        'security/detect-non-literal-fs-filename -- fixed path under the state ' +
        'directory\nexport const a = (p: string): string => readFileSync(p, ' +
        "'utf8');\nexport const b = (p: string): string => readFileSync(p, 'utf8');\n";
      expect(await ruleIds(code)).toEqual(['security/detect-non-literal-fs-filename']);
    });
  },
);
