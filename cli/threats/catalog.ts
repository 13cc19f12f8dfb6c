import type { SabotageSwitch } from '../../kit/src/sabotage.js';
import { appScenarios } from './scenarios/apps.js';
import { attestationScenarios } from './scenarios/attestation.js';
import { deviceScenarios } from './scenarios/device.js';
import { paymentScenarios } from './scenarios/payment.js';
import { postureScenarios } from './scenarios/posture.js';
import { riskScenarios } from './scenarios/risk.js';
import { transportScenarios } from './scenarios/transport.js';
import type { Scenario } from './types.js';

/** Every named attack, in presentation order. */
export const SCENARIOS: Scenario[] = [...postureScenarios, ...deviceScenarios, ...appScenarios, ...attestationScenarios, ...paymentScenarios, ...riskScenarios, ...transportScenarios];

/** The sabotage check (issue 8 acceptance 2): each test-only switch and the scenario that must SUCCEED while it is off. */
export const SABOTAGE_CHECKS: Record<SabotageSwitch, string> = {
  'payment-signature': 'amount-in-transit',
  'key-binding': 'token-other-key',
  'root-pinning': 'self-signed-chain',
  'result-signature': 'tampered-response',
  'pin-retry-counter': 'pin-brute-force',
  'mtls-client-cert': 'no-client-certificate',
};
