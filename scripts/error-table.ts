// Writes the error-code table of kit/src/errors.ts into docs/ARCHITECTURE.md (npm run docs:errors).
import { readFileSync, writeFileSync } from 'node:fs';
import { status } from '@grpc/grpc-js';
import { ERROR_CODES } from '../kit/src/errors.js';

const START = '<!-- error-codes:start -->';
const END = '<!-- error-codes:end -->';
const rows = Object.entries(ERROR_CODES).map(
  ([code, s]) => `| \`${code}\` | ${status[s.grpc]} | ${s.http} | ${s.message} |`,
);
const table = ['| code | gRPC status | HTTP | client message |', '|---|---|---|---|', ...rows].join('\n');
const file = 'docs/ARCHITECTURE.md';
const doc = readFileSync(file, 'utf8');
writeFileSync(file, `${doc.slice(0, doc.indexOf(START) + START.length)}\n${table}\n${doc.slice(doc.indexOf(END))}`);
console.log(`${file}: ${rows.length} error codes`);
