import * as grpc from '@grpc/grpc-js';
import { createSecureContext, rootCertificates, type SecureContextOptions } from 'node:tls';
import { Agent, setGlobalDispatcher } from 'undici';

/**
 * The one TLS policy of every edge (FIGI R7): gRPC, HTTPS, FOTA and the console serve with it, and
 * the stack's own HTTPS clients offer it. TLS 1.2 is the floor and TLS 1.3 is preferred (OpenSSL
 * negotiates the highest version both sides offer); only AEAD suites are named: the three TLS 1.3
 * suites, and for TLS 1.2 ECDHE with AES-GCM or ChaCha20-Poly1305. No CBC, no static RSA key
 * exchange, no SHA-1 MAC. The server's order wins.
 */
export const TLS_POLICY = Object.freeze({
  minVersion: 'TLSv1.2',
  maxVersion: 'TLSv1.3',
  tls13Suites: ['TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_128_GCM_SHA256'],
  tls12Suites: [
    'ECDHE-ECDSA-AES256-GCM-SHA384',
    'ECDHE-ECDSA-CHACHA20-POLY1305',
    'ECDHE-ECDSA-AES128-GCM-SHA256',
    'ECDHE-RSA-AES256-GCM-SHA384',
    'ECDHE-RSA-CHACHA20-POLY1305',
    'ECDHE-RSA-AES128-GCM-SHA256',
  ],
  honorCipherOrder: true,
} as const);

/** The options a TLS endpoint of the stack takes from a policy: version range, suites, server's order. */
export type TlsPolicyOptions = Pick<SecureContextOptions, 'minVersion' | 'maxVersion' | 'ciphers' | 'honorCipherOrder'>;

/** A policy's suites as node:tls options (TLS 1.3 and TLS 1.2 names in one OpenSSL cipher string). */
export function policyOptions(policy: typeof TLS_POLICY = TLS_POLICY): TlsPolicyOptions {
  return {
    minVersion: policy.minVersion,
    maxVersion: policy.maxVersion,
    ciphers: [...policy.tls13Suites, ...policy.tls12Suites].join(':'),
    honorCipherOrder: policy.honorCipherOrder,
  };
}

/** Where a server's policy comes from: the stack's policy in production; a test may inject a weaker one. */
export type ServerTlsPolicy = () => TlsPolicyOptions;

/** The production policy source. */
export const stackPolicy: ServerTlsPolicy = () => policyOptions();

/** Options for an HTTPS server (node:https) with a certificate and key, under a policy. */
export function httpsServerOptions(
  tls: { cert: Buffer; key: Buffer },
  policy: ServerTlsPolicy = stackPolicy,
): SecureContextOptions {
  return { cert: tls.cert, key: tls.key, ...policy() };
}

/**
 * gRPC server credentials under a policy: grpc-js's `createSsl` takes no cipher or version options, so
 * this subclass of its public `ServerCredentials` hands the policy to the HTTP/2 secure server it builds.
 * A client certificate chained to `ca` is required (no certificate, no call).
 */
class PolicyServerCredentials extends grpc.ServerCredentials {
  constructor(tls: { ca: Buffer; cert: Buffer; key: Buffer }, policy: TlsPolicyOptions) {
    super({ requestCert: true, rejectUnauthorized: true, ...policy }, { ca: tls.ca, cert: tls.cert, key: tls.key });
  }

  _equals(other: grpc.ServerCredentials): boolean {
    return other === this;
  }
}

/** mTLS gRPC server credentials under the policy. */
export function grpcServerCredentials(
  tls: { ca: Buffer; cert: Buffer; key: Buffer },
  policy: ServerTlsPolicy = stackPolicy,
): grpc.ServerCredentials {
  return new PolicyServerCredentials(tls, policy());
}

const trusted = new Set<string>();

/**
 * Makes this process's `fetch` trust a CA besides the public roots and offer only the policy's versions
 * and suites: the CLI and the embedded stack call it with the dev PKI's CA so their HTTPS calls to
 * the stack's ports verify the server certificate. Adding a CA already trusted changes nothing.
 */
export function trustCaForFetch(caPem: string | Buffer): void {
  const pem = caPem.toString().trim();
  if (trusted.has(pem)) return;
  trusted.add(pem);
  const { minVersion, maxVersion, ciphers } = policyOptions();
  // One secure context for every connection: built per connection from the ~140 public roots it
  // cost ~20 ms of CPU each time, and a burst of HTTPS calls opens a connection per call in flight.
  const secureContext = createSecureContext({ ca: [...rootCertificates, ...trusted], minVersion, maxVersion, ciphers });
  setGlobalDispatcher(new Agent({ connect: { secureContext } }));
}
