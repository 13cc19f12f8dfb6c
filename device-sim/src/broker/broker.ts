import { DfsError } from '../../../kit/src/errors.js';
import { appCaller, BROKER, type AccessPolicy, type Caller } from '../access-policy.js';
import type { Camera } from '../camera.js';
import type { NfcController } from '../nfc/nfc-controller.js';
import { atLeast, type AppManifest, type PermissionRequest } from './manifest.js';
import { accessCovers, NATIVE_ONLY, PERMISSIONS, type PermissionRule } from './permissions.js';

interface RunningApp {
  manifest: AppManifest;
  uid: number;
  storage: Map<string, string>;
}

/**
 * The broker (Gecko/GeckoBridge, seed 001 §Security Infrastructure): web apps reach devices only
 * through it. It grants an API only when the manifest requests it and the app type qualifies
 * (least permission, default deny), refuses native-only APIs to every app, refuses app-to-app
 * launches, and gives each app its own storage. Refusals are logged by the access policy.
 */
export class Broker {
  readonly #apps = new Map<string, RunningApp>();
  #nextUid = 10_000;

  constructor(
    private readonly policy: AccessPolicy,
    private readonly devices: { nfc: NfcController; camera: Camera },
    private readonly permissions: Readonly<Record<string, PermissionRule>> = PERMISSIONS,
  ) {}

  /** Registers an installed app (called by the installer); returns its content-process caller. */
  register(manifest: AppManifest): Caller {
    const existing = this.#apps.get(manifest.id);
    const uid = existing?.uid ?? this.#nextUid++;
    this.#apps.set(manifest.id, { manifest, uid, storage: existing?.storage ?? new Map() });
    return appCaller(manifest.id, uid);
  }

  #app(appId: string): RunningApp {
    const app = this.#apps.get(appId);
    if (!app) throw new DfsError('STORE_APP_NOT_INSTALLED');
    return app;
  }

  /** The manifest of an installed app. */
  manifest(appId: string): AppManifest {
    return this.#app(appId).manifest;
  }

  /**
   * Checks that `appId` may use `api` with `access`: native-only,
   * unknown, undeclared or under-trusted requests are refused.
   */
  authorize(appId: string, api: string, access?: PermissionRequest['access']): void {
    const app = this.#app(appId);
    const caller = appCaller(appId, app.uid);
    if (NATIVE_ONLY.has(api)) this.policy.refuse(caller, api, 'BROKER_NATIVE_ONLY');
    const rule = Object.hasOwn(this.permissions, api) ? this.permissions[api] : undefined;
    const declared = Object.hasOwn(app.manifest.permissions, api) ? app.manifest.permissions[api] : undefined;
    const ok = rule && declared && atLeast(app.manifest.type, rule.minType) && accessCovers(declared.access, access);
    if (!ok) this.policy.refuse(caller, api, 'BROKER_PERMISSION_DENIED');
  }

  /** True when the app declared `secure-display` (no screenshots, no overlays over it). */
  secureDisplay(appId: string): boolean {
    return Object.hasOwn(this.#app(appId).manifest.permissions, 'secure-display');
  }

  /** Web NFC for UI apps: NDEF only, through the broker's own NFC access (never APDUs). */
  nfcRead(appId: string) {
    this.authorize(appId, 'nfc');
    return this.devices.nfc.webRead(BROKER);
  }

  /** Opens the camera for an app (refused while a native caller has disabled it). */
  openCamera(appId: string): void {
    this.authorize(appId, 'camera');
    this.devices.camera.open(BROKER);
  }

  /** The app's own storage (localStorage/IndexedDB stand-in): never shared with another app. */
  storage(appId: string): Map<string, string> {
    return this.#app(appId).storage;
  }

  /** Apps cannot launch other apps directly (seed 000 §Application isolation). */
  launch(fromAppId: string, _targetAppId: string): never {
    const app = this.#app(fromAppId);
    return this.policy.refuse(appCaller(fromAppId, app.uid), 'app.launch', 'BROKER_LAUNCH_DENIED');
  }
}
