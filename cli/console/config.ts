import { loadEnv, port, SERVICE_ENV, z } from '../../kit/src/config.js';

/** The console's configuration from the environment, validated once: port, bind address, the plain-HTTP dev switch. */
export function loadConsoleConfig(env: NodeJS.ProcessEnv = process.env) {
  const e = loadEnv(
    {
      CONSOLE_PORT: port(8090),
      DFS_BIND_HOST: z.string().min(1).default('127.0.0.1'),
      DFS_DEV_PLAIN_HTTP: SERVICE_ENV.DFS_DEV_PLAIN_HTTP,
    },
    env,
  );
  return Object.freeze({ port: e.CONSOLE_PORT, host: e.DFS_BIND_HOST, plainHttp: e.DFS_DEV_PLAIN_HTTP === '1' });
}

export type ConsoleConfig = ReturnType<typeof loadConsoleConfig>;
