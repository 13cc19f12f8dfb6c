import type { LineBinding } from '../../domain/features.js';
import type { LineStore } from '../ports.js';
import { changeByKey, readByKey, type RiskModels } from './models.js';

/** Line bindings on MongoDB by phone number. */
export function mongoLines(lines: RiskModels['lines']): LineStore {
  return {
    getLine: readByKey<LineBinding>(lines.collection),
    changeLine: changeByKey<LineBinding>(lines.collection),
  };
}
