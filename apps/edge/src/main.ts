import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { createEdge } from './edge.server.js';
import { KongConfigError, loadKongConfig } from './kong-config.loader.js';
import { parseUpstreamMap } from './upstream-target.js';

// Env: KONG_CONFIG (default infra/kong/kong.yml under the repo root), EDGE_UPSTREAMS (JSON map),
// EDGE_PORT (8000), EDGE_HOST (127.0.0.1), EDGE_JWKS_URL (derived from the issuer), LOG_LEVEL (info),
// EDGE_JWT_CACHE_SIZE (4096 accepted tokens remembered; 0 = off), EDGE_JWT_CACHE_MAX_AGE_MS (60000),
// EDGE_DOCS (`on`: the local API docs at /docs; the devstack sets it; off by default).

/** The repository root: the nearest ancestor holding nx.json (works from src/ and from dist/). */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'nx.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}

function fail(message: string): never {
  process.stderr.write(`edge: ${message}\n`);
  process.exit(1);
}

function count(name: string, fallback: number, min: number): number {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) fail(`${name} must be an integer >= ${min}, got ${JSON.stringify(value)}`);
  return n;
}

function port(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) fail(`EDGE_PORT must be a TCP port, got ${JSON.stringify(value)}`);
  return n;
}

async function main(): Promise<void> {
  const configFile = resolve(process.env.KONG_CONFIG || join(repoRoot(), 'infra/kong/kong.yml'));
  const host = process.env.EDGE_HOST || '127.0.0.1';
  const listenPort = port(process.env.EDGE_PORT, 8000);
  let config;
  let upstreams;
  try {
    config = loadKongConfig(configFile);
    upstreams = parseUpstreamMap(process.env.EDGE_UPSTREAMS);
  } catch (error) {
    fail(error instanceof KongConfigError ? error.message : (error as Error).message);
  }

  const logger = pino({ name: 'edge', level: process.env.LOG_LEVEL || 'info' });
  const jwksUrl = process.env.EDGE_JWKS_URL || undefined;
  if (jwksUrl !== undefined && !/^https?:$/.test(URL.parse(jwksUrl)?.protocol ?? ''))
    fail(`EDGE_JWKS_URL must be an http(s) URL, got ${JSON.stringify(jwksUrl)}`);
  const verifiedTokenCache = {
    maxEntries: count('EDGE_JWT_CACHE_SIZE', 4096, 0),
    maxAgeMs: count('EDGE_JWT_CACHE_MAX_AGE_MS', 60_000, 1),
  };
  let app;
  try {
    app = await createEdge({ config, upstreams, logger, jwksUrl, verifiedTokenCache, docs: process.env.EDGE_DOCS === 'on' });
  } catch (error) {
    fail((error as Error).message);
  }
  try {
    await app.listen({ host, port: listenPort });
  } catch (error) {
    fail(`cannot listen on ${host}:${listenPort}: ${(error as Error).message}`);
  }
  const address = app.server.address();
  const actualPort = typeof address === 'object' && address !== null ? address.port : listenPort;
  logger.info({ configFile, routes: config.routes.length, services: config.services.length }, 'edge configured');
  process.stdout.write(`edge listening on http://${host}:${actualPort}\n`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'edge stopping');
    // In-flight requests finish; a stuck upstream must not keep the process alive forever.
    const force = setTimeout(() => {
      logger.error('edge did not stop within 10 s, exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'edge stop failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

await main();
