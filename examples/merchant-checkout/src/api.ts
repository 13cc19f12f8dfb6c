import { randomUUID } from 'node:crypto';
import type { JSONWebKeySet } from 'jose';
import type { components } from '../gen/api-types.js';

/** A request to pay as the integrator API answers it (generated from the OpenAPI). */
export type RequestState = components['schemas']['RequestState'];
/** A transaction as the integrator API and its callbacks carry it (generated from the OpenAPI). */
export type Transaction = components['schemas']['Transaction'];
type MerchantPayRequest = components['schemas']['MerchantPayRequest'];
type ApiError = components['schemas']['GsmaError'];

/** The integrator API's base path (GSMA Mobile Money API v1.2). */
const MM = '/v1.2/mm';

/** A refusal of the integrator API: its HTTP status and stable code (from the GSMA error's errorParameters). */
export class ApiRefused extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
  ) {
    super(`DFS API ${status} ${code}`);
  }
}

/** Where the integrator API is and the key that authenticates this merchant. */
export interface ApiLink {
  url: string;
  apiKey: string;
}

async function send<T>(link: ApiLink, path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(`${link.url}${path}`, {
    ...init,
    headers: { 'X-API-Key': link.apiKey, ...init.headers },
  });
  const body = (await res.json()) as T | ApiError;
  if (!res.ok) {
    const code = (body as ApiError).errorParameters?.find((p) => p.key === 'code')?.value;
    throw new ApiRefused(res.status, code ?? 'UNKNOWN');
  }
  return body as T;
}

/** The DFS integrator REST API as this merchant uses it: requests to pay, their state and transaction, the keys. */
export function dfsApi(link: ApiLink) {
  return {
    /**
     * `POST /v1.2/mm/transactions/type/merchantpay`: a request the payer's phone shows and pays with the PIN;
     * its final callback is PUT to `callbackUrl` (under one of this integrator's registered callback origins).
     */
    requestToPay: (body: MerchantPayRequest, callbackUrl?: string) =>
      send<RequestState>(link, `${MM}/transactions/type/merchantpay`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'X-CorrelationID': randomUUID(),
          ...(callbackUrl ? { 'X-Callback-URL': callbackUrl } : {}),
        },
        body: JSON.stringify(body),
      }),
    /** `GET /v1.2/mm/requeststates/{serverCorrelationId}`. */
    requestState: (id: string) => send<RequestState>(link, `${MM}/requeststates/${encodeURIComponent(id)}`),
    /** `GET /v1.2/mm/transactions/{transactionReference}`. */
    transaction: (id: string) => send<Transaction>(link, `${MM}/transactions/${encodeURIComponent(id)}`),
    /** `GET /v1/result-keys` (public): the JWKS that verifies every `signed` body and callback. */
    resultKeys: () => send<JSONWebKeySet>(link, '/v1/result-keys'),
  };
}

/** The integrator API client. */
export type DfsApi = ReturnType<typeof dfsApi>;
