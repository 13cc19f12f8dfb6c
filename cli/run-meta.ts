import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

/** When, on what and against what a run was played. */
export interface RunMeta {
  date: string;
  commit: string;
  attestationPolicyVersion: string;
  riskRulesVersion: string;
  target: string;
}

/** The machine a run was measured on. */
export interface Machine {
  cpuModel: string;
  cpuCount: number;
  memoryGiB: number;
  node: string;
  platform: string;
}

const read = (file: string, field: string) => {
  try {
    return String((JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>)[field] ?? 'unknown');
  } catch {
    return 'unreadable';
  }
};

/** The checked-out commit (12 hex digits), or "unknown" outside a git checkout. */
export function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return 'unknown';
  }
}

/** The metadata of a run: now, the checked-out commit, the policy and rule files in force, the target. */
export function runMeta(target: string, env: NodeJS.ProcessEnv = process.env): RunMeta {
  return {
    date: new Date().toISOString(),
    commit: gitCommit(),
    target,
    attestationPolicyVersion: read(env.ATTESTATION_POLICY_FILE ?? 'config/attestation-policy.json', 'version'),
    riskRulesVersion: read(env.RISK_RULES_FILE ?? 'config/risk-rules.json', 'version'),
  };
}

/** This machine: CPU model and count, memory, Node.js version and platform. */
export function machine(): Machine {
  const cpu = cpus();
  return {
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    cpuCount: cpu.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}
