import { createHash } from 'node:crypto';
import { DEVICE_REPORT } from '../../../../contracts/device.js';
import { buildEvent } from '../../../../contracts/events.js';
import { DfsError } from '../../../../kit/src/errors.js';
import type { Peer } from '../../../../kit/src/tls.js';
import type { NumberStore, OutboxStore } from '../store/ports.js';
import { issuedAtMs, verifyDeviceJws, verifyToken, type AuthorizeDeps } from './authorize.js';
import type { NumberDeps } from './numbers.js';

/** One event id per (device, report): a resent report is deduplicated; a device cannot pick another event's id. */
function reportEventId(deviceId: string, reportId: string): string {
  const h = createHash('sha256').update(`dfs-device-report:${deviceId}:${reportId}`).digest('hex');
  const variant = (8 | (parseInt(h[16]!, 16) & 3)).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

type ReportDeps = AuthorizeDeps & {
  store: OutboxStore & NumberStore & NumberDeps['store'];
  numbers?: NumberDeps['numbers'];
};

/**
 * The number of a SIM report, once the operator confirms that the number's working SIM is the one the
 * phone reported (the number is then also bound to the wallet the token names: the phone's word alone
 * never routes money); null when the operator denies it or none is configured. An operator that does not
 * answer is NUMBER_VERIFICATION_UNAVAILABLE: the report is refused and the daemon sends it again later,
 * so an honest phone's number is not lost to an outage.
 */
async function confirmedNumber(
  report: { msisdn: string; imsiHash: string },
  holder: { accountId: string; deviceId: string },
  deps: ReportDeps,
): Promise<string | null> {
  if (!deps.numbers) return null;
  const answer = await deps.numbers.verify(report.msisdn, report.imsiHash).catch((err: unknown) => {
    throw new DfsError('NUMBER_VERIFICATION_UNAVAILABLE', undefined, { cause: err });
  });
  if (!answer) return null;
  await deps.store.bindNumber({ ...report, ...holder, atMs: deps.now() });
  return report.msisdn;
}

/**
 * A device report (DEVICE_REPORT in contracts/device.ts: the phone tells the backend what risk should
 * know): verified against the key the attestation token binds (the enrolled eSE key), of its typ,
 * sent by that very device, fresh, from a device in good standing (checkDevice, like every phone
 * call: a revoked phone's reports are refused while its token lasts); then queued in the outbox as
 * `device.<kind>` on the device topic (built through the event catalog, contracts/events.ts), keyed and
 * attributed by the token's device. A SIM report carries its number to risk only when the operator
 * confirms it (confirmedNumber): the phone's word alone would let any phone take a victim's number.
 * Unconfirmed, the event still tells risk of the phone's own new SIM (its IMSI hash), without a number.
 */
export async function reportDevice(signedReport: string, token: string, peer: Peer, deps: ReportDeps): Promise<string> {
  if (signedReport.length > 4096 || token.length > 8192) throw new DfsError('INVALID_ARGUMENT');
  const claims = await verifyToken(token, deps);
  if (peer.role !== 'device' || peer.name !== claims.sub) throw new DfsError('PAYMENT_DEVICE_MISMATCH');
  let payload: unknown;
  try {
    payload = (await verifyDeviceJws(signedReport, claims, DEVICE_REPORT)).payload;
  } catch (err) {
    throw new DfsError('DEVICE_REPORT_INVALID', undefined, { cause: err });
  }
  const parsed = DEVICE_REPORT.schema.safeParse(payload);
  if (!parsed.success)
    throw new DfsError('INVALID_ARGUMENT', parsed.error.issues.map((i) => i.path.join('.')).join(','));
  const r = parsed.data;
  const now = deps.now();
  if (Math.abs(now - r.iat) > deps.freshnessMs) throw new DfsError('PAYMENT_STALE');
  const deviceId = claims.sub;
  await deps.checkDevice(deviceId, issuedAtMs(claims));
  let event;
  if (r.kind === 'sim_changed') {
    const msisdn = await confirmedNumber(r, { accountId: claims.acct, deviceId }, deps);
    event = buildEvent('device.sim_changed', deviceId, now, {
      deviceId,
      imsiHash: r.imsiHash,
      ...(msisdn && { msisdn }),
    });
  } else
    event = buildEvent(r.kind === 'pin_failed' ? 'device.pin_failed' : 'device.pin_locked', deviceId, now, {
      deviceId,
    });
  await deps.store.addOutbox([{ ...event, id: reportEventId(deviceId, r.reportId) }]);
  return event.type;
}
