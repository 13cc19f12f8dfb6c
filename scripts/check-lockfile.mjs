#!/usr/bin/env node
// Supply-chain check of package-lock.json (docs/SECURITY.md): lockfile-lint checks every `resolved`
// URL (https only, the npm registry only, package names match, sha512 integrity); then every
// installed entry must carry a sha512 integrity hash, which lockfile-lint skips for entries whose
// `resolved` is omitted (npm's omit-lockfile-registry-resolved). Exit 1 names each bad entry.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const path = process.argv[2] ?? 'package-lock.json';
const bin = createRequire(import.meta.url).resolve('lockfile-lint/bin/lockfile-lint.js');
const args = [
  bin,
  '--path',
  path,
  '--type',
  'npm',
  '--validate-https',
  '--validate-integrity',
  '--validate-package-names',
  '--allowed-hosts',
  'npm',
  '--empty-hostname',
  'false',
  '--format',
  'plain',
];
const lint = spawnSync(process.execPath, args, { encoding: 'utf8' });
process.stdout.write(lint.stdout ?? '');
process.stderr.write(lint.stderr ?? '');

const problems = [];
const lock = JSON.parse(readFileSync(path, 'utf8'));
if (lock.lockfileVersion < 2 || typeof lock.packages !== 'object')
  problems.push('lockfileVersion 2 or 3 with a "packages" map is required');
for (const [key, entry] of Object.entries(lock.packages ?? {})) {
  if (key === '' || entry.link === true) continue;
  if (typeof entry.integrity !== 'string' || !/^sha512-[A-Za-z0-9+/]+=*$/.test(entry.integrity))
    problems.push(`${key}: no sha512 integrity hash`);
  if (entry.resolved !== undefined && !String(entry.resolved).startsWith('https://registry.npmjs.org/'))
    problems.push(`${key}: resolved from ${entry.resolved}, not https://registry.npmjs.org/`);
}
for (const p of problems) console.error(`lockfile: ${p}`);
if (lint.status !== 0 || problems.length) {
  console.error(`lockfile check failed (${path})`);
  process.exit(1);
}
console.log(
  `lockfile check passed: ${Object.keys(lock.packages).length - 1} entries, all sha512, https, npm registry (${path})`,
);
