import { Router } from 'express';
import { z } from 'zod';
import { DfsError } from '../../../../kit/src/errors.js';
import { updateState, type FotaCatalog } from '../../../../kit/src/fota-catalog.js';
import type { Logger } from '../../../../kit/src/log.js';
import type { DeviceEvents } from '../domain/events.js';
import { reinstateDevice, revokeDevice } from '../domain/operator.js';
import type { Policy } from '../domain/policy.js';
import { DEVICE_ID, operatorView } from '../domain/registry.js';
import type { TokenKeyRing } from '../domain/token-keys.js';
import type { AttestationStore, DeviceRecord } from '../store/ports.js';
import { requireBearer } from '../../../../kit/src/operator-auth.js';

export interface OperatorDeps {
  store: AttestationStore;
  events: DeviceEvents;
  policy: Policy;
  keyRing: TokenKeyRing;
  operatorToken: string;
  /** Reloads the attestation status list without a restart. */
  reloadStatus: () => Promise<{ issuedAtMs: number; revokedSerials: number; devicesToReattest: string[] }>;
  log: Logger;
  now: () => number;
  catalog?: FotaCatalog;
}

const RevokeBody = z
  .object({
    reason: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[\w .,:;()-]+$/),
  })
  .strict();
const RotateBody = z.object({ retireNow: z.boolean().default(false) }).strict();

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body ?? {});
  if (!r.success) throw new DfsError('INVALID_ARGUMENT', r.error.issues.map((i) => i.path.join('.')).join(','));
  return r.data;
}

function deviceId(value: string): string {
  if (!DEVICE_ID.test(value)) throw new DfsError('ATTESTATION_DEVICE_NOT_FOUND');
  return value;
}

/**
 * The operator API under /v1/operator: devices with posture and update state, revocation and
 * reinstatement, the status list reload, the policy in force, token-key rotation.
 */
export function operatorRouter(deps: OperatorDeps): Router {
  const r = Router();
  const view = (d: DeviceRecord) => ({
    ...operatorView(d),
    ...(deps.catalog
      ? {
          update: updateState(
            deps.catalog,
            d.model,
            d.patchLevel,
            d.lastRollbackIndex ?? d.highestRollbackIndex,
            deps.now(),
          ),
        }
      : {}),
  });
  r.use(requireBearer(deps.operatorToken, 'ATTESTATION_OPERATOR_UNAUTHENTICATED'));
  r.get('/devices', async (_req, res) => {
    res.json({ devices: (await deps.store.listDevices()).map(view) });
  });
  r.get('/devices/:deviceId', async (req, res) => {
    const d = await deps.store.getDevice(deviceId(req.params.deviceId as string));
    if (!d) throw new DfsError('ATTESTATION_DEVICE_NOT_FOUND');
    res.json(view(d));
  });
  r.post('/devices/:deviceId/revoke', async (req, res) => {
    const id = deviceId(req.params.deviceId as string);
    const { reason } = parse(RevokeBody, req.body);
    const view = await revokeDevice(id, reason, deps);
    deps.log.info({ deviceId: id, reason }, 'device revoked by operator');
    res.json(view);
  });
  r.post('/devices/:deviceId/reinstate', async (req, res) => {
    const id = deviceId(req.params.deviceId as string);
    const { reason } = parse(RevokeBody, req.body);
    const view = await reinstateDevice(id, reason, deps);
    deps.log.info({ deviceId: id, reason }, 'device reinstated by operator');
    res.json(view);
  });
  r.post('/attestation-status/reload', async (_req, res) => {
    res.json(await deps.reloadStatus());
  });
  r.get('/policy', (_req, res) => {
    res.json(deps.policy);
  });
  r.get('/token-keys', (_req, res) => {
    res.json(deps.keyRing.state(deps.now()));
  });
  r.post('/token-keys/rotate', async (req, res) => {
    const { retireNow } = parse(RotateBody, req.body);
    const state = await deps.keyRing.rotate(deps.now(), { retireNow });
    deps.log.info({ current: state.current, retireNow }, 'token keys rotated by operator');
    res.json(state);
  });
  r.delete('/token-keys/:kid', async (req, res) => {
    const state = await deps.keyRing.remove(String(req.params.kid), deps.now());
    deps.log.info({ removed: req.params.kid }, 'retired token key removed by operator');
    res.json(state);
  });
  return r;
}
