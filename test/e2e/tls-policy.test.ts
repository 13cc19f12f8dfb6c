import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { connect, type ConnectionOptions, type SecureContextOptions } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConsole, type ConsoleHandle } from '../../cli/console/server.js';
import type { Stack, StackControls } from '../../cli/stack.js';
import { grpcServerCredentials, TLS_POLICY, type ServerTlsPolicy } from '../../kit/src/tls-policy.js';
import type { TlsMaterial } from '../../kit/src/tls.js';
import { testStack } from '../support/stack.js';

/** A client that can really offer TLS 1.1 (OpenSSL 3 refuses to offer it at its default security level). */
const TLS11_ONLY: ConnectionOptions = { minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT:@SECLEVEL=0' };
/** A client offering only CBC suites (SHA-2 and SHA-1 MACs), TLS 1.2 at most. */
const CBC_ONLY: ConnectionOptions = {
  maxVersion: 'TLSv1.2',
  ciphers: 'ECDHE-RSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA256:AES128-SHA',
};
/** A TLS 1.2 client with one AEAD suite of the policy. */
const TLS12_AEAD: ConnectionOptions = { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' };

/** What a server allowed before the policy: TLS 1.0 up, OpenSSL's default suites including CBC. */
const WEAK_POLICY: ServerTlsPolicy = () => ({ minVersion: 'TLSv1', ciphers: 'DEFAULT:@SECLEVEL=0' });

type Edge = { name: string; port: number; alpn: 'h2' | 'http/1.1' };

/** Every listening port of a stack and its console: gRPC (mTLS, h2) and HTTPS. */
function edgesOf(stack: Stack, console: ConsoleHandle): Edge[] {
  const edges: Edge[] = [];
  for (const s of stack.services) {
    if (s.grpcPort) edges.push({ name: `${s.name} gRPC`, port: s.grpcPort, alpn: 'h2' });
    edges.push({ name: `${s.name} ${s.name === 'fota' ? 'HTTPS' : 'HTTP'}`, port: s.httpPort, alpn: 'http/1.1' });
  }
  edges.push({ name: 'console HTTP', port: console.port, alpn: 'http/1.1' });
  return edges;
}

type Handshake = { ok: true; protocol: string; cipher: string } | { ok: false; code: string };

/** A TLS handshake with a port as the operator's client (its certificate, the dev CA), with `offer` on top. */
function handshake(stack: Stack, edge: Edge, offer: ConnectionOptions): Promise<Handshake> {
  const p = stack.pki;
  return new Promise((resolve) => {
    const socket = connect({
      host: '127.0.0.1',
      port: edge.port,
      ca: readFileSync(p.ca),
      cert: readFileSync(p.cert('operator')),
      key: readFileSync(p.key('operator')),
      servername: 'localhost',
      ALPNProtocols: [edge.alpn],
      ...offer,
    });
    socket.once('secureConnect', () => {
      resolve({ ok: true, protocol: socket.getProtocol() ?? '', cipher: socket.getCipher().name });
      socket.destroy();
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve({ ok: false, code: err.code ?? err.message }));
  });
}

/** A plain-HTTP GET of /healthz: the status answered, or the error code the connection ended with. */
function plainGet(port: number): Promise<string> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/healthz', timeout: 5000 }, (res) => {
      res.resume();
      resolve(`HTTP ${res.statusCode}`);
    });
    req.once('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    req.end();
  });
}

/** An HTTPS server on loopback with the risk service's dev certificate, speaking only what `offer` allows. */
async function httpsServer(stack: Stack, offer: SecureContextOptions) {
  const server = createServer(
    { cert: readFileSync(stack.pki.cert('risk')), key: readFileSync(stack.pki.key('risk')), ...offer },
    (_req, res) => res.end('ok'),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `https://127.0.0.1:${port}/`, close: () => server.close() };
}

/** A `fetch` through the process's dispatcher: the status, or the TLS error code it failed with. */
const fetchOutcome = (url: string): Promise<string> =>
  fetch(url).then(
    async (r) => `HTTP ${r.status}${(await r.text()) === 'ok' ? '' : ' (unexpected body)'}`,
    (err: Error & { cause?: NodeJS.ErrnoException }) => err.cause?.code ?? err.message,
  );

/** A test stack with its console on a free port. */
async function stackWithConsole(env: NodeJS.ProcessEnv = {}, controls?: StackControls) {
  const s = await testStack(env, undefined, controls);
  const web = await startConsole({ stack: s.stack, world: s.world, port: 0, env: { ...process.env, ...env } });
  return {
    ...s,
    web,
    async close() {
      await web.stop();
      await s.close();
    },
  };
}

const AEAD_SUITES: readonly string[] = [...TLS_POLICY.tls13Suites, ...TLS_POLICY.tls12Suites];

