import type { LineBinding } from '../../domain/features.js';
import type { LineStore } from '../ports.js';
import { put, strip, type RiskModels, type Stored } from './models.js';

/** Line bindings on MongoDB, replaced whole by phone number. */
export function mongoLines(lines: RiskModels['lines']): LineStore {
  return {
    async getLine(msisdn) {
      return strip(await lines.findById(msisdn).lean<Stored<LineBinding>>());
    },
    putLine: (doc) => put(lines, doc.msisdn, doc),
  };
}
