/** A real HTTP server on 127.0.0.1 (random port) for provider tests; records every request it gets. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Hit {
  method: string;
  /** Path without query. */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  /** Arrival time, performance.now() ms. */
  at: number;
}

export type Handler = (
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  hitIndex: number,
) => void | Promise<void>;

export interface LocalServer {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  origin: string;
  hits: Hit[];
  /** Replaces the handler (one server per test file, handlers per test). */
  handle(h: Handler): void;
  /** Hits tagged with `x-test-client: tag`. */
  hitsOf(tag: string): Hit[];
  close(): Promise<void>;
}

export async function startServer(initial: Handler = notFound): Promise<LocalServer> {
  let handler = initial;
  const hits: Hit[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    // Requests tagged `x-test-client` are numbered per tag, so a late request of an earlier test
    // (a timed-out one still in the socket buffer) cannot shift this test's numbering.
    const tag = req.headers['x-test-client'];
    const i = tag === undefined ? hits.length : hits.filter((h) => h.headers['x-test-client'] === tag).length;
    hits.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      at: performance.now(),
    });
    Promise.resolve(handler(req, res, url, i)).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(599);
      res.end(String(e));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    hits,
    handle(h) {
      handler = h;
    },
    hitsOf: (tag) => hits.filter((h) => h.headers['x-test-client'] === tag),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function notFound(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(404, { 'content-type': 'text/plain' });
  res.end('not found');
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', ...headers });
  res.end(text);
}

export const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
