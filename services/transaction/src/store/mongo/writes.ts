import { isDuplicateKey } from '../../../../../kit/src/mongo.js';

/** A document without its undefined fields (the driver would store them as null). */
export const defined = <T extends object>(doc: T): T =>
  Object.fromEntries(Object.entries(doc).filter(([, v]) => v !== undefined)) as T;

/** Runs an insert; false when a unique index refused it as a duplicate. */
export async function insertOnce(insert: () => Promise<unknown>): Promise<boolean> {
  try {
    await insert();
    return true;
  } catch (err) {
    if (isDuplicateKey(err)) return false;
    throw err;
  }
}
