import type { Server } from 'node:net';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { createEdge } from './edge.server.js';
import { KongConfigError, loadKongConfig, renameJwtCredentialKeys } from './kong-config.loader.js';
import { parseUpstreamMap } from './upstream-target.js';

// Env: KONG_CONFIG (default infra/kong/kong.yml under the repo root), EDGE_UPSTREAMS (JSON map),
// EDGE_PORT (8000), EDGE_HOST (127.0.0.1), EDGE_JWKS_URL (derived from the issuer), LOG_LEVEL (info),
// EDGE_JWT_CACHE_SIZE (4096 accepted tokens remembered; 0 = off), EDGE_JWT_CACHE_MAX_AGE_MS (60000),
// EDGE_DOCS (`on`: the local API docs at /docs; the devstack sets it; off by default),
// EDGE_STATUS_PORT (8007, Kong's status_listen default; 0 = any free port) and EDGE_STATUS_HOST
// (127.0.0.1): the status server with /health and /metrics, never routed publicly,
// EDGE_HEALTH_INTERVAL_MS (2000): how often the public /health's cached upstream state is refreshed.
// EDGE_JWT_KEYS (JSON `{ "<jwt_secrets key in kong.yml>": "<key to use>" }`, none by default): the
// devstack gives the identity issuer consumer the stack's own issuer (`http://localhost:<edge port>/identity/v1`).

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

function port(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) fail(`${name} must be a TCP port, got ${JSON.stringify(value)}`);
  return n;
}

/** EDGE_JWT_KEYS: a JSON object of strings. */
function parseJwtKeys(text: string): Record<string, string> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (
    value === null ||
    typeof value !== 'object' ||
    Array.isArray(value) ||
    !Object.values(value).every((v) => typeof v === 'string' && v !== '')
  )
    fail(`EDGE_JWT_KEYS must be a JSON object of non-empty strings, got ${JSON.stringify(text)}`);
  return value as Record<string, string>;
}

function boundPort(server: Server, fallback: number): number {
  const address = server.address();
  return typeof address === 'object' && address !== null ? address.port : fallback;
}

async function main(): Promise<void> {
  const configFile = resolve(process.env.KONG_CONFIG || join(repoRoot(), 'infra/kong/kong.yml'));
  const host = process.env.EDGE_HOST || '127.0.0.1';
  const listenPort = port('EDGE_PORT', 8000);
  const statusHost = process.env.EDGE_STATUS_HOST || '127.0.0.1';
  const statusPort = port('EDGE_STATUS_PORT', 8007);
  let config;
  let upstreams;
  try {
    config = loadKongConfig(configFile);
    const jwtKeys = process.env.EDGE_JWT_KEYS;
    if (jwtKeys) config = renameJwtCredentialKeys(config, parseJwtKeys(jwtKeys));
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
    app = await createEdge({
      config,
      upstreams,
      logger,
      jwksUrl,
      verifiedTokenCache,
      docs: process.env.EDGE_DOCS === 'on',
      healthIntervalMs: count('EDGE_HEALTH_INTERVAL_MS', 2000, 100),
    });
  } catch (error) {
    fail((error as Error).message);
  }
  try {
    await app.status.listen({ host: statusHost, port: statusPort });
  } catch (error) {
    fail(`cannot listen on ${statusHost}:${statusPort} (EDGE_STATUS_PORT): ${(error as Error).message}`);
  }
  try {
    await app.listen({ host, port: listenPort });
  } catch (error) {
    fail(`cannot listen on ${host}:${listenPort}: ${(error as Error).message}`);
  }
  logger.info({ configFile, routes: config.routes.length, services: config.services.length }, 'edge configured');
  process.stdout.write(`edge listening on http://${host}:${boundPort(app.server, listenPort)}\n`);
  process.stdout.write(`edge status (/health, /metrics) on http://${statusHost}:${boundPort(app.status.server, statusPort)}\n`);

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
