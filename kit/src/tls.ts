import * as grpc from '@grpc/grpc-js';
import { readConfigFile } from './config.js';
import { parseSpiffeId } from './identity.js';
import type { Role } from './pki.js';
import { grpcServerCredentials } from './tls-policy.js';

/** PEM material for one side of an mTLS connection. */
export interface TlsMaterial {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

/** Reads the CA, certificate chain and key files of a service; a missing file names its variable. */
export function readTls(files: { ca: string; cert: string; key: string }): TlsMaterial {
  return {
    ca: readConfigFile(files.ca, 'TLS_CA_FILE'),
    cert: readConfigFile(files.cert, 'TLS_CERT_FILE'),
    key: readConfigFile(files.key, 'TLS_KEY_FILE'),
  };
}

/**
 * Server credentials that require a client certificate chained to the CA (no certificate, no call),
 * under the stack's TLS policy (kit/src/tls-policy.ts).
 */
export function serverCredentials(tls: TlsMaterial): grpc.ServerCredentials {
  return grpcServerCredentials(tls);
}

/** Client credentials presenting our certificate and trusting only the CA. */
export function clientCredentials(tls: TlsMaterial): grpc.ChannelCredentials {
  return grpc.credentials.createSsl(tls.ca, tls.key, tls.cert);
}

/**
 * Who is calling, read from the verified client certificate's one SPIFFE URI SAN (kind = role, last segment = name).
 */
export interface Peer {
  role: Role | 'unknown';
  name: string;
  /** The SPIFFE ID itself ('' when the certificate carries none, or more than one). */
  id: string;
}

/** The caller a certificate's subjectAltName names: exactly one SPIFFE URI of this trust domain, or unknown. */
export function peerFromAltNames(altNames: string | undefined): Peer {
  const uris = (altNames ?? '')
    .split(/,\s*/)
    .filter((n) => n.startsWith('URI:'))
    .map((n) => n.slice(4));
  const parsed = uris.length === 1 ? parseSpiffeId(uris[0]!) : null;
  return parsed ? { role: parsed.kind, name: parsed.name, id: uris[0]! } : { role: 'unknown', name: '', id: '' };
}

/** Identities already read, per TLS socket: parsing the peer certificate on every call costs more than the call. */
const peersBySocket = new WeakMap<object, Peer>();

/**
 * The TLS socket under a grpc-js server call (its intercepting
 * calls end at one holding the HTTP/2 stream), if reachable.
 */
function socketOf(call: object): object | undefined {
  let c = (call as { call?: unknown }).call as
    { stream?: { session?: { socket?: object } }; nextCall?: unknown } | undefined;
  for (let depth = 0; c && depth < 8; depth++) {
    if (c.stream) return c.stream.session?.socket;
    c = c.nextCall as typeof c;
  }
  return undefined;
}

/**
 * The caller's identity from the TLS session of a server call: read from the verified client
 * certificate once per connection, then remembered for that socket. Remembering is safe because an
 * identity is only ever one this very connection proved in its handshake (TLS 1.3 between these
 * peers has no renegotiation), and it is forgotten with the socket.
 */
export function peerOf(call: Pick<grpc.ServerUnaryCall<unknown, unknown>, 'getAuthContext'>): Peer {
  const socket = socketOf(call);
  const known = socket && peersBySocket.get(socket);
  if (known) return known;
  const cert = call.getAuthContext().sslPeerCertificate;
  const peer = peerFromAltNames(cert?.subjectaltname);
  if (socket && cert) peersBySocket.set(socket, peer);
  return peer;
}
