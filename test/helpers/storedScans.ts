/** The scans a CLI run stored in its embedded data directory (`--data-dir`), read back after the run. */
import { openDatabase } from '../../src/store/openDatabase.js';
import { listScans, type StoredScan } from '../../src/store/scansRepo.js';
import { type StoredTrade, tradesOfScan } from '../../src/store/tradesRepo.js';

export async function storedScans(dataDir: string): Promise<{ scan: StoredScan; trades: StoredTrade[] }[]> {
  const db = await openDatabase({
    url: null,
    data_dir: dataDir,
    pool_size: 1,
    pool_overflow: 0,
    statement_timeout_ms: 10_000,
    connect_retries: 0,
  });
  try {
    const scans = await listScans(db, { limit: 10 });
    return await Promise.all(scans.map(async (scan) => ({ scan, trades: await tradesOfScan(db, scan.id) })));
  } finally {
    await db.close();
  }
}
