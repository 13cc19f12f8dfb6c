import type { LineBinding } from '../../domain/features.js';
import type { LineStore } from '../ports.js';
import { byKey, type RiskModels } from './models.js';

/** Line bindings on MongoDB by phone number. */
export function mongoLines(lines: RiskModels['lines']): LineStore {
  const docs = byKey<LineBinding>(lines.collection);
  return { getLine: docs.get, changeLine: docs.change };
}
