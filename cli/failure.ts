import { ConfigError } from '../kit/src/config.js';
import { DfsError } from '../kit/src/errors.js';

/** A command line that cannot run as written: one line for the user, exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A known operational failure (port taken, address unreachable): one line for the user, exit 1. */
export class CliFailure extends Error {
  override name = 'CliFailure';
}

/** Which variable sets a port, for naming it when the port is taken (e.g. 50053 -> RISK_GRPC_PORT). */
export type PortVariableOf = (port: number) => string | undefined;

/** The port of an EADDRINUSE failure, from Node's listen error or grpc-js's bind message. */
export function portInUse(err: unknown): number | undefined {
  const e = err as NodeJS.ErrnoException & { port?: number };
  if (e?.code === 'EADDRINUSE' && typeof e.port === 'number') return e.port;
  const m = /EADDRINUSE[^\]]*?:(\d{1,5})\b/.exec(String(e?.message ?? ''));
  return m ? Number(m[1]) : undefined;
}

/** What the user sees for a failure and the exit status: one line for every known failure. */
export function explain(
  err: unknown,
  portVariableOf: PortVariableOf = () => undefined,
): { message: string; exitCode: number } {
  if (err instanceof UsageError) return { message: `dfs: ${err.message}`, exitCode: 2 };
  if (err instanceof CliFailure) return { message: `dfs: ${err.message}`, exitCode: 1 };
  if (err instanceof ConfigError) return { message: `dfs: ${err.message}`, exitCode: 1 };
  if (err instanceof DfsError)
    return { message: `dfs: failed with ${err.code}${err.detail ? ` (${err.detail})` : ''}`, exitCode: 1 };
  const port = portInUse(err);
  if (port !== undefined) {
    const variable = portVariableOf(port);
    const fix = variable
      ? `stop the process holding it or set ${variable} to a free port`
      : 'stop the process holding it';
    return { message: `dfs: port ${port}${variable ? ` (${variable})` : ''} is already in use: ${fix}`, exitCode: 1 };
  }
  const grpcError = err as { code?: unknown; details?: unknown };
  if (grpcError?.code === 14 && typeof grpcError.details === 'string') {
    return {
      message: `dfs: a service stopped answering (UNAVAILABLE: ${grpcError.details.split('\n')[0]})`,
      exitCode: 1,
    };
  }
  return { message: `dfs: failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`, exitCode: 1 };
}
