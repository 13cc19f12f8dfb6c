import { connect } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { mutualTls } from '../controls.js';
import { observed } from '../play.js';
import type { Context, Observation, Scenario } from '../types.js';

/**
 * A TLS handshake with the transaction port, with or without a client certificate:
 * 'open' when the server keeps the session, else the error code it ended with.
 */
function handshake(ctx: Context, withCert: boolean): Promise<string> {
  const [host, port] = [
    ctx.transactionAddr.slice(0, ctx.transactionAddr.lastIndexOf(':')),
    Number(ctx.transactionAddr.slice(ctx.transactionAddr.lastIndexOf(':') + 1)),
  ];
  const tls = ctx.world.bootstrapTls;
  return new Promise((resolve) => {
    const socket = connect({
      host,
      port,
      ca: tls.ca,
      servername: 'transaction',
      ALPNProtocols: ['h2'],
      ...(withCert ? { cert: tls.cert, key: tls.key } : {}),
    });
    const done = (v: string) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => done('open'), 1500);
    socket.on('secureConnect', () => socket.write(Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n')));
    socket.on('data', () => done('open'));
    socket.on('error', (err: NodeJS.ErrnoException) => done(err.code ?? err.message));
    socket.on('close', () => done('closed'));
  });
}

/**
 * The gRPC health check without a client certificate: the serving
 * status answered, or the gRPC status the call failed with.
 */
function healthWithoutCertificate(ctx: Context): Promise<string> {
  const client = new grpc.Client(ctx.transactionAddr, grpc.credentials.createSsl(ctx.world.bootstrapTls.ca), {
    'grpc.ssl_target_name_override': 'transaction',
  });
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      '/grpc.health.v1.Health/Check',
      () => Buffer.alloc(0),
      (b: Buffer) => b,
      {},
      { deadline: Date.now() + 3000 },
      (err, res) => {
        client.close();
        if (err) resolve(`GRPC_${grpc.status[err.code]}`);
        else resolve(res?.[0] === 0x08 && res[1] === 1 ? 'SERVING' : `status ${res?.toString('hex')}`);
      },
    );
  });
}

async function noClientCertificate(ctx: Context): Promise<Observation> {
  const certified = await handshake(ctx, true);
  const bare = await handshake(ctx, false);
  const health = await healthWithoutCertificate(ctx);
  ctx.say(`with a stack certificate the port answers (${certified}); without one: ${bare}`);
  const code = bare === 'open' ? null : bare;
  return observed(
    code,
    health === 'SERVING',
    {
      serverUpForCertifiedClient: certified === 'open',
      handshakeWithoutCertificate: bare,
      healthCheckWithoutCertificate: health,
    },
    [
      'open TLS to the transaction port with the stack CA certificate: the server is up',
      'open TLS with no client certificate and speak HTTP/2',
      `the server ends it: ${bare}`,
      `a gRPC health check without a certificate: ${health}`,
    ],
  );
}

/** Attacks on the channel (R3): a client without a certificate reaches nothing. */
export const transportScenarios: Scenario[] = [
  {
    id: 'no-client-certificate',
    label: 'remote',
    expect: { code: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', outcome: 'BLOCKED' },
    title: 'gRPC call without a client certificate',
    recommendations: ['R3', 'R7'],
    masvs: 'MASVS-NETWORK-1',
    seed: '003 §TLS',
    action: 'connect to the transaction service with TLS but no client certificate and call an RPC',
    control: 'mutual TLS with the stack CA on every gRPC port',
    success: 'an RPC (the health check) is served to a client without a certificate',
    port: mutualTls,
    story:
      'An attacker on the network path (or a rogue app) talks to the backend directly. ' +
      'First the port is shown to be up (a certified client completes the handshake); then, ' +
      'without a client certificate, the server ends the TLS session with the "certificate ' +
      'required" alert before any RPC runs, which a server that is down could not send.',
    run: noClientCertificate,
  },
];
