import { describe, expect, it } from 'vitest';
import {
  AccessPolicy,
  appCaller,
  BROKER,
  OPERATOR_DAEMON,
  PAYMENT_DAEMON,
} from '../../../device-sim/src/access-policy.js';
import { Camera } from '../../../device-sim/src/camera.js';
import { codeOf, recorder, testPhone } from './support.js';

describe('camera control (000 §Disable camera)', () => {
  it('disables the camera for everyone until the initiator enables it', async () => {
    const camera = new Camera(new AccessPolicy(undefined, recorder()));
    camera.disable(PAYMENT_DAEMON);
    expect(await codeOf(() => camera.open(BROKER))).toBe('CAMERA_DISABLED');
    expect(await codeOf(() => camera.open(OPERATOR_DAEMON))).toBe('CAMERA_DISABLED');
    expect(await codeOf(() => camera.enable(OPERATOR_DAEMON))).toBe('CAMERA_NOT_INITIATOR');
    expect(await codeOf(() => camera.disable(OPERATOR_DAEMON))).toBe('CAMERA_NOT_INITIATOR');
    expect(camera.disabled).toBe(true);
    camera.enable(PAYMENT_DAEMON);
    camera.open(BROKER);
  });

  it('refuses camera control to web apps and the broker (native only)', async () => {
    const camera = new Camera(new AccessPolicy(undefined, recorder()));
    expect(await codeOf(() => camera.disable(appCaller('spy', 10_001)))).toBe('DEVICE_ACCESS_DENIED');
    expect(await codeOf(() => camera.disable(BROKER))).toBe('DEVICE_ACCESS_DENIED');
  });

  it('blocks a privileged app with the camera permission while disabled, through the broker', async () => {
    const phone = await testPhone();
    phone.broker.register({
      id: 'scanner',
      name: 'Scanner',
      type: 'privileged',
      version: 1,
      permissions: { camera: { description: 'scan' } },
    });
    phone.broker.openCamera('scanner');
    phone.camera.disable(PAYMENT_DAEMON);
    expect(await codeOf(() => phone.broker.openCamera('scanner'))).toBe('CAMERA_DISABLED');
  });
});
