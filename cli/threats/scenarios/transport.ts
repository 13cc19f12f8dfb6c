import * as grpc from '@grpc/grpc-js';
import { contracts } from '../../../kit/src/contracts.js';
import { call } from '../../../kit/src/grpc-client.js';
import { expectRefusal } from '../play.js';
import type { Scenario } from '../types.js';

/** Attacks on the channel (R3): a MITM without a client certificate cannot call anything. */
export const transportScenarios: Scenario[] = [
  {
    id: 'no-client-certificate', expected: 'GRPC_UNAVAILABLE', title: 'gRPC call without a client certificate (MITM position)', recommendations: ['R3', 'R7'], masvs: 'MASVS-NETWORK-1', seed: '003 §TLS',
    action: 'connect to the transaction service with TLS but no client certificate and try to open an account', control: 'mutual TLS with the stack CA on every port',
    story: 'An attacker on the network path (or a rogue app) talks to the backend directly. Every port requires a client certificate from the stack CA, so the TLS handshake fails before any RPC runs.',
    async run(ctx) {
      const client = new (contracts().TransactionService)(ctx.transactionAddr, grpc.credentials.createSsl(ctx.world.bootstrapTls.ca), { 'grpc.ssl_target_name_override': 'transaction' });
      try {
        return await expectRefusal(() => call(client, client.OpenAccount, { accountId: 'mitm', holderDeviceId: '', openingBalance: { minorUnits: '1000000', currency: 'KES' } }), ['GRPC_UNAVAILABLE'], ['TLS handshake without a client certificate']);
      } finally {
        client.close();
      }
    },
  },
];
