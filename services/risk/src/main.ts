import { contracts } from '../../../kit/src/contracts.js';
import { createLogger } from '../../../kit/src/log.js';
import { serve, type ServiceHandle } from '../../../kit/src/service.js';
import { readTls } from '../../../kit/src/tls.js';
import { loadConfig, type RiskConfig } from './config.js';
import { loadRules } from './domain/rules.js';
import { riskHandlers } from './grpc/handlers.js';
import { riskHttp } from './http/app.js';

/** Wires and starts the risk service. */
export async function startRisk(config: RiskConfig = loadConfig()): Promise<ServiceHandle> {
  const log = createLogger('risk', config.logLevel);
  const rules = loadRules(config.rulesFile);
  const tls = readTls(config.tls);
  return serve({
    name: 'risk', host: config.host, grpcPort: config.grpcPort, httpPort: config.httpPort, tls, log,
    grpcServices: [{ name: 'dfs.v1.RiskService', definition: contracts().RiskService.service, impl: riskHandlers({ rules: () => rules, log }) }],
    http: riskHttp({ ready: () => true, rules: () => rules, log }),
    release: async () => {},
  });
}
