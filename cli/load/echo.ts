import { randomBytes } from 'node:crypto';
import { contracts } from '../../kit/src/contracts.js';
import { call, createClient } from '../../kit/src/grpc-client.js';
import type { TlsMaterial } from '../../kit/src/tls.js';

/**
 * The transport yardstick: how many trivial mTLS gRPC round trips per second this machine does
 * against the transaction service's echo, with `concurrency` calls in flight, for `seconds`, and the
 * CPU each call cost the processes `cpuMs` can see.
 */
export async function measureEcho(
  address: string,
  tls: TlsMaterial,
  seconds: number,
  cpuMs: () => Record<string, number> = () => ({}),
  concurrency = 32,
): Promise<{ echoPerSec: number; cpuUsPerCall: Record<string, number> }> {
  const client = createClient(contracts().DiagnosticsService, address, tls, 'transaction');
  const payload = randomBytes(256);
  try {
    await call(client, client.Echo, { payload });
    let done = 0;
    const before = cpuMs();
    const until = Date.now() + seconds * 1000;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (Date.now() < until) {
          await call(client, client.Echo, { payload });
          done += 1;
        }
      }),
    );
    const cpuUsPerCall = Object.fromEntries(
      Object.entries(cpuMs()).map(([k, v]) => [k, Math.round(((v - (before[k] ?? 0)) * 1000) / Math.max(done, 1))]),
    );
    return { echoPerSec: Math.round(done / seconds), cpuUsPerCall };
  } finally {
    client.close();
  }
}
