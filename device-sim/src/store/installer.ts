import { decodeProtectedHeader } from 'jose';
import { KAI_PACKAGE } from '../../../contracts/device.js';
import { DfsError, type ErrorCode } from '../../../kit/src/errors.js';
import { expectTyp, verifyJws } from '../../../kit/src/jws.js';
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

/** What the installer accepts: sideloading per build type, and how a store signature is verified. */
export interface InstallPolicy {
  /** The code refusing a sideload on this build type, or null to allow it. */
  sideload(buildType: 'user' | 'userdebug'): ErrorCode | null;
  /**
   * The signed contents of a package (typ already checked) when its
   * store signature verifies under `storeKey`; throws otherwise.
   */
  verify(jws: string | undefined, storeKey: CryptoKey): Promise<SignedContents>;
  /** The code refusing a launch whose files differ from what the store signed, or null to launch. */
  launch(files: SignedContents['files'], signed: SignedContents['files']): ErrorCode | null;
}

/**
 * The production policy: no sideloading on user builds; packages
 * signed by the Kai Store key (verifyJws under KAI_PACKAGE).
 */
export const STORE_ONLY: InstallPolicy = {
  sideload: (buildType) => (buildType === 'user' ? 'STORE_SIDELOAD_REFUSED' : null),
  async verify(jws, storeKey) {
    if (!jws) throw new Error('unsigned');
    return KAI_PACKAGE.schema.parse((await verifyJws(jws, storeKey, KAI_PACKAGE)).payload);
  },
  launch: (files, signed) => (JSON.stringify(files) === JSON.stringify(signed) ? null : 'STORE_INTEGRITY_FAILED'),
};

/**
 * The package installer (seed 000 §Kai store, §non pre-built applications): verifies the store
 * signature and every file hash at install, re-checks the files at every launch, and refuses
 * sideloading on user builds. Only the system process installs and launches.
 */
export class Installer {
  readonly #installed = new Map<
    string,
    { manifest: AppManifest; files: Map<string, Uint8Array>; signed: SignedContents }
  >();

  constructor(
    private readonly policy: AccessPolicy,
    private readonly storeKey: CryptoKey,
    private readonly buildType: 'user' | 'userdebug',
    private readonly broker: Broker,
    private readonly display: Display,
    private readonly rules: InstallPolicy = STORE_ONLY,
  ) {}

  /** Installs a store package (signature and hashes checked) or, on non-user builds only, a sideloaded one. */
  async install(caller: Caller, pkg: AppPackage, source: 'store' | 'sideload' = 'store'): Promise<AppManifest> {
    this.policy.check(caller, 'store.install');
    const sideload = source === 'sideload' ? this.rules.sideload(this.buildType) : null;
    if (sideload) this.policy.refuse(caller, 'store.install', sideload);
    let manifest = parseManifest(pkg.manifest);
    const actual = contentsOf(manifest, pkg.files);
    let signed: SignedContents;
    if (pkg.signature || source === 'store') {
      signed = await this.#verifySignature(pkg.signature);
      if (JSON.stringify(signed) !== JSON.stringify(actual))
        this.policy.refuse(caller, 'store.install', 'STORE_INTEGRITY_FAILED');
    } else {
      manifest = { ...manifest, type: 'web' };
      signed = contentsOf(manifest, pkg.files);
    }
    this.#installed.set(manifest.id, {
      manifest,
      files: new Map(Object.entries(pkg.files).map(([p, d]) => [p, new Uint8Array(d)])),
      signed,
    });
    this.broker.register(manifest);
    return manifest;
  }

  async #verifySignature(jws: string | undefined): Promise<SignedContents> {
    try {
      if (!jws) throw new Error('unsigned');
      expectTyp(decodeProtectedHeader(jws), KAI_PACKAGE);
      return KAI_PACKAGE.schema.parse(await this.rules.verify(jws, this.storeKey));
    } catch (err) {
      if (err instanceof DfsError) throw err;
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
    const altered = this.rules.launch(now, app.signed.files);
    if (altered) this.policy.refuse(caller, 'app.launch', altered);
    const running: RunningApp = {
      caller: this.broker.register(app.manifest),
      manifest: app.manifest,
      events: [],
      keys: [],
    };
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
