import { describe, expect, it } from 'vitest';
import { BROKER, PAYMENT_DAEMON, SYSTEM } from '../../../device-sim/src/access-policy.js';
import type { AppManifest } from '../../../device-sim/src/broker/manifest.js';
import { KaiStore } from '../../../device-sim/src/store/kai-store.js';
import { codeOf, testPhone } from './support.js';

const manifest: AppManifest = {
  id: 'shop',
  name: 'Shop',
  type: 'privileged',
  version: 1,
  permissions: { camera: { description: 'scan' } },
};
const files = () => ({ 'index.html': Buffer.from('<script src="app.js"></script>'), 'app.js': Buffer.from('start()') });

describe('Kai store and installer (000 §Kai store, §non pre-built applications; 001 §Signed Apps)', () => {
  it('installs a store-signed package and launches it', async () => {
    const phone = await testPhone();
    await phone.installer.install(SYSTEM, await phone.kaiStore.publish(manifest, files()));
    expect(phone.installer.launch(SYSTEM, 'shop').manifest.type).toBe('privileged');
  });

  it('refuses an unsigned package, or one signed by another key (STORE_SIGNATURE_INVALID)', async () => {
    const phone = await testPhone();
    const rogue = await KaiStore.create();
    expect(await codeOf(() => phone.installer.install(SYSTEM, { manifest, files: files() }))).toBe(
      'STORE_SIGNATURE_INVALID',
    );
    expect(await codeOf(async () => phone.installer.install(SYSTEM, await rogue.publish(manifest, files())))).toBe(
      'STORE_SIGNATURE_INVALID',
    );
  });

  it(
    'refuses a package whose files or manifest differ ' + 'from what the store signed (STORE_INTEGRITY_FAILED)',
    async () => {
      const phone = await testPhone();
      const pkg = await phone.kaiStore.publish(manifest, files());
      expect(
        await codeOf(() =>
          phone.installer.install(SYSTEM, { ...pkg, files: { ...pkg.files, 'app.js': Buffer.from('steal()') } }),
        ),
      ).toBe('STORE_INTEGRITY_FAILED');
      expect(
        await codeOf(() =>
          phone.installer.install(SYSTEM, { ...pkg, files: { ...pkg.files, 'extra.js': Buffer.from('x') } }),
        ),
      ).toBe('STORE_INTEGRITY_FAILED');
      expect(
        await codeOf(() => phone.installer.install(SYSTEM, { ...pkg, manifest: { ...manifest, type: 'certified' } })),
      ).toBe('STORE_INTEGRITY_FAILED');
    },
  );

  it('re-checks integrity at every launch: a file modified after install stops the launch', async () => {
    const phone = await testPhone();
    await phone.installer.install(SYSTEM, await phone.kaiStore.publish(manifest, files()));
    phone.installer.launch(SYSTEM, 'shop');
    phone.installer.files('shop').set('app.js', Buffer.from('exfiltrate()'));
    expect(await codeOf(() => phone.installer.launch(SYSTEM, 'shop'))).toBe('STORE_INTEGRITY_FAILED');
  });

  it('refuses sideloading on a user build; a userdebug build takes it as an untrusted web app', async () => {
    const user = await testPhone('secure');
    expect(await codeOf(() => user.installer.install(SYSTEM, { manifest, files: files() }, 'sideload'))).toBe(
      'STORE_SIDELOAD_REFUSED',
    );
    const dev = await testPhone('debug');
    expect((await dev.installer.install(SYSTEM, { manifest, files: files() }, 'sideload')).type).toBe('web');
  });

  it('lets only the system process install and launch', async () => {
    const phone = await testPhone();
    const pkg = await phone.kaiStore.publish(manifest, files());
    expect(await codeOf(() => phone.installer.install(PAYMENT_DAEMON, pkg))).toBe('DEVICE_ACCESS_DENIED');
    await phone.installer.install(SYSTEM, pkg);
    expect(await codeOf(() => phone.installer.launch(BROKER, 'shop'))).toBe('DEVICE_ACCESS_DENIED');
  });
});
