import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DfsError } from '../../../kit/src/errors.js';
import type { RulesInForce } from './domain/decide.js';
import { deepFreeze } from './domain/freeze.js';
import { Rules } from './domain/rules.js';

/** A rule file's id: the start of the SHA-256 of its text. */
const idOf = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

const invalid = (file: string, err: unknown) =>
  new DfsError('CONFIG_INVALID', `risk rules ${file}: ${(err as Error).message}`, { cause: err });

/** A rule file as read once: its text, or why it could not be read (`text` then names the failure). */
type Read = { text: string; error?: DfsError };

function readRules(file: string): Read {
  try {
    /* eslint-disable-next-line security/detect-non-literal-fs-filename --
       the rules file is a configuration variable, read at start-up, on reload and when followed */
    return { text: readFileSync(file, 'utf8') };
  } catch (err) {
    const error = invalid(file, err);
    return { text: `unreadable: ${error.message}`, error };
  }
}

/** Validates a rule file's text; a bad one is CONFIG_INVALID naming the file and the problem. */
function parseRules(file: string, { text, error }: Read, now: number): RulesInForce {
  if (error) throw error;
  try {
    return Object.freeze({ id: idOf(text), rules: deepFreeze(Rules.parse(JSON.parse(text))), loadedAtMs: now });
  } catch (err) {
    throw invalid(file, err);
  }
}

/** Reads and validates a rule file; a bad file is CONFIG_INVALID naming the file and the problem. */
export function loadRules(file: string, now = Date.now()): RulesInForce {
  return parseRules(file, readRules(file), now);
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
 * worker of `dfs serve --workers`) converges on it without a reload call to each. A file refused
 * (by a check or a reload) is reported once: not again until its text changes, or comes back after
 * the rules in force were in the file meanwhile.
 */
export function rulesSource(file: string) {
  let current = loadRules(file);
  /** The text last refused; what is validated is always the text that was read. */
  let refused: string | undefined;
  const take = (read: Read): RulesInForce => {
    try {
      current = parseRules(file, read, Date.now());
      refused = undefined;
      return current;
    } catch (err) {
      refused = read.text;
      throw err;
    }
  };
  const check = (on: FollowEvents) => {
    const read = readRules(file);
    if (!read.error && idOf(read.text) === current.id) refused = undefined;
    else if (read.text !== refused) {
      let taken: RulesInForce;
      try {
        taken = take(read);
      } catch (err) {
        on.refused(err as DfsError);
        return;
      }
      on.taken(taken);
    }
  };
  return {
    current: () => current,
    reload: () => take(readRules(file)),
    /** Starts following the file; returns the function that stops it. */
    follow(everyMs: number, on: FollowEvents): () => void {
      const timer = setInterval(() => {
        try {
          check(on);
        } catch {
          // A report that failed (its logger threw): the rules in force are as the check left them.
        }
      }, everyMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}

export type RulesSource = ReturnType<typeof rulesSource>;
