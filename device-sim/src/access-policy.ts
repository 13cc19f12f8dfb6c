import { DfsError } from '../../kit/src/errors.js';
import { deviceLog, type RefusalLog } from './log.js';

/** The device APIs a process can call: the objects of the DAC/SELinux/seccomp stand-in (seed 000 §Memory isolation). */
export type DeviceApi =
  | 'keystore'
  | 'pin'
  | 'safeguard.read'
  | 'rollback.read'
  | 'fota.apply'
  | 'nfc.lock'
  | 'nfc.pcsc'
  | 'nfc.web'
  | 'camera.control'
  | 'camera.use'
  | 'native-ui'
  | 'display.app'
  | 'display.system'
  | 'screenshot'
  | 'store.install'
  | 'app.launch'
  | 'telephony'
  | 'lockscreen.settings';

/** A process as the kernel knows it: its name (SELinux domain) and the UID it runs as. */
export interface Caller {
  process: string;
  uid: number;
}

interface ProcessRow {
  uid: number;
  native: boolean;
  apis: readonly DeviceApi[];
}

const NATIVE_DFS: DeviceApi[] = [
  'keystore',
  'pin',
  'safeguard.read',
  'rollback.read',
  'nfc.lock',
  'nfc.pcsc',
  'camera.control',
  'camera.use',
  'native-ui',
];

/**
 * Which process may call which device API; anything not listed is refused.
 * Web apps have no row: they reach devices only through the broker.
 */
export const DEFAULT_TABLE: Readonly<Record<string, ProcessRow>> = {
  system: {
    uid: 1000,
    native: true,
    apis: [
      'display.system',
      'screenshot',
      'fota.apply',
      'rollback.read',
      'store.install',
      'app.launch',
      'telephony',
      'lockscreen.settings',
    ],
  },
  broker: { uid: 1001, native: true, apis: ['nfc.web', 'camera.use', 'display.app'] },
  'payment-daemon': { uid: 1077, native: true, apis: NATIVE_DFS },
  'operator-daemon': { uid: 1078, native: true, apis: NATIVE_DFS },
};

/** The callers of the default table, by process name. */
export const SYSTEM: Caller = { process: 'system', uid: 1000 };
export const BROKER: Caller = { process: 'broker', uid: 1001 };
export const PAYMENT_DAEMON: Caller = { process: 'payment-daemon', uid: 1077 };
export const OPERATOR_DAEMON: Caller = { process: 'operator-daemon', uid: 1078 };

/** The caller identity of a web app's content process. */
export function appCaller(appId: string, uid: number): Caller {
  return { process: `app:${appId}`, uid };
}

/**
 * Default-deny access control: a call passes only when the caller's process has a row, runs as
 * that row's UID, and lists the API. Every refusal is logged with its code.
 */
export class AccessPolicy {
  constructor(
    private readonly table: Readonly<Record<string, ProcessRow>> = DEFAULT_TABLE,
    private readonly log: RefusalLog = deviceLog(),
  ) {}

  /** Throws DEVICE_ACCESS_DENIED unless `caller` may call `api`. */
  check(caller: Caller, api: DeviceApi): void {
    const row = Object.hasOwn(this.table, caller.process) ? this.table[caller.process] : undefined;
    if (row && row.uid === caller.uid && row.apis.includes(api)) return;
    this.refuse(caller, api, 'DEVICE_ACCESS_DENIED');
  }

  /** True for a native process (daemon or system) running as its own UID. */
  isNative(caller: Caller): boolean {
    const row = Object.hasOwn(this.table, caller.process) ? this.table[caller.process] : undefined;
    return Boolean(row?.native && row.uid === caller.uid);
  }

  /** Logs a refusal by any device component and throws its code. */
  refuse(caller: Caller, api: string, code: DfsError['code']): never {
    this.log.warn({ code, process: caller.process, uid: caller.uid, api }, 'device API refused');
    throw new DfsError(code);
  }
}
