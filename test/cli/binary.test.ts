import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** The installed command, as `npx options-engine` runs it (needs the build that `npm ci` / `npm test` do). */
const BIN = fileURLToPath(new URL('../../bin/options-engine.js', import.meta.url));

function runBin(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the options-engine binary', () => {
  it('runs --help and config check from the built package', () => {
    expect(runBin(['--help']).code).toBe(0);
    const r = runBin(['config', 'check']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('# configuration OK');
  });

  it('exits 2 with one line and no stack trace on a bad configuration', () => {
    const dir = mkdtempSync(join(tmpdir(), 'oe-bin-'));
    writeFileSync(join(dir, 'settings.yaml'), 'trading:\n  nav: -100000\n');
    const r = runBin(['config', 'check'], { OPTIONS_ENGINE_CONFIG_DIR: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `options-engine: config error: ${join(dir, 'settings.yaml')}: trading.nav: must be > 0, got -100000\n`,
    );
  });

  it('exits 2 on an unknown flag', () => {
    const r = runBin(['scan', '--no-such-flag']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--no-such-flag'");
  });

  it('leaves quietly, with its own exit code, when the reader of its output goes away (`| head -1`)', async () => {
    // the read end is closed before the command writes: every write fails with EPIPE; it crashed with a stack trace
    const child = spawn(process.execPath, [BIN, 'config', 'check', '--sources'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' },
    });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
