import { DfsError, isErrorCode } from '../../kit/src/errors.js';

/** Base URLs of the services' HTTP edges and the token the console holds for the ledger's operator check. */
export interface OperatorUrls {
  attestation: string;
  transaction: string;
  risk: string;
  /** The transaction service's operator token (journal verification); read from the state directory. */
  ledgerToken: string;
  /** The risk service's operator token (decision trails); read from the state directory. */
  riskToken: string;
}

/** The stack's operator REST APIs as the console calls them: the same endpoints and credentials as any operator. */
export interface OperatorApis {
  devices(token: string): Promise<unknown>;
  device(token: string, deviceId: string): Promise<unknown>;
  revoke(token: string, deviceId: string, reason: string): Promise<unknown>;
  reinstate(token: string, deviceId: string, reason: string): Promise<unknown>;
  decision(transactionId: string, stage?: 'payment' | 'step-up'): Promise<unknown>;
  journal(): Promise<unknown>;
}

/** A service's refusal, carried with its stable code (an unknown code is a 502 UNAVAILABLE). */
async function answer(res: Response): Promise<unknown> {
  const body = (await res.json().catch(() => ({}))) as { code?: unknown };
  if (res.ok) return body;
  throw new DfsError(typeof body.code === 'string' && isErrorCode(body.code) ? body.code : 'UNAVAILABLE');
}

/** Operator API clients over HTTP, bearer-authenticated like curl in docs/ATTESTATION.md. */
export function operatorApis(urls: OperatorUrls): OperatorApis {
  const call = async (url: string, token: string, method = 'GET', body?: unknown) =>
    answer(
      await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    );
  const op = `${urls.attestation}/v1/operator`;
  const id = (deviceId: string) => encodeURIComponent(deviceId);
  return {
    devices: (token) => call(`${op}/devices`, token),
    device: (token, deviceId) => call(`${op}/devices/${id(deviceId)}`, token),
    revoke: (token, deviceId, reason) => call(`${op}/devices/${id(deviceId)}/revoke`, token, 'POST', { reason }),
    reinstate: (token, deviceId, reason) => call(`${op}/devices/${id(deviceId)}/reinstate`, token, 'POST', { reason }),
    decision: (transactionId, stage = 'payment') =>
      call(`${urls.risk}/v1/decisions/${encodeURIComponent(transactionId)}?stage=${stage}`, urls.riskToken),
    journal: () => call(`${urls.transaction}/v1/journal/verify`, urls.ledgerToken),
  };
}
