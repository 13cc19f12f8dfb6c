import { randomBytes } from 'node:crypto';
import { afterAll } from 'vitest';
import { dropDatabases } from '../../contract/support/infra.js';

/** The MongoDB URI with its database replaced. */
export function withDatabase(uri: string, dbName: string): string {
  return uri.replace(/^(mongodb(?:\+srv)?:\/\/[^/?]*)(\/[^?]*)?/, `$1/${dbName}`);
}

// A setup file: stacks a test file starts get a database and Kafka namespace of their own.
const tag = `t${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const uri = process.env.MONGODB_URI;
if (uri) {
  process.env.MONGODB_URI = withDatabase(uri, `dfs_${tag}`);
  afterAll(() => dropDatabases(uri, [`dfs_${tag}`]));
}
if (process.env.KAFKA_BROKERS) process.env.KAFKA_NAMESPACE = tag;
