/* eslint-disable security/detect-non-literal-fs-filename --
   the dev PKI lives under the validated state directory; no path comes from a request */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { DEVICE_MODEL, PAYMENT_DAEMON_PACKAGE, SECURITY_LEVEL_POLICY } from './attestation-record.js';
import { spiffeId, type IdentityKind } from './identity.js';
import { generateEcKeyPair, importPrivateKeyPem, issueCertificate, privateKeyPem, subtle, x509 } from './x509.js';

/** The names the dev PKI issues server certificates for: loopback plus the service names used by compose and k8s. */
const SERVICE_NAMES = ['attestation', 'transaction', 'risk', 'fota', 'mno', 'console'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/**
 * The kind of a client: `service`, `operator`, `bootstrap` (the factory enrollment credential every
 * phone gets) or `device` (issued by the attestation service after a successful attestation). It is
 * read from the certificate's SPIFFE URI SAN (kit/src/identity.ts), never from its OU.
 */
export type Role = IdentityKind;

export interface PkiPaths {
  dir: string;
  ca: string;
  cert(name: string): string;
  key(name: string): string;
  oemRoot: string;
  oemRootKey: string;
  /** The OEM's eSE attestation CA (policy SECURITY_LEVEL_POLICY.ese): it certifies the factory batch keys. */
  oemEseCa: { cert: string; key: string };
  /**
   * The OEM's software-attestation CA (policy SECURITY_LEVEL_POLICY.software): it certifies firmware attestation keys.
   */
  oemSoftwareCa: { cert: string; key: string };
  /** The OEM firmware build key (signs boot images and FOTA manifests): private PKCS#8 and public SPKI PEM. */
  oemBuild: { key: string; pub: string };
  /** The payment app developer's signing certificate and key (what the store-signed daemon package is signed with). */
  appSigning: { cert: string; key: string };
  /** What the OEM and the app developer publish for verifiers: boot keys per model, app signing-certificate digests. */
  deviceTrust: string;
}

/** Where the dev PKI lives inside a state directory. */
export function pkiPaths(stateDir: string): PkiPaths {
  const dir = join(stateDir, 'pki');
  return {
    dir,
    ca: join(dir, 'ca.crt'),
    cert: (name) => join(dir, `${name}.crt`),
    key: (name) => join(dir, `${name}.key`),
    oemRoot: join(stateDir, 'oem', 'root.crt'),
    oemRootKey: join(stateDir, 'oem', 'root.key'),
    oemEseCa: { cert: join(stateDir, 'oem', 'ese-ca.crt'), key: join(stateDir, 'oem', 'ese-ca.key') },
    oemSoftwareCa: { cert: join(stateDir, 'oem', 'software-ca.crt'), key: join(stateDir, 'oem', 'software-ca.key') },
    oemBuild: { key: join(stateDir, 'oem', 'build.key'), pub: join(stateDir, 'oem', 'build.pub') },
    appSigning: { cert: join(dir, 'app-signing.crt'), key: join(dir, 'app-signing.key') },
    deviceTrust: join(stateDir, 'oem', 'device-trust.json'),
  };
}

function writeSecret(path: string, pem: string): void {
  writeFileSync(path, pem, { mode: 0o600 });
}

async function writeLeaf(
  paths: PkiPaths,
  name: string,
  subject: string,
  issuer: { cert: x509.X509Certificate; key: CryptoKey },
  chain: string,
  opts: { serverNames?: string[]; uris: string[]; usages: ('serverAuth' | 'clientAuth')[] },
): Promise<void> {
  const keys = await generateEcKeyPair();
  const cert = await issueCertificate({
    subject,
    publicKey: keys.publicKey,
    issuer,
    ...opts,
    notAfter: new Date(Date.now() + 825 * 86_400_000),
  });
  writeFileSync(paths.cert(name), cert.toString('pem') + '\n' + chain);
  writeSecret(paths.key(name), await privateKeyPem(keys.privateKey));
}

/**
 * Creates the development PKI once (idempotent): a root CA; a device CA (held by the attestation
 * service to issue device client certificates; the root's only subordinate CA, and the only issuer
 * kit/src/tls.ts reads a `device` caller from, while it reads every other kind only from
 * certificates the root signed itself); server+client certificates for each service; an
 * operator and a factory bootstrap client certificate; and the simulated OEM root with its two
 * attestation CAs, one per security level (eSE factory batches, software attestation). Nothing here is ever committed:
 * it lives in the state directory.
 */
export async function ensureDevPki(stateDir: string): Promise<PkiPaths> {
  const paths = pkiPaths(stateDir);
  if (
    existsSync(paths.ca) &&
    existsSync(paths.deviceTrust) &&
    existsSync(paths.key('device-ca')) &&
    SERVICE_NAMES.every((s) => existsSync(paths.key(s)))
  )
    return paths;
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  mkdirSync(join(stateDir, 'oem'), { recursive: true, mode: 0o700 });

  const rootKeys = await generateEcKeyPair();
  const root = await issueCertificate({
    subject: 'CN=DFS Dev Root CA, O=DFS Reference Stack',
    publicKey: rootKeys.publicKey,
    selfKey: rootKeys.privateKey,
    ca: { pathLength: 1 },
    notAfter: new Date(Date.now() + 3650 * 86_400_000),
  });
  const rootPem = root.toString('pem') + '\n';
  const rootIssuer = { cert: root, key: rootKeys.privateKey };

  const deviceCaKeys = await generateEcKeyPair();
  const deviceCa = await issueCertificate({
    subject: 'CN=DFS Dev Device CA, O=DFS Reference Stack',
    publicKey: deviceCaKeys.publicKey,
    issuer: rootIssuer,
    ca: { pathLength: 0 },
    notAfter: new Date(Date.now() + 1825 * 86_400_000),
  });
  writeFileSync(paths.cert('device-ca'), deviceCa.toString('pem') + '\n');
  writeSecret(paths.key('device-ca'), await privateKeyPem(deviceCaKeys.privateKey));

  for (const svc of SERVICE_NAMES) {
    await writeLeaf(paths, svc, `CN=${svc}, OU=service`, rootIssuer, '', {
      serverNames: [svc, 'localhost', '127.0.0.1', '::1'],
      uris: [spiffeId('service', svc)],
      usages: ['serverAuth', 'clientAuth'],
    });
  }
  await writeLeaf(paths, 'operator', 'CN=operator, OU=operator', rootIssuer, '', {
    uris: [spiffeId('operator', 'operator')],
    usages: ['clientAuth'],
  });
  await writeLeaf(paths, 'bootstrap', 'CN=factory-bootstrap, OU=bootstrap', rootIssuer, '', {
    uris: [spiffeId('bootstrap', 'factory-bootstrap')],
    usages: ['clientAuth'],
  });

  const oemKeys = await generateEcKeyPair();
  const oem = await issueCertificate({
    subject: 'CN=Simulated OEM Attestation Root, O=Simulated OEM',
    publicKey: oemKeys.publicKey,
    selfKey: oemKeys.privateKey,
    ca: {},
    notAfter: new Date(Date.now() + 3650 * 86_400_000),
  });
  writeFileSync(paths.oemRoot, oem.toString('pem') + '\n');
  writeSecret(paths.oemRootKey, await privateKeyPem(oemKeys.privateKey));
  const oemIssuer = { cert: oem, key: oemKeys.privateKey };
  for (const [level, files, name] of [
    ['ese', paths.oemEseCa, 'eSE Attestation CA'],
    ['software', paths.oemSoftwareCa, 'Software Attestation CA'],
  ] as const) {
    const keys = await generateEcKeyPair();
    const cert = await issueCertificate({
      subject: `CN=Simulated OEM ${name}, O=Simulated OEM`,
      publicKey: keys.publicKey,
      issuer: oemIssuer,
      ca: { pathLength: 1 },
      policies: [SECURITY_LEVEL_POLICY[level]],
      notAfter: new Date(Date.now() + 3650 * 86_400_000),
    });
    writeFileSync(files.cert, cert.toString('pem') + '\n');
    writeSecret(files.key, await privateKeyPem(keys.privateKey));
  }

  const build = await generateEcKeyPair();
  const buildSpki = Buffer.from(await subtle.exportKey('spki', build.publicKey));
  writeSecret(paths.oemBuild.key, await privateKeyPem(build.privateKey));
  writeFileSync(paths.oemBuild.pub, x509.PemConverter.encode(buildSpki, 'PUBLIC KEY'));
  const appKeys = await generateEcKeyPair();
  const appCert = await issueCertificate({
    subject: 'CN=DFS Pay developer, O=DFS Reference Stack',
    publicKey: appKeys.publicKey,
    selfKey: appKeys.privateKey,
    notAfter: new Date(Date.now() + 3650 * 86_400_000),
  });
  writeFileSync(paths.appSigning.cert, appCert.toString('pem') + '\n');
  writeSecret(paths.appSigning.key, await privateKeyPem(appKeys.privateKey));
  writeFileSync(
    paths.deviceTrust,
    JSON.stringify(
      {
        models: { [DEVICE_MODEL]: { verifiedBootKeys: [buildSpki.toString('base64')] } },
        applications: {
          [PAYMENT_DAEMON_PACKAGE]: {
            signingCertificateSha256: [createHash('sha256').update(Buffer.from(appCert.rawData)).digest('hex')],
          },
        },
      },
      null,
      2,
    ) + '\n',
  );

  writeFileSync(paths.ca, rootPem);
  return paths;
}

/** Reads a CA certificate and key pair from PEM files (the device CA, the OEM root). */
export async function loadIssuer(
  certFile: string,
  keyFile: string,
): Promise<{ cert: x509.X509Certificate; key: CryptoKey }> {
  return {
    cert: new x509.X509Certificate(readFileSync(certFile, 'utf8')),
    key: await importPrivateKeyPem(readFileSync(keyFile, 'utf8')),
  };
}
