/** Latency samples in milliseconds with the percentiles a load report needs. */
export class Latencies {
  readonly samples: number[] = [];

  add(ms: number): void {
    this.samples.push(ms);
  }

  /** The q-quantile (0..1) by nearest rank; 0 when empty. */
  quantile(q: number, from = 0): number {
    const s = this.samples.slice(from).sort((a, b) => a - b);
    if (s.length === 0) return 0;
    return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
  }

  summary(): { p50: number; p95: number; p99: number; max: number } {
    const r = (v: number) => Math.round(v * 100) / 100;
    return {
      p50: r(this.quantile(0.5)),
      p95: r(this.quantile(0.95)),
      p99: r(this.quantile(0.99)),
      max: r(this.quantile(1)),
    };
  }
}

/** Counts per whole second since a start time: throughput over time for the report. */
export class PerSecond {
  readonly buckets: number[] = [];

  constructor(private readonly startMs: number) {}

  /** The whole second since the start that a time falls in. */
  indexOf(atMs: number): number {
    return Math.max(0, Math.floor((atMs - this.startMs) / 1000));
  }

  tick(atMs: number): void {
    const i = this.indexOf(atMs);
    while (this.buckets.length <= i) this.buckets.push(0);
    this.buckets[i]! += 1;
  }
}

/**
 * One second of a load run: payments offered (sent) and achieved (posted) in it, the
 * latency percentiles (ms) of the payments that ended in it, their error codes, and the payments in
 * flight when the second was reported.
 */
export interface SecondSample {
  second: number;
  offeredPerSec: number;
  achievedPerSec: number;
  /** Null when no payment ended in that second. */
  latencyMs: { p50: number; p95: number; p99: number } | null;
  errors: Record<string, number>;
  inFlight: number;
}

/** Per-second series of a run: offered, achieved, latency and errors, each bucketed by when it happened. */
export class Timeline {
  readonly offered: PerSecond;
  readonly achieved: PerSecond;
  readonly #latency = new Map<number, Latencies>();
  readonly #errors = new Map<number, Record<string, number>>();

  constructor(startMs: number) {
    this.offered = new PerSecond(startMs);
    this.achieved = new PerSecond(startMs);
  }

  /** A payment ended at `atMs` after `ms`. */
  latency(atMs: number, ms: number): void {
    const i = this.offered.indexOf(atMs);
    if (!this.#latency.has(i)) this.#latency.set(i, new Latencies());
    this.#latency.get(i)!.add(ms);
  }

  /** A payment ended at `atMs` with a stable error code. */
  error(atMs: number, code: string): void {
    const i = this.offered.indexOf(atMs);
    const counts = this.#errors.get(i) ?? {};
    counts[code] = (counts[code] ?? 0) + 1;
    this.#errors.set(i, counts);
  }

  /** The whole second a time falls in. */
  secondOf(atMs: number): number {
    return this.offered.indexOf(atMs);
  }

  /** How many seconds saw anything happen: one past the last second with a start, an end or an error. */
  activeSeconds(): number {
    return Math.max(
      this.offered.buckets.length,
      this.achieved.buckets.length,
      ...[...this.#latency.keys(), ...this.#errors.keys()].map((i) => i + 1),
    );
  }

  /** The sample of second `i`, with the in-flight count observed by the caller. */
  sample(i: number, inFlight: number): SecondSample {
    const lat = this.#latency.get(i);
    const q = (p: number) => Math.round(lat!.quantile(p) * 100) / 100;
    return {
      second: i,
      offeredPerSec: this.offered.buckets[i] ?? 0,
      achievedPerSec: this.achieved.buckets[i] ?? 0,
      latencyMs: lat ? { p50: q(0.5), p95: q(0.95), p99: q(0.99) } : null,
      errors: { ...(this.#errors.get(i) ?? {}) },
      inFlight,
    };
  }
}
