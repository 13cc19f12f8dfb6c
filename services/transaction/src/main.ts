import { contracts } from '../../../kit/src/contracts.js';
import { memoryBus, type EventBus } from '../../../kit/src/events.js';
import { loadOrCreateSigningKey } from '../../../kit/src/keys.js';
import { createLogger } from '../../../kit/src/log.js';
import { serve, type ServiceHandle } from '../../../kit/src/service.js';
import { readTls } from '../../../kit/src/tls.js';
import { loadConfig, type TransactionConfig } from './config.js';
import { recoverPending } from './domain/payments.js';
import { startRelay } from './events/relay.js';
import { transactionHandlers } from './grpc/handlers.js';
import { riskClient } from './grpc/risk-client.js';
import { attestationTokenKeys } from './grpc/token-keys.js';
import { transactionHttp } from './http/app.js';
import { memoryLedgerStore } from './store/memory.js';

/** Wires and starts the transaction service; recovers pending transfers before serving. */
export async function startTransaction(config: TransactionConfig = loadConfig(), bus: EventBus = memoryBus()): Promise<ServiceHandle> {
  const log = createLogger('transaction', config.logLevel);
  const tls = readTls(config.tls);
  const resultKey = await loadOrCreateSigningKey(config.stateDir, 'transaction-result');
  const store = memoryLedgerStore();
  const risk = riskClient(config.riskAddr, tls, config.riskDeadlineMs);
  const tokenKeys = attestationTokenKeys(config.attestationAddr, tls);
  const deps = {
    store, log, tokenKeys: tokenKeys.resolve, currencies: config.currencies, maxAmount: config.maxAmount,
    freshnessMs: config.freshnessMs, treasuryFloat: config.treasuryFloat, now: Date.now,
    resultKey: () => resultKey, assessRisk: risk.assess,
  };
  const recovered = await recoverPending(deps);
  if (recovered) log.info({ recovered }, 'recovered pending transfers');
  const relay = startRelay(store, bus, log);
  return serve({
    name: 'transaction', host: config.host, grpcPort: config.grpcPort, httpPort: config.httpPort, tls, log,
    grpcServices: [{ name: 'dfs.v1.TransactionService', definition: contracts().TransactionService.service, impl: transactionHandlers(deps) }],
    http: transactionHttp({ ready: async () => (await store.ready()) && (await bus.ready()), store, log }),
    release: async () => { await relay.stop(); risk.close(); tokenKeys.close(); await store.close(); },
  });
}
