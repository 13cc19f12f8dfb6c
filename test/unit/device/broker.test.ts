import { describe, expect, it } from 'vitest';
import { effectiveCsp, parseManifest, DEFAULT_CSP, type AppManifest } from '../../../device-sim/src/broker/manifest.js';
import { NATIVE_ONLY } from '../../../device-sim/src/broker/permissions.js';
import { merchantTag } from '../../../device-sim/src/nfc/cards.js';
import { PAYMENT_DAEMON } from '../../../device-sim/src/access-policy.js';
import { codeOf, recorder, testPhone } from './support.js';

const app = (id: string, type: AppManifest['type'], permissions: AppManifest['permissions'] = {}): AppManifest => ({
  id,
  name: id,
  type,
  version: 1,
  permissions,
});

describe(
  'broker: Gecko/GeckoBridge permissions (001 §Trusted ' + 'and Untrusted Apps, §Principle of Least Permissions)',
  () => {
    it('grants an API only when the manifest requests it and the app type qualifies', async () => {
      const phone = await testPhone();
      phone.broker.register(
        app('wallet', 'privileged', { nfc: { description: 'read merchant tags' }, camera: { description: 'scan QR' } }),
      );
      phone.broker.register(app('game', 'web', { nfc: { description: 'tap to play' } }));
      phone.broker.register(app('dialer', 'certified', { telephony: { description: 'calls' } }));
      phone.nfc.tap(merchantTag({ payee: 'm', amount: { minorUnits: '1', currency: 'KES' } }));
      expect(phone.broker.nfcRead('wallet').records[0]?.data).toBe('DFS Pay merchant');
      expect(await codeOf(() => phone.broker.nfcRead('game'))).toBe('BROKER_PERMISSION_DENIED');
      phone.broker.authorize('dialer', 'telephony');
      expect(await codeOf(() => phone.broker.authorize('wallet', 'telephony'))).toBe('BROKER_PERMISSION_DENIED');
    });

    it('denies by default: undeclared and unknown permissions are refused and logged', async () => {
      const log = recorder();
      const phone = await testPhone('secure', { log });
      phone.broker.register(app('shop', 'privileged'));
      expect(await codeOf(() => phone.broker.openCamera('shop'))).toBe('BROKER_PERMISSION_DENIED');
      expect(await codeOf(() => phone.broker.authorize('shop', 'made-up-api'))).toBe('BROKER_PERMISSION_DENIED');
      expect(log.entries.map((e) => e.code)).toEqual(['BROKER_PERMISSION_DENIED', 'BROKER_PERMISSION_DENIED']);
    });

    it('checks the declared access mode', async () => {
      const phone = await testPhone();
      phone.broker.register(
        app('notes', 'privileged', { contacts: { description: 'pick a contact', access: 'read' } }),
      );
      phone.broker.authorize('notes', 'contacts', 'read');
      expect(await codeOf(() => phone.broker.authorize('notes', 'contacts', 'readwrite'))).toBe(
        'BROKER_PERMISSION_DENIED',
      );
    });

    it('refuses every native-only API to every web app, certified ones included', async () => {
      const phone = await testPhone();
      const perms = Object.fromEntries([...NATIVE_ONLY].map((p) => [p, { description: 'please' }]));
      phone.broker.register(app('system-ui', 'certified', perms));
      for (const api of NATIVE_ONLY)
        expect(await codeOf(() => phone.broker.authorize('system-ui', api))).toBe('BROKER_NATIVE_ONLY');
      expect([...NATIVE_ONLY].sort()).toEqual([
        'camera-control',
        'keystore',
        'native-ui',
        'nfc-lock',
        'pcsc',
        'pin',
        'safeguard',
      ]);
    });

    it('does not let an app launch another app directly', async () => {
      const phone = await testPhone();
      phone.broker.register(app('a', 'certified'));
      phone.broker.register(app('b', 'web'));
      expect(await codeOf(() => phone.broker.launch('a', 'b'))).toBe('BROKER_LAUNCH_DENIED');
    });

    it('gives each app its own storage', async () => {
      const phone = await testPhone();
      phone.broker.register(app('a', 'web'));
      phone.broker.register(app('b', 'web'));
      phone.broker.storage('a').set('session', 'secret-a');
      expect(phone.broker.storage('b').get('session')).toBeUndefined();
      expect(phone.broker.storage('a').get('session')).toBe('secret-a');
    });

    it('refuses Web NFC while a native caller holds the NFC lock (NFC_BUSY)', async () => {
      const phone = await testPhone();
      phone.broker.register(app('wallet', 'privileged', { nfc: { description: 'tags' } }));
      phone.nfc.tap(merchantTag({}));
      phone.nfc.lock(PAYMENT_DAEMON);
      expect(await codeOf(() => phone.broker.nfcRead('wallet'))).toBe('NFC_BUSY');
    });
  },
);

describe('app manifest model (001 §Security Settings in the App Manifest; 003 §CSP)', () => {
  it('requires a description per permission and only the four access values', async () => {
    expect(await codeOf(() => parseManifest({ ...app('x', 'web'), permissions: { camera: {} } }))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(
      await codeOf(() =>
        parseManifest({ ...app('x', 'web'), permissions: { contacts: { description: 'd', access: 'all' } } }),
      ),
    ).toBe('INVALID_ARGUMENT');
    expect(await codeOf(() => parseManifest({ ...app('x', 'web'), type: 'root' }))).toBe('INVALID_ARGUMENT');
    expect(
      parseManifest(app('x', 'web', { contacts: { description: 'd', access: 'readcreate' } })).permissions.contacts
        ?.access,
    ).toBe('readcreate');
  });

  it('records the seed 003 default CSPs, and an app CSP only adds to them', () => {
    expect(DEFAULT_CSP.privileged).toBe(
      "default-src * data: blob:; script-src 'self'; object-src 'none'; style-src 'self' 'unsafe-inline'",
    );
    expect(DEFAULT_CSP.certified).toContain("script-src 'self' app://");
    expect(DEFAULT_CSP.web).toBeUndefined();
    expect(effectiveCsp({ ...app('p', 'privileged'), csp: "script-src 'self' 'unsafe-eval'" })).toEqual([
      DEFAULT_CSP.privileged,
      "script-src 'self' 'unsafe-eval'",
    ]);
    expect(effectiveCsp(app('w', 'web'))).toEqual([]);
  });
});
