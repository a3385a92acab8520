/** /health's memory and disk warning levels follow the enabled monitoring.yaml rules. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/loadConfig.js';
import { alertRules, lowestThreshold } from '../../src/ops/alerts/rules.js';
import { HealthMonitor } from '../../src/service/healthChecks.js';
import { PgliteDatabase } from '../../src/store/pgliteDatabase.js';
import { overrideDirs } from '../config/helpers.js';
import { testHealthSources } from './helpers/healthSources.js';

const dirs = overrideDirs('oe-health-limits-');
const rulesOf = (monitoringYaml: string) =>
  alertRules(loadConfig({ env: {}, configDir: dirs('', monitoringYaml) }).monitoring);

describe('health warning levels', () => {
  it('are the lowest enabled threshold of the rules on the metric: off when switched off, a second rule counts', () => {
    const shipped = rulesOf('');
    expect(lowestThreshold(shipped, 'memory_usage')).toBe(90);
    expect(lowestThreshold(shipped, 'disk_usage')).toBe(85);
    // "Silence a noisy rule": /health kept warning above 1 %
    const off = rulesOf('alerts:\n  system:\n    memory_usage:\n      threshold: 1\n      enabled: false\n');
    expect(lowestThreshold(off, 'memory_usage')).toBeNull();
    const two = rulesOf(
      'alerts:\n  system:\n    disk_usage_early:\n      metric: disk_usage\n      threshold: 70\n      duration: 1m\n      severity: warning\n',
    );
    expect(lowestThreshold(two, 'disk_usage')).toBe(70);
  });

  it('without a rule the memory check passes; with one at 0 % it warns', async () => {
    const db = await PgliteDatabase.open({ dir: null });
    try {
      const check = async (memoryPercent: number | null) => {
        const h = new HealthMonitor(
          testHealthSources(db, { limits: () => ({ diskPercent: null, memoryPercent, slowMs: 1000 }) }),
        );
        await h.refresh();
        const c = h.current().doc.checks['memory:utilization'][0];
        h.stop();
        return c;
      };
      expect(await check(null)).toMatchObject({ status: 'pass', output: '' });
      expect(await check(0)).toMatchObject({ status: 'warn', output: 'above 0 %' });
    } finally {
      await db.close();
    }
  });
});
