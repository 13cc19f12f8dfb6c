import { readFileSync } from 'node:fs';
import { CommanderError } from 'commander';
import { buildProgram } from './program.js';

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
  let hint = 'see dfs --help';
  const program = buildProgram(version, (line) => console.error(`dfs: ${line} (${hint})`));
  const names = program.commands.map((c) => c.name());
  const command = argv.find((a) => names.includes(a));
  if (command) hint = `see dfs ${command} --help`;
  if (argv.length === 0) {
    program.outputHelp();
    return;
  }
  if (argv[0] === 'help' && argv[1] !== undefined && !names.includes(argv[1])) {
    console.error(`dfs: unknown command '${argv[1]}' (${hint})`);
    process.exit(USAGE_EXIT);
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
