import { randomBytes } from 'node:crypto';
import { describe, it } from 'vitest';
import { connectMongo } from '../../../kit/src/mongo.js';

/** In CI (or with DFS_REQUIRE_INFRA) a missing server fails the real-adapter suites instead of skipping them. */
export const infraRequired = Boolean(process.env.CI || process.env.DFS_REQUIRE_INFRA);

/**
 * Declares `name` against the real server that `variable` points at. Unset: a visible skip, or a
 * failing test when infrastructure is required.
 */
export function describeWithServer(
  variable: 'MONGODB_URI' | 'KAFKA_BROKERS',
  name: string,
  body: (value: string) => void,
): void {
  const value = process.env[variable];
  if (value) {
    describe(name, () => body(value));
  } else if (infraRequired) {
    describe(name, () => {
      it(`needs ${variable} (CI or DFS_REQUIRE_INFRA is set, so this suite may not skip)`, () => {
        throw new Error(`${variable} is not set: run \`bash scripts/infra.sh start && source .cache/infra/run/env\``);
      });
    });
  } else {
    console.warn(
      `[contract] SKIPPED "${name}": ${variable} is not set (bash ` +
        `scripts/infra.sh start && source .cache/infra/run/env)`,
    );
    describe.skip(`${name} [skipped: ${variable} not set]`, () => body(''));
  }
}

let counter = 0;
const run = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;

/** A name unique to this run and file, for databases, topics and consumer groups. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${run}_${counter++}`;
}

/** Drops test databases once the suite is done. */
export async function dropDatabases(uri: string, names: string[]): Promise<void> {
  for (const dbName of names.splice(0)) {
    const conn = await connectMongo({ uri, dbName, attempts: 1 });
    await conn.dropDatabase().catch(() => undefined);
    await conn.close();
  }
}

/** Names the server at MONGODB_URI (FerretDB reports itself in buildInfo), for suite titles and the CI log. */
export async function mongoCaps(uri = process.env.MONGODB_URI): Promise<{ server: string }> {
  if (!uri) return { server: 'MONGODB_URI' };
  const conn = await connectMongo({ uri, attempts: 3 });
  try {
    const info = await conn.db!.admin().command({ buildInfo: 1 });
    return { server: info.ferretdbVersion ? `FerretDB ${info.ferretdbVersion}` : `MongoDB ${info.version}` };
  } finally {
    await conn.close();
  }
}
