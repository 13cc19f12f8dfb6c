import { appScenarios } from './scenarios/apps.js';
import { attestationScenarios } from './scenarios/attestation.js';
import { deviceScenarios } from './scenarios/device.js';
import { firmwareScenarios } from './scenarios/firmware.js';
import { nfcScenarios } from './scenarios/nfc.js';
import { paymentScenarios } from './scenarios/payment.js';
import { postureScenarios } from './scenarios/posture.js';
import { riskScenarios } from './scenarios/risk.js';
import { runtimeScenarios } from './scenarios/runtime.js';
import { transportScenarios } from './scenarios/transport.js';
import type { Scenario } from './types.js';

/** Every named attack, in presentation order. */
export const SCENARIOS: Scenario[] = [
  ...postureScenarios,
  ...attestationScenarios,
  ...transportScenarios,
  ...paymentScenarios,
  ...riskScenarios,
  ...deviceScenarios,
  ...appScenarios,
  ...runtimeScenarios,
  ...nfcScenarios,
  ...firmwareScenarios,
];
