/**
 * Test-only switches that turn one control off, to prove a threat scenario really attacks it
 * (issue 8, acceptance 2). They are passed as a function argument only (startStack, the service
 * starters, buildPhone); no environment variable or configuration file can reach them.
 */
export const SABOTAGE_SWITCHES = {
  'payment-signature': 'the transaction service takes the signed payment\'s payload without verifying the eSE signature',
  'key-binding': 'the transaction service accepts a payment signed by any key, not only the token\'s cnf.jkt',
  'root-pinning': 'the attestation service trusts whatever root the presented chain ends at',
  'result-signature': 'the payment daemon shows backend results without verifying their signature',
  'pin-retry-counter': 'the eSE PIN applet never locks, however many wrong PINs it sees',
  'mtls-client-cert': 'the gRPC servers accept TLS clients without a certificate',
} as const;

/** The name of one test-only switch. */
export type SabotageSwitch = keyof typeof SABOTAGE_SWITCHES;

/** The switches turned off for one test stack or phone; absent or empty in every production path. */
export type Sabotage = ReadonlySet<SabotageSwitch>;

/** True when `control` is switched off. */
export const sabotaged = (sabotage: Sabotage | undefined, control: SabotageSwitch): boolean => sabotage?.has(control) ?? false;
