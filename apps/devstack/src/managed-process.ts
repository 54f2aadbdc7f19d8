import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { consoleText, LineSplitter } from './log-line.js';

/** How to run one process of the stack. */
export interface ProcessSpec {
  /** Short name used in console prefixes and messages (`catalog`, `edge`). */
  readonly label: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Every line the process prints is appended here. */
  readonly logFile: string;
}

export type ProcessState = 'starting' | 'ready' | 'restarting' | 'failed' | 'stopped';

export interface RestartPolicy {
  /** Restarts allowed before the process is marked failed (counter resets after `stableMs` up). */
  readonly maxRestarts: number;
  /** Delay before restart n (0-based) is `baseDelayMs * 2^n`. */
  readonly baseDelayMs: number;
  readonly stableMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = { maxRestarts: 5, baseDelayMs: 1000, stableMs: 60_000 };
const TAIL_LINES = 40;

/** Appends a process's output to its log file, keeps the last lines, forwards warnings to the console. */
class OutputSink {
  readonly tail: string[] = [];
  private readonly file: WriteStream;

  constructor(
    logFile: string,
    private readonly label: string,
    private readonly print: (line: string) => void,
  ) {
    mkdirSync(dirname(logFile), { recursive: true });
    this.file = createWriteStream(logFile, { flags: 'a' });
  }

  attach(child: ChildProcess): Promise<void> {
    const ended = [child.stdout, child.stderr].map((stream, i) => {
      if (!stream) return Promise.resolve();
      const kind = i === 0 ? 'stdout' : 'stderr';
      const splitter = new LineSplitter((line) => this.line(line, kind));
      stream.on('data', (chunk: Buffer) => splitter.push(chunk));
      return new Promise<void>((resolve) => stream.once('close', () => (splitter.flush(), resolve())));
    });
    return Promise.all(ended).then(() => undefined);
  }

  note(text: string): void {
    this.file.write(`--- ${new Date().toISOString()} ${text}\n`);
  }

  private line(line: string, stream: 'stdout' | 'stderr'): void {
    this.file.write(`${line}\n`);
    this.tail.push(line);
    if (this.tail.length > TAIL_LINES) this.tail.shift();
    const text = consoleText(line, stream);
    if (text !== undefined) this.print(`[${this.label}] ${text}`);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.file.end(resolve));
  }
}

/** The last lines of a log, indented, for error messages. */
export function formatTail(tail: readonly string[], lines = 20): string {
  const shown = tail.slice(-lines);
  return shown.length ? shown.map((l) => `    │ ${l}`).join('\n') : '    │ (no output)';
}

/**
 * Runs a process to completion (e.g. `main.js migrate`), output to its log file and warnings to
 * the console. Killed with SIGKILL after `timeoutMs` or when `signal` aborts.
 *
 * @returns the exit code (null when killed by a signal) and the last lines of output.
 */
export async function runToCompletion(
  spec: ProcessSpec,
  print: (line: string) => void,
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<{ code: number | null; tail: string[]; timedOut: boolean }> {
  const sink = new OutputSink(spec.logFile, spec.label, print);
  sink.note(`run: ${[spec.command, ...spec.args].join(' ')}`);
  const child = spawn(spec.command, [...spec.args], {
    cwd: spec.cwd,
    env: spec.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let timedOut = false;
  const kill = () => child.kill('SIGKILL');
  const timer = setTimeout(() => ((timedOut = true), kill()), options.timeoutMs);
  options.signal?.addEventListener('abort', kill, { once: true });
  const output = sink.attach(child);
  const code = await new Promise<number | null>((resolve) => {
    child.once('error', (error) => (sink.tail.push(String(error)), resolve(null)));
    child.once('exit', (exitCode) => resolve(exitCode));
  });
  clearTimeout(timer);
  options.signal?.removeEventListener('abort', kill);
  await output;
  sink.note(`exit code ${String(code)}`);
  await sink.close();
  return { code, tail: sink.tail, timedOut };
}

/**
 * A long-running child process the devstack supervises: restarted with exponential backoff when
 * it exits on its own (at most `maxRestarts` times in a row), stopped with SIGTERM then SIGKILL.
 */
export class ManagedProcess {
  state: ProcessState = 'stopped';
  restarts = 0;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private sink: OutputSink;
  private restartTimer: NodeJS.Timeout | undefined;
  private stopping = false;
  private startedAt = 0;

  constructor(
    readonly spec: ProcessSpec,
    private readonly print: (line: string) => void,
    private readonly hooks: {
      /** Called after every spawn, with the new pid (for the devstack's state file). */
      onSpawn?: (process: ManagedProcess) => void;
      /** Called after each restart's spawn, so readiness can be awaited again. */
      onRestart?: (process: ManagedProcess) => void;
    } = {},
    private readonly policy: RestartPolicy = DEFAULT_RESTART_POLICY,
  ) {
    this.sink = new OutputSink(spec.logFile, spec.label, print);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** The last lines the process printed. */
  get tail(): readonly string[] {
    return this.sink.tail;
  }

  start(): void {
    this.stopping = false;
    this.spawnChild();
  }

  private spawnChild(): void {
    this.state = 'starting';
    this.startedAt = Date.now();
    const child = spawn(this.spec.command, [...this.spec.args], {
      cwd: this.spec.cwd,
      env: this.spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.sink.note(`start pid ${String(child.pid)}: ${[this.spec.command, ...this.spec.args].join(' ')}`);
    const output = this.sink.attach(child);
    this.exited = new Promise((resolve) => {
      child.once('error', (error) => this.sink.note(`spawn error: ${String(error)}`));
      child.once('close', (code, signal) => {
        void output.then(() => {
          this.sink.note(`exit code ${String(code)} signal ${String(signal)}`);
          if (this.child === child) this.child = undefined;
          resolve();
          if (!this.stopping) this.onUnexpectedExit(code, signal);
        });
      });
    });
    this.hooks.onSpawn?.(this);
  }

  private onUnexpectedExit(code: number | null, signal: NodeJS.Signals | null): void {
    if (Date.now() - this.startedAt > this.policy.stableMs) this.restarts = 0;
    const how = signal ? `was killed by ${signal}` : `exited with code ${String(code)}`;
    if (this.restarts >= this.policy.maxRestarts) {
      this.state = 'failed';
      this.print(
        `✗ ${this.spec.label} ${how}; giving up after ${this.restarts} restarts. Last output (${this.spec.logFile}):\n${formatTail(this.tail)}`,
      );
      return;
    }
    const delay = this.policy.baseDelayMs * 2 ** this.restarts;
    this.restarts++;
    this.state = 'restarting';
    this.print(
      `✗ ${this.spec.label} ${how}; restart ${this.restarts}/${this.policy.maxRestarts} in ${delay / 1000} s. Last output:\n${formatTail(this.tail, 12)}`,
    );
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.stopping) return;
      this.spawnChild();
      this.hooks.onRestart?.(this);
    }, delay);
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. Idempotent. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => {
        this.print(`… ${this.spec.label} did not stop within ${graceMs / 1000} s; sending SIGKILL`);
        child.kill('SIGKILL');
      }, graceMs);
      await this.exited;
      clearTimeout(killer);
    } else if (child) {
      await this.exited;
    }
    this.state = 'stopped';
  }

  /** Stops the process at once (second Ctrl-C). */
  kill(): void {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.child?.kill('SIGKILL');
  }

  /** Flushes and closes the log file; call after {@link stop}. */
  close(): Promise<void> {
    return this.sink.close();
  }
}
