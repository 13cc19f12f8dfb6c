import { PAYMENT_DAEMON_UID, type AttestationRecord } from '../../kit/src/attestation-record.js';
import { AccessPolicy, DEFAULT_TABLE, PAYMENT_DAEMON, SYSTEM } from './access-policy.js';
import { Broker } from './broker/broker.js';
import type { PermissionRule } from './broker/permissions.js';
import { Camera } from './camera.js';
import type { Backend } from './daemon/backend.js';
import { eseKeystore, type DaemonKeystore } from './daemon/keystore-port.js';
import { PaymentDaemon, type CallPolicy, type ResultVerifier, type Step } from './daemon/payment-daemon.js';
import type { TagVerifier } from './daemon/tag-request.js';
import { SoftwareKeystore } from './daemon/software-keystore.js';
import type { PowerOnState } from './ese/attest.js';
import { EseService } from './ese/ese-service.js';
import type { SecureElement } from './ese/secure-element.js';
import type { FotaManifest } from '../../contracts/firmware.js';
import { attestedFirmware } from './firmware.js';
import {
  bootSlot,
  DEFAULT_FOTA_LIMITS,
  Fota,
  oemFirmwareTrust,
  softwareFloor,
  type FirmwareTrust,
  type FotaLimits,
  type FotaTransport,
  type Slot,
  type SlotBoot,
  type UpdateOutcome,
} from './fota.js';
import type { KeyAccess } from './ese/keystore.js';
import type { PinRetryPolicy, ResetVerifier } from './ese/pin.js';
import { NfcController, type NfcExclusivity } from './nfc/nfc-controller.js';
import type { Bridge, HandshakeRelay } from './nfc/pcsc-client.js';
import type { HelloCheck } from './nfc/secure-channel.js';
import { FIRMWARE_VERSION, Oem } from './oem.js';
import { profile as lookupProfile, type PhoneProfile } from './profiles.js';
import { environmentOf, Safeguard, safetyCheck } from './safeguard.js';
import { LockScreen } from './lock-screen.js';
import { SimSlot, type Sim } from './sim.js';
import { UsbPort } from './usb.js';
import { Installer, type InstallPolicy } from './store/installer.js';
import { KaiStore } from './store/kai-store.js';
import { Display, type ScreenGuard } from './ui/display.js';
import { NativeUi, type PhoneUser } from './ui/native-ui.js';
import type { RefusalLog } from './log.js';

/** A powered-on simulated phone: its secure side, its device APIs, the broker and store, and the payment daemon. */
export interface Phone {
  profile: PhoneProfile;
  imei: string;
  /** The SIM slot: the card the modem reads (swap, port or remove it to play the mobile network). */
  sim: SimSlot;
  ese?: SecureElement;
  policy: AccessPolicy;
  eseApi: EseService;
  safeguard: Safeguard;
  fota: Fota;
  display: Display;
  ui: NativeUi;
  nfc: NfcController;
  camera: Camera;
  /** The lock screen (an OS PIN, not the eSE's payment PIN). */
  lockScreen: LockScreen;
  /** What a USB cable reaches: a debug shell subject to the access policy. */
  usb: UsbPort;
  broker: Broker;
  installer: Installer;
  kaiStore: KaiStore;
  daemon: PaymentDaemon;
  boot: { state: 'verified' | 'failed'; failedStage?: string };
  /**
   * Checks for, downloads, verifies and installs an update as the system
   * process, then reboots into it (throws the refusing control's code).
   */
  update(): Promise<UpdateOutcome>;
}

