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

  tick(atMs: number): void {
    const i = Math.max(0, Math.floor((atMs - this.startMs) / 1000));
    while (this.buckets.length <= i) this.buckets.push(0);
    this.buckets[i]! += 1;
  }
}
