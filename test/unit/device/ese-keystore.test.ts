import { beforeEach, describe, expect, it } from 'vitest';
import { AccessPolicy, appCaller, OPERATOR_DAEMON, PAYMENT_DAEMON } from '../../../device-sim/src/access-policy.js';
import { EseService } from '../../../device-sim/src/ese/ese-service.js';
import { SecureElement } from '../../../device-sim/src/ese/secure-element.js';
import { subtle } from '../../../kit/src/x509.js';
import { codeOf, recorder, testPhone } from './support.js';

const data = new TextEncoder().encode('payload');

describe('eSE keystore (000 §KeyStore)', () => {
  let ese: SecureElement;
  let api: EseService;
  beforeEach(() => {
    ese = new SecureElement();
    api = new EseService(new AccessPolicy(undefined, recorder()), ese);
  });

  it('generates EC P-256 and RSA-2048 signing keys that sign and verify', async () => {
    await api.generateKey(PAYMENT_DAEMON, 'ec', { algorithm: 'EC_P256', purpose: 'sign' });
    await api.generateKey(PAYMENT_DAEMON, 'rsa', { algorithm: 'RSA_2048', purpose: 'sign' });
    for (const alias of ['ec', 'rsa']) {
      const sig = await api.sign(PAYMENT_DAEMON, alias, data);
      expect(await api.verify(PAYMENT_DAEMON, alias, data, sig)).toBe(true);
      expect(await api.verify(PAYMENT_DAEMON, alias, new TextEncoder().encode('other'), sig)).toBe(false);
    }
    expect((await api.publicJwk(PAYMENT_DAEMON, 'rsa')).n).toBeTypeOf('string');
  });

  it(
    'encrypts with AES-256-GCM and RSA-OAEP and decrypts ' + 'inside the eSE; tampering is ESE_DECRYPT_FAILED',
    async () => {
      await api.generateKey(PAYMENT_DAEMON, 'aes', { algorithm: 'AES_256', purpose: 'encrypt' });
      await api.generateKey(PAYMENT_DAEMON, 'oaep', { algorithm: 'RSA_2048', purpose: 'encrypt' });
      for (const alias of ['aes', 'oaep']) {
        const ct = await api.encrypt(PAYMENT_DAEMON, alias, data);
        expect(new TextDecoder().decode(await api.decrypt(PAYMENT_DAEMON, alias, ct))).toBe('payload');
        ct[ct.length - 1]! ^= 1;
        expect(await codeOf(() => api.decrypt(PAYMENT_DAEMON, alias, ct))).toBe('ESE_DECRYPT_FAILED');
      }
      const bound = await api.encrypt(PAYMENT_DAEMON, 'aes', data, new Uint8Array([1]));
      expect(await codeOf(() => api.decrypt(PAYMENT_DAEMON, 'aes', bound, new Uint8Array([2])))).toBe(
        'ESE_DECRYPT_FAILED',
      );
    },
  );

  it('refuses a key used for another purpose and algorithm/purpose pairs it does not support', async () => {
    await api.generateKey(PAYMENT_DAEMON, 'aes', { algorithm: 'AES_256', purpose: 'encrypt' });
    expect(await codeOf(() => api.sign(PAYMENT_DAEMON, 'aes', data))).toBe('ESE_KEY_PURPOSE');
    expect(await codeOf(() => api.generateKey(PAYMENT_DAEMON, 'x', { algorithm: 'AES_256', purpose: 'sign' }))).toBe(
      'INVALID_ARGUMENT',
    );
  });

  it('keeps keys to their owner UID: another native process cannot use, overwrite or attest them', async () => {
    await api.generateKey(PAYMENT_DAEMON, 'payment', { algorithm: 'EC_P256', purpose: 'sign' });
    expect(await codeOf(() => api.sign(OPERATOR_DAEMON, 'payment', data))).toBe('ESE_KEY_ACCESS_DENIED');
    expect(await codeOf(() => api.publicJwk(OPERATOR_DAEMON, 'payment'))).toBe('ESE_KEY_ACCESS_DENIED');
    expect(
      await codeOf(() => api.generateKey(OPERATOR_DAEMON, 'payment', { algorithm: 'EC_P256', purpose: 'sign' })),
    ).toBe('ESE_KEY_ACCESS_DENIED');
    expect(await codeOf(() => ese.keystore.sign(10_042, 'payment', data))).toBe('ESE_KEY_ACCESS_DENIED');
  });

  it('refuses every keystore call from a web app before it reaches the eSE', async () => {
    const app = appCaller('shop', 10_007);
    expect(await codeOf(() => api.generateKey(app, 'k', { algorithm: 'EC_P256', purpose: 'sign' }))).toBe(
      'DEVICE_ACCESS_DENIED',
    );
    expect(await codeOf(() => api.random(app, 16))).toBe('DEVICE_ACCESS_DENIED');
  });

  it(
    'never lets secret or private material out: export ' + 'attempts get ESE_KEY_NOT_EXPORTABLE or public fields only',
    async () => {
      await api.generateKey(PAYMENT_DAEMON, 'aes', { algorithm: 'AES_256', purpose: 'encrypt' });
      await api.generateKey(PAYMENT_DAEMON, 'ec', { algorithm: 'EC_P256', purpose: 'sign' });
      expect(await codeOf(() => api.publicJwk(PAYMENT_DAEMON, 'aes'))).toBe('ESE_KEY_NOT_EXPORTABLE');
      const jwk = await api.publicJwk(PAYMENT_DAEMON, 'ec');
      expect(Object.keys(jwk).sort()).toEqual(['crv', 'kty', 'x', 'y']);
      expect(JSON.stringify(ese)).not.toMatch(/"d"|"k"|privateKey|secret|pair/);
      expect(Object.keys(ese.keystore)).not.toContain('keys');
      const pub = ese.keystore.publicKey(PAYMENT_DAEMON.uid, 'ec');
      expect(pub.type).toBe('public');
      await expect(subtle.exportKey('pkcs8', pub)).rejects.toThrow();
    },
  );

  it('answers the public JWK of the key under the alias now, also after the key was made again', async () => {
    await api.generateKey(PAYMENT_DAEMON, 'ec', { algorithm: 'EC_P256', purpose: 'sign' });
    const first = await api.publicJwk(PAYMENT_DAEMON, 'ec');
    first.x = 'changed by the caller';
    const again = await api.publicJwk(PAYMENT_DAEMON, 'ec');
    expect(again.x).not.toBe('changed by the caller');
    await api.generateKey(PAYMENT_DAEMON, 'ec', { algorithm: 'EC_P256', purpose: 'sign' });
    const renewed = await api.publicJwk(PAYMENT_DAEMON, 'ec');
    expect(renewed.x).not.toBe(again.x);
    const spki = await subtle.exportKey('jwk', ese.keystore.publicKey(PAYMENT_DAEMON.uid, 'ec'));
    expect(renewed.x).toBe(spki.x);
  });

  it('gives random bytes from the eSE and bounds the request', async () => {
    const a = api.random(PAYMENT_DAEMON, 32);
    expect(a).toHaveLength(32);
    expect(Buffer.from(a).equals(Buffer.from(api.random(PAYMENT_DAEMON, 32)))).toBe(false);
    expect(await codeOf(() => api.random(PAYMENT_DAEMON, 0))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(() => api.random(PAYMENT_DAEMON, 4096))).toBe('INVALID_ARGUMENT');
  });

  it('keeps secure storage per owner: another UID does not see the item', async () => {
    api.put(PAYMENT_DAEMON, 'wallet', data);
    expect(new TextDecoder().decode(api.get(PAYMENT_DAEMON, 'wallet'))).toBe('payload');
    expect(await codeOf(() => api.get(OPERATOR_DAEMON, 'wallet'))).toBe('ESE_STORAGE_NOT_FOUND');
    api.get(PAYMENT_DAEMON, 'wallet')[0] = 0;
    expect(new TextDecoder().decode(api.get(PAYMENT_DAEMON, 'wallet'))).toBe('payload');
  });

  it('needs a fresh PIN for an auth-bound key, and one verification allows one use', async () => {
    ese.pin.set('2580');
    await api.generateKey(PAYMENT_DAEMON, 'payment', { algorithm: 'EC_P256', purpose: 'sign', authBound: true });
    expect(await codeOf(() => api.sign(PAYMENT_DAEMON, 'payment', data))).toBe('ESE_AUTH_REQUIRED');
    api.verifyPin(PAYMENT_DAEMON, '2580');
    await api.sign(PAYMENT_DAEMON, 'payment', data);
    expect(await codeOf(() => api.sign(PAYMENT_DAEMON, 'payment', data))).toBe('ESE_AUTH_REQUIRED');
  });

  it('fails every keystore call with ESE_UNAVAILABLE on a phone without an eSE', async () => {
    const phone = await testPhone('no-ese');
    expect(phone.ese).toBeUndefined();
    expect(phone.eseApi.available).toBe(false);
    const calls = [
      () => phone.eseApi.generateKey(PAYMENT_DAEMON, 'k', { algorithm: 'EC_P256', purpose: 'sign' }),
      () => phone.eseApi.sign(PAYMENT_DAEMON, 'k', data),
      () => phone.eseApi.encrypt(PAYMENT_DAEMON, 'k', data),
      () => phone.eseApi.random(PAYMENT_DAEMON, 8),
      () => phone.eseApi.get(PAYMENT_DAEMON, 'x'),
      () => phone.eseApi.verifyPin(PAYMENT_DAEMON, '2580'),
      () => phone.eseApi.safeguard(PAYMENT_DAEMON),
    ];
    for (const call of calls) expect(await codeOf(call)).toBe('ESE_UNAVAILABLE');
  });
});
