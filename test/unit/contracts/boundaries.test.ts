import { ESLint } from 'eslint';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../support/source.js';

const eslint = new ESLint({ cwd: ROOT });

/** The dfs/boundaries messages ESLint (the project's own config) gives for `code` at `path`. */
async function boundaryErrors(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, path) });
  return result!.messages.filter((m) => m.ruleId === 'dfs/boundaries').map((m) => m.message);
}

describe('module boundaries (dfs/boundaries in eslint.config.js, run by npm run lint)', () => {
  beforeAll(() => boundaryErrors('kit/src/x.ts', ''), 60_000);

  it.each([
    [
      'a service imports another service',
      'services/risk/src/domain/x.ts',
      "import { submitPayment } from '../../../transaction/src/domain/payments.js';",
    ],
    [
      'the same, spelled through services/',
      'services/risk/src/grpc/x.ts',
      "export * from '../../../../services/attestation/src/domain/enroll.js';",
    ],
    [
      'the phone imports a service',
      'device-sim/src/daemon/x.ts',
      "import type { TokenGrant } from '../../../services/attestation/src/domain/credentials.js';",
    ],
    [
      'kit imports the phone',
      'kit/src/x.ts',
      "import { PaymentDaemon } from '../../device-sim/src/daemon/payment-daemon.js';",
    ],
    ['domain imports a transport package', 'services/transaction/src/domain/x.ts', "import mongoose from 'mongoose';"],
    ['domain imports gRPC', 'services/transaction/src/domain/x.ts', "import * as grpc from '@grpc/grpc-js';"],
    [
      'domain imports an edge folder',
      'services/transaction/src/domain/x.ts',
      "import { handlers } from '../grpc/handlers.js';",
    ],
    [
      'domain imports the mongo store',
      'services/attestation/src/domain/x.ts',
      "import { mongoAttestationStore } from '../store/mongo.js';",
    ],
    [
      'domain imports kit transport',
      'services/risk/src/domain/x.ts',
      "const k = await import('../../../../kit/src/kafka-bus.js');",
    ],
    [
      'an events module imports its HTTP edge',
      'services/transaction/src/events/x.ts',
      "import type { IntegratorRegistry } from '../http/integrators.js';",
    ],
    [
      'an events module imports its gRPC edge',
      'services/risk/src/events/x.ts',
      "import { riskHandlers } from '../grpc/handlers.js';",
    ],
    ['contracts/ imports kit', 'contracts/x.ts', "import { DfsError } from '../kit/src/errors.js';"],
    [
      'the operator imports risk',
      'services/mno/src/events/x.ts',
      "import { ingest } from '../../../risk/src/events/consumer.js';",
    ],
    [
      "the operator reads the phone's SIM slot",
      'services/mno/src/domain/x.ts',
      "import { SimSlot } from '../../../../device-sim/src/sim.js';",
    ],
    ["the operator's domain imports HTTP", 'services/mno/src/domain/x.ts', "import express from 'express';"],
    [
      "the operator's domain imports its HTTP edge",
      'services/mno/src/domain/x.ts',
      "import { operatorApp } from '../http/app.js';",
    ],
    [
      'FOTA imports the phone beyond the OEM build tooling',
      'services/fota/src/domain/x.ts',
      "import { Fota } from '../../../../device-sim/src/fota.js';",
    ],
    [
      'a service other than FOTA imports the OEM build tooling',
      'services/mno/src/domain/x.ts',
      "import { buildReleases } from '../../../../device-sim/src/firmware.js';",
    ],
    [
      'FOTA imports attestation',
      'services/fota/src/http/x.ts',
      "import { startAttestation } from '../../../attestation/src/main.js';",
    ],
    [
      "FOTA's domain imports kit HTTP",
      'services/fota/src/domain/x.ts',
      "import { serve } from '../../../../kit/src/http.js';",
    ],
  ])('fires when %s', async (_what, path, code) => {
    expect(await boundaryErrors(path, code)).toHaveLength(1);
  });

  it('lets the allowed imports through', async () => {
    expect(
      await boundaryErrors(
        'services/risk/src/domain/x.ts',
        [
          "import { handles } from '../../../../contracts/events.js';",
          "import { DfsError } from '../../../../kit/src/errors.js';",
          "import type { FeatureStore } from '../store/ports.js';",
          "import { z } from 'zod';",
        ].join('\n'),
      ),
    ).toEqual([]);
    expect(
      await boundaryErrors('device-sim/src/daemon/x.ts', "import { PAYMENT } from '../../../contracts/payment.js';"),
    ).toEqual([]);
    expect(
      await boundaryErrors('services/transaction/src/grpc/x.ts', "import * as grpc from '@grpc/grpc-js';"),
    ).toEqual([]);
    expect(
      await boundaryErrors(
        'services/mno/src/events/x.ts',
        "import { buildEvent } from '../../../../contracts/events.js';",
      ),
    ).toEqual([]);
    expect(
      await boundaryErrors(
        'services/transaction/src/events/x.ts',
        [
          "import type { IntegratorRegistry } from '../domain/integrators.js';",
          "import type { EventBus } from '../../../../kit/src/events.js';",
          "import type { LedgerStore } from '../store/ports.js';",
        ].join('\n'),
      ),
    ).toEqual([]);
    expect(
      await boundaryErrors(
        'services/fota/src/domain/x.ts',
        "import type { BuiltRelease } from '../../../../device-sim/src/firmware.js';",
      ),
    ).toEqual([]);
  });
});