/** Controls of a phone given at build time as strategies; each defaults to the production one. */
export interface PhoneParts {
  /** The access policy between processes and device APIs (default: DEFAULT_TABLE, default deny). */
  accessPolicy?: AccessPolicy;
  pinRetry?: PinRetryPolicy;
  verifyReset?: ResetVerifier;
  keyAccess?: KeyAccess;
  screen?: ScreenGuard;
  /** The broker's Web API permissions by app type (default: PERMISSIONS). */
  permissions?: Readonly<Record<string, PermissionRule>>;
  nfcExclusive?: NfcExclusivity;
  install?: InstallPolicy;
  /**
   * The firmware controls (install and boot); production wiring uses `oemFirmwareTrust`
   * with the provisioned release key. Threat tests inject weakened ones.
   */
  firmwareTrust?: (releasePublicKey: CryptoKey) => FirmwareTrust;
  /** How the daemon opens backend results (default: verifyBackendSignature). */
  openResult?: ResultVerifier;
  onCall?: CallPolicy;
  /** How the daemon checks merchant tags (default: BACKEND_SIGNED_TAG). */
  checkTag?: TagVerifier;
  /** How the daemon checks the NFC daemon's key exchange (default: SIGNED_BY_NFC_DAEMON). */
  checkHello?: HelloCheck;
}

export interface BuildOptions extends PhoneParts {
  oem: Oem;
  profile: string;
  pin: string;
  user: PhoneUser;
  backend: Backend;
  onStep?: (s: Step) => void;
  pinMaxTries?: number;
  kaiStore?: KaiStore;
  log?: RefusalLog;
  /** The GeckoBridge hop of the daemon's PC/SC traffic (tests and scenarios observe it). */
  bridge?: Bridge;
  /** An IMEI to provision instead of a fresh one (a cloned identity). */
  imei?: string;
  /** The GeckoBridge hop of the daemon's PC/SC session request. */
  handshake?: HandshakeRelay;
  /** The installed daemon package as the package manager reports it (default: the genuine, developer-signed one). */
  application?: AttestationRecord['application'];
  /** What the daemon's keystore becomes when the phone's firmware is an attacker's (threat scenarios). */
  wrapKeystore?: (k: DaemonKeystore) => DaemonKeystore;
  /** The phone's channel to the FOTA service (pinned to the dev CA); none means updates cannot be checked. */
  fotaTransport?: FotaTransport;
  /** Size and chunk limits of the update client. */
  fotaLimits?: FotaLimits;
  /** The SIM in the slot at power-on (none when absent). */
  sim?: Sim;
}

/**
 * Builds a phone in a named configuration and powers it on: the boot chain is verified stage by
 * stage against the eFuse hash and the rollback floor, safeguard runs its safety check, and both
 * results are written into the eSE (or, without one, held by the firmware and the daemon's software
 * keystore), where the app side cannot change them.
 */
