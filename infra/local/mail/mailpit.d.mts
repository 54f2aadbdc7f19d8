// Type declarations for mailpit.mjs (the repo's TypeScript has no allowJs).

/** Mailpit's usual SMTP port (1025); another free port is used when it is taken. */
export const DEFAULT_SMTP_PORT: number;
/** Mailpit's usual web UI / API port (8025); another free port is used when it is taken. */
export const DEFAULT_HTTP_PORT: number;

export interface MailpitHandle {
  /** http://127.0.0.1:<httpPort> */
  readonly url: string;
  /** The browser UI: <url>/ */
  readonly uiUrl: string;
  /** Mailpit's REST API: <url>/api/v1 (GET /messages, GET /message/{ID}, DELETE /messages, ...). */
  readonly apiUrl: string;
  /** Plain SMTP on 127.0.0.1 (no TLS; any or no credentials accepted). */
  readonly smtpPort: number;
  readonly httpPort: number;
  readonly pid: number;
  stop(): Promise<void>;
}

/** Path of the Mailpit binary, built once per machine by tools/delivery/install-tools.sh (needs Go). */
export function mailpitBinary(): string;

/** Starts Mailpit on loopback (temporary message store) and waits until its API answers. */
export function startMailpit(opts?: {
  smtpPort?: number;
  httpPort?: number;
  logFile?: string;
  timeoutMs?: number;
  /** Messages kept before the oldest are dropped (default 5000). */
  maxMessages?: number;
}): Promise<MailpitHandle>;
