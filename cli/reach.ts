import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import type * as grpc from '@grpc/grpc-js';
import { contracts } from '../kit/src/contracts.js';
import { createClient } from '../kit/src/grpc-client.js';
import { pkiPaths } from '../kit/src/pki.js';
import { readTls } from '../kit/src/tls.js';
import { CliFailure } from './failure.js';
import type { Addresses } from './world.js';

/** The running stack named by ATTESTATION_ADDR and TRANSACTION_ADDR (both set), or null for the embedded one. */
export function remoteTarget(env: NodeJS.ProcessEnv = process.env): Addresses | null {
  return env.ATTESTATION_ADDR && env.TRANSACTION_ADDR
    ? { attestationAddr: env.ATTESTATION_ADDR, transactionAddr: env.TRANSACTION_ADDR }
    : null;
}

function hostPort(variable: string, addr: string): { host: string; port: number } {
  const i = addr.lastIndexOf(':');
  const port = Number(addr.slice(i + 1));
  if (i <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new CliFailure(`${variable}=${addr} is not host:port`);
  }
  return { host: addr.slice(0, i).replace(/^\[|\]$/g, ''), port };
}

/** Opens and closes one TCP connection; rejects with the socket error code (ECONNREFUSED, ENOTFOUND, ETIMEDOUT...). */
function tcpProbe(host: string, port: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(new Error('ETIMEDOUT'));
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', (err: NodeJS.ErrnoException) => reject(new Error(err.code ?? err.message)));
  });
}

function grpcReady(client: grpc.Client, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    client.waitForReady(Date.now() + timeoutMs, (err) => {
      client.close();
      if (err) reject(err);
      else resolve();
    });
  });
}

/**
 * Checks, before any phone is built, that the running stack can be used: the state directory holds its
 * development PKI, and each address accepts a connection and a mutual-TLS gRPC session. Each failure is
 * one line naming the variable to fix.
 */
export async function checkRemote(stateDir: string, target: Addresses, timeoutMs = 3000): Promise<void> {
  const pki = pkiPaths(stateDir);
  const files = [
    pki.ca,
    pki.cert('operator'),
    pki.key('operator'),
    pki.cert('bootstrap'),
    pki.key('bootstrap'),
    pki.oemRoot,
    pki.oemRootKey,
    pki.oemEseCa.cert,
    pki.oemEseCa.key,
    pki.oemSoftwareCa.cert,
    pki.oemSoftwareCa.key,
    pki.oemBuild.key,
    pki.oemBuild.pub,
    pki.appSigning.cert,
  ];
  const missing = files.find((f) => !existsSync(f));
  if (missing) {
    throw new CliFailure(
      `no development PKI in ${stateDir} (${missing} is missing): point --state-dir or DFS_STATE_DIR at the state ` +
        'directory of the stack at ATTESTATION_ADDR / TRANSACTION_ADDR',
    );
  }
  const c = contracts();
  const checks = [
    { variable: 'ATTESTATION_ADDR', addr: target.attestationAddr, role: 'bootstrap', name: 'attestation' },
    { variable: 'TRANSACTION_ADDR', addr: target.transactionAddr, role: 'operator', name: 'transaction' },
  ] as const;
  for (const { variable, addr, role, name } of checks) {
    const { host, port } = hostPort(variable, addr);
    await tcpProbe(host, port, timeoutMs).catch((err: Error) => {
      throw new CliFailure(
        `${variable}=${addr} cannot be reached (${err.message}): start the stack there, ` +
          'or unset ATTESTATION_ADDR and TRANSACTION_ADDR to run the embedded one',
      );
    });
    const tls = readTls({ ca: pki.ca, cert: pki.cert(role), key: pki.key(role) });
    const client: grpc.Client =
      name === 'attestation'
        ? createClient(c.AttestationService, addr, tls, name)
        : createClient(c.TransactionService, addr, tls, name);
    await grpcReady(client, timeoutMs).catch(() => {
      throw new CliFailure(
        `${variable}=${addr} accepts connections but opened no mutual-TLS gRPC session within ${timeoutMs} ms: ` +
          'is it that service, and is --state-dir its development PKI?',
      );
    });
  }
}
