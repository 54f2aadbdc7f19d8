import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { z } from 'zod';
import { defineEdgePlugin } from './edge-plugin.js';

const configSchema = z.strictObject({
  header_name: z.string().min(1).default('Kong-Request-ID'),
  generator: z.enum(['uuid', 'uuid#counter', 'tracker']).default('uuid#counter'),
  echo_downstream: z.boolean().default(false),
});

export type CorrelationIdConfig = z.infer<typeof configSchema>;

/** Kong's id generators: per-request UUID, one UUID per process plus a counter, or a connection tracker. */
function createGenerators() {
  const processUuid = randomUUID();
  let counter = 0;
  const connections = new WeakMap<Socket, { serial: number; requests: number }>();
  let connectionSerial = 0;
  return {
    uuid: () => randomUUID(),
    'uuid#counter': () => `${processUuid}#${++counter}`,
    tracker: (socket: Socket) => {
      let state = connections.get(socket);
      if (state === undefined) {
        state = { serial: ++connectionSerial, requests: 0 };
        connections.set(socket, state);
      }
      state.requests += 1;
      const seconds = (Date.now() / 1000).toFixed(3);
      return `${socket.localAddress}-${socket.localPort}-${process.pid}-${state.serial}-${state.requests}-${seconds}`;
    },
  } as const;
}

/**
 * Kong `correlation-id` (priority 100001): keeps the client's id from `header_name`, or generates
 * one and sends it upstream; with `echo_downstream` the id is also set on the response, including
 * responses the edge produces itself (413, preflight, 502).
 */
export const correlationIdPlugin = defineEdgePlugin<CorrelationIdConfig>({
  name: 'correlation-id',
  priority: 100001,
  configSchema,
  install(app, scope) {
    if (!scope.inUse) return;
    const generators = createGenerators();
    app.addHook('onRequest', async (request) => {
      const config = scope.configFor(request);
      const context = request.edge;
      if (config === undefined || context === null) return;
      const headerName = config.header_name.toLowerCase();
      const received = request.headers[headerName];
      let id = Array.isArray(received) ? received[0] : received;
      if (id === undefined || id === '') {
        id = config.generator === 'tracker' ? generators.tracker(request.socket) : generators[config.generator]();
        context.upstreamHeaders[headerName] = id;
      }
      context.correlationId = id;
      // Also on responses that skip onSend (a WebSocket `101`, written by websocket-proxy.ts).
      if (config.echo_downstream) context.responseHeaders[config.header_name] = id;
    });
    app.addHook('onSend', async (request, reply, payload) => {
      const config = scope.configFor(request);
      const id = request.edge?.correlationId;
      if (config?.echo_downstream && id !== undefined) reply.header(config.header_name, id);
      return payload;
    });
  },
});
