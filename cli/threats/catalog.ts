import { appScenarios } from './scenarios/apps.js';
import { attestationScenarios } from './scenarios/attestation.js';
import { deviceScenarios } from './scenarios/device.js';
import { firmwareScenarios } from './scenarios/firmware.js';
import { nfcScenarios } from './scenarios/nfc.js';
import { paymentScenarios } from './scenarios/payment.js';
import { postureScenarios } from './scenarios/posture.js';
import { insiderScenarios } from './scenarios/insider.js';
import { integratorScenarios } from './scenarios/integrator.js';
import { cashOutScenarios } from './scenarios/cash-out.js';
import { numberScenarios } from './scenarios/numbers.js';
import { revocationScenarios } from './scenarios/revocation.js';
import { riskScenarios } from './scenarios/risk.js';
import { runtimeScenarios } from './scenarios/runtime.js';
import { signedFactScenarios } from './scenarios/signed-facts.js';
import { transportScenarios } from './scenarios/transport.js';
import type { Scenario } from './types.js';

/** Every named attack, in presentation order. */
export const SCENARIOS: Scenario[] = [
  ...postureScenarios,
  ...attestationScenarios,
  ...signedFactScenarios,
  ...revocationScenarios,
  ...transportScenarios,
  ...paymentScenarios,
  ...riskScenarios,
  ...insiderScenarios,
  ...integratorScenarios,
  ...cashOutScenarios,
  ...numberScenarios,
  ...deviceScenarios,
  ...appScenarios,
  ...runtimeScenarios,
  ...nfcScenarios,
  ...firmwareScenarios,
];
