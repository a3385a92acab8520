/**
 * Stores a finished (or failed) scan: the scan row, its trades and optionally the option
 * snapshots it used and the day's 30-day IVs it measured (`iv_history`), in ONE transaction — a failure at any point leaves nothing of it behind (at most an empty
 * day partition of `options`, created before the transaction).
 * Re-saving the same scan id replaces the earlier copy (no duplicate trades or snapshots).
 */
import type { Database } from './db.js';
import { type IvObservation, upsertIvHistory, validateIvObservations } from './ivHistoryRepo.js';
import {
  encodeOptionSnapshots,
  ensureOptionPartitions,
  type OptionSnapshots,
  writeOptionSnapshots,
} from './optionsRepo.js';
import { type ScanRecord, upsertScan, validateScan } from './scansRepo.js';
import { deleteTradesOfScan, insertTrades, type TradeRecord, validateTrades } from './tradesRepo.js';

export interface SaveScanResult {
  scanId: string;
  trades: number;
  optionRows: number;
  /** Day partitions of `options` written to. */
  partitions: string[];
}

export async function saveScan(
  db: Database,
  scan: ScanRecord,
  trades: readonly TradeRecord[],
  optionSnapshots?: OptionSnapshots | null,
  ivObservations: readonly IvObservation[] = [],
): Promise<SaveScanResult> {
  // Check everything before opening the transaction: bad input never reaches the database.
  validateScan(scan);
  validateTrades(trades);
  validateIvObservations(ivObservations);
  const enc = optionSnapshots ? encodeOptionSnapshots(optionSnapshots, scan.id) : null;
  // The day partitions first, outside the transaction: attaching one locks `options` until commit.
  if (enc) await ensureOptionPartitions(db, enc.days);
  return db.transaction(async (tx) => {
    await upsertScan(tx, scan, trades.length);
    await deleteTradesOfScan(tx, scan.id);
    const n = await insertTrades(tx, scan.id, trades);
    await upsertIvHistory(tx, scan.id, ivObservations);
    const ingest = optionSnapshots
      ? await writeOptionSnapshots(tx, optionSnapshots, scan.id, enc ?? undefined)
      : { rows: 0, partitions: [] as string[] };
    return { scanId: scan.id, trades: n, optionRows: ingest.rows, partitions: ingest.partitions };
  });
}
