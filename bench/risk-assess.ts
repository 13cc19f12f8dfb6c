import { cpus } from 'node:os';
import { assess, type PaymentFacts } from '../services/risk/src/domain/assess.js';
import { decide } from '../services/risk/src/domain/decide.js';
import { DEVICE_TOPIC, PAYMENT_TOPIC } from '../contracts/events.js';
import { emptyDevice, emptyParty, payeeKey, payerKey } from '../services/risk/src/domain/features.js';
import { ingest } from '../services/risk/src/events/consumer.js';
import { loadRules } from '../services/risk/src/rules-file.js';
import { memoryFeatureStore } from '../services/risk/src/store/memory/index.js';

/**
 * Benchmark (not a test): in-process risk assessments per second and per-assessment latency
 * percentiles, as wall time and as the CPU time of this process (the latter is what a decision
 * costs; wall time also holds the time the scheduler gave other processes on a busy machine).
 */
const N = Number(process.env.BENCH_N ?? 100_000);
const WARMUP = 10_000;
const now = Date.UTC(2026, 10, 15, 12);
const rules = loadRules(process.env.RISK_RULES_FILE ?? 'config/risk-rules.json', 0);

async function features() {
  const store = memoryFeatureStore();
  await ingest(store, DEVICE_TOPIC, {
    id: 'att',
    type: 'device.attested',
    key: 'dev-1',
    atMs: now - 30 * 86_400_000,
    data: { deviceId: 'dev-1', tier: 'HIGH', reasons: [], patchLevel: 202610 },
  });
  for (let i = 0; i < 200; i++) {
    await ingest(store, PAYMENT_TOPIC, {
      id: `p${i}`,
      type: 'payment.posted',
      key: 'wallet-1',
      atMs: now - (200 - i) * 600_000,
      data: {
        transactionId: `t${i}`,
        kind: 'payment',
        deviceId: 'dev-1',
        payer: 'wallet-1',
        payee: `merchant-${i % 2}`,
        amount: 500 + (i % 50) * 100,
        currency: 'KES',
      },
    });
  }
  for (let i = 0; i < 5; i++)
    await ingest(store, DEVICE_TOPIC, {
      id: `pin${i}`,
      type: 'device.pin_failed',
      key: 'dev-1',
      atMs: now - i * 60_000,
      data: { deviceId: 'dev-1' },
    });
  return {
    store,
    snapshot: {
      device: (await store.getDevice('dev-1')) ?? emptyDevice('dev-1'),
      payer: (await store.getParty(payerKey('wallet-1'))) ?? emptyParty(payerKey('wallet-1')),
      payee: (await store.getParty(payeeKey('merchant-0'))) ?? emptyParty(payeeKey('merchant-0')),
    },
  };
}

function report(name: string, samples: Float64Array, cpu: Float64Array, totalMs: number): void {
  const q = (xs: Float64Array) => {
    const sorted = [...xs].sort((a, b) => a - b);
    return (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  };
  const wall = q(samples);
  const onCpu = q(cpu);
  const us = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;
  const rate = Math.round((samples.length / totalMs) * 1000)
    .toLocaleString('en')
    .padStart(10);
  console.log(
    `${name.padEnd(46)} ${rate} assessments/s   wall p50 ${us(wall(0.5))} p99 ${us(wall(0.99))} max ${us(wall(1))}` +
      `   CPU p50 ${us(onCpu(0.5))} p99 ${us(onCpu(0.99))}`,
  );
}

async function run(name: string, once: (i: number) => unknown | Promise<unknown>): Promise<void> {
  for (let i = 0; i < WARMUP; i++) await once(i);
  const samples = new Float64Array(N);
  const cpu = new Float64Array(N);
  const start = performance.now();
  for (let i = 0; i < N; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await once(i);
    samples[i] = performance.now() - t0;
    const c = process.cpuUsage(c0);
    cpu[i] = (c.user + c.system) / 1000;
  }
  report(name, samples, cpu, performance.now() - start);
}

const { store, snapshot } = await features();
const facts = (i: number): PaymentFacts => ({
  transactionId: `bench-${i}`,
  deviceId: 'dev-1',
  payer: 'wallet-1',
  payee: 'merchant-0',
  minorUnits: 1_000 + (i % 5_000),
  currency: 'KES',
  tier: 'HIGH',
});
console.log(
  `risk assessment benchmark: ${N} assessments after ${WARMUP} warm-up; ` +
    `features: 200 posted payments per device/payer, 100 per payee, 5 PIN failures`,
);
console.log(`node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}`);
await run('assess() (pure domain)', (i) => assess(facts(i), snapshot, rules.rules, now));
await run('decide() (memory store + trail + reservation)', (i) => decide(facts(i), store, rules, now));
const roomy = {
  ...rules,
  rules: {
    ...rules.rules,
    tiers: {
      ...rules.rules.tiers,
      HIGH: { ...rules.rules.tiers.HIGH, maxPerDay: Number.MAX_SAFE_INTEGER / 4, maxCountPerWindow: 1000 },
    },
    rules: {
      ...rules.rules.rules,
      'velocity.device': {
        ...rules.rules.rules['velocity.device'],
        maxCount: 1000,
        maxAmount: Number.MAX_SAFE_INTEGER / 4,
      },
      'velocity.payer': {
        ...rules.rules.rules['velocity.payer'],
        maxCount: 1000,
        maxAmount: Number.MAX_SAFE_INTEGER / 4,
      },
    },
  },
};
const held = memoryFeatureStore();
await run('decide() reserving + release (room left)', async (i) => {
  const rec = await decide({ ...facts(i), transactionId: `held-${i}` }, held, roomy, now);
  await ingest(held, PAYMENT_TOPIC, {
    id: `rel-${i}`,
    type: 'payment.declined',
    key: 'wallet-1',
    atMs: now,
    data: {
      transactionId: rec.transactionId,
      kind: 'payment',
      deviceId: 'dev-1',
      payer: 'wallet-1',
      payee: 'merchant-1',
      amount: 500,
      currency: 'KES',
    },
  });
});
