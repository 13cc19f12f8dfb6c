import { describe, expect, it } from 'vitest';
import { appScreen, minorOf, nativeScreen } from '../../../cli/console/phones/screens.js';
import type { PhoneView } from '../../../cli/console/phones/view.js';

const merchants = [
  { id: 'merchant-coffee-1', name: 'Coffee' },
  { id: 'merchant-market-1', name: 'Market' },
];
const view = (over: Partial<PhoneView> = {}): PhoneView => ({
  id: 'phone-1',
  profile: 'secure',
  power: 'on',
  busy: false,
  steps: [],
  screen: { layer: 'app', title: '', lines: [], soft: ['', '', ''] },
  ...over,
});

describe('console phone screens', () => {
  it('the native PIN pad shows a star per digit typed and OK / Delete; a confirmation OK / Cancel', () => {
    const frame = { title: 'DFS Pay: PIN', lines: ['Pay KES 12.00'] };
    expect(nativeScreen(frame, 'pin', 3)).toEqual({
      layer: 'native',
      title: 'DFS Pay: PIN',
      lines: ['Pay KES 12.00', 'PIN: ***'],
      soft: ['Delete', 'OK', ''],
      waiting: 'pin',
      pinDigits: 3,
    });
    expect(nativeScreen({ title: 'DFS Pay: confirm', lines: [] }, 'confirm', 0).soft).toEqual(['Cancel', 'OK', '']);
  });

  it('the wallet app: enroll before enrollment, pay after; the amount page shows the typed amount and merchant', () => {
    expect(appScreen(view(), { page: 'home' }, merchants).soft[1]).toBe('Enroll');
    const enrolled = view({
      enrollment: { deviceId: 'dev-1', tier: 'HIGH', wallet: 'wallet-1', reasons: [], balance: '98800' },
    });
    expect(appScreen(enrolled, { page: 'home' }, merchants)).toMatchObject({
      lines: ['KES 988.00', 'tier HIGH'],
      soft: ['Enroll', 'Pay', ''],
    });
    expect(appScreen(enrolled, { page: 'amount', digits: '12', merchant: 1 }, merchants).lines.slice(0, 2)).toEqual([
      'Amount KES 12.00',
      'to Market',
    ]);
    expect(minorOf('12')).toBe('1200');
  });

  it('a refused enrollment shows its code instead of the home lines', () => {
    const refused = view({ outcome: { action: 'enroll', status: 'REFUSED', code: 'ATTESTATION_DEVICE_ROOTED' } });
    expect(appScreen(refused, { page: 'home' }, merchants).lines).toEqual([
      'Not enrolled',
      'ATTESTATION_DEVICE_ROOTED',
    ]);
  });
});