describe('one TLS policy on every port (FIGI R7)', () => {
  let s: Awaited<ReturnType<typeof stackWithConsole>>;
  let edges: Edge[];
  beforeAll(async () => {
    s = await stackWithConsole();
    edges = edgesOf(s.stack, s.web);
  }, 60_000);
  afterAll(() => s?.close());

  it('lists every port of the stack: three gRPC, five HTTPS services and the console', () => {
    expect(edges.map((e) => e.name).sort()).toEqual(
      [
        'attestation gRPC',
        'attestation HTTP',
        'console HTTP',
        'fota HTTPS',
        'mno HTTP',
        'risk gRPC',
        'risk HTTP',
        'transaction gRPC',
        'transaction HTTP',
      ].sort(),
    );
  });

  it('a TLS 1.3 client, and a TLS 1.2 client with an AEAD suite, complete the handshake on every port', async () => {
    for (const edge of edges) {
      const t13 = await handshake(s.stack, edge, {});
      expect(t13, edge.name).toMatchObject({ ok: true, protocol: 'TLSv1.3' });
      expect(AEAD_SUITES, edge.name).toContain((t13 as { cipher: string }).cipher);
      expect(await handshake(s.stack, edge, TLS12_AEAD), edge.name).toEqual({
        ok: true,
        protocol: 'TLSv1.2',
        cipher: 'ECDHE-ECDSA-AES128-GCM-SHA256',
      });
    }
  });

  it('a client offering only TLS 1.1 is refused on every port with a protocol_version alert', async () => {
    for (const edge of edges) {
      expect(await handshake(s.stack, edge, TLS11_ONLY), edge.name).toEqual({
        ok: false,
        code: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION',
      });
    }
  });

  it('a client offering only CBC suites is refused on every port with a handshake_failure alert', async () => {
    for (const edge of edges) {
      expect(await handshake(s.stack, edge, CBC_ONLY), edge.name).toEqual({
        ok: false,
        code: 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE',
      });
    }
  });

  it("the stack's own HTTPS calls (fetch) trust the dev CA and offer only the policy", async () => {
    const origins = {
      policy: await httpsServer(s.stack, {}),
      tls11: await httpsServer(s.stack, TLS11_ONLY),
      cbc: await httpsServer(s.stack, CBC_ONLY),
    };
    try {
      // Twice each: the first call opens a connection, the second reuses the pooled one where there is one.
      for (let i = 0; i < 2; i++) {
        expect(await fetchOutcome(origins.policy.url)).toBe('HTTP 200');
        expect(await fetchOutcome(origins.tls11.url)).toBe('ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION');
        expect(await fetchOutcome(origins.cbc.url)).toBe('ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE');
      }
    } finally {
      for (const o of Object.values(origins)) o.close();
    }
  });

  it('plain HTTP to an HTTP port gets no answer: the TLS server drops it', async () => {
    for (const edge of edges.filter((e) => e.alpn === 'http/1.1')) {
      expect(await plainGet(edge.port), edge.name).toBe('ECONNRESET');
    }
  });
});

describe('the dev switch DFS_DEV_PLAIN_HTTP=1', () => {
  it('serves plain HTTP on the service and console HTTP ports; FOTA stays HTTPS, gRPC mTLS', async () => {
    const s = await stackWithConsole({ DFS_DEV_PLAIN_HTTP: '1' });
    try {
      const edges = edgesOf(s.stack, s.web);
      const plain = edges.filter((e) => e.alpn === 'http/1.1' && !e.name.startsWith('fota'));
      expect(plain).toHaveLength(5);
      for (const edge of plain) expect(await plainGet(edge.port), edge.name).toBe('HTTP 200');
      expect(s.stack.httpScheme).toBe('http');
      expect(s.web.url).toMatch(/^http:\/\//);
      const fota = edges.find((e) => e.name === 'fota HTTPS')!;
      expect(await plainGet(fota.port)).toBe('ECONNRESET');
      for (const edge of [fota, ...edges.filter((e) => e.alpn === 'h2')]) {
        expect(await handshake(s.stack, edge, {}), edge.name).toMatchObject({ ok: true, protocol: 'TLSv1.3' });
        expect(await handshake(s.stack, edge, CBC_ONLY), edge.name).toMatchObject({ ok: false });
      }
    } finally {
      await s.close();
    }
  }, 60_000);

  it('is validated at start: any value but 0 or 1 is a CONFIG_INVALID naming the variable', async () => {
    await expect(testStack({ DFS_DEV_PLAIN_HTTP: 'yes' })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      problems: [expect.stringMatching(/^DFS_DEV_PLAIN_HTTP: /)],
    });
  });
});

describe('sabotage: the weaker policy injected at wiring time', () => {
  it('lets the TLS 1.1 and the CBC-only clients in on the ports it is injected into, and only there', async () => {
    const s = await stackWithConsole(
      {},
      {
        transaction: {
          serverCredentials: (tls: TlsMaterial) => grpcServerCredentials(tls, WEAK_POLICY),
          httpsPolicy: WEAK_POLICY,
        },
      },
    );
    try {
      const edges = edgesOf(s.stack, s.web);
      for (const edge of edges.filter((e) => e.name.startsWith('transaction'))) {
        expect(await handshake(s.stack, edge, TLS11_ONLY), edge.name).toMatchObject({ ok: true, protocol: 'TLSv1.1' });
        const cbc = await handshake(s.stack, edge, CBC_ONLY);
        expect(cbc, edge.name).toMatchObject({ ok: true, protocol: 'TLSv1.2' });
        expect(AEAD_SUITES).not.toContain((cbc as { cipher: string }).cipher);
        expect((cbc as { cipher: string }).cipher, edge.name).toMatch(/SHA(256)?$/);
      }
      const risk = edges.find((e) => e.name === 'risk HTTP')!;
      expect(await handshake(s.stack, risk, CBC_ONLY)).toMatchObject({ ok: false });
    } finally {
      await s.close();
    }
  }, 60_000);
});
