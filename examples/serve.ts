/**
 * A tiny static server for the examples, on the loopback interface only: /examples/ and
 * /dist/ of the repository, as a plain static host would serve them. `.gz` files go out as raw
 * bytes with no Content-Encoding (the MNIST loader checks their size and hash itself), `.wasm` as
 * application/wasm. An optional Content-Security-Policy header goes on every response, the
 * lab worker's script included, so a policy applies to the worker as it does to the page; an
 * optional Access-Control-Allow-Origin header lets pages of other origins load the kit, as a CDN does.
 *
 *   npx tsx examples/serve.ts                   # then open http://127.0.0.1:8080/examples/embed.html
 *   npx tsx examples/serve.ts --csp "script-src 'self' 'wasm-unsafe-eval'"
 *   npx tsx examples/serve.ts --cors --port 8081  # a kit host for pages of any origin
 *
 * Tests import startStaticServer() with their own folders (a bundle built to a temporary folder).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.bin': 'application/octet-stream',
  '.gz': 'application/octet-stream',
};

export interface StaticServerOptions {
  /** URL prefix (starting and ending with '/') → folder on disk. Nothing else is served. */
  mounts: Record<string, string>;
  /** Value of a Content-Security-Policy header sent with every response. */
  csp?: string;
  /** Value of an Access-Control-Allow-Origin header sent with every response (`*`: any page may load the files). */
  allowOrigin?: string;
  /** Port on 127.0.0.1; 0 (default) lets the system choose a free one. */
  port?: number;
}

export interface StaticServer {
  /** Origin with a trailing '/', e.g. http://127.0.0.1:41234/ */
  url: string;
  /** Paths requested so far, in order (tests check what was loaded from where). */
  requests: string[];
  /** Paths answered with 404 Not Found. */
  missing: string[];
  close(): Promise<void>;
}

/** The file a URL path names under the mounts, or null when it names none (or escapes its folder). */
function fileFor(path: string, mounts: Record<string, string>): string | null {
  for (const [prefix, folder] of Object.entries(mounts)) {
    if (!path.startsWith(prefix)) continue;
    const root = resolve(folder);
    const file = resolve(root, `.${sep}${path.slice(prefix.length)}`);
    return file === root || file.startsWith(root + sep) ? file : null;
  }
  return null;
}

async function respond(req: IncomingMessage, res: ServerResponse, options: StaticServerOptions, missing: string[]): Promise<void> {
  if (options.csp) res.setHeader('Content-Security-Policy', options.csp);
  if (options.allowOrigin) res.setHeader('Access-Control-Allow-Origin', options.allowOrigin);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405).end();
    return;
  }
  let path: string;
  try {
    path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
  } catch {
    res.writeHead(400).end();
    return;
  }
  let file = fileFor(path, options.mounts);
  if (file && path.endsWith('/')) file = join(file, 'index.html');
  const info = file ? await stat(file).catch(() => null) : null;
  if (!file || !info?.isFile()) {
    missing.push(path);
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`not found: ${path}\n`);
    return;
  }
  const body = await readFile(file);
  res.writeHead(200, {
    'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'Content-Length': body.length,
    'Cache-Control': 'no-cache',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** Starts the server on 127.0.0.1. */
export function startStaticServer(options: StaticServerOptions): Promise<StaticServer> {
  const requests: string[] = [];
  const missing: string[] = [];
  const server = createServer((req, res) => {
    requests.push((req.url ?? '').split('?')[0]);
    respond(req, res, options, missing).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolvePromise({
        url: `http://127.0.0.1:${port}/`,
        requests,
        missing,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

/** Command line: serve examples/ and dist/ of this repository. */
async function main(): Promise<void> {
  const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const args = process.argv.slice(2);
  const cspAt = args.indexOf('--csp');
  const portAt = args.indexOf('--port');
  const server = await startStaticServer({
    mounts: { '/examples/': join(repo, 'examples'), '/dist/': join(repo, 'dist') },
    csp: cspAt >= 0 ? args[cspAt + 1] : undefined,
    allowOrigin: args.includes('--cors') ? '*' : undefined,
    port: portAt >= 0 ? Number(args[portAt + 1]) : 8080,
  });
  console.log(`Serving examples/ and dist/ at ${server.url}examples/embed.html (Ctrl+C stops)`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) void main();
