/**
 * Child-process entry like serveEntry.ts, except that the scan engine is killed (SIGKILL) during
 * the service's start-up, right after the service's database pool has connected to it: the
 * deterministic form of "the engine crashed while the service was starting".
 */
import { PgDatabase } from '../../../src/store/pgDatabase.js';
import { alive, children, sleep } from './processes.js';

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
