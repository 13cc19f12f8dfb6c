import { join } from 'node:path';
import type { Stack } from '../stack.js';
import { connectWorld } from '../world.js';
import { loadConsoleConfig } from './config.js';
import { startConsole, type ConsoleHandle } from './server.js';

/**
 * The console next to an embedded stack (`dfs start`, `dfs serve`): its own world of phones, on
 * CONSOLE_PORT; `say` gets the line printed with the other endpoints (where the token is, never the token).
 */
export async function openConsole(stack: Stack, say: (line: string) => void): Promise<ConsoleHandle> {
  const config = loadConsoleConfig();
  const world = await connectWorld(stack.pki, stack);
  try {
    const handle = await startConsole({ stack, world, port: config.port, host: config.host });
    const tokenFile = process.env.ATTESTATION_OPERATOR_TOKEN
      ? '$ATTESTATION_OPERATOR_TOKEN'
      : join(stack.stateDir, 'keys', 'attestation-operator.token');
    say(`  ${'console'.padEnd(12)} ${handle.url}   (operator token: ${tokenFile})`);
    return {
      ...handle,
      async stop() {
        await handle.stop();
        world.close();
      },
    };
  } catch (err) {
    world.close();
    throw err;
  }
}
