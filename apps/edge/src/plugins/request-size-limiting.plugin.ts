import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { sendContinueIfExpected, sendKongError } from '../kong-response.js';
import { defineEdgePlugin } from './edge-plugin.js';

const BYTES_PER_UNIT = { bytes: 1, kilobytes: 1024, megabytes: 1024 * 1024 } as const;

const configSchema = z.strictObject({
  allowed_payload_size: z.number().int().min(0).default(128),
  size_unit: z.enum(['megabytes', 'kilobytes', 'bytes']).default('megabytes'),
  require_content_length: z.boolean().default(false),
});

export type RequestSizeLimitingConfig = z.infer<typeof configSchema>;

/**
 * Reads a request body into memory, giving up (and pausing the stream) once it exceeds `limit`
 * bytes. Resolves `undefined` when the body is too large.
 */
function readBodyUpTo(stream: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        stream.pause();
        resolve(undefined);
      } else {
        chunks.push(chunk);
      }
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
  });
}

/**
 * Kong `request-size-limiting` (priority 951). A numeric Content-Length above the limit answers
 * 413 `{"message":"Request size limit exceeded"}` without reading the body — also when the client
 * sent `Expect: 100-continue` (the edge then never sends `100 Continue`, see edge.server.ts; Kong's
 * plugin answers 417 there, the local edge follows RFC 9110 §10.1.1 and says what is wrong). Without Content-Length: `require_content_length` answers 411 unless the
 * body is chunked; a chunked body is read (up to the limit) and measured, as Kong buffers it.
 */
export const requestSizeLimitingPlugin = defineEdgePlugin<RequestSizeLimitingConfig>({
  name: 'request-size-limiting',
  priority: 951,
  configSchema,
  install(app, scope) {
    if (!scope.inUse) return;
    app.addHook('onRequest', async (request, reply) => {
      const config = scope.configFor(request);
      const context = request.edge;
      if (config === undefined || context === null) return;
      const limit = config.allowed_payload_size * BYTES_PER_UNIT[config.size_unit];
      const tooLarge = () => {
        // Unread body bytes would otherwise be parsed as the next request on this connection.
        reply.header('connection', 'close');
        return sendKongError(reply, 413, 'Request size limit exceeded');
      };
      const contentLength = request.headers['content-length'];
      if (contentLength !== undefined && /^\d+$/.test(contentLength.trim())) {
        if (Number(contentLength) > limit) return tooLarge();
        return;
      }
      const chunked = /\bchunked\b/i.test(request.headers['transfer-encoding'] ?? '');
      if (!chunked) {
        if (config.require_content_length) {
          return sendKongError(reply, 411, 'A valid Content-Length header is required');
        }
        return;
      }
      sendContinueIfExpected(request, reply);
      const body = await readBodyUpTo(request.raw, limit);
      if (body === undefined) return tooLarge();
      context.bufferedBody = body;
    });
  },
});
