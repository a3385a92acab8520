/**
 * Child-process entry like serveEntry.ts, except that the scan engine is killed (SIGKILL) during
 * the service's start-up, right after the service's database pool has connected to it: the
 * deterministic form of "the engine crashed while the service was starting".
 */
import { readdirSync, readFileSync } from 'node:fs';
import { PgDatabase } from '../../../src/store/pgDatabase.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Pids of this process's children (the scan engine is the only one). */
function children(): number[] {
  const pids: number[] = [];
  for (const tid of readdirSync(`/proc/${process.pid}/task`)) {
    const list = readFileSync(`/proc/${process.pid}/task/${tid}/children`, 'utf8').trim();
    if (list) pids.push(...list.split(/\s+/).map(Number));
  }
  return pids;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const open = PgDatabase.open.bind(PgDatabase);
PgDatabase.open = async (opts) => {
  const db = await open(opts);
  const engines = children();
  process.stderr.write(`engineCrashEntry: killing the scan engine ${engines.join(',')}\n`);
  for (const pid of engines) process.kill(pid, 'SIGKILL');
  // Wait until node has reaped it (its 'exit' event, i.e. the service's crash handler, has run).
  for (let i = 0; i < 500 && engines.some(alive); i++) await sleep(10);
  await sleep(50);
  return db;
};

await import('./serveEntry.js');
