import type { LineBinding } from '../../domain/features.js';
import type { LineStore } from '../ports.js';
import { changeIn } from './change.js';

/** Line bindings in a map, stored and returned as they are. */
export function memoryLines(lines: Map<string, LineBinding>): LineStore {
  return {
    async getLine(msisdn) {
      return lines.get(msisdn) ?? null;
    },
    changeLine: changeIn(lines),
  };
}
