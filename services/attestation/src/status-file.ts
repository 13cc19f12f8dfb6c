import { readFile } from 'node:fs/promises';
import type { x509 } from '../../../kit/src/x509.js';
import { EMPTY_STATUS_LIST, verifyStatusList, type StatusListSource } from './domain/status-list.js';

/**
 * The status list from its file (ATTESTATION_STATUS_FILE),
 * verified against the pinned roots; no file means nothing revoked.
 */
export function statusListFile(file: string, roots: x509.X509Certificate[]): StatusListSource {
  return async () => {
    let jws: string;
    try {
      /* eslint-disable-next-line security/detect-non-literal-fs-filename --
         ATTESTATION_STATUS_FILE, read at start-up and on operator reload */
      jws = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY_STATUS_LIST;
      throw err;
    }
    return verifyStatusList(jws, roots);
  };
}
