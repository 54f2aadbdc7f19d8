import { createCipheriv, createECDH, hkdfSync, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptAes128gcm, startPushEndpoint, type PushEndpoint } from './push.js';

/**
 * The sending side of RFC 8291 / RFC 8188 (what `web-push` does), written out independently with
 * node:crypto's cipher so the endpoint's decryption is checked against it; `rs` small enough to
 * force several records.
 */
function encryptWebPush(plaintext: Buffer, p256dh: string, auth: string, rs = 4096): Buffer {
  const uaPublic = Buffer.from(p256dh, 'base64url');
  const sender = createECDH('prime256v1');
  sender.generateKeys();
  const asPublic = sender.getPublicKey();
  const salt = randomBytes(16);
  const info = Buffer.concat([Buffer.from('WebPush: info\0'), uaPublic, asPublic]);
  const ikm = Buffer.from(hkdfSync('sha256', sender.computeSecret(uaPublic), Buffer.from(auth, 'base64url'), info, 32));
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
  const header = Buffer.alloc(21);
  salt.copy(header);
  header.writeUInt32BE(rs, 16);
  header[20] = asPublic.length;
  const chunk = rs - 17; // one delimiter byte + 16-byte tag per record
  const records: Buffer[] = [];
  for (let i = 0, seq = 0; i === 0 || i < plaintext.length; i += chunk, seq++) {
    const last = i + chunk >= plaintext.length;
    const n = Buffer.from(nonce);
    n[11] = n[11]! ^ seq; // fewer than 256 records here
    const cipher = createCipheriv('aes-128-gcm', cek, n);
    const body = Buffer.concat([plaintext.subarray(i, i + chunk), Buffer.from([last ? 2 : 1])]);
    records.push(cipher.update(body), cipher.final(), cipher.getAuthTag());
  }
  return Buffer.concat([header, asPublic, ...records]);
}

describe('decryptAes128gcm (RFC 8188)', () => {
  it('decrypts the example of RFC 8188 §3.1', () => {
    const body = Buffer.from('I1BsxtFttlv3u_Oo94xnmwAAEAAA-NAVub2qFgBEuQKRapoZu-IxkIva3MEB1PD-ly8Thjg', 'base64url');
    const plain = decryptAes128gcm(body, () => Buffer.from('yqdlZ-tYemfogSmv7Ws5PQ', 'base64url'));
    expect(plain.toString()).toBe('I am the walrus');
  });
});

describe('startPushEndpoint (RFC 8030 / 8291)', () => {
  let push: PushEndpoint;
  beforeAll(async () => {
    push = await startPushEndpoint();
  });
  afterAll(async () => {
    await push?.stop();
  });

  const post = (body: Buffer, headers: Record<string, string> = { 'content-encoding': 'aes128gcm' }) =>
    fetch(push.subscription.endpoint, { method: 'POST', headers: { ttl: '60', ...headers }, body });

  it('decrypts and records what is sent to the subscription, over several records', async () => {
    const { p256dh, auth } = push.subscription.keys;
    const text = JSON.stringify({ title: 'Order confirmed', body: 'x'.repeat(300) });
    const res = await post(encryptWebPush(Buffer.from(text), p256dh, auth, 100));
    expect(res.status).toBe(201);
    const got = await push.waitFor((p) => p.text === text);
    expect(got.headers.ttl).toBe('60');
  });

  it('answers 400 to a payload encrypted for another subscription and 415 to another coding', async () => {
    const other = createECDH('prime256v1');
    other.generateKeys();
    const wrong = encryptWebPush(Buffer.from('secret'), other.getPublicKey('base64url'), push.subscription.keys.auth);
    expect((await post(wrong)).status).toBe(400);
    expect((await post(Buffer.from('plain'), { 'content-encoding': 'identity' })).status).toBe(415);
    expect(push.received().map((p) => p.text)).not.toContain('secret');
  });

  it('answers 410 once the subscription is gone', async () => {
    push.answerWith(410);
    const { p256dh, auth } = push.subscription.keys;
    expect((await post(encryptWebPush(Buffer.from('late'), p256dh, auth))).status).toBe(410);
    push.answerWith(201);
  });
});
