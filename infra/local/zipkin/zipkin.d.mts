// Type declarations for zipkin.mjs (the repo's TypeScript has no allowJs).

/** Zipkin's usual port (9411); another free port is used when it is taken. */
export const DEFAULT_PORT: number;

export interface ZipkinHandle {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** The browser UI: <url>/zipkin/ */
  readonly uiUrl: string;
  /** Span intake (Zipkin v2 JSON): OTEL_EXPORTER_ZIPKIN_ENDPOINT of the services. */
  readonly spansUrl: string;
  readonly port: number;
  readonly pid: number;
  stop(): Promise<void>;
}

/** Starts the Zipkin server (resolved from Maven Central into .cache/) and waits until it is healthy. */
export function startZipkin(opts?: {
  port?: number;
  logFile?: string;
  timeoutMs?: number;
  log?: (msg: string) => void;
}): Promise<ZipkinHandle>;
