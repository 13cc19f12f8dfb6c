import { clock, h, money } from '../dom.js';

/** A device as the attestation operator API lists it, with the SIM the console saw it report. */
export interface Device {
  deviceId: string;
  status: string;
  tier: string;
  reasons: string[];
  securityLevel: string;
  patchLevel: number;
  highestRollbackIndex: number;
  model: string;
  imei: string;
  sim: string | null;
  lastAttestedAtMs: number;
}
/** An enrollment attestation refused (`device.rejected`). */
export interface Rejection {
  atMs: number;
  deviceId: string | null;
  model: string | null;
  codes: string[];
}
/** A payment's latest state from the bus. */
export interface Payment {
  transactionId: string;
  kind?: string;
  status: string;
  payer: string;
  payee: string;
  amount: number;
  currency: string;
  deviceId: string;
  code?: string;
  atMs: number;
  /** Risk held it for a step-up: a second decision trail exists (`?stage=step-up`). */
  stepUp?: boolean;
}
/** The risk service's decision trail of one payment stage. */
export interface Trail {
  decision: string;
  score?: number;
  reason?: string;
  rulesetId?: string;
  requestedTier?: string;
  tier?: string | null;
  ruleIds?: string[];
  hits?: { ruleId: string; weight?: number; veto?: boolean; detail?: string }[];
}
/** One event of the stream. */
export interface BusRow {
  id: string;
  topic: string;
  type: string;
  key: string;
  atMs: number;
}

/** A table with a header row. */
export const table = (head: string[], rows: HTMLElement[], label: string) =>
  h(
    'table',
    { 'aria-label': label },
    h('thead', {}, h('tr', {}, ...head.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, ...rows),
  );

const button = (cls: string, label: string, fn: () => void) =>
  h('button', { type: 'button', class: cls, onclick: fn }, label);

/** A device row: status, tier and the evidence behind it, and the revoke or reinstate action. */
export function deviceRow(d: Device, act: (what: 'revoke' | 'reinstate') => void): HTMLElement {
  const revoked = d.status === 'REVOKED';
  return h(
    'tr',
    { 'data-device-id': d.deviceId, 'data-status': d.status, 'data-tier': d.tier },
    h('td', {}, h('code', {}, d.deviceId)),
    h('td', { class: `status ${d.status}` }, d.status),
    h('td', {}, d.tier),
    h('td', {}, `chain: ${d.securityLevel === 'ese' ? 'eSE CA' : 'software CA'}; ${d.reasons.join(', ')}`),
    h('td', {}, `${d.patchLevel} (rollback ${d.highestRollbackIndex})`),
    h('td', {}, d.sim ?? '—'),
    h('td', {}, clock(d.lastAttestedAtMs)),
    h(
      'td',
      {},
      revoked
        ? button('reinstate', 'Reinstate', () => act('reinstate'))
        : button('revoke', 'Revoke', () => act('revoke')),
    ),
  );
}

/** The refused enrollments and the codes that refused them (nothing when there are none). */
export function rejectionsView(rejected: Rejection[]): HTMLElement[] {
  if (!rejected.length) return [];
  return [
    h('h3', {}, 'Refused enrollments'),
    table(
      ['Time', 'Device', 'Model', 'Refused by'],
      rejected.map((r) =>
        h(
          'tr',
          { 'data-rejected': r.codes.join(' ') },
          h('td', {}, clock(r.atMs)),
          h('td', {}, r.deviceId ?? '(new)'),
          h('td', {}, r.model ?? ''),
          h('td', { class: 'status DECLINED' }, r.codes.join(', ')),
        ),
      ),
      'Refused enrollments',
    ),
  ];
}

/** A payment row with its decision trail buttons (the step-up stage's too when risk held it). */
export function paymentRow(r: Payment, show: (stage: 'payment' | 'step-up') => void): HTMLElement {
  return h(
    'tr',
    { 'data-transaction-id': r.transactionId, 'data-status': r.status, 'data-payer': r.payer },
    h('td', {}, clock(r.atMs)),
    h('td', {}, h('code', {}, r.transactionId.slice(0, 13))),
    h('td', {}, r.kind ?? 'payment'),
    h('td', { class: `status ${r.status}` }, r.status),
    h('td', {}, r.payer),
    h('td', {}, r.payee),
    h('td', {}, money(r.amount, r.currency)),
    h('td', {}, r.code ?? ''),
    h(
      'td',
      {},
      button('show-trail', 'Decision trail', () => show('payment')),
      r.stepUp ? button('show-step-up', 'Step-up trail', () => show('step-up')) : null,
    ),
  );
}

/** A decision trail: decision, score, tiers, ruleset, reason, and each rule that fired. */
export function trailView(t: Trail, transactionId: string, stage: 'payment' | 'step-up'): HTMLElement[] {
  return [
    h('h3', {}, `${stage === 'step-up' ? 'Step-up decision' : 'Decision'} trail of ${transactionId}`),
    h(
      'p',
      {},
      `${t.decision}; score ${t.score ?? '—'}; tier ${t.requestedTier ?? '—'} → ${t.tier ?? '—'}; `,
      `rules ${t.rulesetId ?? '—'}; ${t.reason ?? ''}`,
    ),
    h(
      'ul',
      {},
      ...(t.hits ?? []).map((x) =>
        h(
          'li',
          { 'data-rule': x.ruleId },
          `${x.ruleId}${x.veto ? ' (veto)' : ''}${x.weight !== undefined ? ` weight ${x.weight}` : ''}`,
          x.detail ? `: ${x.detail}` : '',
        ),
      ),
    ),
  ];
}

/** Accounts with their verified balances. */
export function accountsTable(accounts: { accountId: string; balance: number | null }[]): HTMLElement {
  return table(
    ['Account', 'Balance (KES)'],
    accounts.map((a) =>
      h(
        'tr',
        { 'data-account': a.accountId },
        h('td', {}, a.accountId),
        h('td', { class: 'num' }, a.balance === null ? '—' : money(a.balance)),
      ),
    ),
    'Accounts',
  );
}
