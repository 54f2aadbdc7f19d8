import { createDecipheriv, createECDH, hkdfSync, randomBytes, type ECDH } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Decrypts an `aes128gcm` body (RFC 8188 §2): header `salt(16) | rs(uint32) | idlen(1) | keyid`, then
 * records of `rs` bytes (ciphertext + 16-byte tag), each ending with padding delimiter 0x01 (0x02 on
 * the last) and zeros. `ikm` gives the input keying material from the header's key id.
 * @throws {Error} on a truncated header, a record that fails authentication, or a bad padding delimiter.
 */
export function decryptAes128gcm(body: Buffer, ikm: (keyId: Buffer) => Buffer): Buffer {
  if (body.length < 21) throw new Error('aes128gcm: truncated header');
  const salt = body.subarray(0, 16);
  const rs = body.readUInt32BE(16);
  const idlen = body[20]!;
  if (rs < 18 || body.length < 21 + idlen) throw new Error('aes128gcm: bad header');
  const keyId = body.subarray(21, 21 + idlen);
  const secret = ikm(keyId);
  const cek = Buffer.from(hkdfSync('sha256', secret, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const baseNonce = Buffer.from(hkdfSync('sha256', secret, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
  const out: Buffer[] = [];
  let offset = 21 + idlen;
  for (let seq = 0; offset < body.length; seq++) {
    const record = body.subarray(offset, offset + rs);
    offset += rs;
    const nonce = Buffer.from(baseNonce);
    // XOR the record sequence number into the nonce (RFC 8188 §2.3); below 2^32 records only the low 32 bits change.
    nonce.writeUInt32BE((nonce.readUInt32BE(8) ^ seq) >>> 0, 8);
    const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
    decipher.setAuthTag(record.subarray(record.length - 16));
    const plain = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
    let end = plain.length - 1;
    while (end >= 0 && plain[end] === 0) end--;
    const last = offset >= body.length;
    if (end < 0 || plain[end] !== (last ? 2 : 1)) throw new Error('aes128gcm: bad padding delimiter');
    out.push(plain.subarray(0, end));
  }
  return Buffer.concat(out);
}

/**
 * Decrypts a Web Push message (RFC 8291 §3.4): the key id is the sender's P-256 public key,
 * `IKM = HKDF(auth_secret, ECDH(ua_private, as_public), "WebPush: info\0" | ua_public | as_public, 32)`,
 * then {@link decryptAes128gcm}.
 */
export function decryptWebPush(body: Buffer, receiver: ECDH, authSecret: Buffer): Buffer {
  return decryptAes128gcm(body, (senderPublic) => {
    if (senderPublic.length !== 65) throw new Error('web push: the key id is not a P-256 public key');
    const shared = receiver.computeSecret(senderPublic);
    const info = Buffer.concat([Buffer.from('WebPush: info\0'), receiver.getPublicKey(), senderPublic]);
    return Buffer.from(hkdfSync('sha256', shared, authSecret, info, 32));
  });
}

/** One push message the endpoint received, decrypted. */
export interface ReceivedPush {
  readonly headers: IncomingHttpHeaders;
  /** The decrypted payload. */
  readonly payload: Buffer;
  /** The payload as UTF-8 text. */
  readonly text: string;
}

/** A local Web Push service endpoint for one subscription (see {@link startPushEndpoint}). */
export interface PushEndpoint {
  /** The browser's `PushSubscription.toJSON()` shape, as `web-push`'s `sendNotification` takes it. */
  readonly subscription: { endpoint: string; keys: { p256dh: string; auth: string } };
  /** Messages received so far, in order. */
  received(): readonly ReceivedPush[];
  /** Resolves with the first message matching `predicate`; rejects after `timeoutMs` (default 15 000). */
  waitFor(predicate: (push: ReceivedPush) => boolean, options?: { timeoutMs?: number }): Promise<ReceivedPush>;
  /** Status the endpoint answers from now on (default 201; 404 or 410 = subscription gone, RFC 8030 §7.3). */
  answerWith(status: number): void;
  stop(): Promise<void>;
}

/**
 * Starts a Web Push endpoint (RFC 8030 push service, receiving side only) on a free 127.0.0.1 port,
 * with a fresh P-256 key pair and auth secret: `POST <endpoint>` with `Content-Encoding: aes128gcm`
 * is decrypted (RFC 8291) and recorded. Answers 201, 400 when the body does not decrypt, 415 for
 * another content coding, or the status set with {@link PushEndpoint.answerWith}.
 */
export async function startPushEndpoint(): Promise<PushEndpoint> {
  const receiver = createECDH('prime256v1');
  receiver.generateKeys();
  const authSecret = randomBytes(16);
  const received: ReceivedPush[] = [];
  let status = 201;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST') return void res.writeHead(405, { allow: 'POST' }).end();
      if (status !== 201) return void res.writeHead(status).end();
      if (req.headers['content-encoding'] !== 'aes128gcm') return void res.writeHead(415).end();
      let payload: Buffer;
      try {
        payload = decryptWebPush(Buffer.concat(chunks), receiver, authSecret);
      } catch (error) {
        return void res.writeHead(400, { 'content-type': 'text/plain' }).end(String(error));
      }
      received.push({ headers: req.headers, payload, text: payload.toString('utf8') });
      res.writeHead(201, { location: `/messages/${received.length}` }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    subscription: {
      endpoint: `http://127.0.0.1:${port}/push/${randomBytes(8).toString('hex')}`,
      keys: { p256dh: receiver.getPublicKey().toString('base64url'), auth: authSecret.toString('base64url') },
    },
    received: () => [...received],
    async waitFor(predicate, options) {
      const deadline = Date.now() + (options?.timeoutMs ?? 15_000);
      for (;;) {
        const hit = received.find(predicate);
        if (hit) return hit;
        if (Date.now() > deadline)
          throw new Error(`no push message matched; received: ${JSON.stringify(received.map((r) => r.text))}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    answerWith(next) {
      status = next;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
