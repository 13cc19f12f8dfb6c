import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DfsError } from '../../../kit/src/errors.js';
import type { RulesInForce } from './domain/decide.js';
import { deepFreeze } from './domain/freeze.js';
import { Rules } from './domain/rules.js';

/** Reads and validates a rule file; a bad file is CONFIG_INVALID naming the file and the problem. */
export function loadRules(file: string, now = Date.now()): RulesInForce {
  try {
    /* eslint-disable-next-line security/detect-non-literal-fs-filename --
       the rules file is a configuration variable, read at start-up and on reload */
    const text = readFileSync(file, 'utf8');
    const rules = Rules.parse(JSON.parse(text));
    return Object.freeze({
      id: createHash('sha256').update(text).digest('hex').slice(0, 16),
      rules: deepFreeze(rules),
      loadedAtMs: now,
    });
  } catch (err) {
    throw new DfsError('CONFIG_INVALID', `risk rules ${file}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * The rules in force, reloadable without restart: a reload that fails validation keeps the
 * previous rules and throws CONFIG_INVALID.
 */
export function rulesSource(file: string) {
  let current = loadRules(file);
  return {
    current: () => current,
    reload(): RulesInForce {
      current = loadRules(file);
      return current;
    },
  };
}

export type RulesSource = ReturnType<typeof rulesSource>;
