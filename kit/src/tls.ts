import { X509Certificate } from 'node:crypto';
import type { DetailedPeerCertificate, PeerCertificate, TLSSocket } from 'node:tls';
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
  /**
   * Set only when a certificate names a kind its issuer may not issue (peerFromCertificate): the
   * SPIFFE ID it claimed, for the refusal's log. Never an identity: `role` is then `unknown`.
   */
  claimed?: string;
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

const UNKNOWN: Peer = Object.freeze({ role: 'unknown', name: '', id: '' });

/** True when `ca` issued `cert`: names match and `ca`'s key verifies the signature. */
const signs = (ca: X509Certificate, cert: X509Certificate): boolean =>
  cert.checkIssued(ca) && cert.verify(ca.publicKey);

/** The self-signed certificates of a CA bundle (PEM): the trust anchors a server verifies clients against. */
export function trustAnchors(caPem: string | Buffer | readonly (string | Buffer)[] | undefined): X509Certificate[] {
  const pems = [caPem ?? []]
    .flat()
    .flatMap((p) => p.toString().match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? []);
  return pems.map((p) => new X509Certificate(p)).filter((c) => signs(c, c));
}

/**
 * The caller a verified client certificate names, provided the CA that signed it may issue that kind:
 * `service`, `operator` and `bootstrap` only from a certificate the root (a trust anchor) signed
 * itself, `device` only from one the device CA signed, the root's one subordinate CA
 * (kit/src/pki.ts), whose key the attestation service holds to enroll phones. A certificate that
 * names a kind its issuer may not issue (a service name minted with the device CA's key) names nobody.
 */
export function peerFromCertificate(
  cert: PeerCertificate | DetailedPeerCertificate | undefined,
  anchors: readonly X509Certificate[],
): Peer {
  const peer = peerFromAltNames(cert?.subjectaltname);
  if (!cert?.raw || peer.role === 'unknown') return UNKNOWN;
  const leaf = new X509Certificate(cert.raw);
  const byRoot = anchors.some((a) => signs(a, leaf));
  const refused: Peer = { ...UNKNOWN, claimed: peer.id };
  if (peer.role !== 'device') return byRoot ? peer : refused;
  const issuerRaw = (cert as Partial<DetailedPeerCertificate>).issuerCertificate?.raw;
  if (byRoot || !issuerRaw) return refused;
  const issuer = new X509Certificate(issuerRaw);
  return issuer.ca && signs(issuer, leaf) && anchors.some((a) => signs(a, issuer)) ? peer : refused;
}

/** Identities already read, per TLS socket: parsing the peer certificate on every call costs more than the call. */
const peersBySocket = new WeakMap<object, Peer>();

/** Trust anchors per server, parsed once from the CA bundle the server verifies client certificates with. */
const anchorsByServer = new WeakMap<object, X509Certificate[]>();

/** The trust anchors of the TLS server a socket was accepted by (none when it cannot be told: no caller then). */
function anchorsOf(socket: TLSSocket): X509Certificate[] {
  const server = (socket as TLSSocket & { server?: { ca?: string | Buffer | (string | Buffer)[] } }).server;
  if (!server) return [];
  let anchors = anchorsByServer.get(server);
  if (!anchors) anchorsByServer.set(server, (anchors = trustAnchors(server.ca)));
  return anchors;
}

/**
 * The TLS socket under a grpc-js server call (its intercepting
 * calls end at one holding the HTTP/2 stream), if reachable.
 */
function socketOf(call: object): TLSSocket | undefined {
  let c = (call as { call?: unknown }).call as
    { stream?: { session?: { socket?: TLSSocket } }; nextCall?: unknown } | undefined;
  for (let depth = 0; c && depth < 8; depth++) {
    if (c.stream) return c.stream.session?.socket;
    c = c.nextCall as typeof c;
  }
  return undefined;
}

/**
 * The caller's identity from the TLS session of a server call: read from the verified client
 * certificate and checked against the CA that issued it (peerFromCertificate) once per connection,
 * then remembered for that socket. Remembering is safe because an identity is only ever one this
 * very connection proved in its handshake (TLS 1.3 between these peers has no renegotiation), and
 * it is forgotten with the socket. No reachable socket, no identity.
 */
export function peerOf(call: Pick<grpc.ServerUnaryCall<unknown, unknown>, 'getAuthContext'>): Peer {
  const socket = socketOf(call);
  if (!socket) return UNKNOWN;
  const known = peersBySocket.get(socket);
  if (known) return known;
  if (!call.getAuthContext().sslPeerCertificate) return UNKNOWN;
  const peer = peerFromCertificate(socket.getPeerCertificate(true), anchorsOf(socket));
  peersBySocket.set(socket, peer);
  return peer;
}
