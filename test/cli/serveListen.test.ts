/**
 * `serve` with an address it cannot listen on: a host that does not resolve, an address not on this machine, a
 * port in use. Each is a bad setting — exit 2, one line naming the flag / variable / file that gave it and the
 * reason, before the scan engine or the database start — not `getaddrinfo ENOTFOUND …` / `listen EADDR… ` with
 * exit 1 after the start-up.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('oe-serve-listen-');
let holder: Server;
let busyPort: number;

beforeAll(async () => {
  holder = createServer();
  await new Promise<void>((r) => holder.listen(0, '127.0.0.1', () => r()));
  busyPort = (holder.address() as { port: number }).port;
});

afterAll(() => new Promise<void>((r) => holder.close(() => r())));

let n = 0;
/** Runs `serve` with its own log and data dirs; the data dir must hold no database afterwards. */
async function serve(args: string[], env: Record<string, string> = {}) {
  const dir = join(tmp.dir, `run-${++n}`);
  const r = await cli(
    ['serve', ...args, '--log-dir', join(dir, 'logs'), '--data-dir', join(dir, 'data')],
    env,
  );
  const data = join(dir, 'data');
  return { ...r, engineStarted: existsSync(data) && readdirSync(data).length > 0 };
}

describe('serve: an address it cannot listen on is bad usage (exit 2), found before the start', () => {
  it('--host that does not resolve', async () => {
    const r = await serve(['--host', 'no.such.host.invalid', '--port', '18310']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'options-engine: --host: no.such.host.invalid does not resolve to an address (getaddrinfo ENOTFOUND no.such.host.invalid)\n',
    );
    expect(r.engineStarted).toBe(false);
  });

  it('--host that is no address of this machine', async () => {
    // 192.0.2.1: TEST-NET-1 (RFC 5737), never assigned to a host
    const r = await serve(['--host', '192.0.2.1', '--port', '18311']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'options-engine: --host: 192.0.2.1 is not an address of this machine (listen EADDRNOTAVAIL: address not available 192.0.2.1:18311)\n',
    );
    expect(r.engineStarted).toBe(false);
  });

  it('monitoring.host from a settings file is named by its key and file', async () => {
    const configDir = join(tmp.dir, 'config');
    mkdirSync(configDir);
    writeFileSync(join(configDir, 'settings.yaml'), 'monitoring:\n  host: 192.0.2.1\n  port: 18312\n');
    const r = await serve(['--config-dir', configDir]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toBe(
      `options-engine: monitoring.host (from ${join(configDir, 'settings.yaml')}): 192.0.2.1 is not an address of this machine (listen EADDRNOTAVAIL: address not available 192.0.2.1:18312)\n`,
    );
  });

  it('a port in use names --port, or PORT when the environment gave it', async () => {
    const flag = await serve(['--host', '127.0.0.1', '--port', String(busyPort)]);
    expect(flag.code, flag.stderr).toBe(2);
    expect(flag.stdout).toBe('');
    expect(flag.stderr).toBe(
      `options-engine: --port: port ${busyPort} is already in use on 127.0.0.1 (listen EADDRINUSE: address already in use 127.0.0.1:${busyPort})\n`,
    );
    expect(flag.engineStarted).toBe(false);
    const env = await serve(['--host', '127.0.0.1'], { PORT: String(busyPort) });
    expect(env.code, env.stderr).toBe(2);
    expect(env.stderr).toBe(
      `options-engine: monitoring.port (from environment PORT): port ${busyPort} is already in use on 127.0.0.1 (listen EADDRINUSE: address already in use 127.0.0.1:${busyPort})\n`,
    );
  });
});
