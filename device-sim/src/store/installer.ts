import { compactVerify } from 'jose';
import { DfsError } from '../../../kit/src/errors.js';
import { BROKER, type AccessPolicy, type Caller } from '../access-policy.js';
import type { Broker } from '../broker/broker.js';
import { parseManifest, type AppManifest } from '../broker/manifest.js';
import type { Display, Key, Visibility } from '../ui/display.js';
import { contentsOf, type AppPackage, type SignedContents } from './kai-store.js';

/** A launched app as its content process sees it: its identity and the events it received. */
export interface RunningApp {
  caller: Caller;
  manifest: AppManifest;
  events: Visibility[];
  keys: Key[];
}

/**
 * The package installer (seed 000 §Kai store, §non pre-built applications): verifies the store
 * signature and every file hash at install, re-checks the files at every launch, and refuses
 * sideloading on user builds. Only the system process installs and launches.
 */
export class Installer {
  readonly #installed = new Map<string, { manifest: AppManifest; files: Map<string, Uint8Array>; signed: SignedContents }>();

  constructor(
    private readonly policy: AccessPolicy,
    private readonly storeKey: CryptoKey,
    private readonly buildType: 'user' | 'userdebug',
    private readonly broker: Broker,
    private readonly display: Display,
  ) {}

  /** Installs a store package (signature and hashes checked) or, on non-user builds only, a sideloaded one. */
  async install(caller: Caller, pkg: AppPackage, source: 'store' | 'sideload' = 'store'): Promise<AppManifest> {
    this.policy.check(caller, 'store.install');
    if (source === 'sideload' && this.buildType === 'user') this.policy.refuse(caller, 'store.install', 'STORE_SIDELOAD_REFUSED');
    let manifest = parseManifest(pkg.manifest);
    const actual = contentsOf(manifest, pkg.files);
    let signed: SignedContents;
    if (pkg.signature || source === 'store') {
      signed = await this.#verifySignature(pkg.signature);
      if (JSON.stringify(signed) !== JSON.stringify(actual)) this.policy.refuse(caller, 'store.install', 'STORE_INTEGRITY_FAILED');
    } else {
      manifest = { ...manifest, type: 'web' };
      signed = contentsOf(manifest, pkg.files);
    }
    this.#installed.set(manifest.id, { manifest, files: new Map(Object.entries(pkg.files).map(([p, d]) => [p, new Uint8Array(d)])), signed });
    this.broker.register(manifest);
    return manifest;
  }

  async #verifySignature(jws: string | undefined): Promise<SignedContents> {
    try {
      if (!jws) throw new Error('unsigned');
      const { payload, protectedHeader } = await compactVerify(jws, this.storeKey, { algorithms: ['ES256'] });
      if (protectedHeader.typ !== 'kai-package+jws') throw new Error('typ');
      return JSON.parse(new TextDecoder().decode(payload)) as SignedContents;
    } catch (err) {
      throw new DfsError('STORE_SIGNATURE_INVALID', undefined, { cause: err });
    }
  }

  /** The installed files as stored on the phone (what an attacker with file access could modify). */
  files(appId: string): Map<string, Uint8Array> {
    const app = this.#installed.get(appId);
    if (!app) throw new DfsError('STORE_APP_NOT_INSTALLED');
    return app.files;
  }

  /** Launches an app (system only): re-checks every file hash, then brings it to the foreground. */
  launch(caller: Caller, appId: string): RunningApp {
    this.policy.check(caller, 'app.launch');
    const app = this.#installed.get(appId);
    if (!app) throw new DfsError('STORE_APP_NOT_INSTALLED');
    const now = contentsOf(app.manifest, Object.fromEntries(app.files)).files;
    if (JSON.stringify(now) !== JSON.stringify(app.signed.files)) this.policy.refuse(caller, 'app.launch', 'STORE_INTEGRITY_FAILED');
    const running: RunningApp = { caller: this.broker.register(app.manifest), manifest: app.manifest, events: [], keys: [] };
    this.display.setForeground(BROKER, {
      appId,
      secureDisplay: this.broker.secureDisplay(appId),
      frame: { title: app.manifest.name, lines: [] },
      onKey: (k) => running.keys.push(k),
      onVisibility: (v) => running.events.push(v),
    });
    return running;
  }
}
