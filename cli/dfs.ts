import { readFileSync } from 'node:fs';
import { CommanderError } from 'commander';
import { buildProgram, COMMANDS } from './program.js';

/** Exit status of a command line the parser refused (unknown command or flag, bad value). */
const USAGE_EXIT = 2;

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/**
 * Runs one command line. A command that serves keeps the process alive; one that finishes sets
 * process.exitCode. What the parser refuses exits 2, a failure exits 1, each with one line on stderr.
 */
async function main(argv: string[]): Promise<void> {
  const command = argv.find((a) => (COMMANDS as readonly string[]).includes(a));
  const hint = `see dfs ${command ? `${command} ` : ''}--help`;
  const program = buildProgram(version, (line) => console.error(`dfs: ${line} (${hint})`));
  if (argv.length === 0) {
    program.outputHelp();
    return;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : USAGE_EXIT);
    const [{ explain }, { portVariables }] = await Promise.all([import('./failure.js'), import('./ports.js')]);
    const { message, exitCode } = explain(err, portVariables());
    console.error(message);
    process.exit(exitCode);
  }
}

await main(process.argv.slice(2));
