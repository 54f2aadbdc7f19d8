// Type declarations for kafka.mjs (the repo's TypeScript has no allowJs).

/** Repository root (three levels above kafka.mjs). */
export const REPO_ROOT: string;
/** Maven local repository: <repo>/.cache/m2 (git-ignored). */
export const M2_REPO: string;
/** <repo>/.cache/kafka (git-ignored): resolved classpath + pom hash. */
export const CACHE_DIR: string;
/** <repo>/.cache/kafka/classpath.txt: ':'-separated jar list. */
export const CLASSPATH_FILE: string;
/** <repo>/.data/kafka/default (git-ignored). */
export const DEFAULT_DATA_DIR: string;

export interface StartKafkaOptions {
  /** PLAINTEXT listener port. Default: this data dir's previous port if free, else a free port. */
  port?: number;
  /** CONTROLLER listener port. Same default rule as `port`. */
  controllerPort?: number;
  /** Data dir; `'tmp'` = fresh mkdtemp dir under os.tmpdir(), deleted on stop. Default `<repo>/.data/kafka/default`. */
  dataDir?: string;
  /** Broker log file (stdout+stderr, appended). Default `<dataDir>/kafka.log`. */
  logFile?: string;
  /** Readiness timeout in ms (default 120000). */
  timeoutMs?: number;
  /** Graceful stop timeout before SIGKILL, ms (default 20000). */
  stopTimeoutMs?: number;
  /** Extra JVM options appended to the defaults (e.g. `['-Xmx1g']`). */
  jvmOpts?: string[];
  /** Extra / overriding server.properties entries. */
  config?: Record<string, string | number | boolean>;
  /** Keep the broker running after this Node process exits (used by the CLI `start`). */
  background?: boolean;
  /** Progress messages (default: silent). */
  log?: (msg: string) => void;
}

export interface KafkaHandle {
  /** Bootstrap servers, `"127.0.0.1:PORT"`. */
  brokers: string;
  port: number;
  controllerPort: number;
  /** pid of the broker JVM (changes on restartKafka). */
  pid: number;
  /** Absolute data dir. */
  dataDir: string;
  logFile: string;
  clusterId: string | null;
  /** Milliseconds from spawning the JVM until the broker answered. */
  startupMs: number;
  /** SIGTERM, wait up to stopTimeoutMs, then SIGKILL; deletes a `'tmp'` data dir. Idempotent. */
  stop(): Promise<void>;
}

export interface KafkaProbeResult {
  apiVersions: number;
  brokers: { nodeId: number; host: string; port: number }[];
  clusterId: string | null;
  controllerId: number;
}

export function startKafka(opts?: StartKafkaOptions): Promise<KafkaHandle>;

/**
 * Stop the broker and start it again on the same ports and data dir (data kept,
 * also for 'tmp' dirs). Mutates and returns the same handle.
 */
export function restartKafka(handle: KafkaHandle, opts?: { downMs?: number }): Promise<KafkaHandle>;

/** ApiVersions + Metadata over a raw socket; throws unless the broker really serves. */
export function probeKafka(opts: { host?: string; port: number; timeoutMs?: number }): Promise<KafkaProbeResult>;

/** Resolve (Maven, cached) and return the path of the classpath file. */
export function resolveClasspath(opts?: { log?: (msg: string) => void }): Promise<string>;

/**
 * Resolves the runtime classpath of a "classpath POM" with Maven into `<cacheDir>/classpath.txt`
 * (cached until the POM changes; offline first). Returns that file's path.
 */
export function resolveMavenClasspath(opts: {
  pom: string;
  cacheDir: string;
  what: string;
  log?: (msg: string) => void;
}): Promise<string>;

/** Stop a broker by its data dir's pid file (e.g. one started by `kafka.mjs start`). false if none ran. */
export function stopKafkaByDataDir(opts?: { dataDir?: string; timeoutMs?: number }): Promise<boolean>;

/** Run a Java main class (e.g. Kafka CLI tools) with the Kafka classpath; resolves with the exit code. */
export function runKafkaTool(
  mainClass: string,
  args?: string[],
  opts?: { stdio?: import('node:child_process').StdioOptions },
): Promise<number>;
