import { admission } from '../../../kit/src/admission.js';
import { contracts } from '../../../kit/src/contracts.js';
import type { EventBus } from '../../../kit/src/events.js';
import { openBus } from '../../../kit/src/kafka-bus.js';
import { loadOrCreateSigningKey } from '../../../kit/src/keys.js';
import { createLogger } from '../../../kit/src/log.js';
import { serve, type ServeOverrides, type ServiceHandle } from '../../../kit/src/service.js';
import { readTls } from '../../../kit/src/tls.js';
import { trustCaForFetch } from '../../../kit/src/tls-policy.js';
import { readFileSync } from 'node:fs';
import { loadConfig, type TransactionConfig } from './config.js';
import { cachedStanding, standingGate, type CheckDevice } from './domain/device-standing.js';
import {
  LIVE_COMPLETION_MS,
  recheckDeviceAndRisk,
  recoverPending,
  type PaymentDeps,
  type RecheckStepUp,
} from './domain/payments.js';
import { forgetStandingOnDeviceEvents } from './events/device-standing.js';
import type { CallbackTargetCheck } from './domain/callback-target.js';
import { startCallbacks } from './events/callbacks.js';
import { sweepPending } from './events/pending-sweep.js';
import { startRelay } from './events/relay.js';
import { transactionHandlers } from './grpc/handlers.js';
import { riskClient } from './grpc/risk-client.js';
import { attestationTokenKeys } from './grpc/token-keys.js';
import { transactionHttp } from './http/app.js';
import { accessTokens } from './domain/access-tokens.js';
import { loadIntegrators } from './http/integrators.js';
import { camaraNumberVerification } from './http/number-verification.js';
import { resolveNumber, type NumberVerifier } from './domain/numbers.js';
import { openLedgerStore } from './store/index.js';
import type { LedgerStore } from './store/ports.js';
import { boundedMap } from '../../../kit/src/bounded-map.js';
import type { AuthorizeDeps, DeviceJwsChecks, VerifiedToken } from './domain/authorize.js';
import { journalAudit } from './domain/journal-audit.js';
import { tracedOutbox } from './events/relay.js';
import { transactionMetrics } from './metrics.js';
import { createMetrics } from '../../../kit/src/metrics.js';
import { observedBus } from '../../../kit/src/observed-bus.js';
import { loadOrCreateSecret } from '../../../kit/src/operator-auth.js';

/** What a caller may inject: a store it owns (kept open on stop, e.g. to restart over it) and a risk stand-in. */
export interface TransactionOverrides extends ServeOverrides {
  store?: LedgerStore;
  assessRisk?: PaymentDeps['assessRisk'];
  /** A wrapper around the store this service opens (kept closed on stop like the store itself). */
  wrapStore?: (store: LedgerStore) => LedgerStore;
  /** How device signatures and key binding are checked (default DEVICE_JWS_CHECKS; the typ is checked outside them). */
  deviceJws?: DeviceJwsChecks;
  /** How attestation tokens are verified (default VERIFY_TOKEN_JWS; the typ is checked before it). */
  verifyTokenJws?: AuthorizeDeps['verifyTokenJws'];
  /**
   * The revocation check at authorization (default: the registry's standing, cached at most DEVICE_STATUS_MAX_AGE_MS).
   */
  checkDevice?: CheckDevice;
  /**
   * What a step-up confirmation must pass (default recheckDeviceAndRisk: the device's standing, asked of the
   * registry at the confirmation, then risk again).
   */
  recheckStepUp?: RecheckStepUp;
  /** How callback targets are checked against an integrator's callback origins (default CALLBACK_TARGET_CHECK). */
  callbackTarget?: CallbackTargetCheck;
  /** How the operator confirms a number's SIM (default: its number verification API at TRANSACTION_MNO_URL). */
  numbers?: NumberVerifier;
}

