import { Argument, Command, InvalidArgumentError, Option } from 'commander';

const ENVIRONMENT = `
Environment (README.md lists every variable):
  DFS_STATE_DIR                      state directory (default .dfs-state), also --state-dir
  ATTESTATION_ADDR, TRANSACTION_ADDR both set: demo, load and threats target that running stack
  *_GRPC_PORT, *_HTTP_PORT           ports of the embedded services (0 picks a free one)
  CONSOLE_PORT                       the browser console of start and serve (default 8090)
  MONGODB_URI, KAFKA_BROKERS         real store and event bus instead of the in-memory ones
  LOG_LEVEL                          fatal | error | warn | info | debug | trace | silent`;

/** A value that must be a whole number above zero (`--devices 200`). */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n <= 0) {
    throw new InvalidArgumentError('expected a positive integer.');
  }
  return n;
}

/** `--workers <n>`: 1 to 16 processes; more than one needs MONGODB_URI and KAFKA_BROKERS (shared store and bus). */
function workersOption(what: string): Option {
  return new Option('--workers <n>', `${what}; more than 1 needs MONGODB_URI and KAFKA_BROKERS`)
    .argParser((v) => {
      const n = positiveInt(v);
      if (n > 16) throw new InvalidArgumentError('expected at most 16.');
      return n;
    })
    .default(1);
}

/** The state directory: --state-dir, else DFS_STATE_DIR, else .dfs-state (exported to the services). */
function stateDirOf(opts: { stateDir?: string }): string {
  const dir = opts.stateDir ?? process.env.DFS_STATE_DIR ?? '.dfs-state';
  process.env.DFS_STATE_DIR = dir;
  return dir;
}

const stateDirOption = () =>
  new Option(
    '--state-dir <dir>',
    'state directory: dev PKI, OEM root, signing keys (default $DFS_STATE_DIR or .dfs-state)',
  );

const actions = () => import('./actions.js');

/**
 * The `dfs` command line. Parsing, help and usage errors happen here and never start anything;
 * each action loads its code only when it runs. Output and exit are left to the caller (exitOverride).
 */
export function buildProgram(version: string, writeErr: (line: string) => void): Command {
  const program = new Command('dfs')
    .description(
      'The DFS reference stack: attested payment daemon on simulated KaiOS phones, gRPC/mTLS backend (ITU FIGI R1-R9).',
    )
    .version(version, '-V, --version', 'print the version and exit')
    .helpOption('-h, --help', "print usage and exit (on any command: that command's usage, nothing runs)")
    .helpCommand('help [command]', 'print usage of a command')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      outputError: (message) =>
        writeErr(
          message
            .replace(/^error: /, '')
            .replace(/\s*\n\s*/g, ' ')
            .trim(),
        ),
    })
    .addHelpText('after', ENVIRONMENT);

  program
    .command('start')
    .description(
      'run the whole stack (embedded default) and the browser console, plus one narrated demo payment, ' +
        'then serve until Ctrl-C',
    )
    .addOption(stateDirOption())
    .action(async (o: { stateDir?: string }) => (await actions()).demoOrStart(true, false, stateDirOf(o)));

  program
    .command('demo')
    .description(
      'one narrated demo payment against the embedded stack (or ATTESTATION_ADDR/TRANSACTION_ADDR), ' +
        'then exit: 0 when it posted',
    )
    .option('--json', 'print only one JSON object describing the payment')
    .addOption(stateDirOption())
    .action(async (o: { json?: boolean; stateDir?: string }) =>
      (await actions()).demoOrStart(false, o.json === true, stateDirOf(o)),
    );

  program
    .command('serve')
    .description(
      'run the whole stack (embedded default) and the browser console without a demo; prints READY {addresses}; ' +
        'SIGINT/SIGTERM stops',
    )
    .addOption(stateDirOption())
    .addOption(workersOption('processes running the stack on shared ports'))
    .action(async (o: { stateDir?: string; workers: number }) => (await actions()).serve(stateDirOf(o), o.workers));

  program
    .command('service')
    .description('run one service alone, configured from the environment')
    .addArgument(new Argument('<name>', 'the service').choices(['attestation', 'transaction', 'risk', 'fota', 'mno']))
    .addOption(stateDirOption())
    .action(async (name: 'attestation' | 'transaction' | 'risk' | 'fota' | 'mno', o: { stateDir?: string }) => {
      stateDirOf(o);
      await (await actions()).service(name);
    });

  program
    .command('load')
    .description(
      'enroll N phones, drive payments through the real protocol, report throughput, latency, correctness ' +
        '(exit 1 on a broken invariant)',
    )
    .addOption(new Option('--devices <n>', 'phones to enroll').argParser(positiveInt).default(50))
    .addOption(new Option('--merchants <n>', 'merchant accounts paid').argParser(positiveInt).default(20))
    .addOption(
      new Option('--rate <n>', 'open loop: payments started per second (default 50)')
        .argParser(positiveInt)
        .conflicts('concurrency'),
    )
    .addOption(new Option('--concurrency <n>', 'closed loop: payments in flight at once').argParser(positiveInt))
    .addOption(new Option('--duration <s>', 'seconds of payments').argParser(positiveInt).default(10))
    .addOption(
      new Option('--echo-seconds <s>', 'seconds measuring the mTLS round-trip ceiling')
        .argParser(positiveInt)
        .default(3),
    )
    .option('--json <file>', 'write the report as JSON')
    .option('--html <file>', 'write the report as HTML')
    .addOption(stateDirOption())
    .addOption(workersOption('processes the embedded stack runs as (dfs serve --workers)'))
    .action(
      async (o: {
        devices: number;
        merchants: number;
        rate?: number;
        concurrency?: number;
        duration: number;
        echoSeconds: number;
        json?: string;
        html?: string;
        stateDir?: string;
        workers: number;
      }) => {
        const { duration, echoSeconds, stateDir: _s, ...rest } = o;
        await (await actions()).load({ ...rest, durationSec: duration, echoSec: echoSeconds, stateDir: stateDirOf(o) });
      },
    );

  program
    .command('threats')
    .description('play the named attacks against the stack, show which control stopped each (exit 1 if any succeeded)')
    .option('--only <id>', "play one scenario, narrated with the phone's native UI frames (ids: dfs threats --list)")
    .option('--list', 'print the scenario ids and titles, then exit')
    .option('--json <file>', 'write the report as JSON')
    .option('--html <file>', 'write the report as HTML')
    .addOption(stateDirOption())
    .action(async (o: { only?: string; list?: boolean; json?: string; html?: string; stateDir?: string }) => {
      const act = await actions();
      if (o.list) return act.listThreats();
      await act.threats({ only: o.only, json: o.json, html: o.html, stateDir: stateDirOf(o) });
    });

  program
    .command('certs')
    .description('create the development PKI and simulated OEM root in the state directory (idempotent)')
    .addOption(stateDirOption())
    .action(async (o: { stateDir?: string }) => (await actions()).certs(stateDirOf(o)));

  return program;
}
