import { createHash } from 'node:crypto';
import { generateKeyPair } from 'jose';
import { KAI_PACKAGE, type KaiPackageContents } from '../../../contracts/device.js';
import { signJws } from '../../../kit/src/jws.js';
import type { AppManifest } from '../broker/manifest.js';

/** A packaged app: manifest, files, and the store's signature over both (seed 001 §Signed Apps). */
export interface AppPackage {
  manifest: AppManifest;
  files: Record<string, Uint8Array>;
  signature?: string;
}

/** What the store signs: the manifest digest and every file's digest (contracts/device.ts). */
export type SignedContents = KaiPackageContents;

/** SHA-256 hex of a file or manifest. */
export function digest(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The digests a package's signature must cover. */
export function contentsOf(manifest: AppManifest, files: Record<string, Uint8Array>): SignedContents {
  return {
    id: manifest.id,
    version: manifest.version,
    manifestSha256: digest(JSON.stringify(manifest)),
    files: Object.fromEntries(
      Object.entries(files)
        .map(([path, data]) => [path, digest(data)])
        .sort(([a], [b]) => (a! < b! ? -1 : 1)),
    ),
  };
}

/** The simulated Kai Store (seed 000 §Kai store): only it publishes, signing each package with its key. */
export class KaiStore {
  private constructor(
    private readonly key: CryptoKey,
    readonly publicKey: CryptoKey,
  ) {}

  /** A store with a fresh ES256 signing key. */
  static async create(): Promise<KaiStore> {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    return new KaiStore(privateKey, publicKey);
  }

  /** Signs a package: a JWS over the manifest digest and the file digests. */
  async publish(manifest: AppManifest, files: Record<string, Uint8Array>): Promise<AppPackage> {
    const signature = await signJws(KAI_PACKAGE, contentsOf(manifest, files), { privateKey: this.key });
    return { manifest, files, signature };
  }
}
