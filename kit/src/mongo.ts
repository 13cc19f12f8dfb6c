import mongoose, { type Connection } from 'mongoose';
import { ConfigError } from './config.js';
import { DfsError } from './errors.js';
import type { Logger } from './log.js';
import { countStoreCommand } from './work.js';

/** Where a store connects: the URI from MONGODB_URI, and a database name overriding the URI's path (tests). */
export interface MongoOptions {
  uri: string;
  dbName?: string;
  /** The owning service: a URI without a database path gets `dfs_<service>` (database per service). */
  service?: string;
  log?: Logger;
  /** Start-up attempts before giving up (exponential backoff from 250 ms, at most 5 s apart). */
  attempts?: number;
}

const DEFAULT_DB = 'dfs';

/** The URI with any user:password replaced, for messages and logs. */
export function redactUri(uri: string): string {
  return uri.replace(/\/\/[^@/]*@/, '//***@');
}

function dbNameOf(uri: string): string | undefined {
  const path = /^mongodb(?:\+srv)?:\/\/[^/]*\/([^?]*)/.exec(uri)?.[1];
  return path ? decodeURIComponent(path) : undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Opens a mongoose connection and pings it, retrying with backoff so a service can start before
 * its database; fails with STORE_UNAVAILABLE (or CONFIG_INVALID for a malformed URI) naming MONGODB_URI.
 */
export async function connectMongo(opts: MongoOptions): Promise<Connection> {
  const attempts = opts.attempts ?? 8;
  const dbName = opts.dbName ?? dbNameOf(opts.uri) ?? (opts.service ? `${DEFAULT_DB}_${opts.service}` : DEFAULT_DB);
  for (let attempt = 1, delay = 250; ; attempt++, delay = Math.min(delay * 2, 5000)) {
    let conn: Connection | undefined;
    try {
      conn = mongoose.createConnection(opts.uri, {
        dbName,
        serverSelectionTimeoutMS: 3000,
        autoIndex: false,
        autoCreate: false,
        bufferCommands: false,
        monitorCommands: true,
      });
      conn.getClient().on('commandStarted', (e) => {
        const on: unknown = e.commandName === 'getMore' ? e.command.collection : e.command[e.commandName];
        countStoreCommand(typeof on === 'string' ? `${on} ${e.commandName}` : e.commandName);
      });
      await conn.asPromise();
      await conn.db!.admin().command({ ping: 1 });
      return conn;
    } catch (err) {
      await conn?.close().catch(() => {});
      if ((err as Error).name === 'MongoParseError' || (err as Error).name === 'MongoAPIError') {
        throw new ConfigError([`MONGODB_URI: ${messageOf(err)}`]);
      }
      if (attempt >= attempts) {
        throw new DfsError(
          'STORE_UNAVAILABLE',
          `cannot reach MongoDB at MONGODB_URI=${redactUri(opts.uri)} after ${attempt} attempts: ${messageOf(err)}`,
          { cause: err },
        );
      }
      opts.log?.warn({ attempt, retryInMs: delay, err: messageOf(err) }, 'MongoDB (MONGODB_URI) not reachable yet');
      await sleep(delay);
    }
  }
}

/** Readiness: the connection is open and the server answers a ping within a second and a half. */
export async function mongoReady(conn: Connection): Promise<boolean> {
  if (conn.readyState !== mongoose.ConnectionStates.connected || !conn.db) return false;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), 1500);
  });
  try {
    return await Promise.race([
      conn.db
        .admin()
        .command({ ping: 1 })
        .then(
          () => true,
          () => false,
        ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** True for a duplicate-key error (code 11000), also when every write of a bulk insert failed with it. */
export function isDuplicateKey(err: unknown): boolean {
  const e = err as { code?: number; writeErrors?: { code?: number }[] };
  if (e?.writeErrors?.length) return e.writeErrors.every((w) => w.code === 11000);
  return e?.code === 11000;
}
