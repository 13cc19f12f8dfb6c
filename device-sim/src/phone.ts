import { verifyBootChain } from './boot.js';
import type { Backend } from './daemon/backend.js';
import { PaymentDaemon, type Step } from './daemon/payment-daemon.js';
import type { SecureElement } from './ese/secure-element.js';
import { Oem } from './oem.js';
import { profile as lookupProfile, type PhoneProfile } from './profiles.js';
import { NativeUi, type PhoneUser } from './ui/native-ui.js';

/** A powered-on simulated phone: its eSE, native UI and payment daemon. */
export interface Phone {
  profile: PhoneProfile;
  imei: string;
  ese?: SecureElement;
  ui: NativeUi;
  daemon: PaymentDaemon;
  boot: { state: 'verified' | 'failed'; failedStage?: string };
}

/**
 * Builds a phone in a named configuration and powers it on: the boot chain is verified stage by
 * stage against the eFuse hash and the rollback floor, safeguard runs its safety check, and both
 * results are written into the eSE, where the app side cannot change them.
 */
export async function buildPhone(opts: { oem: Oem; profile: string; pin: string; user: PhoneUser; backend: Backend; onStep?: (s: Step) => void }): Promise<Phone> {
  const profile = lookupProfile(opts.profile);
  const made = await opts.oem.manufacture(profile);
  const boot = await verifyBootChain(made.firmware, made.efuse, made.bootPublicKey);
  const ese = made.ese;
  const rolledBack = ese ? boot.version < ese.rollbackIndex : false;
  const state = boot.state === 'verified' && !rolledBack ? 'verified' : 'failed';
  if (ese) {
    ese.recordPowerOn({
      rootOfTrust: { verifiedBootState: state, deviceLocked: profile.buildType === 'user', verifiedBootKeyHash: made.efuse },
      patchLevel: { os: profile.patchLevel, vendor: profile.patchLevel, boot: profile.patchLevel },
      safety: { rooted: profile.rooted, debug: profile.debug, emulator: profile.emulator, developerMode: profile.developerMode, buildType: profile.buildType },
      rollbackIndex: boot.version,
    });
    ese.setPin(opts.pin);
  }
  const ui = new NativeUi(opts.user);
  if (!ese) throw new Error('phones without an eSE are not built yet');
  const daemon = new PaymentDaemon(ese, ui, opts.backend, Oem.daemonApplication(), opts.onStep);
  return { profile, imei: made.identity.imei, ese, ui, daemon, boot: { state, ...(rolledBack ? { failedStage: 'bootloader' } : boot.failedStage ? { failedStage: boot.failedStage } : {}) } };
}
