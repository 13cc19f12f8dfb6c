import type { AppType, PermissionRequest } from './manifest.js';

/** A Web API permission: the least trusted app type that may hold it and whether it takes an access mode. */
export interface PermissionRule {
  minType: AppType;
  accessModes?: readonly NonNullable<PermissionRequest['access']>[];
}

/** Web API permissions the broker knows (seed 001 §App Security); anything else is refused. */
export const PERMISSIONS: Readonly<Record<string, PermissionRule>> = {
  'secure-display': { minType: 'web' },
  geolocation: { minType: 'web' },
  'desktop-notification': { minType: 'web' },
  nfc: { minType: 'privileged' },
  camera: { minType: 'privileged' },
  contacts: { minType: 'privileged', accessModes: ['read', 'readwrite', 'readcreate', 'createonly'] },
  'device-storage:sdcard': { minType: 'privileged', accessModes: ['read', 'readwrite', 'readcreate', 'createonly'] },
  telephony: { minType: 'certified' },
  mobileconnection: { minType: 'certified' },
};

/** GeckoBridge APIs for native code only (seed 000): refused to every web app, certified ones included. */
export const NATIVE_ONLY: ReadonlySet<string> = new Set([
  'nfc-lock',
  'pcsc',
  'camera-control',
  'native-ui',
  'keystore',
  'safeguard',
  'pin',
]);

const WRITES: Record<string, readonly string[]> = {
  read: ['read'],
  readwrite: ['read', 'readwrite', 'readcreate', 'createonly'],
  readcreate: ['read', 'readcreate', 'createonly'],
  createonly: ['createonly'],
};

/** True when the declared access mode covers the one requested. */
export function accessCovers(declared: PermissionRequest['access'], requested: PermissionRequest['access']): boolean {
  if (!requested) return true;
  return Boolean(declared && WRITES[declared]?.includes(requested));
}
