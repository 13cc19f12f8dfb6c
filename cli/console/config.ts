import { loadEnv, port, z } from '../../kit/src/config.js';

/** The console's configuration from the environment, validated once: its port and bind address. */
export function loadConsoleConfig(env: NodeJS.ProcessEnv = process.env) {
  const e = loadEnv(
    {
      CONSOLE_PORT: port(8090),
      DFS_BIND_HOST: z.string().min(1).default('127.0.0.1'),
    },
    env,
  );
  return Object.freeze({ port: e.CONSOLE_PORT, host: e.DFS_BIND_HOST });
}

export type ConsoleConfig = ReturnType<typeof loadConsoleConfig>;
