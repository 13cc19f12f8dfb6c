import { createLogger, type Logger } from '../../kit/src/log.js';

let logger: Logger | undefined;

/** The device-sim logger, created on first use so that tests and the CLI can pick its destination first. */
export function deviceLog(): Logger {
  logger ??= createLogger('device-sim');
  return logger;
}

/** Where refusals are written: pino's `warn` shape, so tests can pass a recorder. */
export interface RefusalLog {
  warn(obj: object, msg?: string): void;
}
