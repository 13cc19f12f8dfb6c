import { readFileSync, writeFileSync } from 'node:fs';
import type { PhoneUser } from '../../../device-sim/src/ui/native-ui.js';
import { batchStatusList, deviceRevocation } from '../controls.js';
import { attempt, notBuilt, observed } from '../play.js';
import type { Context, Observation, Scenario } from '../types.js';
import { paymentCode } from './payment.js';
import { enrollAndPay } from './signed-facts.js';
import { watcher, type Seen } from './risk.js';
import { balance, kes, kesText, payer } from './setup.js';

type StatusEntries = Record<string, { status: 'REVOKED' | 'SUSPENDED'; reason?: string }>;

/**
 * The entries of the status list the OEM last published at `file`
 * (none when there is no list yet), so a new list keeps them.
 */
function publishedEntries(file: string): StatusEntries {
  try {
    const payload = readFileSync(file, 'utf8').trim().split('.')[1] ?? '';
    return (
      (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { entries?: StatusEntries }).entries ?? {}
    );
  } catch {
    return {};
  }
}

/** One call of the attestation operator API; its status and JSON body as answered. */
async function operatorCall(op: NonNullable<Context['operator']>, path: string, body?: unknown) {
  const res = await fetch(`${op.url}/v1/operator${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${op.token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const STEP_UP_AMOUNT = 250_000;

async function revokedStepUp(ctx: Context): Promise<Observation> {
  const op = ctx.operator;
  if (!op) return notBuilt('the attestation operator API (device revocation) is not reachable from here');
  const seen: Seen[] = [];
  const device = { id: '', revoked: null as number | null };
  const user: PhoneUser = {
    confirm: async (f) => {
      if (f.lines[0]?.startsWith('Extra check') && device.revoked === null)
        device.revoked = (await operatorCall(op, `/devices/${device.id}/revoke`, { reason: 'reported stolen' })).status;
      return true;
    },
    enterPin: async () => '2580',
  };
  const { phone, wallet, merchant, enrollment } = await payer(ctx.world, {
    user,
    wrap: watcher(seen),
    balance: 300_000,
  });
  device.id = enrollment.deviceId;
  const before = await balance(ctx.world, wallet);
  const r = await attempt(() => phone.daemon.pay({ payee: merchant, amount: kes(STEP_UP_AMOUNT) }));
  const after = await balance(ctx.world, wallet);
  const received = await balance(ctx.world, merchant);
  const held = seen.find((s) => s.status === 'STEP_UP_REQUIRED');
  return observed(
    paymentCode(r),
    Number(received) > 0,
    {
      heldFor: held?.status ?? null,
      revokedByOperator: device.revoked,
      confirmation: paymentCode(r) ?? 'POSTED',
      balanceBefore: before ?? null,
      balanceAfter: after ?? null,
      merchantReceived: received ?? null,
    },
    [
      `a thief with the phone and its PIN ` +
        `pays ${kesText(STEP_UP_AMOUNT)}: ${held ? `held (${held.status})` : 'not held'}`,
      `while the step-up screen shows, the owner reports the phone ` +
        `stolen and the operator revokes it (HTTP ${device.revoked})`,
      `the thief confirms the step-up with the PIN: ${paymentCode(r) ?? 'POSTED'}`,
      `wallet ${before} -> ${after}; merchant received ${received}`,
    ],
  );
}

async function revokedBatch(ctx: Context): Promise<Observation> {
  const op = ctx.operator;
  if (!op || !ctx.statusListFile)
    return notBuilt(
      "the OEM's status list file and the attestation operator API are reachable on the embedded stack only",
    );
  const oem = ctx.world.oem;
  oem.newBatch();
  try {
    const { serial } = await oem.batchSigner();
    writeFileSync(
      ctx.statusListFile,
      await oem.signStatusList({
        ...publishedEntries(ctx.statusListFile),
        [serial]: { status: 'REVOKED', reason: 'KEY_COMPROMISE' },
      }),
    );
    const reload = await operatorCall(op, '/attestation-status/reload');
    const loaded = typeof reload.body.code === 'string' ? reload.body.code : `${reload.body.revokedSerials} revoked`;
    if (typeof reload.body.code === 'string')
      return observed(reload.body.code, false, { statusListLoaded: false, reload: loaded }, [
        'the OEM publishes a status list revoking the batch CA whose key leaked',
        `the attestation service reloads it: ${loaded}`,
      ]);
    const { e, paid, received } = await enrollAndPay(ctx, await ctx.world.phone('secure'));
    return observed(
      e.code,
      e.ok && Number(received) > 0,
      {
        statusListLoaded: true,
        reload: loaded,
        enrolled: e.ok,
        tier: e.ok ? e.value.tier : null,
        payment: paid,
        merchantReceived: received ?? null,
      },
      [
        "the OEM learns a batch CA's key leaked and publishes a signed status list revoking it",
        `the attestation service reloads the list: ${loaded}`,
        'a phone attested under that batch (anyone holding the leaked key could make one) enrolls',
        e.ok ? `enrolled at tier ${e.value.tier}; a KES 10.00 payment: ${paid}` : `refused with ${e.code}`,
      ],
    );
  } finally {
    oem.newBatch();
  }
}

/**
 * Revocation honoured where it matters: at the step-up of a held payment, and for a whole leaked batch (002 R1, R2).
 */
export const revocationScenarios: Scenario[] = [
  {
    id: 'revoked-step-up',
    label: 'on-device',
    expect: { code: 'DEVICE_REVOKED', outcome: 'BLOCKED' },
    title: 'Step-up confirmed after the device was revoked',
    recommendations: ['R1'],
    masvs: 'MASVS-AUTH-2, MASVS-AUTH-3',
    seed: '002 §5 (R1); 000 §Safeguard',
    action:
      `a thief holding the phone and its PIN pays ${kesText(STEP_UP_AMOUNT)}, which is held for ` +
      `a step-up; the owner has the phone revoked meanwhile, and the thief confirms the step-up`,
    control:
      "the step-up confirmation re-checks the device's standing in " +
      'the attestation registry (and risk again) before anything posts',
    success: 'the held payment posts after the revocation and the merchant is paid',
    port: deviceRevocation,
    story:
      "A held payment waits for the user's fresh PIN; a thief who has the PIN can confirm it minutes " +
      'later. If the owner has reported the phone stolen in between, the confirmation is checked ' +
      'against the registry again, so the revocation wins over the payment that was already on its way.',
    run: revokedStepUp,
  },
  {
    id: 'revoked-batch-ca',
    label: 'remote',
    expect: { code: 'ATTESTATION_BATCH_REVOKED', outcome: 'BLOCKED' },
    title: 'Enrollment under a revoked eSE batch CA',
    recommendations: ['R2', 'R1'],
    masvs: 'MASVS-RESILIENCE-1, MASVS-AUTH-1',
    seed: '002 §4.3.1, §5 (R2); 000 §KeyStore',
    action:
      'enroll a phone whose attestation chains through an eSE batch CA the ' +
      'OEM has revoked (its key leaked, so anyone could sign records under it)',
    control: 'the OEM-signed attestation status list: a chain through a revoked batch CA is refused',
    success: 'a phone of the revoked batch enrolls and pays',
    port: batchStatusList,
    story:
      'A leaked batch key lets anyone sign perfect attestation records for every phone of that batch. ' +
      'The OEM revokes the batch CA in a signed status list; the attestation service reloads it, refuses ' +
      "new enrollments under the batch and sends the batch's enrolled devices back to re-attestation.",
    run: revokedBatch,
  },
];
