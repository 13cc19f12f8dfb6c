import { randomInt, randomUUID } from 'node:crypto';
import { errorCodeOf } from '../../kit/src/grpc-client.js';
import { backoffMs } from '../../device-sim/src/daemon/payment-daemon.js';
import type { Phone } from '../../device-sim/src/phone.js';
import type { World } from '../world.js';
import { workCounts, workPer, type WorkCounts } from '../../kit/src/work.js';
import { checkInvariants, type Invariants, type SeenPayment } from './invariants.js';
import { readLedger } from './ledger-view.js';
import { settleUnknown } from './settle.js';
import { Latencies, Timeline, type SecondSample } from './stats.js';

export interface LoadOptions {
  devices: number;
  merchants: number;
  /** Open loop: payments started per second, whatever the latency. */
  rate?: number;
  /** Closed loop: payments in flight at once, each started when the previous ends. */
  concurrency?: number;
  durationSec: number;
  fundMinor: number;
  currency: string;
  progress: (line: string) => void;
  /** CPU time used so far (ms) per process the run can see: the generator, and the embedded stack. */
  cpuMs?: () => Record<string, number>;
  /** The stack's work counters, when the run can read them (the embedded stack it started). */
  stackWork?: () => Promise<WorkCounts | null>;
  /** Receives the run as it happens: each phase, each second once it is over, and the end with the invariants. */
  onEvent?: (e: LoadEvent) => void;
  /** Ends the payment phase early (the ledger is still checked). */
  signal?: AbortSignal;
}

/** What a run reports while it runs: a phase change, one finished second, or the end with the ledger check. */
export type LoadEvent =
  | { kind: 'phase'; phase: 'enrolling' | 'paying' | 'settling' | 'checking'; devices: number }
  | { kind: 'second'; sample: SecondSample }
  | { kind: 'end'; payments: LoadReport['payments']; latencyMs: LoadReport['latencyMs']; invariants: Invariants };

export interface LoadReport {
  devices: number;
  durationSec: number;
  mode: 'open' | 'closed';
  enrollment: { seconds: number; perSec: number; failed: number };
  /** `settledAfterRun`: payments whose outcome the phone learned only by asking after the run. */
  payments: {
    attempted: number;
    posted: number;
    declined: number;
    failed: number;
    refused: number;
    settledAfterRun: number;
    errorCodes: Record<string, number>;
  };
  /**
   * Time from a payment's start to its refusal by admission control. The phones do not wait refusals
   * out here (the tool backs off instead: a refused phone rests for the server's retry hint).
   */
  refusalLatencyMs: { p50: number; p99: number; max: number } | null;
  /**
   * Open loop: payments that found every phone busy or resting and waited for one; their latency
   * includes that wait (more `--devices` removes it).
   */
  waitedForPhone: number;
  throughputPerSec: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  /**
   * CPU per admitted payment (µs: refusals by admission control not counted as payments, their cost
   * included) during the payment phase, per process: comparable across busy machines.
   */
  cpuUsPerPayment: Record<string, number>;
  /**
   * Work per admitted payment (as for the CPU) during the payment phase, as the
   * adapters counted it: the generator (phones) and the stack.
   */
  workPerPayment: { generator: WorkCounts; embeddedStack: WorkCounts | null };
  /** Each second of the payment phase, as it was reported while the run ran. */
  timeline: SecondSample[];
  latencySamplesMs: number[];
  invariants: Invariants;
}

interface Wallet {
  phone: Phone;
  account: string;
  queue: Promise<void>;
  /** Payments given to this phone and not yet finished. */
  pending: number;
  /** A phone refused by admission control is not given another payment before this time. */
  restUntilMs: number;
}

async function enroll(
  world: World,
  opts: LoadOptions,
): Promise<{ wallets: Wallet[]; merchants: string[]; opening: Map<string, number>; failed: number }> {
  const wallets: Wallet[] = [];
  const opening = new Map<string, number>();
  const merchants = Array.from({ length: opts.merchants }, () => world.newId('merchant'));
  for (const m of merchants) {
    await world.openMerchant(m, opts.currency);
    opening.set(m, 0);
  }
  let failed = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < opts.devices) {
        next += 1;
        try {
          const phone = await world.phone('secure');
          const account = world.newId('wallet');
          const e = await phone.daemon.enroll(account);
          await world.openWallet(account, e.deviceId, opts.fundMinor, opts.currency);
          wallets.push({ phone, account, queue: Promise.resolve(), pending: 0, restUntilMs: 0 });
          opening.set(account, opts.fundMinor);
        } catch {
          failed += 1;
        }
        if (wallets.length % 50 === 0) opts.progress(`enrolled ${wallets.length}/${opts.devices}`);
      }
    }),
  );
  return { wallets, merchants, opening, failed };
}

