import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chainEntry, verifyJournal } from '../../services/transaction/src/domain/journal.js';
import { workCounts } from '../../kit/src/work.js';
import { rateAllowance } from '../../services/transaction/src/domain/rate.js';
import { memoryLedgerStore } from '../../services/transaction/src/store/memory/index.js';
import { mongoLedgerStore } from '../../services/transaction/src/store/mongo/index.js';
import type {
  Account,
  AuthorisationCode,
  CallbackDelivery,
  OutboxEvent,
  PaymentRequest,
  Transfer,
} from '../../services/transaction/src/domain/model.js';
import type { LedgerStore, TransferFilter } from '../../services/transaction/src/store/ports.js';
import { describeWithServer, dropDatabases, mongoCaps, uniqueName } from './support/infra.js';

const account = (id: string, balance: number): Account => ({
  id,
  currency: 'KES',
  balance,
  holderDeviceId: null,
  applied: [],
  createdAtMs: 1,
});

const transfer = (id: string, over: Partial<Transfer> = {}): Transfer => ({
  id,
  payer: 'a',
  payee: 'b',
  amount: 100,
  currency: 'KES',
  idempotencyKey: `key-${id}`,
  requestHash: `h-${id}`,
  deviceId: 'd1',
  kind: 'payment',
  state: 'PENDING',
  risk: null,
  code: null,
  result: null,
  createdAtMs: 1,
  ...over,
});

const request = (id: string, over: Partial<PaymentRequest> = {}): PaymentRequest => ({
  id,
  integratorId: 'shop',
  correlationId: `c-${id}`,
  bodyHash: 'b',
  payer: 'a',
  payee: 'b',
  amount: 100,
  currency: 'KES',
  description: 'tea',
  state: 'PENDING',
  transactionId: null,
  response: '{"id":"x"}',
  createdAtMs: 1,
  expiresAtMs: 2,
  ...over,
});

const authCode = (id: string, over: Partial<AuthorisationCode> = {}): AuthorisationCode => ({
  id,
  payer: 'a',
  orderId: `order-${id}`,
  requestHash: `h-${id}`,
  deviceId: 'd1',
  tier: 'HIGH',
  amount: 500,
  currency: 'KES',
  state: 'ACTIVE',
  failures: 0,
  tries: [],
  createdAtMs: 1,
  expiresAtMs: 1_000,
  result: `signed-${id}`,
  redeemedBy: null,
  ...over,
});

const event = (id: string): OutboxEvent => ({
  id,
  topic: 'dfs.payment.v1',
  type: 'payment.posted',
  key: 'a',
  atMs: 1,
  data: { n: id, nested: { empty: {} } },
});

const body = (transferId: string) => ({ transferId, debit: 'a', credit: 'b', amount: 1, currency: 'KES', atMs: 1 });

/**
 * The LedgerStore contract, one block per role port: what the ledger domain relies on, for every
 * adapter, racing writers included.
 */
