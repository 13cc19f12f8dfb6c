import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DfsError } from '../../../kit/src/errors.js';
import type { RulesInForce } from './domain/decide.js';
import { deepFreeze } from './domain/freeze.js';
import { Rules } from './domain/rules.js';

/** A rule file's id: the start of the SHA-256 of its text. */
const idOf = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

/** Reads and validates a rule file; a bad file is CONFIG_INVALID naming the file and the problem. */
export function loadRules(file: string, now = Date.now()): RulesInForce {
  try {
    /* eslint-disable-next-line security/detect-non-literal-fs-filename --
       the rules file is a configuration variable, read at start-up and on reload */
    const text = readFileSync(file, 'utf8');
    const rules = Rules.parse(JSON.parse(text));
    return Object.freeze({
      id: idOf(text),
      rules: deepFreeze(rules),
      loadedAtMs: now,
    });
  } catch (err) {
    throw new DfsError('CONFIG_INVALID', `risk rules ${file}: ${(err as Error).message}`, { cause: err });
  }
}

/** What following the rule file reports: a changed file taken, or refused (the previous rules stay). */
export interface FollowEvents {
  taken(rules: RulesInForce): void;
  refused(err: DfsError): void;
}

/**
 * The rules in force, reloadable without restart: a reload that fails validation keeps the
 * previous rules and throws CONFIG_INVALID. `follow` re-reads the file every `everyMs` and takes it
 * when its text changed, so every process reading one file (each pod of a mounted ConfigMap, each
 * worker of `dfs serve --workers`) converges on it without a reload call to each; a changed file that
 * fails validation is refused once, not at every check, and the previous rules stay.
 */
export function rulesSource(file: string) {
  let current = loadRules(file);
  const reload = (): RulesInForce => {
    current = loadRules(file);
    return current;
  };
  return {
    current: () => current,
    reload,
    /** Starts following the file; returns the function that stops it. */
    follow(everyMs: number, on: FollowEvents): () => void {
      let refusedText: string | undefined;
      const check = () => {
        let text: string;
        try {
          /* eslint-disable-next-line security/detect-non-literal-fs-filename -- the configured rule file */
          text = readFileSync(file, 'utf8');
        } catch (err) {
          text = `unreadable: ${(err as Error).message}`;
        }
        if (idOf(text) === current.id || text === refusedText) return;
        try {
          on.taken(reload());
          refusedText = undefined;
        } catch (err) {
          refusedText = text;
          on.refused(err as DfsError);
        }
      };
      const timer = setInterval(check, everyMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}

export type RulesSource = ReturnType<typeof rulesSource>;