/** Open loop: how many payments are due `elapsedMs` into the run, payment i being scheduled at i / rate seconds. */
export const dueBy = (elapsedMs: number, rate: number): number => Math.floor((elapsedMs / 1000) * rate) + 1;

/**
 * Open loop: picks the next phone that has no payment in progress and is not resting after a
 * refusal, going round the phones so that each is used in turn; null when every phone is taken.
 */
export function freePhones<W extends { pending: number; restUntilMs: number }>(
  wallets: W[],
): (nowMs: number) => W | null {
  let cursor = 0;
  return (nowMs) => {
    for (let n = 0; n < wallets.length; n++) {
      const w = wallets[(cursor + n) % wallets.length]!;
      if (w.pending === 0 && w.restUntilMs <= nowMs) {
        cursor = (cursor + n + 1) % wallets.length;
        return w;
      }
    }
    return null;
  };
}

/**
 * Drives payments from enrolled phones through the real protocol (eSE signatures, mTLS, risk,
 * ledger), measures latency from each payment's scheduled start (open loop, so back-pressure does
 * not hide latency), then checks the ledger from the outside.
 */
export async function runLoad(world: World, opts: LoadOptions): Promise<LoadReport> {
  const emit = opts.onEvent ?? (() => {});
  const t0 = Date.now();
  emit({ kind: 'phase', phase: 'enrolling', devices: opts.devices });
  const { wallets, merchants, opening, failed: enrollFailed } = await enroll(world, opts);
  const enrollSec = (Date.now() - t0) / 1000;
  opts.progress(`enrolled ${wallets.length} phones in ${enrollSec.toFixed(1)} s (${enrollFailed} failed)`);
  if (wallets.length === 0) throw new Error('no phone enrolled');
  emit({ kind: 'phase', phase: 'paying', devices: wallets.length });

  const seen: SeenPayment[] = [];
  const codes: Record<string, number> = {};
  const lat = new Latencies();
  const refusalLat = new Latencies();
  const start = Date.now();
  const timeline = new Timeline(start);
  const seconds: SecondSample[] = [];
  const end = start + opts.durationSec * 1000;
  const paying = () => Date.now() < end && !opts.signal?.aborted;
  let attempted = 0;
  let completed = 0;
  let refusedByAdmission = 0;
  let waitedForPhone = 0;
  const cpuAtStart = opts.cpuMs?.() ?? {};
  const workAtStart = { generator: workCounts(), stack: (await opts.stackWork?.()) ?? null };

  const pay = (w: Wallet, scheduledAt: number): Promise<void> => {
    attempted += 1;
    w.pending += 1;
    timeline.offered.tick(Date.now());
    const payee = merchants[randomInt(merchants.length)]!;
    const minorUnits = 100 + randomInt(4900);
    const idempotencyKey = randomUUID();
    const attempt = async () => {
      try {
        const r = await w.phone.daemon.pay({
          payee,
          amount: { minorUnits: String(minorUnits), currency: opts.currency },
          idempotencyKey,
          overloadRetries: 0,
        });
        seen.push({
          transactionId: r.transactionId,
          payer: w.account,
          payee,
          minorUnits,
          idempotencyKey,
          status: r.status,
        });
        if (r.status === 'POSTED') timeline.achieved.tick(Date.now());
        if (r.code) {
          codes[r.code] = (codes[r.code] ?? 0) + 1;
          timeline.error(Date.now(), r.code);
        }
      } catch (err) {
        const code = errorCodeOf(err);
        codes[code] = (codes[code] ?? 0) + 1;
        timeline.error(Date.now(), code);
        const refused = code === 'OVERLOADED';
        seen.push({
          transactionId: '',
          payer: w.account,
          payee,
          minorUnits,
          idempotencyKey,
          status: refused ? 'REFUSED' : 'ERROR',
        });
        if (refused) {
          refusalLat.add(Date.now() - scheduledAt);
          refusedByAdmission += 1;
          w.restUntilMs = Date.now() + backoffMs(err);
          return;
        }
      }
      const endedAt = Date.now();
      lat.add(endedAt - scheduledAt);
      timeline.latency(endedAt, endedAt - scheduledAt);
    };
    const run = w.queue.then(async () => {
      await attempt().finally(() => {
        completed += 1;
        w.pending -= 1;
      });
      // Closed loop: a refused phone rests before its next payment (the open loop skips resting phones).
      const restMs = w.restUntilMs - Date.now();
      if (opts.concurrency && restMs > 0) await new Promise((r) => setTimeout(r, restMs));
    });
    w.queue = run;
    return run;
  };

  const report = (upTo: number) => {
    for (let i = seconds.length; i < upTo; i++) {
      seconds.push(timeline.sample(i, attempted - completed));
      emit({ kind: 'second', sample: seconds[i]! });
    }
  };
  const ticker = setInterval(() => {
    report(timeline.secondOf(Date.now()));
    const recent = lat.samples.length > 2000 ? lat.samples.length - 2000 : 0;
    const last = timeline.achieved.buckets.at(-2) ?? timeline.achieved.buckets.at(-1) ?? 0;
    opts.progress(
      `${((Date.now() - start) / 1000).toFixed(0)}s sent ${attempted} ` +
        `done ${completed} ${last}/s p99 ${lat.quantile(0.99, recent).toFixed(1)} ms`,
    );
  }, 1000);
  try {
    if (opts.concurrency) {
      await Promise.all(
        Array.from({ length: opts.concurrency }, async (_, i) => {
          for (let k = i; paying(); k += opts.concurrency!) await pay(wallets[k % wallets.length]!, Date.now());
        }),
      );
    } else {
      const rate = opts.rate ?? 50;
      let i = 0;
      const inflight: Promise<void>[] = [];
      const free = freePhones(wallets);
      while (paying()) {
        const due = dueBy(Date.now() - start, rate);
        for (; i < due; i++) {
          const w = free(Date.now());
          if (!w) waitedForPhone += 1;
          inflight.push(pay(w ?? wallets[i % wallets.length]!, start + (i * 1000) / rate));
        }
        await new Promise((r) => setTimeout(r, 2));
      }
      await Promise.all(inflight);
    }
  } finally {
    clearInterval(ticker);
  }
  report(timeline.activeSeconds());
  const elapsed = (Date.now() - start) / 1000;
  const cpuAtEnd = opts.cpuMs?.() ?? {};
  const workAtEnd = { generator: workCounts(), stack: (await opts.stackWork?.()) ?? null };
  const admitted = Math.max(completed - refusedByAdmission, 1);
  const workPerPayment = {
    generator: workPer(workAtEnd.generator, workAtStart.generator, admitted),
    embeddedStack: workAtEnd.stack && workAtStart.stack ? workPer(workAtEnd.stack, workAtStart.stack, admitted) : null,
  };
  const cpuUsPerPayment = Object.fromEntries(
    Object.entries(cpuAtEnd).map(([k, v]) => [k, Math.round(((v - (cpuAtStart[k] ?? 0)) * 1000) / admitted)]),
  );

  const unknown = seen.filter((p) => p.status === 'ERROR').length;
  let settledAfterRun = 0;
  if (unknown) {
    opts.progress(`asking the backend about ${unknown} payments whose outcome the phone never learned...`);
    emit({ kind: 'phase', phase: 'settling', devices: wallets.length });
    const byAccount = new Map(wallets.map((w) => [w.account, w]));
    ({ settled: settledAfterRun } = await settleUnknown(seen, (p) =>
      byAccount.get(p.payer)!.phone.daemon.settle(p.idempotencyKey),
    ));
  }
  opts.progress('checking the ledger...');
  emit({ kind: 'phase', phase: 'checking', devices: wallets.length });
  const ledger = await readLedger(
    world,
    [...opening.keys()],
    seen.filter((p) => p.status === 'POSTED').map((p) => p.transactionId),
    seen.filter((p) => p.status === 'REFUSED'),
  );
  const count = (s: SeenPayment['status']) => seen.filter((p) => p.status === s).length;
  const payments = {
    attempted,
    posted: count('POSTED'),
    declined: count('DECLINED'),
    failed: count('FAILED') + count('ERROR'),
    refused: count('REFUSED'),
    settledAfterRun,
    errorCodes: codes,
  };
  const invariants = checkInvariants(opening, seen, ledger);
  emit({ kind: 'end', payments, latencyMs: lat.summary(), invariants });
  return {
    devices: wallets.length,
    durationSec: opts.durationSec,
    mode: opts.concurrency ? 'closed' : 'open',
    enrollment: {
      seconds: Math.round(enrollSec * 100) / 100,
      perSec: Math.round(wallets.length / enrollSec),
      failed: enrollFailed,
    },
    payments,
    refusalLatencyMs: refusalLat.samples.length
      ? (({ p50, p99, max }) => ({ p50, p99, max }))(refusalLat.summary())
      : null,
    waitedForPhone,
    throughputPerSec: Math.round((count('POSTED') / elapsed) * 10) / 10,
    latencyMs: lat.summary(),
    cpuUsPerPayment,
    workPerPayment,
    timeline: seconds,
    latencySamplesMs: lat.samples,
    invariants,
  };
}
