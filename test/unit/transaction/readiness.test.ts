import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryBus } from '../../../kit/src/events.js';
import { ensureDevPki } from '../../../kit/src/pki.js';
import { trustCaForFetch } from '../../../kit/src/tls-policy.js';
import type { ServiceHandle } from '../../../kit/src/service.js';
import { loadConfig } from '../../../services/transaction/src/config.js';
import { startTransaction } from '../../../services/transaction/src/main.js';
import { memoryLedgerStore } from '../../../services/transaction/src/store/memory/index.js';
import type { LedgerStore } from '../../../services/transaction/src/store/ports.js';
import { seedJournal } from '../../support/journal-seed.js';
import { scrape, total } from '../../support/prom.js';

describe('transaction /readyz: store ping, bus, not draining; never the journal', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'dfs-ready-'));
  const inner = memoryLedgerStore();
  const reads = { journal: 0 };
  const store: LedgerStore = new Proxy(inner, {
    get: (t, p, r) =>
      p === 'readJournal' || p === 'journalLength'
        ? (...a: unknown[]) => {
            reads.journal += 1;
            return (Reflect.get(t, p, r) as (...x: unknown[]) => unknown)(...a);
          }
        : Reflect.get(t, p, r),
  });
  let tx: ServiceHandle;
  let ready: () => Promise<number>;
  beforeAll(async () => {
    trustCaForFetch(readFileSync((await ensureDevPki(stateDir)).ca));
    await seedJournal(inner, 2_000);
    const config = loadConfig({
      DFS_STATE_DIR: stateDir,
      LOG_LEVEL: 'silent',
      TRANSACTION_GRPC_PORT: '0',
      TRANSACTION_HTTP_PORT: '0',
      JOURNAL_VERIFY_INTERVAL_SEC: '3600',
    });
    tx = await startTransaction(config, memoryBus(), { store });
    ready = () => fetch(`https://127.0.0.1:${tx.httpPort}/readyz`).then((r) => r.status);
  }, 60_000);
  afterAll(async () => {
    await tx?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it(
    'answers 200 a hundred times without one journal read ' + '(the background verification read it once, at start)',
    async () => {
      await expect
        .poll(
          async () => total(await scrape(`https://127.0.0.1:${tx.httpPort}/metrics`), 'dfs_journal_verified_entries'),
          { timeout: 20_000 },
        )
        .toBe(2_000);
      const before = reads.journal;
      expect(before).toBeGreaterThan(0);
      for (let i = 0; i < 100; i++) expect(await ready()).toBe(200);
      expect(reads.journal).toBe(before);
    },
    30_000,
  );

  it('answers 503 when the store does not answer, and while draining', async () => {
    const ping = inner.ready;
    inner.ready = async () => false;
    try {
      expect(await ready()).toBe(503);
    } finally {
      inner.ready = ping;
    }
    expect(await ready()).toBe(200);
    const stopping = tx.stop();
    const during = await ready().catch(() => 'closed');
    await stopping;
    expect([503, 'closed']).toContain(during);
  });
});
