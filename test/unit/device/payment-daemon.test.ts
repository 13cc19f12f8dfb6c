import { describe, expect, it } from 'vitest';
import { OPERATOR_DAEMON, SYSTEM } from '../../../device-sim/src/access-policy.js';
import { merchantTag, paymentCard } from '../../../device-sim/src/nfc/cards.js';
import type { PhoneUser } from '../../../device-sim/src/ui/native-ui.js';
import { decodeRecord, ATTESTATION_OID } from '../../../kit/src/attestation-record.js';
import { x509 } from '../../../kit/src/x509.js';
import { codeOf, fakeBackend, testPhone } from './support.js';

const request = { payee: 'merchant-7', amount: { minorUnits: '1250', currency: 'KES' }, reference: 'INV-1' };
const recordOf = (chain: Uint8Array[]) =>
  decodeRecord(new x509.X509Certificate(new Uint8Array(chain[0]!)).getExtension(ATTESTATION_OID)!.value);

describe('payment daemon (000 all sections together; brief §3.4)', () => {
  it(
    'pays with the PIN on the native UI and the signature ' + 'from the eSE, showing only the verified result',
    async () => {
      const backend = await fakeBackend();
      const phone = await testPhone('secure', { backend });
      await phone.daemon.enroll('wallet-1');
      const result = await phone.daemon.pay({ payee: 'm', amount: { minorUnits: '100', currency: 'KES' } });
      expect(result.status).toBe('POSTED');
      expect(phone.ui.frames.map((f) => f.title)).toEqual([
        'DFS Pay: set up',
        'DFS Pay: set up',
        'DFS Pay: confirm',
        'DFS Pay: PIN',
        'DFS Pay: PIN',
        'DFS Pay: result',
      ]);
      expect(recordOf(backend.enrolls[0]!.attestationChain as Uint8Array[])?.key.securityLevel).toBe('ese');
      expect(phone.display.topOwner).toBeUndefined();
    },
  );

  it('re-attests before paying when the token is stale (tokenExpiresAtMs)', async () => {
    const backend = await fakeBackend();
    const phone = await testPhone('secure', { backend });
    const first = await phone.daemon.enroll('wallet-2');
    phone.daemon.enrollment!.tokenExpiresAtMs = Date.now() - 1;
    await phone.daemon.pay({ payee: 'm', amount: { minorUnits: '100', currency: 'KES' } });
    expect(backend.enrolls).toHaveLength(2);
    expect(backend.payments[0]!.attestationToken).toBe('token-2');
    expect(phone.daemon.enrollment!.token).not.toBe(first.token);
    const [a, b] = backend.enrolls.map(
      (e) => new x509.X509Certificate(new Uint8Array(e.attestationChain![0] as Uint8Array)).publicKey.rawData,
    );
    expect(Buffer.from(a!).equals(Buffer.from(b!))).toBe(true);
  });

  it('cancels an unconfirmed payment with PAYMENT_CANCELLED when a call comes in, and signs nothing', async () => {
    const backend = await fakeBackend();
    const bell: { ring?: () => void } = {};
    const user: PhoneUser = {
      confirm: () => {
        bell.ring?.();
        return new Promise(() => {});
      },
      enterPin: async () => '2580',
    };
    const phone = await testPhone('secure', { backend, user });
    await phone.daemon.enroll('wallet-3');
    bell.ring = () => phone.display.incomingCall(SYSTEM);
    expect(await codeOf(() => phone.daemon.pay({ payee: 'm', amount: { minorUnits: '100', currency: 'KES' } }))).toBe(
      'PAYMENT_CANCELLED',
    );
    expect(backend.payments).toHaveLength(0);
    expect(phone.display.topOwner).toBeUndefined();
  });

  it('cancels when the call arrives while the PIN is being typed: the PIN never reaches the eSE', async () => {
    const backend = await fakeBackend();
    const bell: { ring?: () => void } = {};
    const user: PhoneUser = {
      confirm: async () => true,
      enterPin: async () => {
        if (!bell.ring) return '2580';
        bell.ring();
        return '0000';
      },
    };
    const phone = await testPhone('secure', { backend, user });
    await phone.daemon.enroll('wallet-4');
    bell.ring = () => phone.display.incomingCall(SYSTEM);
    expect(await codeOf(() => phone.daemon.pay({ payee: 'm', amount: { minorUnits: '100', currency: 'KES' } }))).toBe(
      'PAYMENT_CANCELLED',
    );
    await new Promise((r) => setTimeout(r, 10));
    expect(phone.ese!.pin.triesLeft).toBe(5);
    expect(backend.payments).toHaveLength(0);
  });

  it('reads the merchant tag under nfc_lock, then pays its request; the lock is released afterwards', async () => {
    const backend = await fakeBackend();
    const phone = await testPhone('secure', { backend });
    await phone.daemon.enroll('wallet-5');
    phone.nfc.tap(await backend.tag(request));
    const result = await phone.daemon.payFromTag();
    expect(result).toMatchObject({ status: 'POSTED', payee: 'merchant-7', amount: request.amount });
    expect(phone.ui.frames.some((f) => f.lines.includes('Pay KES 12.50'))).toBe(true);
    expect(phone.nfc.holder).toBeUndefined();
  });

  it('refuses to pay from a tag while another native caller holds the NFC lock (NFC_BUSY)', async () => {
    const backend = await fakeBackend();
    const phone = await testPhone('secure', { backend });
    await phone.daemon.enroll('wallet-6');
    phone.nfc.tap(await backend.tag(request));
    phone.nfc.lock(OPERATOR_DAEMON);
    expect(await codeOf(() => phone.daemon.payFromTag())).toBe('NFC_BUSY');
    expect(phone.nfc.holder).toEqual(OPERATOR_DAEMON);
  });

  it('refuses a tag that is not a merchant tag or carries a bad request', async () => {
    const backend = await fakeBackend();
    const phone = await testPhone('secure', { backend });
    await phone.daemon.enroll('wallet-7');
    phone.nfc.tap(paymentCard('4111111111111111', '2912', 'X'));
    expect(await codeOf(() => phone.daemon.payFromTag())).toBe('APDU_REFUSED');
    phone.nfc.tap(await backend.tag({ ...request, amount: { minorUnits: '-5', currency: 'KES' } }));
    expect(await codeOf(() => phone.daemon.payFromTag())).toBe('NFC_TAG_INVALID');
    phone.nfc.tap(merchantTag(request));
    expect(await codeOf(() => phone.daemon.payFromTag())).toBe('NFC_TAG_UNTRUSTED');
    phone.nfc.tap(await (await fakeBackend()).tag(request));
    expect(await codeOf(() => phone.daemon.payFromTag())).toBe('NFC_TAG_UNTRUSTED');
    expect(phone.nfc.holder).toBeUndefined();
  });

  it(
    'on a phone without an eSE enrolls with a software key ' + 'attested by the firmware key (securityLevel software)',
    async () => {
      const backend = await fakeBackend();
      const phone = await testPhone('no-ese', { backend });
      expect(phone.daemon.securityLevel).toBe('software');
      await phone.daemon.enroll('wallet-8');
      const chain = backend.enrolls[0]!.attestationChain as Uint8Array[];
      expect(recordOf(chain)?.key.securityLevel).toBe('software');
      expect(new x509.X509Certificate(new Uint8Array(chain[1]!)).subject).toContain('Software attestation key');
      expect((await phone.daemon.pay({ payee: 'm', amount: { minorUnits: '100', currency: 'KES' } })).status).toBe(
        'POSTED',
      );
    },
  );
});
