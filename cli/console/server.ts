import { Router, type Express, type RequestHandler } from 'express';
import { loadConfig as attestationConfig } from '../../services/attestation/src/config.js';
import { loadConfig as transactionConfig } from '../../services/transaction/src/config.js';
import { loadConfig as riskConfig } from '../../services/risk/src/config.js';
import { closeHttp, createHttpApp, finishHttpApp, listenEdge } from '../../kit/src/http.js';
import { readTls } from '../../kit/src/tls.js';
import type { ServerTlsPolicy } from '../../kit/src/tls-policy.js';
import { loadConsoleConfig } from './config.js';
import { createLogger, type Logger } from '../../kit/src/log.js';
import { loadOrCreateSecret, requireBearer } from '../../kit/src/operator-auth.js';
import type { Stack } from '../stack.js';
import type { World } from '../world.js';
import { bundleConsole, type ConsoleBundle } from './bundle.js';
import type { ConsoleContext, ConsoleTab } from './context.js';
import { operatorApis } from './operator-api.js';
import { EventHub } from './sse.js';
import { TABS } from './tabs/index.js';

/** A running console: its URL (print it with the other endpoints) and how to stop it. */
export interface ConsoleHandle {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** The page may load its own script, stylesheet and images and talk to its own origin only. */
const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The shell and its bundle: public (they hold no data); everything under /api needs the credential. */
function servePage(app: Express, page: ConsoleBundle): void {
  const send = (type: string, body: string) => (_req: unknown, res: import('express').Response) => {
    res.set('Content-Security-Policy', PAGE_CSP).type(type).send(body);
  };
  app.get('/', send('html', page.html));
  app.get('/app.js', send('js', page.js));
  app.get('/app.css', send('css', page.css));
}

/** The production credential check: the operator bearer token, else 401 CONSOLE_UNAUTHENTICATED. */
const operatorBearer = (token: string) => requireBearer(token, 'CONSOLE_UNAUTHENTICATED');

/** The services' HTTP(S) base URLs in an embedded stack. */
function httpBase(stack: Stack, name: string): string {
  const host = stack.transactionAddr.slice(0, stack.transactionAddr.lastIndexOf(':'));
  const port = stack.services.find((s) => s.name === name)?.httpPort;
  if (!port) throw new Error(`the stack runs no ${name} service`);
  return `${stack.httpScheme}://${host}:${port}`;
}

/**
 * Starts the browser console on `port` (0: a free one) against an embedded stack: the page, the
 * event stream and each tab's API, all of /api behind the operator bearer token (the attestation
 * operator token, ATTESTATION_OPERATOR_TOKEN or <state>/keys/attestation-operator.token).
 */
export async function startConsole(opts: {
  stack: Stack;
  world: World;
  port: number;
  host?: string;
  env?: NodeJS.ProcessEnv;
  tabs?: readonly ConsoleTab[];
  log?: Logger;
  /** The console's credential check, given the token it accepts (default: requireBearer; tests inject others). */
  access?: (token: string) => RequestHandler;
  /** The console's HTTPS policy (default: the stack's; tests inject a weaker one). */
  httpsPolicy?: ServerTlsPolicy;
}): Promise<ConsoleHandle> {
  const env = { ...(opts.env ?? process.env), DFS_STATE_DIR: opts.stack.stateDir };
  const attestation = attestationConfig(env);
  const token = loadOrCreateSecret(attestation.operatorToken, attestation.operatorTokenFile);
  const ledger = transactionConfig(env);
  const risk = riskConfig(env);
  const log = opts.log ?? createLogger('console');
  const hub = new EventHub();
  const closers: (() => void | Promise<void>)[] = [];
  const ctx: ConsoleContext = {
    stack: opts.stack,
    world: opts.world,
    operator: operatorApis({
      attestation: httpBase(opts.stack, 'attestation'),
      transaction: httpBase(opts.stack, 'transaction'),
      risk: httpBase(opts.stack, 'risk'),
      ledgerToken: loadOrCreateSecret(ledger.operatorToken, ledger.operatorTokenFile),
      riskToken: loadOrCreateSecret(risk.operatorToken, risk.operatorTokenFile),
    }),
    publish: (channel, data) => hub.publish(channel, data),
    onClose: (fn) => closers.push(fn),
    log,
  };
  const tabs = opts.tabs ?? TABS;
  const app = createHttpApp(() => true);
  servePage(app, await bundleConsole());
  const api = Router();
  api.use((opts.access ?? operatorBearer)(token));
  api.get('/session', (_req, res) => {
    res.json({ tabs: tabs.map(({ id, title }) => ({ id, title })) });
  });
  api.get('/events', hub.stream);
  for (const tab of tabs) {
    const router = Router();
    await tab.mount(router, ctx);
    api.use(`/${tab.id}`, router);
  }
  app.use('/api', api);
  finishHttpApp(app, log);
  const host = opts.host ?? '127.0.0.1';
  const { pki } = opts.stack;
  const { server, port, scheme } = await listenEdge(
    app,
    host,
    opts.port,
    loadConsoleConfig(env).plainHttp
      ? { plain: true, log, service: 'console' }
      : { tls: readTls({ ca: pki.ca, cert: pki.cert('console'), key: pki.key('console') }), policy: opts.httpsPolicy },
  );
  return {
    url: `${scheme}://${host}:${port}/`,
    port,
    async stop() {
      hub.close();
      for (const fn of closers.reverse()) await fn();
      await closeHttp(server);
    },
  };
}
