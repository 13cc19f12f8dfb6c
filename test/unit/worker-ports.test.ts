import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { choosePorts, freePort, startOnChosenPorts } from '../../cli/workers.js';
import { portInUse } from '../../cli/failure.js';

/**
 * `dfs serve --workers N` fixes the ports before its workers bind them. A port chosen free can be
 * taken in between by another process; the primary then chooses again. These tests take the port
 * for real (a listening socket) and bind the way a worker would.
 */
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(port, '127.0.0.1', () => {
      servers.push(s);
      resolve(s);
    });
  });
}

/** Binds every fixed port, as the workers do; fails with EADDRINUSE on a taken one. */
async function bindAll(ports: Record<string, string>): Promise<Record<string, string>> {
  for (const p of Object.values(ports)) await listen(Number(p));
  return ports;
}

describe('ports of dfs serve --workers', () => {
  it('chooses a port for each variable set to 0, keeps set ones, leaves unset ones to the defaults', async () => {
    const picked = [41001, 41002];
    const { ports, chosen } = await choosePorts(
      { RISK_GRPC_PORT: '0', TRANSACTION_GRPC_PORT: '50052', CONSOLE_PORT: '0' },
      async () => picked.shift()!,
    );
    expect(ports).toEqual({ TRANSACTION_GRPC_PORT: '50052', RISK_GRPC_PORT: '41001', CONSOLE_PORT: '41002' });
    expect([...chosen]).toEqual([41001, 41002]);
  });

  it('chooses new ports when one it chose is taken before the workers bind it', async () => {
    const taken = await freePort();
    await listen(taken); // another process takes the port between the choice and the bind
    const picks = [taken];
    const said: string[] = [];
    const ports = await startOnChosenPorts({ RISK_GRPC_PORT: '0' }, bindAll, {
      pick: async () => picks.shift() ?? freePort(),
      say: (line) => said.push(line),
    });
    expect(Number(ports.RISK_GRPC_PORT)).not.toBe(taken);
    expect(said).toHaveLength(1);
  });

  it('fails at once when a port the user set is taken, naming that port', async () => {
    const taken = await freePort();
    await listen(taken);
    let starts = 0;
    const failure = await startOnChosenPorts(
      { RISK_GRPC_PORT: String(taken), CONSOLE_PORT: '0' },
      (ports) => (starts++, bindAll(ports)),
      { say: () => undefined },
    ).catch((err: unknown) => err);
    expect(portInUse(failure)).toBe(taken);
    expect(starts).toBe(1);
  });

  it('gives up after three starts whose chosen ports were all taken', async () => {
    const taken = await freePort();
    await listen(taken);
    let starts = 0;
    const failure = await startOnChosenPorts({ RISK_GRPC_PORT: '0' }, (ports) => (starts++, bindAll(ports)), {
      pick: async () => taken,
      say: () => undefined,
    }).catch((err: unknown) => err);
    expect(portInUse(failure)).toBe(taken);
    expect(starts).toBe(3);
  });
});
