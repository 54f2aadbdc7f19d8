/** pino's numeric levels (https://getpino.io/#/docs/api?id=levels). */
const LEVELS: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };
const LABELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** The console shows pino lines at this level and above (warn). */
export const CONSOLE_MIN_LEVEL = 40;

/**
 * Decides whether one line a child process printed reaches the console, and how it reads there.
 * Every line goes to the process's log file regardless; the console gets pino JSON lines at
 * level ≥ 40 (warn, error, fatal) condensed to `LEVEL msg (error)`, and non-JSON stderr lines
 * as they are (stack traces, Node warnings). Non-JSON stdout lines stay in the file.
 *
 * @returns the text to show on the console, or `undefined` to keep the line in the file only.
 */
export function consoleText(line: string, stream: 'stdout' | 'stderr'): string | undefined {
  const trimmed = line.trim();
  if (!trimmed) return undefined;
  const record = parseJson(trimmed);
  if (!record) return stream === 'stderr' ? line : undefined;
  const level = typeof record.level === 'number' ? record.level : LEVELS[String(record.level).toLowerCase()];
  if (level === undefined) return stream === 'stderr' ? line : undefined;
  if (level < CONSOLE_MIN_LEVEL) return undefined;
  const label = LABELS[level] ?? `L${level}`;
  const message = typeof record.msg === 'string' ? record.msg : '';
  const err = record.err as { message?: unknown; type?: unknown } | undefined;
  const detail = err && typeof err.message === 'string' && err.message !== message ? ` (${err.message})` : '';
  return `${label} ${message}${detail}`.trimEnd();
}

function parseJson(text: string): Record<string, unknown> | undefined {
  if (!text.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Splits a byte stream into lines, keeping a partial last line until its end arrives. */
export class LineSplitter {
  private rest = '';

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer | string): void {
    const lines = (this.rest + chunk.toString()).split('\n');
    this.rest = lines.pop() ?? '';
    for (const line of lines) this.onLine(line.replace(/\r$/, ''));
  }

  flush(): void {
    if (this.rest) this.onLine(this.rest);
    this.rest = '';
  }
}
