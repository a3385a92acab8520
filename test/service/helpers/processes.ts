/** Child processes of the running test process (Linux /proc), for the engine supervision tests. */
import { readdirSync, readFileSync } from 'node:fs';

/** Pids of this process's children (the scan engine is the only one in the supervision harnesses). */
export function children(): number[] {
  const pids: number[] = [];
  for (const tid of readdirSync(`/proc/${process.pid}/task`)) {
    const list = readFileSync(`/proc/${process.pid}/task/${tid}/children`, 'utf8').trim();
    if (list) pids.push(...list.split(/\s+/).map(Number));
  }
  return pids;
}

/** Whether a process exists (signal 0). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
