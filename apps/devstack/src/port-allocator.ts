import { createServer } from 'node:net';

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

/**
 * Hands out TCP ports on one host: the wanted port when it is free, else a free one from the OS.
 * Never hands out the same port twice, so ports chosen before their processes bind stay distinct.
 */
export class PortAllocator {
  private readonly given = new Set<number>();

  constructor(
    private readonly host = '127.0.0.1',
    private readonly probe: (port: number, host: string) => Promise<boolean> = isPortFree,
    private readonly pickFree: (host: string) => Promise<number> = osFreePort,
  ) {}

  /** @param wanted the configured port; 0 means "any free port". */
  async allocate(wanted: number): Promise<PortChoice> {
    if (wanted > 0 && !this.given.has(wanted) && (await this.probe(wanted, this.host))) {
      this.given.add(wanted);
      return { wanted, port: wanted, fallback: false };
    }
    for (let attempt = 0; attempt < 20; attempt++) {
      const port = await this.pickFree(this.host);
      if (!this.given.has(port)) {
        this.given.add(port);
        return { wanted, port, fallback: wanted > 0 };
      }
    }
    throw new Error(`No free TCP port found on ${this.host}`);
  }
}
