import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isPortFree, PortAllocator } from './port-allocator.js';

const servers: Server[] = [];
async function occupy(): Promise<number> {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

describe('PortAllocator', () => {
  it('keeps the wanted port when it is free', async () => {
    const port = await occupy();
    await new Promise((resolve) => servers.pop()!.close(resolve));
    expect(await new PortAllocator().allocate(port)).toEqual({ wanted: port, port, fallback: false });
  });

  it('falls back to a free port when the wanted one is taken', async () => {
    const taken = await occupy();
    expect(await isPortFree(taken)).toBe(false);
    const choice = await new PortAllocator().allocate(taken);
    expect(choice.fallback).toBe(true);
    expect(choice.port).not.toBe(taken);
    expect(await isPortFree(choice.port)).toBe(true);
  });

  it('never hands out the same port twice, even before anything binds it', async () => {
    const allocator = new PortAllocator();
    const first = await allocator.allocate(45_123);
    const second = await allocator.allocate(45_123);
    expect(second.port).not.toBe(first.port);
    expect(second.fallback).toBe(true);
  });

  it('retries when the OS offers a port already handed out', async () => {
    const offers = [4000, 4000, 4001];
    const allocator = new PortAllocator(
      '127.0.0.1',
      async () => false,
      async () => offers.shift()!,
    );
    expect((await allocator.allocate(3000)).port).toBe(4000);
    expect((await allocator.allocate(3000)).port).toBe(4001);
  });

  it('0 means any free port', async () => {
    const choice = await new PortAllocator().allocate(0);
    expect(choice.port).toBeGreaterThan(0);
    expect(choice.fallback).toBe(false);
  });
});
