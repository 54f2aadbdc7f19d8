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
 * Ports promised to a stack on this machine, across processes: one file per port, named by the
 * port and holding the owner's process id, created with `O_EXCL` so exactly one stack wins a port.
 * Two `npm start` runs choose their ports before their services bind them (migrations run in
 * between), so a bind-time check alone lets both pick the same free default port; a reservation
 * closes that window. A file whose owner no longer runs (a killed stack) is taken over.
 */
export class PortReservations {
  private readonly held = new Set<number>();

  /** @param dir shared by every stack of the machine (default `<os tmpdir>/archipelago-ports`). */
  constructor(
    readonly dir = join(tmpdir(), 'archipelago-ports'),
    private readonly owner = process.pid,
  ) {}

  /** Reserves `port` for this process; false when another live process holds it. */
  tryReserve(port: number): boolean {
    if (this.held.has(port)) return true;
    mkdirSync(this.dir, { recursive: true });
    const file = join(this.dir, String(port));
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        writeFileSync(file, String(this.owner), { flag: 'wx' });
        this.held.add(port);
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = Number.parseInt(readFileSafe(file), 10);
      if (Number.isInteger(holder) && holder !== this.owner && processAlive(holder)) return false;
      // Stale (its stack was killed) or unreadable: take it over, once.
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
      if (readFileSafe(file) === String(this.owner)) {
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
