import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isPortFree, PortAllocator, PortReservations, processStartTime } from './port-allocator.js';

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

describe('PortReservations (two stacks on one machine)', () => {
  const dirs: string[] = [];
  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), 'ports-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
  /** The id of a process that has exited (so certainly not running). */
  const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;

  it('gives a free default port to one stack only; the other falls back though nothing binds it yet', async () => {
    const shared = dir();
    // A second live process stands for the other stack: its reservations name its own pid.
    const other = new PortAllocator('127.0.0.1', undefined, undefined, new PortReservations(shared, process.ppid));
    const mine = new PortAllocator('127.0.0.1', undefined, undefined, new PortReservations(shared, process.pid));
    const theirs = await other.allocate(45_321);
    const ours = await mine.allocate(45_321);
    expect(theirs).toEqual({ wanted: 45_321, port: 45_321, fallback: false });
    expect(ours.fallback).toBe(true);
    expect(ours.port).not.toBe(45_321);
  });

  it('takes over the reservation of a stack that was killed', async () => {
    const shared = dir();
    writeFileSync(join(shared, '45322'), String(deadPid()));
    const choice = await new PortAllocator('127.0.0.1', undefined, undefined, new PortReservations(shared)).allocate(
      45_322,
    );
    expect(choice).toEqual({ wanted: 45_322, port: 45_322, fallback: false });
    expect(readFileSync(join(shared, '45322'), 'utf8')).toBe(`${process.pid} ${processStartTime(process.pid)}`);
  });

  it('takes over a reservation whose pid now belongs to another process (pid reused)', () => {
    const shared = dir();
    // The parent process is alive, but it is not the process that wrote the file: its start time differs.
    writeFileSync(join(shared, '45325'), `${process.ppid} 1`);
    expect(processStartTime(process.ppid)).not.toBe('1');
    expect(new PortReservations(shared).tryReserve(45_325)).toBe(true);
    // Written with the holder's real start time, it is live and kept.
    writeFileSync(join(shared, '45326'), `${process.ppid} ${processStartTime(process.ppid)}`);
    expect(new PortReservations(shared).tryReserve(45_326)).toBe(false);
  });

  it('reads the start time after the last parenthesis of /proc/<pid>/stat (a command name may hold ") ")', () => {
    const proc = dir();
    const rest = ['S', ...Array.from({ length: 18 }, (_, i) => String(i + 4)), '987654', '0'];
    mkdirSync(join(proc, '42'));
    writeFileSync(join(proc, '42', 'stat'), `42 (odd) name) ${rest.join(' ')}\n`);
    expect(processStartTime(42, proc)).toBe('987654');
    expect(processStartTime(43, proc)).toBeUndefined();
  });

  it('releases its own reservations and leaves the others', () => {
    const shared = dir();
    const mine = new PortReservations(shared);
    expect(mine.tryReserve(45_323)).toBe(true);
    expect(new PortReservations(shared, process.ppid).tryReserve(45_324)).toBe(true);
    mine.releaseAll();
    expect(existsSync(join(shared, '45323'))).toBe(false);
    expect(existsSync(join(shared, '45324'))).toBe(true);
    expect(new PortReservations(shared).tryReserve(45_324)).toBe(false);
  });
});
