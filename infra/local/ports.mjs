// Port helpers of the local sinks started by npm start and the test harness (Mailpit, Zipkin).
import net from 'node:net';

/** Whether `port` on `host` can be bound right now. */
export function portFree(port, host = '127.0.0.1') {
  return new Promise((resolveP) => {
    const srv = net.createServer();
    srv.once('error', () => resolveP(false));
    srv.listen({ host, port, exclusive: true }, () => srv.close(() => resolveP(true)));
  });
}

/** A port the OS says is free on `host` (bound to 0, then released). */
export function freePort(host = '127.0.0.1') {
  return new Promise((resolveP, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen({ host, port: 0 }, () => {
      const { port } = srv.address();
      srv.close(() => resolveP(port));
    });
  });
}
