/**
 * `ops update-performance-baselines`: recomputes every baseline metric over the last 30 days
 * (performanceReport.ts measures them), stores one new row per metric, and shows what changed.
 */
import { latestBaselines, saveBaseline } from '../store/baselinesRepo.js';
import type { Database } from '../store/db.js';
import { measurePerformance } from './performanceReport.js';
import { DAY_MS } from './stats.js';
import { textTable } from './text.js';

export interface BaselineChange {
  metric: string;
  previous: number | null;
  current: number;
  /** (current − previous) / previous; null when new or previous is 0. */
  change: number | null;
}

export interface BaselineUpdate {
  windowStart: string;
  windowEnd: string;
  /** False with --dry-run. */
  saved: boolean;
  changes: BaselineChange[];
}

export async function updatePerformanceBaselines(
  db: Database,
  opts: { days?: number; now?: number; dryRun?: boolean } = {},
): Promise<BaselineUpdate> {
  const to = new Date(opts.now ?? Date.now());
  const from = new Date(to.getTime() - (opts.days ?? 30) * DAY_MS);
  const m = await measurePerformance(db, from, to);
  const before = await latestBaselines(db);
  const changes = Object.entries(m.metrics).map(([metric, current]) => {
    const previous = before.get(metric)?.value ?? null;
    const change = previous === null || previous === 0 ? null : (current - previous) / Math.abs(previous);
    return { metric, previous, current, change };
  });
  if (!opts.dryRun && changes.length > 0) {
    await db.transaction(async (tx) => {
      for (const c of changes) {
        await saveBaseline(tx, {
          metric: c.metric,
          value: c.current,
          windowStart: from,
          windowEnd: to,
          computedAt: to,
          note: 'ops update-performance-baselines',
        });
      }
    });
  }
  return { windowStart: from.toISOString(), windowEnd: to.toISOString(), saved: !opts.dryRun, changes };
}

export function renderBaselineUpdate(u: BaselineUpdate): string {
  if (u.changes.length === 0) return 'No data in the window: no baseline computed.\n';
  const table = textTable(
    ['Metric', 'Previous', 'New', 'Change'],
    u.changes.map((c) => [
      c.metric,
      c.previous ?? Number.NaN,
      c.current,
      c.change === null ? (c.previous === null ? 'new' : '-') : `${(c.change * 100).toFixed(1)} %`,
    ]),
  );
  return `Baselines over ${u.windowStart.slice(0, 10)} .. ${u.windowEnd.slice(0, 10)}\n${table}\n${u.saved ? `Saved ${u.changes.length} baseline(s).` : 'Dry run: nothing saved.'}\n`;
}
