import type { LineBinding } from '../../domain/features.js';
import type { LineStore } from '../ports.js';
import { putByKey, readByKey, type RiskModels } from './models.js';

/** Line bindings on MongoDB, replaced whole by phone number. */
export function mongoLines(lines: RiskModels['lines']): LineStore {
  return {
    getLine: readByKey<LineBinding>(lines.collection),
    putLine: putByKey<LineBinding>(lines.collection, (doc) => doc.msisdn),
  };
}
