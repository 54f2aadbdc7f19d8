import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { createEdge } from './edge.server.js';
import { parseKongConfig } from './kong-config.loader.js';
import { parseUpstreamMap } from './upstream-target.js';

// Real sockets: a `ws` echo upstream (node:http + WebSocketServer) and the edge, on free ports of
// 127.0.0.1; clients are `ws` WebSockets, as a browser's `new WebSocket()` would connect.

interface Upstream {
  server: Server;
  port: number;
  /** Handshakes that reached the upstream: URL and headers. */
  seen: { url: string; headers: IncomingHttpHeaders }[];
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function startEchoUpstream(): Promise<Upstream> {
  const seen: Upstream['seen'] = [];
  const wss = new WebSocketServer({ noServer: true });
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
  server.on('upgrade', (req: IncomingMessage, socket, head) => {
    seen.push({ url: req.url!, headers: req.headers });
    if (req.url?.startsWith('/ws/refuse')) {
      // An upstream that refuses the handshake with an ordinary HTTP answer.
      const body = JSON.stringify({
        type: 'about:blank',
        title: 'Unauthorized',
        status: 401,
        detail: 'ticket expired',
      });
      socket.end(
        `HTTP/1.1 401 Unauthorized\r\ncontent-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (req.url?.startsWith('/silent')) return; // accepts, then never sends: the edge's idle timeout closes it
      ws.send(JSON.stringify({ hello: req.url }));
      ws.on('message', (data, binary) => ws.send(data, { binary }));
    });
  });
  return { server, port: await listen(server), seen };
}

const inbox = new WeakMap<
  WebSocket,
  { queue: { data: Buffer; binary: boolean }[]; waiting: ((m: { data: Buffer; binary: boolean }) => void)[] }
>();

/** Opens a WebSocket; resolves with it once open, or with the HTTP answer that refused the handshake. */
function connect(
  url: string,
  headers: Record<string, string> = {},
): Promise<
  | { ws: WebSocket; upgrade: IncomingMessage }
  | { refused: { status: number; headers: IncomingHttpHeaders; body: string } }
> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    // Frames can arrive together with the 101, before the caller awaits one: queue them from the start.
    const queue: { data: Buffer; binary: boolean }[] = [];
    const waiting: ((m: { data: Buffer; binary: boolean }) => void)[] = [];
    inbox.set(ws, { queue, waiting });
    ws.on('message', (data: Buffer, binary) => {
      const waiter = waiting.shift();
      if (waiter) waiter({ data, binary });
      else queue.push({ data, binary });
    });
    let upgrade: IncomingMessage | undefined;
    ws.on('upgrade', (res) => (upgrade = res));
    ws.on('open', () => resolve({ ws, upgrade: upgrade! }));
    ws.on('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ refused: { status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() } }),
      );
    });
    ws.on('error', reject);
  });
}

async function open(url: string, headers: Record<string, string> = {}) {
  const result = await connect(url, headers);
  if ('refused' in result) throw new Error(`handshake refused: ${result.refused.status} ${result.refused.body}`);
  return result;
}

async function refused(url: string, headers: Record<string, string> = {}) {
  const result = await connect(url, headers);
  if (!('refused' in result)) {
    result.ws.close();
    throw new Error('handshake was accepted');
  }
  return result.refused;
}

function nextMessage(ws: WebSocket): Promise<{ data: Buffer; binary: boolean }> {
  const { queue, waiting } = inbox.get(ws)!;
  const queued = queue.shift();
  return queued ? Promise.resolve(queued) : new Promise((resolve) => waiting.push(resolve));
}

function closed(ws: WebSocket): Promise<number> {
  return new Promise((resolve) =>
    ws.readyState === WebSocket.CLOSED ? resolve(ws.readyState) : ws.once('close', (code) => resolve(code)),
  );
}

const NOW = Date.UTC(2030, 0, 1, 12, 0, 10); // the edge's clock, fixed: rate-limit windows and token expiry are deterministic

const kongYml = (secret: string) => `
_format_version: "3.0"
consumers:
  - username: ws-client
    jwt_secrets:
      - key: ws-issuer
        algorithm: HS256
        secret: ${secret}
services:
  - name: notifications
    url: http://notifications.notifications:8080
    routes:
      - name: stream
        paths: [/ws]
        methods: [GET]
        strip_path: false
      - name: limited
        paths: [/limited]
        methods: [GET]
        strip_path: true
        plugins:
          - name: rate-limiting
            config: { minute: 2, limit_by: ip }
      - name: private
        paths: [/private]
        methods: [GET]
        strip_path: true
        plugins:
          - name: jwt
            config: { claims_to_verify: [exp], uri_param_names: [] }
  - name: quiet
    url: http://quiet.notifications:8080
    read_timeout: 300
    routes:
      - name: silent
        paths: [/silent]
        strip_path: false
  - name: down
    url: http://down.notifications:8080
    routes:
      - name: down
        paths: [/down]
plugins:
  - name: correlation-id
    config: { header_name: X-Request-Id, generator: uuid, echo_downstream: true }
`;

describe('edge WebSocket proxying (real sockets)', () => {
  let upstream: Upstream;
  let edge: FastifyInstance;
  let base: string;
  let secret: string;

  beforeAll(async () => {
    upstream = await startEchoUpstream();
    const dead = createServer();
    const deadPort = await listen(dead);
    await new Promise((resolve) => dead.close(resolve)); // nothing listens there any more
    secret = randomBytes(32).toString('hex');
    const origin = `http://127.0.0.1:${upstream.port}`;
    edge = await createEdge({
      config: parseKongConfig(kongYml(secret), 'edge-websocket.int.spec kong.yml'),
      upstreams: parseUpstreamMap(
        JSON.stringify({
          'notifications.notifications:8080': origin,
          'quiet.notifications:8080': origin,
          'down.notifications:8080': `http://127.0.0.1:${deadPort}`,
        }),
      ),
      now: () => NOW,
    });
    await edge.listen({ host: '127.0.0.1', port: 0 });
    base = `ws://127.0.0.1:${(edge.server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await edge?.close();
    upstream?.server.closeAllConnections();
    await new Promise((resolve) => upstream?.server.close(resolve));
  });

  it('upgrades on the same route and relays text and binary frames both ways, query string kept', async () => {
    const { ws, upgrade } = await open(`${base}/ws/stream?after=n-41`);
    expect(upgrade.statusCode).toBe(101);
    expect(JSON.parse((await nextMessage(ws)).data.toString())).toEqual({ hello: '/ws/stream?after=n-41' });
    ws.send('ping 1');
    expect((await nextMessage(ws)).data.toString()).toBe('ping 1');
    ws.send(Buffer.from([0, 1, 2, 255]));
    const echoed = await nextMessage(ws);
    expect(echoed.binary).toBe(true);
    expect([...echoed.data]).toEqual([0, 1, 2, 255]);
    ws.close(1000, 'bye');
    expect(await closed(ws)).toBe(1000);
  });

  it('applies the correlation id to the handshake: generated, sent upstream and echoed on the 101', async () => {
    const { ws, upgrade } = await open(`${base}/ws/ids`);
    const id = upgrade.headers['x-request-id'];
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const seen = upstream.seen.findLast((s) => s.url === '/ws/ids')!;
    expect(seen.headers['x-request-id']).toBe(id);
    expect(seen.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(seen.headers.host).toBe('notifications.notifications:8080');
    ws.close();
    await closed(ws);
  });

  it('answers 404 before any upgrade when no route matches', async () => {
    const answer = await refused(`${base}/nowhere`);
    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.body)).toEqual({ message: 'no Route matched with those values' });
  });

  it('rate-limits handshakes: the third within the minute is 429 with the counters', async () => {
    for (let i = 0; i < 2; i++) {
      const { ws, upgrade } = await open(`${base}/limited/ws/limited`);
      expect(upgrade.headers['x-ratelimit-remaining-minute']).toBe(String(1 - i));
      ws.close();
      await closed(ws);
    }
    const answer = await refused(`${base}/limited/ws/limited`);
    expect(answer.status).toBe(429);
    expect(answer.headers['x-ratelimit-remaining-minute']).toBe('0');
  });

  it('requires a valid JWT on a jwt route: 401 without one, upgraded with one', async () => {
    const missing = await refused(`${base}/private/ws/private`);
    expect(missing.status).toBe(401);
    const token = await new SignJWT({ sub: 'user-7' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('ws-issuer')
      .setExpirationTime(Math.floor(NOW / 1000) + 300)
      .sign(new TextEncoder().encode(secret));
    const { ws } = await open(`${base}/private/ws/private`, { authorization: `Bearer ${token}` });
    expect(JSON.parse((await nextMessage(ws)).data.toString())).toEqual({ hello: '/ws/private' });
    ws.close();
    await closed(ws);
  });

  it("passes the upstream's non-101 answer through (status, headers, body)", async () => {
    const answer = await refused(`${base}/ws/refuse`);
    expect(answer.status).toBe(401);
    expect(answer.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(answer.body)).toMatchObject({ status: 401, detail: 'ticket expired' });
  });

  it('answers 502 when the upstream is down', async () => {
    const answer = await refused(`${base}/down`);
    expect(answer.status).toBe(502);
  });

  it("closes a tunnel that stayed idle for the service's read_timeout", async () => {
    const { ws } = await open(`${base}/silent`);
    // Nothing is sent either way: the edge closes both sides (abnormal closure for the client).
    expect(await closed(ws)).toBe(1006);
  });
});