/** Wires and starts the transaction service; recovers pending transfers before serving, then sweeps for stale ones. */
export async function startTransaction(
  config: TransactionConfig = loadConfig(),
  shared?: EventBus,
  overrides: TransactionOverrides = {},
): Promise<ServiceHandle> {
  const log = createLogger('transaction', config.logLevel);
  const metrics = createMetrics('transaction');
  const bus = observedBus(shared ?? (await openBus(config.kafkaBrokers, 'transaction', log)), 'transaction', metrics);
  const tls = readTls(config.tls);
  const resultKey = await loadOrCreateSigningKey(config.stateDir, 'transaction-result');
  const integrators = loadIntegrators(config.integratorsFile);
  const tokenKey = await loadOrCreateSigningKey(config.stateDir, 'transaction-access-token');
  const operatorToken = loadOrCreateSecret(config.operatorToken, config.operatorTokenFile);
  const store = tracedOutbox(
    overrides.store ?? (overrides.wrapStore ?? ((s: LedgerStore) => s))(await openLedgerStore(config, log)),
  );
  const audit = journalAudit({ store, key: () => resultKey, log, now: Date.now });
  const onFinal = transactionMetrics(metrics, { store, audit, log, now: Date.now });
  const risk = riskClient(config.riskAddr, tls, config.riskDeadlineMs);
  const tokenKeys = attestationTokenKeys(config.attestationAddr, tls);
  const standing = cachedStanding(tokenKeys.deviceStanding, { maxAgeMs: config.deviceStatusMaxAgeMs, now: Date.now });
  await forgetStandingOnDeviceEvents(bus, standing.forget);
  const checkDevice = overrides.checkDevice ?? standingGate(standing.standing);
  // A step-up confirmation and a cash-out code's redemption ask the registry itself: a revocation
  // while the payment (or the code) was held must refuse it even if the revocation's event has not
  // reached this process yet.
  const recheckDevice = overrides.checkDevice ?? standingGate(standing.fresh);
  const assessRisk = overrides.assessRisk ?? risk.assess;
  const mno = config.mno;
  if (mno) trustCaForFetch(tls.ca);
  /** The operator API key: MNO_API_KEY's value, or the file the embedded operator writes. */
  const mnoKey = (m: NonNullable<typeof mno>) =>
    /* eslint-disable-next-line security/detect-non-literal-fs-filename --
       the operator API key file is a fixed name under the validated state directory */
    m.apiKey ?? readFileSync(m.apiKeyFile, 'utf8').trim();
  const numbers = overrides.numbers ?? (mno && camaraNumberVerification({ ...mno, apiKey: () => mnoKey(mno) }));
  const deps = {
    store,
    log,
    tokenKeys: tokenKeys.resolve,
    checkDevice,
    recheckStepUp: overrides.recheckStepUp ?? recheckDeviceAndRisk({ checkDevice: recheckDevice, assessRisk }),
    recheckDevice,
    verifiedTokens: boundedMap<string, VerifiedToken>(100_000),
    currencies: config.currencies,
    maxAmount: config.maxAmount,
    freshnessMs: config.freshnessMs,
    treasuryFloat: config.treasuryFloat,
    now: Date.now,
    resultKey: () => resultKey,
    assessRisk,
    riskFailOpenMaxMinor: config.riskFailOpenMaxMinor,
    deviceJws: overrides.deviceJws,
    verifyTokenJws: overrides.verifyTokenJws,
    stepUpTtlMs: config.stepUpTtlMs,
    requestTtlMs: config.requestTtlMs,
    authCodeTtlMs: config.authCodeTtlMs,
    numbers: numbers || undefined,
    onFinal,
    liveCompletionMs: Math.min(LIVE_COMPLETION_MS, config.pendingRecoveryMs),
  };
  // Transfers younger than the live bound may be another replica's payments in flight: the sweep's
  // catch-up pass takes them once the bound has passed.
  const recovered = await recoverPending(deps, deps.liveCompletionMs);
  if (recovered) log.info({ recovered }, 'recovered pending transfers');
  const sweeper = sweepPending(deps, config.pendingRecoveryMs, deps.liveCompletionMs);
  const relay = startRelay(store, bus, log);
  audit.start(config.journalVerifyIntervalMs);
  const callbacks = await startCallbacks(bus, {
    store,
    integrators,
    callbackTarget: overrides.callbackTarget,
    resultKey: () => resultKey,
    log,
    timeoutMs: config.callbackTimeoutMs,
    retryMs: config.callbackRetryMs,
    backoffMs: config.callbackBackoffMs,
  });
  return serve({
    name: 'transaction',
    host: config.host,
    grpcPort: config.grpcPort,
    httpPort: config.httpPort,
    tls,
    plainHttp: config.plainHttp,
    log,
    grpcServices: [
      {
        name: 'dfs.v1.TransactionService',
        definition: contracts().TransactionService.service,
        impl: transactionHandlers({ ...deps, admission: admission(config.maxInFlight) }),
      },
    ],
    http: transactionHttp({
      ...deps,
      integrators,
      callbackTarget: overrides.callbackTarget,
      accessTokens: accessTokens(() => tokenKey, integrators, config.tokenTtlSec),
      resolveNumber: numbers ? (msisdn: string) => resolveNumber(msisdn, { store, numbers, now: Date.now }) : undefined,
      rate: config.rate,
      audit,
      operatorToken,
      obs: { service: 'transaction', metrics, log },
      ready: async () => (await store.ready()) && (await bus.ready()),
      // a risk stand-in replaces the risk service on the payment path, and then its health is not asked
      dependencies: [...(overrides.assessRisk ? [] : [risk.serving]), relay.healthy],
    }),
    metrics,
    serverCredentials: overrides.serverCredentials,
    httpsPolicy: overrides.httpsPolicy,
    release: async () => {
      await sweeper.stop();
      await audit.stop();
      await relay.stop();
      await callbacks.stop();
      risk.close();
      tokenKeys.close();
      if (!overrides.store) await store.close();
      if (!shared) await bus.close();
    },
  });
}
