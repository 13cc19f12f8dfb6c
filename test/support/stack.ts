import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FREE_PORTS, startStack, type Stack, type StackControls } from '../../cli/stack.js';
import { riskOperatorToken } from '../../cli/threats/context.js';
import { payer } from '../../cli/threats/scenarios/setup.js';
import { connectWorld, type PhoneOverrides, type World } from '../../cli/world.js';
import { setLogDestination } from '../../kit/src/log.js';

/**
 * Risk's deadline in test stacks, and risk's deadline on the operator nested inside it: the production
 * 300 and 200 ms fail closed on a loaded 2-core CI machine with a real store; fail-closed behaviour is
 * tested with its own deadlines.
 */
const TEST_DEADLINES = { RISK_DEADLINE_MS: '3000', RISK_MNO_DEADLINE_MS: '2000' };

/**
 * An embedded stack on ephemeral ports with its own state directory, plus
 * the world around it (`phones`, `controls`: ports replaced at wiring time).
 */
export async function testStack(
  env: NodeJS.ProcessEnv = {},
  phones?: PhoneOverrides,
  controls?: StackControls,
): Promise<{ stack: Stack; world: World; close(): Promise<void> }> {
  const stateDir = mkdtempSync(join(tmpdir(), 'dfs-test-'));
  setLogDestination(2);
  const stack = await startStack({
    stateDir,
    ephemeral: true,
    env: { LOG_LEVEL: 'silent', ...TEST_DEADLINES, ...env },
    controls,
  });
  const world = await connectWorld(stack.pki, stack, phones);
  return {
    stack,
    world,
    async close() {
      world.close();
      await stack.stop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/**
 * A test stack whose REST integrators are `integrators` (written to its own integrators file, mode 0600),
 * with the integrator rate limit lifted for suites that burst from one integrator; `base` is the
 * transaction service's HTTPS origin; `controls` as for testStack.
 */
export async function integratorStack(integrators: object[], env: NodeJS.ProcessEnv = {}, controls?: StackControls) {
  const dir = mkdtempSync(join(tmpdir(), 'dfs-integrators-'));
  const file = join(dir, 'integrators.json');
  writeFileSync(file, JSON.stringify({ integrators }), { mode: 0o600 });
  const t = await testStack(
    {
      TRANSACTION_INTEGRATORS_FILE: file,
      INTEGRATOR_RATE_PER_SEC: '1000',
      INTEGRATOR_RATE_BURST: '1000',
      ...env,
    },
    undefined,
    controls,
  );
  const base = `https://127.0.0.1:${t.stack.services.find((s) => s.name === 'transaction')!.httpPort}`;
  return {
    ...t,
    base,
    async close() {
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An enrolled phone with a funded wallet and a merchant to pay. */
export const fundedPhone = (world: World, profile = 'secure', balance = 100_000) => payer(world, { profile, balance });

/**
 * The environment for running `dfs` as a subprocess on its own
 * state directory and free ports, never targeting a remote stack.
 */
export function cliEnv(stateDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...TEST_DEADLINES,
    ...process.env,
    DFS_STATE_DIR: stateDir,
    ...FREE_PORTS,
  };
  delete env.ATTESTATION_ADDR;
  delete env.TRANSACTION_ADDR;
  return env;
}

/** A GET on the risk service's operator HTTP API (rules, decision trails) of a stack, with its operator token. */
export function riskGet(stack: Stack, path: string): Promise<Response> {
  const port = stack.services.find((s) => s.name === 'risk')!.httpPort;
  return fetch(`https://127.0.0.1:${port}${path}`, {
    headers: { authorization: `Bearer ${riskOperatorToken(stack.stateDir)}` },
  });
}
