/** A one-line progress bar on stderr for long scans (only when stderr is a TTY). */
import type { ScanProgress } from '../scan/types.js';

export function progressBar(write: (s: string) => void): (e: ScanProgress) => void {
  let lastDraw = 0;
  return (e) => {
    if (e.phase === 'ticker') {
      const now = Date.now();
      if (now - lastDraw < 100 && e.done < e.total) return;
      lastDraw = now;
      const width = 30;
      const filled = Math.round((width * e.done) / e.total);
      write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${e.done}/${e.total} tickers`);
      if (e.done === e.total) write('\n');
    } else if (e.phase === 'start' && e.stage !== 'collect' && e.stage !== 'universe') {
      write(`\r${e.stage}...`.padEnd(50));
    } else if (e.phase === 'end' && e.stage === 'report') {
      write(`\r${' '.repeat(50)}\r`);
    }
  };
}
