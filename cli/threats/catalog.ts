import { attestationScenarios } from './scenarios/attestation.js';
import { deviceScenarios, pendingScenarios } from './scenarios/device.js';
import { paymentScenarios } from './scenarios/payment.js';
import { postureScenarios } from './scenarios/posture.js';
import { transportScenarios } from './scenarios/transport.js';
import type { Scenario } from './types.js';

/** Every named attack, in presentation order. */
export const SCENARIOS: Scenario[] = [...postureScenarios, ...deviceScenarios, ...attestationScenarios, ...paymentScenarios, ...transportScenarios, ...pendingScenarios];
