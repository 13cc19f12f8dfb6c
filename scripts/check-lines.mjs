#!/usr/bin/env node
// Fails when a source line (*.ts, *.mjs, *.js; tracked by git, outside gen/ and node_modules/) is longer
// than the limit (default 120, the Prettier printWidth). `node scripts/check-lines.mjs [--max N] [path...]`:
// paths narrow the check to those files or folders.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const at = args.indexOf('--max');
const max = at >= 0 ? Number(args.splice(at, 2)[1]) : 120;
if (!Number.isInteger(max) || max <= 0) {
  console.error('check-lines: --max expects a positive integer');
  process.exit(2);
}
const tracked = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', ...args], {
  encoding: 'utf8',
})
  .split('\0')
  .filter((f) => /\.(ts|mts|mjs|js)$/.test(f) && !/(^|\/)(gen|node_modules)\//.test(f));

let long = 0;
const files = new Set();
for (const file of tracked) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    continue;
  }
  text.split('\n').forEach((line, i) => {
    const width = [...line].length;
    if (width > max) {
      long++;
      files.add(file);
      console.log(`${file}:${i + 1}: ${width} columns`);
    }
  });
}
if (long > 0) {
  console.error(`check-lines: ${long} lines over ${max} columns in ${files.size} of ${tracked.length} files`);
  process.exit(1);
}
console.error(`check-lines: ${tracked.length} files, no line over ${max} columns`);
