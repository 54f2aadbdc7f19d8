import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** True when nothing listens on `host:port` (checked by binding it for a moment). */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

async function osFreePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** One port decision: the wanted port, or the free one used instead because it was taken. */
export interface PortChoice {
  readonly wanted: number;
  readonly port: number;
  readonly fallback: boolean;
}

/** True when a process with this id runs (signal 0 checks without signalling). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * When the process started, as the kernel counts it (`/proc/<pid>/stat` field 22, clock ticks since
 * boot), or undefined where there is no procfs or no such process. A pid plus its start time names one
 * process for the machine's uptime, even after the pid is reused.
 */
export function processStartTime(pid: number, procRoot = '/proc'): string | undefined {
  const stat = readFileSafe(join(procRoot, String(pid), 'stat'));
  // Field 2 (comm) is parenthesised and may hold spaces or ')': fields 3… follow the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 1).trim().split(/\s+/);
  const start = fields[19];
  return start && /^\d+$/.test(start) ? start : undefined;
}

/**
 * Ports promised to a stack on this machine, across processes: one file per port, named by the
 * port and holding the owner's process id and start time (`<pid> <start>`; `<pid>` alone where
 * there is no procfs), created with `O_EXCL` so exactly one stack wins a port.
 * Two `npm start` runs choose their ports before their services bind them (migrations run in
 * between), so a bind-time check alone lets both pick the same free default port; a reservation
 * closes that window. A file whose owner no longer runs (a killed stack) is taken over, also when
 * its pid now belongs to another process (the start time differs).
 */
export class PortReservations {
  private readonly held = new Set<number>();

  /** @param dir shared by every stack of the machine (default `<os tmpdir>/archipelago-ports`). */
  constructor(
    readonly dir = join(tmpdir(), 'archipelago-ports'),
    private readonly owner = process.pid,
    private readonly startTimeOf: (pid: number) => string | undefined = processStartTime,
  ) {}

  /** What this instance writes into its files: `<pid> <start time>`, or `<pid>`. */
  private get stamp(): string {
    const start = this.startTimeOf(this.owner);
    return start ? `${this.owner} ${start}` : String(this.owner);
  }

  /** True when the file's holder is a live process other than this one, the one that wrote it. */
  private heldByOther(content: string): boolean {
    const [pidText, start] = content.split(/\s+/);
    const holder = Number.parseInt(pidText ?? '', 10);
    if (!Number.isInteger(holder) || holder === this.owner || !processAlive(holder)) return false;
    // Same pid, another process (the stack died and the pid was reused): stale.
    return start === undefined || this.startTimeOf(holder) === undefined || this.startTimeOf(holder) === start;
  }

  /** Reserves `port` for this process; false when another live process holds it. */
  tryReserve(port: number): boolean {
    if (this.held.has(port)) return true;
    mkdirSync(this.dir, { recursive: true });
    const file = join(this.dir, String(port));
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        writeFileSync(file, this.stamp, { flag: 'wx' });
        this.held.add(port);
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      if (this.heldByOther(readFileSafe(file))) return false;
      // Stale (its stack was killed, or its pid reused) or unreadable: take it over, once.
      try {
        unlinkSync(file);
      } catch {
        /* another stack took it over first: the next exclusive create decides */
      }
    }
    return false;
  }

  /** Gives back every port this instance reserved (files another owner rewrote are left alone). */
  releaseAll(): void {
    for (const port of this.held) {
      const file = join(this.dir, String(port));
      if (readFileSafe(file) === this.stamp) {
        try {
          unlinkSync(file);
        } catch {
          /* already gone */
        }
      }
    }
    this.held.clear();
  }
}

function readFileSafe(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return '';
  }
}

/**
 * Hands out TCP ports on one host: the wanted port when it is free, else a free one from the OS.
 * Never hands out the same port twice, so ports chosen before their processes bind stay distinct;
 * with {@link PortReservations}, not across the stacks of one machine either.
 */
export class PortAllocator {
  private readonly given = new Set<number>();

  constructor(
    private readonly host = '127.0.0.1',
    private readonly probe: (port: number, host: string) => Promise<boolean> = isPortFree,
    private readonly pickFree: (host: string) => Promise<number> = osFreePort,
    private readonly reservations?: PortReservations,
  ) {}

  /** @param wanted the configured port; 0 means "any free port". */
  async allocate(wanted: number): Promise<PortChoice> {
    if (wanted > 0 && !this.given.has(wanted) && (await this.probe(wanted, this.host)) && this.reserve(wanted)) {
      this.given.add(wanted);
      return { wanted, port: wanted, fallback: false };
    }
    for (let attempt = 0; attempt < 20; attempt++) {
      const port = await this.pickFree(this.host);
      if (!this.given.has(port) && this.reserve(port)) {
        this.given.add(port);
        return { wanted, port, fallback: wanted > 0 };
      }
    }
    throw new Error(`No free TCP port found on ${this.host}`);
  }

  private reserve(port: number): boolean {
    return this.reservations ? this.reservations.tryReserve(port) : true;
  }
}
