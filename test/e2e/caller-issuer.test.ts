import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contracts } from '../../kit/src/contracts.js';
import { call, createClient } from '../../kit/src/grpc-client.js';
import { startGrpcServer, type GrpcServerHandle } from '../../kit/src/grpc-server.js';
import type { IdentityKind } from '../../kit/src/identity.js';
import { createLogger } from '../../kit/src/log.js';
import { ensureDevPki, type PkiPaths } from '../../kit/src/pki.js';
import { readTls, type TlsMaterial } from '../../kit/src/tls.js';
import { mintWithDeviceCa } from '../../cli/threats/forgery.js';
import { codeOf } from '../support/expect-code.js';

let dir: string;
let pki: PkiPaths;
let server: GrpcServerHandle;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dfs-issuer-'));
  pki = await ensureDevPki(dir);
  const tls = readTls({ ca: pki.ca, cert: pki.cert('risk'), key: pki.key('risk') });
  server = await startGrpcServer({
    host: '127.0.0.1',
    port: 0,
    tls,
    log: createLogger('test', 'silent'),
    services: [],
  });
});
afterAll(async () => {
  await server?.stop(100);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const stackTls = (name: string): TlsMaterial => readTls({ ca: pki.ca, cert: pki.cert(name), key: pki.key(name) });

/** A client certificate naming `kind/name`, signed with the device CA's key (what its holder can mint). */
const deviceCaIssued = (kind: IdentityKind, name: string) => mintWithDeviceCa(pki, kind, name);

/** Diagnostics Echo (admits services, operators, bootstrap and devices) over mTLS with the given certificate. */
async function echo(tls: TlsMaterial): Promise<Buffer> {
  const client = createClient(contracts().DiagnosticsService, `127.0.0.1:${server.port}`, tls, 'risk');
  try {
    return (await call(client, client.Echo, { payload: randomBytes(4) })).payload;
  } finally {
    client.close();
  }
}

describe('a caller kind comes only from a CA that may issue it (root: services, device CA: phones)', () => {
  it.each(['transaction', 'operator', 'bootstrap'])('the root-issued %s certificate is a caller', async (name) => {
    expect((await echo(stackTls(name))).length).toBe(4);
  });

  it('a device certificate the device CA issued is a caller', async () => {
    expect((await echo(await deviceCaIssued('device', 'dev-0123456789abcdef'))).length).toBe(4);
  });

  it.each([
    ['service', 'transaction'],
    ['operator', 'operator'],
    ['bootstrap', 'factory-bootstrap'],
  ] as const)(
    'a device-CA-issued certificate naming %s/%s is CALLER_NOT_ALLOWED although the handshake verifies',
    async (kind, name) => {
      expect(await codeOf(echo(await deviceCaIssued(kind, name)))).toBe('CALLER_NOT_ALLOWED');
    },
  );
});
