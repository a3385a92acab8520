/** CPU use readings for the metrics: this process (percent of one core) and the whole host (percent). */
import { cpus } from 'node:os';

const round1 = (x: number) => (Number.isFinite(x) ? Math.round(x * 10) / 10 : 0);

/** CPU use of this process between two readings at least a second apart, percent of one core. */
export class CpuMeter {
  private lastAt = performance.now();
  private lastUsage = process.cpuUsage();
  private percent = 0;
  read(): number {
    const now = performance.now();
    if (now - this.lastAt >= 1000) {
      const u = process.cpuUsage(this.lastUsage);
      this.percent = ((u.user + u.system) / 1000 / (now - this.lastAt)) * 100;
      this.lastAt = now;
      this.lastUsage = process.cpuUsage();
    }
    return round1(this.percent);
  }
}

/** CPU use of the whole host between two readings, percent. */
export class HostCpuMeter {
  private last = HostCpuMeter.times();
  private percent = 0;
  private static times(): { idle: number; total: number } {
    let idle = 0;
    let total = 0;
    for (const c of cpus()) {
      idle += c.times.idle;
      total += c.times.user + c.times.nice + c.times.sys + c.times.irq + c.times.idle;
    }
    return { idle, total };
  }
  read(): number {
    const t = HostCpuMeter.times();
    const dt = t.total - this.last.total;
    if (dt > 0) {
      this.percent = 100 * (1 - (t.idle - this.last.idle) / dt);
      this.last = t;
    }
    return round1(this.percent);
  }
}
