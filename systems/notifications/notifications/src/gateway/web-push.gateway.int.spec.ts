import { startPushEndpoint, type PushEndpoint } from '@archipelago/testing-harness';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import webpush from 'web-push';
import { PushRetryLaterError } from '../use-case/port/push.port.js';
import { WebPushGateway } from './web-push.gateway.js';

// The gateway against real HTTP: the harness's decrypting push endpoint, and a push service that
// answers 429 with Retry-After (RFC 8030 §8.4), which the harness endpoint cannot.
const gateway = new WebPushGateway({
  ...webpush.generateVAPIDKeys(),
  subject: 'mailto:notifications@archipelago.local',
});
let device: PushEndpoint;
let busy: Server;
let busyUrl: string;
let redirecting: Server;
let redirectingUrl: string;

beforeAll(async () => {
  device = await startPushEndpoint();
  busy = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(429, { 'retry-after': '7' }).end('slow down'));
  });
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  busyUrl = `http://127.0.0.1:${(busy.address() as AddressInfo).port}/push/busy`;
  // An allowed host that redirects elsewhere (here: to the device's endpoint, standing for any other host).
  redirecting = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(307, { location: device.subscription.endpoint }).end());
  });
  await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
  redirectingUrl = `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}/push/moved`;
});

afterAll(async () => {
  await device?.stop();
  await new Promise((resolve) => busy?.close(resolve));
  await new Promise((resolve) => redirecting?.close(resolve));
});

describe('WebPushGateway', () => {
  it('delivers an aes128gcm message the device decrypts, with the TTL', async () => {
    expect(await gateway.send(device.subscription, '{"title":"hi"}', { ttlSeconds: 30 })).toEqual({
      kind: 'delivered',
    });
    const push = await device.waitFor((p) => p.text === '{"title":"hi"}');
    expect(push.headers.ttl).toBe('30');
  });

  it('classifies the answers: 410 gone, 413 rejected, 500 thrown, 429 with Retry-After thrown with the wait', async () => {
    device.answerWith(410);
    expect(await gateway.send(device.subscription, 'x', { ttlSeconds: 30 })).toEqual({ kind: 'gone', status: 410 });
    device.answerWith(413);
    expect(await gateway.send(device.subscription, 'x', { ttlSeconds: 30 })).toMatchObject({
      kind: 'rejected',
      status: 413,
    });
    device.answerWith(500);
    await expect(gateway.send(device.subscription, 'x', { ttlSeconds: 30 })).rejects.toThrow(/500/);
    const error = await gateway
      .send({ ...device.subscription, endpoint: busyUrl }, 'x', { ttlSeconds: 30 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PushRetryLaterError);
    expect((error as PushRetryLaterError).retryAfterMs).toBe(7_000);
  });

  it('does not follow a redirect (it could lead off the allowed push services): rejected, nothing sent on', async () => {
    device.answerWith(201);
    const before = device.received().length;
    expect(await gateway.send({ ...device.subscription, endpoint: redirectingUrl }, 'moved', { ttlSeconds: 30 })).toMatchObject({
      kind: 'rejected',
      status: 307,
    });
    expect(await gateway.send(device.subscription, 'direct', { ttlSeconds: 30 })).toEqual({ kind: 'delivered' });
    await device.waitFor((p) => p.text === 'direct');
    expect(device.received().slice(before).map((p) => p.text)).toEqual(['direct']);
  });
});
