// Prints the error-code table of kit/src/errors.ts as Markdown, for docs/ARCHITECTURE.md.
import { status } from '@grpc/grpc-js';
import { ERROR_CODES } from '../kit/src/errors.js';

console.log('| code | gRPC status | HTTP | client message |\n|---|---|---|---|');
for (const [code, s] of Object.entries(ERROR_CODES)) console.log(`| \`${code}\` | ${status[s.grpc]} | ${s.http} | ${s.message} |`);
