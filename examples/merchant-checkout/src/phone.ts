import { resolve } from 'node:path';
import { connectWorld } from '../../../cli/world.js';
import { pkiPaths } from '../../../kit/src/pki.js';
import type { Order } from './orders.js';

const env = process.env;
const shop = env.MERCHANT_URL ?? 'http://127.0.0.1:8400';
const world = await connectWorld(pkiPaths(resolve(env.DFS_STATE_DIR ?? '.dfs-state')), {
  attestationAddr: env.ATTESTATION_ADDR ?? '127.0.0.1:50051',
  transactionAddr: env.TRANSACTION_ADDR ?? '127.0.0.1:50052',
});
const phone = await world.phone('secure');
const wallet = world.newId('wallet');
const { deviceId } = await phone.daemon.enroll(wallet);
await world.openWallet(wallet, deviceId, 100_000, 'KES');
console.log(`phone ${deviceId}: wallet ${wallet} (KES 1,000.00). Order at ${shop}/ with this wallet.`);

const paid = new Set<string>();
for (;;) {
  const orders = (await (await fetch(`${shop}/orders.json`)).json()) as Order[];
  for (const o of orders.filter((x) => x.payer === wallet && x.state === 'PENDING' && !paid.has(x.requestId))) {
    paid.add(o.requestId);
    const result = await phone.daemon.payRequest(o.requestId);
    const screen = phone.ui.frames.at(-1)?.lines.join(' | ') ?? '';
    console.log(
      `request ${o.requestId.slice(0, 8)}: confirmed with the PIN on the phone, ${result.status} [${screen}]`,
    );
  }
  await new Promise((r) => setTimeout(r, 1000));
}
