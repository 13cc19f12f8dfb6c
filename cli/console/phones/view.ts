/** A screen as the console draws it: which layer drew it, its title and lines, the three soft-key labels. */
export interface ScreenView {
  layer: 'off' | 'app' | 'native' | 'call';
  title: string;
  lines: string[];
  soft: [string, string, string];
  /** What the native UI waits for: OK or cancel on a confirmation, or the PIN. */
  waiting?: 'confirm' | 'pin';
  /** PIN digits typed on the native PIN pad (a count, never the digits). */
  pinDigits?: number;
}

/** The outcome of the last enrollment or payment, as the phone showed it. */
export interface Outcome {
  action: 'enroll' | 'pay' | 'tap' | 'update';
  /**
   * ENROLLED; the verified payment result's status (POSTED, DECLINED, FAILED); REFUSED with the refusing
   * control's code (the backend or the phone refused before any result); CANCELLED (PAYMENT_CANCELLED);
   * UPDATED or UP_TO_DATE after a firmware update.
   */
  status: string;
  code?: string;
  transactionId?: string;
  tier?: string;
  /** The firmware version running after an update. */
  version?: number;
  /** The payer's balance the backend-signed result reported (minor units). */
  balance?: string;
}

/** Everything the browser shows about one phone, published on channel `phones` at each change. */
export interface PhoneView {
  id: string;
  profile: string;
  power: 'off' | 'booting' | 'on';
  busy: boolean;
  screen: ScreenView;
  /** Power-on evidence: the boot chain's result, the safeguard verdict, eSE presence, patch level, SIM. */
  evidence?: {
    boot: { state: string; failedStage?: string; stages: readonly string[] };
    safeguard: { safe: boolean; flags: string[] };
    ese: boolean;
    patchLevel?: string;
    imei: string;
    sim?: string;
  };
  /** The enrolled device and its wallet; `balance` (minor units) as the last verified result reported it. */
  enrollment?: { deviceId: string; tier: string; wallet: string; reasons: string[]; balance: string };
  outcome?: Outcome;
  /** The protocol steps of the last action, as the daemon reported them. */
  steps: { step: string; detail: Record<string, unknown> }[];
}