export async function buildPhone(opts: BuildOptions): Promise<Phone> {
  const profile = lookupProfile(opts.profile);
  const pinMaxTries = opts.pinMaxTries;
  const made = await opts.oem.manufacture(profile, pinMaxTries, opts.imei, {
    pinRetry: opts.pinRetry,
    keyAccess: opts.keyAccess,
    verifyReset: opts.verifyReset,
  });
  const ese = made.ese;
  const floor = ese ?? softwareFloor(FIRMWARE_VERSION);
  const trust = (opts.firmwareTrust ?? oemFirmwareTrust)(made.releasePublicKey);
  const rom = { efuse: made.efuse, bootKey: made.bootPublicKey };
  const safety = safetyCheck(environmentOf(profile));
  const factorySlot: Slot = { images: made.firmware, manifest: made.manifest };
  const first = await bootSlot(factorySlot, rom, trust, floor.rollbackIndex);
  const factoryManifest =
    first.manifest ??
    (await trust.verifyManifest(made.manifest).catch(() => undefined)) ??
    unverifiedManifest(made.manifest);
  const powerOnOf = (b: SlotBoot, m: FotaManifest): PowerOnState => ({
    rootOfTrust: {
      verifiedBootState: b.state,
      deviceLocked: profile.buildType === 'user',
      verifiedBootKeyHash: made.efuse,
    },
    patchLevel: { os: m.patchLevel, vendor: m.patchLevel, boot: m.patchLevel },
    safety: structuredClone(safety),
    rollbackIndex: b.version,
    firmware: attestedFirmware(m),
  });
  const powerOn = powerOnOf(first, factoryManifest);
  ese?.recordPowerOn(powerOn);
  ese?.pin.set(opts.pin);

  const policy = opts.accessPolicy ?? new AccessPolicy(DEFAULT_TABLE, opts.log);
  const eseApi = new EseService(policy, ese);
  const display = new Display(policy, opts.screen);
  const nfc = new NfcController(policy, opts.nfcExclusive);
  const camera = new Camera(policy);
  const lockScreen = new LockScreen(policy, opts.pin);
  const broker = new Broker(policy, { nfc, camera }, opts.permissions);
  const kaiStore = opts.kaiStore ?? (await KaiStore.create());
  const installer = new Installer(policy, kaiStore.publicKey, profile.buildType, broker, display, opts.install);
  const reboot = async (slot: Slot): Promise<SlotBoot> => {
    const b = await bootSlot(slot, rom, trust, floor.rollbackIndex);
    if (b.state === 'verified' && b.manifest) {
      Object.assign(powerOn, powerOnOf(b, b.manifest));
      ese?.powerCycle();
      ese?.recordPowerOn(powerOn);
    }
    return b;
  };
  const fota = new Fota(
    policy,
    floor,
    trust,
    reboot,
    { slot: factorySlot, manifest: factoryManifest },
    opts.fotaTransport,
    opts.fotaLimits ?? DEFAULT_FOTA_LIMITS,
  );
  const frozenSafety = structuredClone(powerOn.safety);
  const safeguard = new Safeguard(policy, () => ese?.powerOnState()?.safety ?? structuredClone(frozenSafety));

  const genuine =
    ese || !made.softwareAttestation
      ? eseKeystore(eseApi, PAYMENT_DAEMON)
      : new SoftwareKeystore(
          PAYMENT_DAEMON_UID,
          made.softwareAttestation,
          made.identity,
          powerOn,
          opts.pin,
          pinMaxTries,
        );
  const keystore = opts.wrapKeystore ? opts.wrapKeystore(genuine) : genuine;
  const ui = new NativeUi(opts.user, display, PAYMENT_DAEMON);
  const sim = new SimSlot(opts.sim ?? null);
  const daemon = new PaymentDaemon({
    keystore,
    ui,
    backend: opts.backend,
    application: opts.application ?? opts.oem.daemonApplication(),
    nfc,
    caller: PAYMENT_DAEMON,
    onStep: opts.onStep,
    bridge: opts.bridge,
    ...(opts.openResult ? { openResult: opts.openResult } : {}),
    ...(opts.onCall ? { onCall: opts.onCall } : {}),
    ...(opts.checkTag ? { checkTag: opts.checkTag } : {}),
    session: {
      ...(opts.handshake ? { handshake: opts.handshake } : {}),
      ...(opts.checkHello ? { checkHello: opts.checkHello } : {}),
    },
    sim: () => sim.current,
  });
  const state = first.state;
  return {
    profile,
    imei: made.identity.imei,
    sim,
    ese,
    policy,
    eseApi,
    safeguard,
    fota,
    display,
    ui,
    nfc,
    camera,
    lockScreen,
    usb: new UsbPort(lockScreen),
    broker,
    installer,
    kaiStore,
    daemon,
    boot: { state, ...(state === 'failed' && first.failedStage ? { failedStage: first.failedStage } : {}) },
    update: () => fota.update(SYSTEM),
  };
}

/**
 * The claims of a manifest that did not verify: the phone still
 * powers on (boot state `failed`), reporting what it was flashed with.
 */
function unverifiedManifest(jws: string): FotaManifest {
  return JSON.parse(Buffer.from(jws.split('.')[1] ?? '', 'base64url').toString('utf8')) as FotaManifest;
}
