import { formatMinor } from '../../../device-sim/src/daemon/payment-daemon.js';
import type { Frame } from '../../../device-sim/src/ui/native-ui.js';
import type { Outcome, PhoneView, ScreenView } from './view.js';

/** A merchant the console opened, as the phone lists it. */
export interface Merchant {
  id: string;
  name: string;
}

/** Where the wallet app (the foreground web app) is: its home, the amount entry, or the last outcome. */
export type AppPage = { page: 'boot' } | { page: 'home' } | { page: 'amount'; digits: string; merchant: number };

export const CURRENCY = 'KES';

/** Minor units of what was typed in the amount screen (whole shillings). */
export const minorOf = (digits: string) => `${Number(digits || '0') * 100}`;

/** The soft keys of a native frame by what it asks for. */
function nativeSoft(frame: Frame, pin: boolean): [string, string, string] {
  if (pin) return ['Delete', 'OK', ''];
  if (frame.title.endsWith('confirm')) return ['Cancel', 'OK', ''];
  return ['', '', ''];
}

/** The daemon's native frame as shown, with the PIN pad's digit count. */
export function nativeScreen(frame: Frame, waiting: 'confirm' | 'pin' | undefined, digits: number): ScreenView {
  const pin = waiting === 'pin';
  return {
    layer: 'native',
    title: frame.title,
    lines: pin ? [...frame.lines, `PIN: ${'*'.repeat(digits)}`] : [...frame.lines],
    soft: nativeSoft(frame, pin),
    ...(waiting ? { waiting } : {}),
    ...(pin ? { pinDigits: digits } : {}),
  };
}

const outcomeLines = (o: Outcome) =>
  o.action === 'update'
    ? [o.code ? 'Update refused' : o.status === 'UPDATED' ? 'Updated' : 'Up to date', o.code ?? `release ${o.version}`]
    : o.action === 'enroll'
      ? o.status === 'ENROLLED'
        ? ['Enrolled', `tier ${o.tier}`]
        : ['Not enrolled', o.code ?? '']
      : [o.status === 'POSTED' ? 'Payment sent' : `Not sent`, o.code ?? o.status];

/** The wallet app's screen for the page it is on. */
export function appScreen(v: PhoneView, page: AppPage, merchants: readonly Merchant[]): ScreenView {
  if (page.page === 'boot') {
    const e = v.evidence!;
    return {
      layer: 'app',
      title: 'Power on',
      lines: [
        `Boot chain ${e.boot.state}${e.boot.failedStage ? ` at ${e.boot.failedStage}` : ''}`,
        `Safeguard ${e.safeguard.safe ? 'safe' : e.safeguard.flags.join(', ')}`,
        `eSE ${e.ese ? 'present' : 'absent'}`,
        `Patch ${e.patchLevel ?? 'unknown'}`,
      ],
      soft: ['', 'OK', ''],
    };
  }
  if (page.page === 'amount') {
    const m = merchants[page.merchant];
    return {
      layer: 'app',
      title: 'DFS Pay: pay',
      lines: [`Amount ${CURRENCY} ${formatMinor(minorOf(page.digits))}`, `to ${m?.name ?? '-'}`, '(Up/Down: merchant)'],
      soft: [page.digits ? 'Delete' : 'Back', 'Pay', ''],
    };
  }
  const top = v.outcome ? outcomeLines(v.outcome) : [];
  if (!v.enrollment)
    return { layer: 'app', title: 'DFS Pay', lines: top.length ? top : ['Not enrolled'], soft: ['', 'Enroll', ''] };
  return {
    layer: 'app',
    title: 'DFS Pay',
    lines: [...top, `${CURRENCY} ${formatMinor(v.enrollment.balance)}`, `tier ${v.enrollment.tier}`],
    soft: ['Enroll', 'Pay', ''],
  };
}
