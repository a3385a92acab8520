/**
 * Requests/s through the resilient HttpClient (timeout + retry + breaker + zod) against a local
 * node:http server in the same process, next to bare fetch; and the Tradier adapter parsing a real
 * 188-contract chain (the PLTR 2025-11-07 expiry from test/fixtures). Client and server
 * share the CPU, so the figures are an upper bound on the client's own cost, and approximate on a
 * shared machine. The rate limiter is off here (it would only measure the configured rate).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { HttpClient } from '../../src/market/http/httpClient.js';
import { TradierProvider } from '../../src/market/providers/tradier/tradierProvider.js';

const CHAIN_FILE = new URL(
  '../../test/fixtures/fixtures/tradier/markets_options_chains_PLTR_2025-11-07_greeks.json',
  import.meta.url,
);

async function rate(name: string, total: number, concurrency: number, one: () => Promise<unknown>) {
  for (let i = 0; i < 50; i++) await one(); // warm-up: JIT, keep-alive sockets
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < total) await one();
    }),
  );
  const s = (performance.now() - t0) / 1000;
  console.log(
    `${name.padEnd(56)} ${(total / s).toFixed(0).padStart(7)} req/s  (${total} requests, ${concurrency} in flight)`,
  );
  return total / s;
}

export default async function run(): Promise<void> {
  const small = '{"value":1}';
  const chain = existsSync(CHAIN_FILE) ? readFileSync(CHAIN_FILE, 'utf8') : null;
  const server = createServer((req, res) => {
    const body = req.url?.includes('/chains') && chain ? chain : small;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const schema = z.object({ value: z.number() });
  const http = new HttpClient({ provider: 'bench', baseUrl: origin, retries: 3, timeoutMs: 5000 });

  await rate('bare fetch + JSON.parse, sequential', 2000, 1, async () =>
    JSON.parse(await (await fetch(`${origin}/x`)).text()),
  );
  await rate('HttpClient.getJson (zod), sequential', 2000, 1, () =>
    http.getJson({ endpoint: 'x', path: 'x' }, schema),
  );
  await rate('bare fetch + JSON.parse, 16 in flight', 4000, 16, async () =>
    JSON.parse(await (await fetch(`${origin}/x`)).text()),
  );
  await rate('HttpClient.getJson (zod), 16 in flight', 4000, 16, () =>
    http.getJson({ endpoint: 'x', path: 'x' }, schema),
  );

  if (chain) {
    const tradier = new TradierProvider({
      apiKey: 'bench',
      baseUrl: `${origin}/v1/`,
      rateLimitPerMinute: 1e9,
    });
    const ctx = { asOf: Date.parse('2025-10-31T20:00:00Z') };
    const r = await rate('Tradier getExpiryQuotes, 188 contracts (170 KB)', 300, 4, () =>
      tradier.getExpiryQuotes('PLTR', '2025-11-07', ctx),
    );
    console.log(
      `${'  → contracts parsed, validated and mapped'.padEnd(56)} ${(r * 188).toFixed(0).padStart(7)} contracts/s`,
    );
  } else {
    console.log('(PLTR chain fixture not found: Tradier parsing skipped)');
  }
  await new Promise<void>((r) => {
    server.closeAllConnections();
    server.close(() => r());
  });
}