export function describeLedgerStoreContract(name: string, open: () => Promise<LedgerStore>): void {
  describe(`LedgerStore contract: ${name}`, () => {
    let store: LedgerStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    describe('StoreLifecycle', () => {
      it('answers ready', async () => {
        expect(await store.ready()).toBe(true);
      });
    });

    describe('AccountStore', () => {
      it('creates an account once and reads it back as written', async () => {
        expect(await store.createAccount(account('a', 500))).toBe(true);
        expect(await store.createAccount(account('a', 9))).toBe(false);
        expect(await store.getAccount('a')).toEqual(account('a', 500));
        expect(await store.getAccount('nobody')).toBeNull();
        await store.createAccount(account('b', 0));
        expect((await store.listAccounts()).map((a) => a.id).sort()).toEqual(['a', 'b']);
        await store.createAccount({ ...account('named', 0), name: 'Amina Wanjiru' });
        expect(await store.getAccount('named')).toEqual({ ...account('named', 0), name: 'Amina Wanjiru' });
      });

      it('debits once per transfer and only when the balance covers it', async () => {
        await store.createAccount(account('a', 150));
        expect(await store.debit('a', 't1', 100)).toEqual({ outcome: 'applied', balance: 50 });
        expect(await store.debit('a', 't1', 100)).toEqual({ outcome: 'already', balance: 50 });
        expect(await store.debit('a', 't2', 100)).toEqual({ outcome: 'insufficient', balance: 50 });
        expect(await store.getAccount('a')).toMatchObject({ balance: 50, applied: ['t1'] });
      });

      it('credits once per transfer and forgets applied markers on request', async () => {
        await store.createAccount(account('a', 0));
        await store.createAccount(account('b', 0));
        expect(await store.credit('a', 't1', 70)).toBe('applied');
        expect(await store.credit('a', 't1', 70)).toBe('already');
        await store.credit('b', 't1', 5);
        await store.clearApplied(['a', 'b'], 't1');
        expect(await store.getAccount('a')).toMatchObject({ balance: 70, applied: [] });
        expect(await store.getAccount('b')).toMatchObject({ balance: 5, applied: [] });
      });

      it('clears the markers of concurrent completions with one command, and only theirs', async () => {
        for (const id of ['a', 'b', 'c']) await store.createAccount(account(id, 10));
        const moves = [
          ['t1', 'a', 'b'],
          ['t2', 'b', 'c'],
          ['t3', 'a', 'c'],
          ['open', 'a', 'b'],
        ] as const;
        for (const [t, payer, payee] of moves) {
          await store.debit(payer, t, 1);
          await store.credit(payee, t, 1);
        }
        const before = workCounts().storeCommands;
        await Promise.all(moves.slice(0, 3).map(([t, payer, payee]) => store.clearApplied([payer, payee], t)));
        expect(workCounts().storeCommands - before).toBeLessThanOrEqual(1);
        expect((await store.getAccount('a'))?.applied).toEqual(['open']);
        expect((await store.getAccount('b'))?.applied).toEqual(['open']);
        expect((await store.getAccount('c'))?.applied).toEqual([]);
        expect(await store.debit('a', 'open', 1)).toMatchObject({ outcome: 'already' });
      });

      it('never overdraws under concurrent debits (atomic conditional update)', async () => {
        await store.createAccount(account('a', 100));
        const outcomes = (await Promise.all(Array.from({ length: 25 }, (_, i) => store.debit('a', `t${i}`, 10)))).map(
          (d) => d.outcome,
        );
        expect(outcomes.filter((o) => o === 'applied')).toHaveLength(10);
        expect(outcomes.filter((o) => o === 'insufficient')).toHaveLength(15);
        expect((await store.getAccount('a'))?.balance).toBe(0);
        const twins = await Promise.all(Array.from({ length: 8 }, () => store.credit('a', 'same', 1)));
        expect(twins.filter((o) => o === 'applied')).toHaveLength(1);
        expect((await store.getAccount('a'))?.balance).toBe(1);
      });

      it('applies 200 concurrent debits of 10 on 1,000 exactly 100 times, leaving 0', async () => {
        await store.createAccount(account('a', 1_000));
        const debits = await Promise.all(Array.from({ length: 200 }, (_, i) => store.debit('a', `race${i}`, 10)));
        const applied = debits.filter((d) => d.outcome === 'applied');
        expect(applied).toHaveLength(100);
        expect(debits.filter((d) => d.outcome === 'insufficient')).toHaveLength(100);
        // Each applied debit saw its own balance after it: 990, 980, ... 0, once each.
        const seen = applied.map((d) => d.balance).sort((x, y) => y - x);
        expect(seen).toEqual(Array.from({ length: 100 }, (_, i) => 990 - 10 * i));
        const after = await store.getAccount('a');
        expect(after?.balance).toBe(0);
        expect(after?.applied).toHaveLength(100);
      });
    });

    describe('TransferStore', () => {
      it("lists an account's transfers in and out, newest first (time, then id), by limit and offset", async () => {
        const rows: [string, Partial<Transfer>][] = [
          ['l1', { payer: 'acc', payee: 'x', createdAtMs: 10 }],
          ['l2', { payer: 'y', payee: 'acc', createdAtMs: 30 }],
          ['l3', { payer: 'acc', payee: 'z', createdAtMs: 20 }],
          ['l4', { payer: 'y', payee: 'acc', createdAtMs: 30 }],
          ['l5', { payer: 'y', payee: 'other', createdAtMs: 40 }],
        ];
        await Promise.all(rows.map(([id, over]) => store.insertTransfer(transfer(id, over))));
        const ids = async (limit: number, offset: number) =>
          (await store.listAccountTransfers('acc', {}, limit, offset)).map((t) => t.id);
        expect(await ids(50, 0)).toEqual(['l4', 'l2', 'l3', 'l1']);
        expect(await ids(2, 1)).toEqual(['l2', 'l3']);
        expect(await ids(50, 4)).toEqual([]);
        expect(await store.listAccountTransfers('nobody', {}, 50, 0)).toEqual([]);
        expect([await store.countAccountTransfers('acc', {}), await store.countAccountTransfers('nobody', {})]).toEqual(
          [4, 0],
        );
      });

      it("filters an account's transfers by creation time (bounds inclusive) and state, and counts them", async () => {
        const rows: [string, Partial<Transfer>][] = [
          ['f1', { payer: 'acc', payee: 'x', createdAtMs: 10, state: 'POSTED' }],
          ['f2', { payer: 'y', payee: 'acc', createdAtMs: 20, state: 'FAILED' }],
          ['f3', { payer: 'acc', payee: 'z', createdAtMs: 30, state: 'POSTED' }],
          ['f4', { payer: 'y', payee: 'acc', createdAtMs: 40, state: 'PENDING' }],
          ['f5', { payer: 'y', payee: 'acc', createdAtMs: 50, state: 'POSTED' }],
          ['f6', { payer: 'y', payee: 'other', createdAtMs: 30, state: 'POSTED' }],
        ];
        await Promise.all(rows.map(([id, over]) => store.insertTransfer(transfer(id, over))));
        const page = async (filter: TransferFilter, limit = 50, offset = 0) => [
          (await store.listAccountTransfers('acc', filter, limit, offset)).map((t) => t.id),
          await store.countAccountTransfers('acc', filter),
        ];
        expect(await page({ fromMs: 20, toMs: 40 })).toEqual([['f4', 'f3', 'f2'], 3]);
        expect(await page({ fromMs: 30 })).toEqual([['f5', 'f4', 'f3'], 3]);
        expect(await page({ toMs: 20 })).toEqual([['f2', 'f1'], 2]);
        expect(await page({ fromMs: 30, toMs: 30 })).toEqual([['f3'], 1]);
        expect(await page({ state: 'POSTED' })).toEqual([['f5', 'f3', 'f1'], 3]);
        expect(await page({ state: 'POSTED', toMs: 49 })).toEqual([['f3', 'f1'], 2]);
        expect(await page({ state: 'DECLINED' })).toEqual([[], 0]);
        // The count is the filter's, whatever the page.
        expect(await page({ state: 'POSTED' }, 1, 1)).toEqual([['f3'], 3]);
        expect(await page({ fromMs: 20 }, 2, 3)).toEqual([['f2'], 4]);
        expect(await page({ fromMs: 51 })).toEqual([[], 0]);
      });

      it('admits one of 200 concurrent transfers on one idempotency key; all 200 callers see the winner', async () => {
        const inserts = await Promise.all(
          Array.from({ length: 200 }, (_, i) => store.insertTransfer(transfer(`u${i}`, { idempotencyKey: 'one-key' }))),
        );
        expect(inserts.filter((r) => r.created)).toHaveLength(1);
        const winner = inserts.find((r) => r.created)!.transfer;
        expect(inserts.every((r) => r.transfer.id === winner.id)).toBe(true);
        expect(await store.findTransfer('a', 'one-key')).toEqual(winner);
      });

      it('keeps one transfer per (payer, idempotencyKey), also under concurrent inserts', async () => {
        const first = transfer('t1');
        expect(await store.insertTransfer(first)).toEqual({ created: true, transfer: first });
        expect(await store.insertTransfer(transfer('t2', { idempotencyKey: 'key-t1' }))).toEqual({
          created: false,
          transfer: first,
        });
        expect((await store.insertTransfer(transfer('t3', { idempotencyKey: 'key-t1', payer: 'other' }))).created).toBe(
          true,
        );
        const inserts = await Promise.all(
          Array.from({ length: 10 }, (_, i) => store.insertTransfer(transfer(`r${i}`, { idempotencyKey: 'race' }))),
        );
        expect(inserts.filter((r) => r.created)).toHaveLength(1);
        expect(new Set(inserts.map((r) => r.transfer.id)).size).toBe(1);
        expect(await store.getTransfer('t1')).toEqual(first);
        expect(await store.getTransfer('none')).toBeNull();
        expect(await store.findTransfer(first.payer, 'key-t1')).toEqual(first);
        expect(await store.findTransfer('other', 'key-t1')).toMatchObject({ id: 't3' });
        expect(await store.findTransfer(first.payer, 'unknown')).toBeNull();
      });

      it('lets one completion at a time claim a pending transfer until its hold ends or it gives it back', async () => {
        await store.insertTransfer(transfer('t1'));
        const claims = await Promise.all(Array.from({ length: 6 }, () => store.claimRecovery('t1', 1_000, 2_000)));
        expect(claims.filter(Boolean)).toHaveLength(1);
        expect(await store.claimRecovery('t1', 1_999, 3_000)).toBe(false);
        // Only the holder's own claim is given back.
        await store.releaseRecovery('t1', 1_500);
        expect(await store.claimRecovery('t1', 1_100, 3_000)).toBe(false);
        await store.releaseRecovery('t1', 2_000);
        expect(await store.claimRecovery('t1', 1_100, 1_900)).toBe(true);
        expect(await store.claimRecovery('t1', 2_000, 3_000)).toBe(true);
        expect(await store.finishTransfer('t1', 'FAILED', 'X', 'signed')).toBe(true);
        expect(await store.claimRecovery('t1', 9_000, 10_000)).toBe(false);
        expect(await store.claimRecovery('none', 0, 1)).toBe(false);
        expect(await store.getTransfer('none')).toBeNull();
        expect(await store.listPending()).toEqual([]);
        // A claim can record risk's answer in the same write.
        await store.insertTransfer(transfer('t2'));
        const risk = { decision: 'APPROVE' as const, ruleIds: ['r'], reason: 'ok' };
        expect(await store.claimRecovery('t2', 1_000, 2_000, risk)).toBe(true);
        expect(await store.getTransfer('t2')).toMatchObject({ state: 'PENDING', risk });
      });

      it('records the outcome decided by the claim holder once, read back by recovery', async () => {
        await store.insertTransfer(transfer('t1'));
        expect(await store.claimRecovery('t1', 1_000, 2_000)).toBe(true);
        const decided = { state: 'FAILED' as const, code: 'LEDGER_INSUFFICIENT_FUNDS' };
        // Only the holder of the claim, once, while PENDING.
        expect(await store.decideTransfer('t1', 1_999, decided)).toBe(false);
        const racing = await Promise.all(
          Array.from({ length: 4 }, (_, i) =>
            store.decideTransfer('t1', 2_000, i ? { state: 'DECLINED', code: 'RISK_DECLINED' } : decided),
          ),
        );
        expect(racing.filter(Boolean)).toHaveLength(1);
        const stands = (await store.getTransfer('t1'))!.decided;
        expect(await store.decideTransfer('t1', 2_000, decided)).toBe(false);
        expect((await store.listPending()).map((t) => [t.id, t.decided])).toEqual([['t1', stands]]);
        // Once given back, only a completion that reads the outcome (recovery: `any`) takes it up again.
        await store.releaseRecovery('t1', 2_000);
        expect(await store.claimRecovery('t1', 2_100, 3_000)).toBe(false);
        expect(await store.claimRecovery('t1', 2_100, 3_000, undefined, 'any')).toBe(true);
        expect(await store.finishTransfer('t1', stands!.state, stands!.code, 'signed')).toBe(true);
        expect(await store.decideTransfer('t1', 3_000, decided)).toBe(false);
        expect(await store.decideTransfer('none', 2_000, decided)).toBe(false);
        // A transfer with a decided outcome does not pass its step-up.
        await store.insertTransfer(transfer('t2'));
        const stepUp = { challenge: 'c2', expiresAtMs: 9_000, interim: 'interim' };
        expect(await store.setStepUp('t2', stepUp)).toBe(true);
        expect(await store.claimRecovery('t2', 1_000, 2_000)).toBe(true);
        expect(await store.decideTransfer('t2', 2_000, { state: 'DECLINED', code: 'STEP_UP_EXPIRED' })).toBe(true);
        const risk = { decision: 'APPROVE' as const, ruleIds: ['r'], reason: 'ok' };
        expect(await store.passStepUp('t2', 'c2', risk)).toBe(false);
      });

      it('moves a transfer PENDING -> final once, and lists only the pending ones', async () => {
        await store.insertTransfer(transfer('t1'));
        await store.insertTransfer(transfer('t2'));
        const risk = { decision: 'APPROVE', ruleIds: ['r1'], reason: 'ok' };
        await store.setRisk('t1', risk);
        expect(await store.finishTransfer('t1', 'POSTED', null, 'signed-1')).toBe(true);
        expect(await store.finishTransfer('t1', 'FAILED', 'X', 'signed-2')).toBe(false);
        await store.setRisk('t1', { decision: 'DECLINE', ruleIds: [], reason: 'late' });
        expect(await store.getTransfer('t1')).toMatchObject({ state: 'POSTED', code: null, result: 'signed-1', risk });
        expect((await store.listPending()).map((t) => t.id)).toEqual(['t2']);
      });

      it('holds a pending transfer for one step-up and consumes it with the matching challenge', async () => {
        await store.insertTransfer(transfer('t1'));
        const stepUp = { challenge: 'ch-1', expiresAtMs: 5, interim: 'interim-jws' };
        expect(await store.setStepUp('t1', stepUp)).toBe(true);
        expect(await store.setStepUp('t1', { ...stepUp, challenge: 'ch-2' })).toBe(false);
        expect((await store.getTransfer('t1'))?.stepUp).toEqual(stepUp);
        const risk = { decision: 'APPROVE', ruleIds: [], reason: 'stepped up' };
        expect(await store.passStepUp('t1', 'wrong', risk)).toBe(false);
        expect(await store.passStepUp('t1', 'ch-1', risk)).toBe(true);
        expect(await store.passStepUp('t1', 'ch-1', risk)).toBe(false);
        expect(await store.getTransfer('t1')).toMatchObject({ stepUp: null, risk });
      });

      it('reserves returns of a posted transfer up to its amount; each return gives back its own once', async () => {
        await store.insertTransfer(transfer('t1', { amount: 100 }));
        expect(await store.reserveReturn('t1', 10, 'r0')).toBe(false);
        await store.finishTransfer('t1', 'POSTED', null, 'r');
        for (const r of ['r1', 'r2', 'r3']) expect(await store.reserveReturn('t1', 30, r)).toBe(true);
        expect(await store.reserveReturn('t1', 30, 'r4')).toBe(false);
        expect(await store.reserveReturn('t1', 11, 'r4')).toBe(false);
        // Given back by its return only, and once: a return that reserved nothing gives nothing back.
        await Promise.all([1, 2, 3].map(() => store.releaseReturn('t1', 30, 'r2')));
        await store.releaseReturn('t1', 30, 'r0');
        expect((await store.getTransfer('t1'))?.returned).toBe(60);
        expect(await store.reserveReturn('t1', 30, 'r1')).toBe(false);
        expect(await store.reserveReturn('t1', 30, 'r5')).toBe(true);
        expect((await store.getTransfer('t1'))?.returned).toBe(90);
        expect(await store.reserveReturn('none', 1, 'r6')).toBe(false);
      });
    });

    describe('RequestStore', () => {
      it('keeps one payment request per (integrator, correlation id), claimed by one transfer', async () => {
        const r = request('q1');
        expect(await store.insertRequest(r)).toEqual({ created: true, request: r });
        expect(await store.insertRequest(request('q2', { correlationId: 'c-q1' }))).toEqual({
          created: false,
          request: r,
        });
        await store.insertRequest(request('q3', { payer: 'z' }));
        // A cash-out's record has the customer as payer but is not a request the phone may pay.
        await store.insertRequest(request('w1', { correlationId: 'c-w1', type: 'withdrawal' }));
        expect((await store.listOpenRequests('a')).map((x) => x.id)).toEqual(['q1']);
        expect(await store.claimRequest('q1', 't1')).toBe(true);
        expect(await store.claimRequest('q1', 't2')).toBe(false);
        const winner = 't1';
        expect(await store.listOpenRequests('a')).toEqual([]);
        await store.finishRequest('q1', 'not-the-claimer', 'FAILED');
        expect((await store.getRequest('q1'))?.state).toBe('PENDING');
        await store.finishRequest('q1', winner, 'COMPLETED');
        expect(await store.getRequest('q1')).toMatchObject({ state: 'COMPLETED', transactionId: winner });
        expect(await store.getRequest('none')).toBeNull();
      });

      it('claims a request only while it has not expired, when asked to, in the claim itself', async () => {
        await store.insertRequest(request('e1', { expiresAtMs: 1_000 }));
        expect(await store.claimRequest('e1', 't-late', 1_001)).toBe(false);
        expect(await store.getRequest('e1')).toMatchObject({ state: 'PENDING', transactionId: null });
        expect((await store.listOpenRequests('a')).map((x) => x.id)).toContain('e1');
        expect(await store.claimRequest('e1', 't-due', 1_000)).toBe(true);
        expect(await store.getRequest('e1')).toMatchObject({ state: 'PENDING', transactionId: 't-due' });

        await store.insertRequest(request('e2', { correlationId: 'c-e2', expiresAtMs: 1_000 }));
        expect(await store.claimRequest('e2', 't-move')).toBe(true); // no expiry asked: a move's own record
      });

      it('finds a request by (integrator, correlation id) and no other', async () => {
        await store.insertRequest(
          request('f1', { extras: { subType: 'online', metadata: [{ key: 'k', value: 'v' }] } }),
        );
        expect(await store.findRequest('shop', 'c-f1')).toMatchObject({
          id: 'f1',
          extras: { subType: 'online', metadata: [{ key: 'k', value: 'v' }] },
        });
        expect(await store.findRequest('other-shop', 'c-f1')).toBeNull();
        expect(await store.findRequest('shop', 'c-none')).toBeNull();
      });

      it("keeps a request's callback URL, and none for a request without one", async () => {
        const url = 'https://shop.example/dfs/orders/42?x=1';
        await store.insertRequest(request('u1', { callbackUrl: url }));
        await store.insertRequest(request('u2'));
        expect((await store.getRequest('u1'))?.callbackUrl).toBe(url);
        expect((await store.findRequest('shop', 'c-u1'))?.callbackUrl).toBe(url);
        expect((await store.getRequest('u2'))?.callbackUrl).toBeUndefined();
      });
    });

    describe('TransferStore and RequestStore together', () => {
      it('lets one of several concurrent claims win, for returns and payment requests', async () => {
        await store.insertTransfer(transfer('t1', { amount: 100 }));
        await store.finishTransfer('t1', 'POSTED', null, 'r');
        const returns = await Promise.all(Array.from({ length: 6 }, (_, i) => store.reserveReturn('t1', 30, `r${i}`)));
        expect(returns.filter(Boolean)).toHaveLength(3);
        await store.insertRequest(request('q1'));
        const claims = await Promise.all(['t1', 't2', 't3', 't4'].map((t) => store.claimRequest('q1', t)));
        expect(claims.filter(Boolean)).toHaveLength(1);
        await store.insertTransfer(transfer('t2'));
        const finishes = await Promise.all(['x', 'y', 'z'].map((r) => store.finishTransfer('t2', 'POSTED', null, r)));
        expect(finishes.filter(Boolean)).toHaveLength(1);
      });
    });

    describe('JournalStore', () => {
      it('appends one hash-chained journal entry per transfer, contiguous under concurrency', async () => {
        const first = await store.appendJournal('t0', (prev) => chainEntry(prev, body('t0')));
        expect(first.seq).toBe(1);
        expect(await store.appendJournal('t0', (prev) => chainEntry(prev, body('t0')))).toEqual(first);
        await Promise.all(
          Array.from({ length: 15 }, (_, i) =>
            store.appendJournal(`t${i + 1}`, (prev) => chainEntry(prev, body(`t${i + 1}`))),
          ),
        );
        await Promise.all(
          Array.from({ length: 5 }, () => store.appendJournal('t3', (prev) => chainEntry(prev, body('t3')))),
        );
        const journal = await store.readJournal();
        expect(journal.map((e) => e.seq)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
        expect(new Set(journal.map((e) => e.transferId)).size).toBe(16);
        expect(verifyJournal(journal)).toBeNull();
      });

      it('reads the journal in pages after a seq and reports its length, as the background audit does', async () => {
        expect([await store.journalLength(), await store.readJournal(0, 10)]).toEqual([0, []]);
        for (let i = 1; i <= 7; i++) await store.appendJournal(`t${i}`, (prev) => chainEntry(prev, body(`t${i}`)));
        expect(await store.journalLength()).toBe(7);
        expect((await store.readJournal(2, 3)).map((e) => e.seq)).toEqual([3, 4, 5]);
        expect((await store.readJournal(5, 250)).map((e) => e.seq)).toEqual([6, 7]);
        expect(await store.readJournal(7, 250)).toEqual([]);
        const all = await store.readJournal();
        expect([(await store.readJournal(0, 4)).concat(await store.readJournal(4, 4)), verifyJournal(all)]).toEqual([
          all,
          null,
        ]);
      });

      it('keeps the checkpoint of the highest seq, also when writers race', async () => {
        expect(await store.getCheckpoint()).toBeNull();
        await store.putCheckpoint(3, 'jws-3');
        await store.putCheckpoint(2, 'jws-2');
        await store.putCheckpoint(3, 'jws-3-again');
        expect(await store.getCheckpoint()).toBe('jws-3');
        await Promise.all(Array.from({ length: 20 }, (_, i) => store.putCheckpoint(40 - i, `jws-${40 - i}`)));
        expect(await store.getCheckpoint()).toBe('jws-40');
      });
    });

    describe('CallbackStore', () => {
      const delivery = (id: string, nextAtMs: number): CallbackDelivery => ({
        id,
        integratorId: 'dev',
        requestId: `req-${id}`,
        transactionId: `tx-${id}`,
        url: `https://shop.example/dfs/${id}`,
        correlationId: `corr-${id}`,
        body: `{"signed":"${id}"}`,
        state: 'PENDING',
        attempts: 0,
        nextAtMs,
        giveUpAtMs: 10_000,
      });

      it('stores a delivery once per event id and lists the due ones, earliest first', async () => {
        expect(await store.addCallback(delivery('cb-2', 200))).toBe(true);
        expect(await store.addCallback(delivery('cb-1', 100))).toBe(true);
        expect(await store.addCallback(delivery('cb-3', 900))).toBe(true);
        expect(await store.addCallback({ ...delivery('cb-1', 50), attempts: 7 })).toBe(false);
        expect((await store.dueCallbacks(500, 10)).map((c) => c.id)).toEqual(['cb-1', 'cb-2']);
        expect(await store.dueCallbacks(500, 1)).toEqual([delivery('cb-1', 100)]);
        expect(await store.getCallback('cb-1')).toEqual(delivery('cb-1', 100));
        expect(await store.getCallback('cb-none')).toBeNull();
      });

      it('lets exactly one of 20 concurrent claims take an attempt; settling moves it on', async () => {
        await store.addCallback(delivery('cb-race', 100));
        const claims = await Promise.all(Array.from({ length: 20 }, () => store.claimCallback('cb-race', 100, 700)));
        expect(claims.filter(Boolean)).toHaveLength(1);
        expect(await store.dueCallbacks(500, 10)).toEqual([]);
        expect((await store.dueCallbacks(700, 10)).map((c) => c.id)).toEqual(['cb-race']);
        expect(await store.settleCallback('cb-race', 700, { state: 'PENDING', attempts: 1, nextAtMs: 800 })).toBe(true);
        expect(await store.claimCallback('cb-race', 700, 900)).toBe(false);
        expect(await store.claimCallback('cb-race', 800, 900)).toBe(true);
        expect(await store.settleCallback('cb-race', 900, { state: 'DELIVERED', attempts: 2, nextAtMs: 800 })).toBe(
          true,
        );
        expect(await store.dueCallbacks(5_000, 10)).toEqual([]);
        expect(await store.claimCallback('cb-race', 800, 900)).toBe(false);
        expect(await store.getCallback('cb-race')).toMatchObject({ state: 'DELIVERED', attempts: 2 });
      });

      it('keeps a delivery stored without its body until a settle under its claim gives it one', async () => {
        expect(await store.addCallback({ ...delivery('cb-later', 100), body: null })).toBe(true);
        expect(await store.getCallback('cb-later')).toMatchObject({ body: null });
        expect(await store.claimCallback('cb-later', 100, 700)).toBe(true);
        const next = { state: 'PENDING' as const, attempts: 0, nextAtMs: 700 };
        expect(await store.settleCallback('cb-later', 700, { ...next, body: '{"signed":"x"}' })).toBe(true);
        expect(await store.getCallback('cb-later')).toEqual({ ...delivery('cb-later', 700), body: '{"signed":"x"}' });
      });

      it("a settle whose claim another attempt took since changes nothing (the other's DELIVERED stands)", async () => {
        await store.addCallback(delivery('cb-late', 100));
        expect(await store.claimCallback('cb-late', 100, 700)).toBe(true); // A claims until 700, then stalls
        expect(await store.claimCallback('cb-late', 700, 1_500)).toBe(true); // B takes it over at 700
        expect(await store.settleCallback('cb-late', 1_500, { state: 'DELIVERED', attempts: 1, nextAtMs: 800 })).toBe(
          true,
        );
        const late = { state: 'PENDING' as const, attempts: 1, nextAtMs: 900 };
        expect(await store.settleCallback('cb-late', 700, late)).toBe(false);
        expect(await store.settleCallback('cb-late', 700, { ...late, state: 'EXPIRED' })).toBe(false);
        expect(await store.getCallback('cb-late')).toEqual({
          ...delivery('cb-late', 800),
          state: 'DELIVERED',
          attempts: 1,
        });
        expect(await store.dueCallbacks(5_000, 10)).toEqual([]);
      });

      it('a settle on a claim that lapsed and was taken again while PENDING changes nothing', async () => {
        await store.addCallback(delivery('cb-lapse', 100));
        expect(await store.claimCallback('cb-lapse', 100, 700)).toBe(true);
        expect(await store.claimCallback('cb-lapse', 700, 1_500)).toBe(true);
        expect(await store.settleCallback('cb-lapse', 700, { state: 'PENDING', attempts: 1, nextAtMs: 200 })).toBe(
          false,
        );
        expect(await store.getCallback('cb-lapse')).toEqual(delivery('cb-lapse', 1_500));
      });
    });

    describe('AuthCodeStore', () => {
      const match = { payer: 'a', amount: 500, currency: 'KES' };

      it('one code per (payer, orderId) and per id: a resent order gets the first, a taken id is null', async () => {
        expect((await store.insertAuthCode(authCode('k1'))).created).toBe(true);
        const resent = await store.insertAuthCode(authCode('k2', { orderId: 'order-k1' }));
        expect([resent.created, resent.code?.id, resent.code?.result]).toEqual([false, 'k1', 'signed-k1']);
        expect(await store.insertAuthCode(authCode('k1', { orderId: 'order-other' }))).toEqual({
          created: false,
          code: null,
        });
        expect((await store.insertAuthCode(authCode('k3', { payer: 'b', orderId: 'order-k1' }))).created).toBe(true);
      });

      it('redeems a matching, active, unexpired code charged with the try; its redeemer gets it again', async () => {
        await store.insertAuthCode(authCode('k1'));
        expect(await store.redeemAuthCode('k1', match, 'shop:1', 't1', 10)).toBeNull();
        expect(await store.chargeAuthCodeTry('a', 't1', 5)).toBe(true);
        for (const wrong of [
          { ...match, payer: 'b' },
          { ...match, amount: 499 },
          { ...match, currency: 'UGX' },
        ])
          expect(await store.redeemAuthCode('k1', wrong, 'shop:1', 't1', 10)).toBeNull();
        expect(await store.redeemAuthCode('k1', match, 'shop:1', 't1', 1_000)).toBeNull();
        expect(await store.redeemAuthCode('nope', match, 'shop:1', 't1', 10)).toBeNull();
        expect(await store.redeemAuthCode('k1', match, 'shop:1', 't1', 10)).toMatchObject({
          state: 'REDEEMED',
          redeemedBy: 'shop:1',
          deviceId: 'd1',
        });
        expect((await store.redeemAuthCode('k1', match, 'shop:1', 't2', 20))?.id).toBe('k1');
        expect(await store.redeemAuthCode('k1', match, 'shop:2', 't1', 20)).toBeNull();
      });

      it('charges tries to the active codes of that payer only, at most five each, even 40 at once', async () => {
        await store.insertAuthCode(authCode('k1'));
        await store.insertAuthCode(authCode('k2', { payer: 'b' }));
        const tries = Array.from({ length: 40 }, (_, i) => `t${i}`);
        const charged = await Promise.all(tries.map((t) => store.chargeAuthCodeTry('a', t, 5)));
        expect(charged.filter(Boolean)).toHaveLength(5);
        const chargedTries = tries.filter((_, i) => charged[i]);
        const unchargedTry = tries.find((_, i) => !charged[i])!;
        // A try that was not charged is never tested, even with the right code.
        expect(await store.redeemAuthCode('k1', match, 'shop:1', unchargedTry, 10)).toBeNull();
        expect(await store.chargeAuthCodeTry('b', 'tb', 5)).toBe(true);
        expect(await store.redeemAuthCode('k2', { ...match, payer: 'b' }, 'shop:1', 'tb', 10)).not.toBeNull();
        // A try given back frees its place on the payer's codes: the next try is charged and can redeem.
        await store.refundAuthCodeTry('a', chargedTries[0]!);
        expect(await store.chargeAuthCodeTry('a', 'last', 5)).toBe(true);
        expect(await store.chargeAuthCodeTry('a', 'one-more', 5)).toBe(false);
        expect(await store.redeemAuthCode('k1', match, 'shop:1', 'last', 10)).not.toBeNull();
      });

      it('50 concurrent redeemers of one code, each with a charged try: exactly one wins', async () => {
        await store.insertAuthCode(authCode('k1'));
        const won = await Promise.all(
          Array.from({ length: 50 }, async (_, i) => {
            await store.chargeAuthCodeTry('a', `t${i}`, 50);
            return store.redeemAuthCode('k1', match, `shop:${i}`, `t${i}`, 10);
          }),
        );
        expect(won.filter(Boolean)).toHaveLength(1);
      });
    });

    describe('NumberStore', () => {
      it('one binding per number: a later one replaces it; an unknown number is null', async () => {
        const b = { msisdn: '+254712345678', accountId: 'w1', deviceId: 'd1', imsiHash: 'h'.repeat(43), atMs: 1 };
        expect(await store.getNumber(b.msisdn)).toBeNull();
        await store.bindNumber(b);
        expect(await store.getNumber(b.msisdn)).toEqual(b);
        await store.bindNumber({ ...b, accountId: 'w2', deviceId: 'd2', atMs: 2 });
        expect(await store.getNumber(b.msisdn)).toEqual({ ...b, accountId: 'w2', deviceId: 'd2', atMs: 2 });
        expect(await store.getNumber('+254700000000')).toBeNull();
      });

      it('a delayed older binding does not overwrite a newer one, even when both are written at once', async () => {
        const b = { msisdn: '+254712345679', accountId: 'w1', deviceId: 'd1', imsiHash: 'h'.repeat(43), atMs: 10 };
        const newer = { ...b, accountId: 'w2', deviceId: 'd2', atMs: 20 };
        await store.bindNumber(newer);
        await store.bindNumber(b);
        expect(await store.getNumber(b.msisdn)).toEqual(newer);
        const m = '+254712345670';
        await Promise.all(
          Array.from({ length: 10 }, (_, i) => store.bindNumber({ ...b, msisdn: m, deviceId: `d${i}`, atMs: i })),
        );
        expect(await store.getNumber(m)).toMatchObject({ deviceId: 'd9', atMs: 9 });
      });
    });

    describe('OutboxStore', () => {
      it("counts the outbox backlog and keeps each event's trace headers", async () => {
        const traced = {
          ...event('h1'),
          headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
        };
        expect(await store.outboxBacklog()).toBe(0);
        await store.addOutbox([traced, event('h2'), event('h3')]);
        expect(await store.outboxBacklog()).toBe(3);
        expect(await store.pendingOutbox(10)).toEqual([traced, event('h2'), event('h3')]);
        await store.markSent(['h1', 'h2']);
        expect(await store.outboxBacklog()).toBe(1);
      });

      it('keeps the outbox in insertion order until marked sent, ignoring a re-added id', async () => {
        await store.addOutbox([event('e1'), event('e2')]);
        await store.addOutbox([event('e3')]);
        await store.addOutbox([event('e1')]);
        await store.addOutbox([]);
        expect(await store.pendingOutbox(2)).toEqual([event('e1'), event('e2')]);
        await store.markSent(['e1', 'e2']);
        await store.markSent([]);
        expect(await store.pendingOutbox(10)).toEqual([event('e3')]);
      });

      it('allows a caller a burst, then its rate, and never saves more than a burst while idle', async () => {
        const a = rateAllowance(2, 3);
        const takes = async (n: number, at: number) =>
          (await Promise.all(Array.from({ length: n }, () => store.takeRate('k', at, a)))).filter(Boolean).length;
        expect(await takes(4, 1_000)).toBe(3);
        expect(await store.takeRate('k', 1_499, a)).toBe(false);
        expect(await store.takeRate('other', 1_499, a)).toBe(true);
        expect(await store.takeRate('k', 1_500, a)).toBe(true);
        expect(await store.takeRate('k', 1_500, a)).toBe(false);
        expect(await takes(5, 100_000)).toBe(3);
      });

      it('allows exactly a burst of 10 out of 40 concurrent requests', async () => {
        const a = rateAllowance(1, 10);
        const taken = await Promise.all(Array.from({ length: 40 }, () => store.takeRate('burst', 5_000, a)));
        expect(taken.filter(Boolean)).toHaveLength(10);
      });

      it('lets one relay hold the lease at a time: the holder renews it, another takes it once expired', async () => {
        expect(await store.leaseRelay('relay-a', 1_000, 3_000)).toBe(true);
        expect(await store.leaseRelay('relay-b', 2_000, 4_000)).toBe(false);
        expect(await store.leaseRelay('relay-a', 2_500, 4_500)).toBe(true);
        expect(await store.leaseRelay('relay-b', 4_000, 6_000)).toBe(false);
        const racers = await Promise.all(
          Array.from({ length: 20 }, (_, i) => store.leaseRelay(`relay-${i + 10}`, 5_000, 7_000)),
        );
        expect(racers.filter(Boolean)).toHaveLength(1);
        expect(await store.leaseRelay('relay-a', 5_000, 7_000)).toBe(false);
      });
    });
  });
}

describeLedgerStoreContract('memory', async () => memoryLedgerStore());

const caps = await mongoCaps();
describeWithServer('MONGODB_URI', `mongo (mongoose) on ${caps.server}`, (uri) => {
  const dbs: string[] = [];
  afterAll(() => dropDatabases(uri, dbs));
  describeLedgerStoreContract('mongo', async () => {
    const dbName = uniqueName('contract_ledger');
    dbs.push(dbName);
    return mongoLedgerStore({ uri, dbName });
  });
});

describeWithServer('MONGODB_URI', 'two ledger stores on one database (two replicas)', (uri) => {
  const dbName = uniqueName('contract_ledger_replicas');
  afterAll(() => dropDatabases(uri, [dbName]));

  it('share an integrator allowance: a burst across both is allowed exactly as far as the limit', async () => {
    const [one, two] = await Promise.all([mongoLedgerStore({ uri, dbName }), mongoLedgerStore({ uri, dbName })]);
    try {
      const a = rateAllowance(1, 10);
      const taken = await Promise.all(
        Array.from({ length: 40 }, (_, i) => (i % 2 ? one : two).takeRate('shop-a', 5_000, a)),
      );
      expect(taken.filter(Boolean)).toHaveLength(10);
      expect(await one.takeRate('shop-a', 6_000, a)).toBe(true);
      expect(await two.takeRate('shop-a', 6_000, a)).toBe(false);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });
});
