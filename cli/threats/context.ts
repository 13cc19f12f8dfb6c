import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadOrCreateSecret } from '../../kit/src/operator-auth.js';
import { readTls } from '../../kit/src/tls.js';
import { riskOperatorTokenFile } from '../../services/risk/src/config.js';
import type { Stack } from '../stack.js';
import type { World } from '../world.js';
import { mintWithDeviceCa } from './forgery.js';
import type { Context } from './types.js';

/** The first integrator's key from the stack's integrators file, or undefined when it cannot be read. */
export function integratorKey(stateDir: string, file = process.env.TRANSACTION_INTEGRATORS_FILE): string | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file ?? join(stateDir, 'integrators.json'), 'utf8')) as {
      integrators?: { apiKey?: string }[];
    };
    return parsed.integrators?.[0]?.apiKey;
  } catch {
    return undefined;
  }
}

/** The risk service's operator token of a state directory (RISK_OPERATOR_TOKEN when set). */
export function riskOperatorToken(stateDir: string): string {
  return loadOrCreateSecret(process.env.RISK_OPERATOR_TOKEN, riskOperatorTokenFile(stateDir));
}

/** The attestation operator token of a state directory, or undefined when it cannot be read. */
function operatorToken(stateDir: string): string | undefined {
  try {
    return (
      process.env.ATTESTATION_OPERATOR_TOKEN ??
      readFileSync(join(stateDir, 'keys', 'attestation-operator.token'), 'utf8').trim()
    );
  } catch {
    return undefined;
  }
}

/** What scenarios get when they play against an embedded stack: its addresses, its bus and its integrator API. */
export function stackContext(stack: Stack, world: World, say: (line: string) => void = () => {}): Context {
  const http = stack.services.find((s) => s.name === 'transaction')?.httpPort;
  const host = stack.transactionAddr.slice(0, stack.transactionAddr.lastIndexOf(':'));
  const apiKey = integratorKey(stack.stateDir);
  const attestationHttp = stack.services.find((s) => s.name === 'attestation')?.httpPort;
  const token = operatorToken(stack.stateDir);
  const riskHttp = stack.services.find((s) => s.name === 'risk')?.httpPort;
  return {
    world,
    say,
    bus: stack.bus,
    serviceTls: (service) => readTls({ ca: stack.pki.ca, cert: stack.pki.cert(service), key: stack.pki.key(service) }),
    deviceCaTls: (kind, name) => mintWithDeviceCa(stack.pki, kind, name),
    statusListFile: process.env.ATTESTATION_STATUS_FILE ?? join(stack.stateDir, 'oem', 'attestation-status.jws'),
    ...(riskHttp
      ? {
          risk: {
            addr: stack.riskAddr,
            url: `${stack.httpScheme}://${host}:${riskHttp}`,
            token: riskOperatorToken(stack.stateDir),
          },
        }
      : {}),
    attestationAddr: stack.attestationAddr,
    transactionAddr: stack.transactionAddr,
    ...(http && apiKey ? { integrator: { url: `${stack.httpScheme}://${host}:${http}`, apiKey } } : {}),
    ...(attestationHttp && token
      ? { operator: { url: `${stack.httpScheme}://${host}:${attestationHttp}`, token } }
      : {}),
  };
}

/**
 * What scenarios get against a running stack: no bus (the subscriber feed is
 * the mobile operator's), the integrator API when TRANSACTION_HTTP_URL is set.
 */
export function remoteContext(
  addrs: { attestationAddr: string; transactionAddr: string },
  world: World,
  stateDir: string,
  say: (line: string) => void = () => {},
): Context {
  const url = process.env.TRANSACTION_HTTP_URL;
  const apiKey = integratorKey(stateDir);
  return { world, say, ...addrs, ...(url && apiKey ? { integrator: { url, apiKey } } : {}) };
}
