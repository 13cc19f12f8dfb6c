import { writeFileSync } from 'node:fs';
import { pkiPaths } from '../../kit/src/pki.js';
import { startStack } from '../stack.js';
import { connectWorld } from '../world.js';
import { SCENARIOS } from './catalog.js';
import { remoteContext, stackContext } from './context.js';
import { narration, playLive } from './live.js';
import { runMeta } from '../run-meta.js';
import { htmlReport, jsonReport, textTable } from './report.js';
import type { Played } from './types.js';

/** What an embedded run plays against, as the report states it. */
export const EMBEDDED_TARGET =
  'embedded stack: the attestation, transaction and risk services started in this process, each ' +
  'on its own gRPC (mutual TLS) and HTTP ports on loopback; phones reach them over those sockets';

/**
 * `dfs threats`: plays every scenario (or `--only` one, narrated) against the embedded stack or a
 * running one (ATTESTATION_ADDR, TRANSACTION_ADDR), prints the table, writes --json / --html, and
 * returns 1 unless every scenario was stopped by its named control.
 */
export async function threatsCommand(opts: {
  only?: string;
  json?: string;
  html?: string;
  stateDir: string;
}): Promise<number> {
  const chosen = opts.only ? SCENARIOS.filter((s) => s.id === opts.only) : SCENARIOS;
  if (chosen.length === 0)
    throw new Error(`unknown scenario "${opts.only}"; one of: ${SCENARIOS.map((s) => s.id).join(', ')}`);
  const remote = process.env.ATTESTATION_ADDR && process.env.TRANSACTION_ADDR;
  const stack = remote ? null : await startStack({ stateDir: opts.stateDir });
  const addrs = stack ?? {
    attestationAddr: process.env.ATTESTATION_ADDR!,
    transactionAddr: process.env.TRANSACTION_ADDR!,
  };
  const world = await connectWorld(stack?.pki ?? pkiPaths(opts.stateDir), addrs);
  const meta = runMeta(
    stack
      ? EMBEDDED_TARGET
      : `running stack: attestation ${addrs.attestationAddr}, transaction ${addrs.transactionAddr}`,
  );
  const narrate = Boolean(opts.only);
  const played: Played[] = [];
  try {
    for (const s of chosen) {
      const p = await playLive(
        s,
        world,
        (say) => (stack ? stackContext(stack, world, say) : remoteContext(addrs, world, opts.stateDir, say)),
        narrate ? (step) => console.log(narration(step)) : () => {},
      );
      played.push(p);
      if (!narrate) process.stderr.write(`[threats] ${s.id}: ${p.outcome}\n`);
    }
  } finally {
    world.close();
    await stack?.stop();
  }
  console.log(`\n${textTable(played)}`);
  const report = jsonReport(played, meta);
  const s = report.summary;
  console.log(
    `\n${s.total} scenarios: ${s.blocked} blocked, ${s.detected} detected, ${s.succeeded} ` +
      `succeeded, ${s.unexpected} unexpected, ${s.notBuilt} not built`,
  );
  if (opts.json) writeFileSync(opts.json, JSON.stringify(report, null, 2));
  if (opts.html) writeFileSync(opts.html, htmlReport(played, meta));
  return s.blocked + s.detected === s.total ? 0 : 1;
}
