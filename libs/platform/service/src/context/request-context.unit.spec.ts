import { describe, expect, it } from 'vitest';
import {
  acceptIncomingId,
  currentRequestContext,
  parseTraceparent,
  requestContextFromHeaders,
  runWithRequestContext,
} from './request-context.js';

describe('request context', () => {
  it('parses a W3C traceparent and rejects malformed or all-zero ones', () => {
    expect(parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toEqual({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
    });
    expect(parseTraceparent('00-00000000000000000000000000000000-00f067aa0ba902b7-01')).toBeUndefined();
    expect(parseTraceparent('ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toBeUndefined();
    expect(parseTraceparent('garbage')).toBeUndefined();
    expect(parseTraceparent(undefined)).toBeUndefined();
  });

  it('accepts conservative incoming ids only', () => {
    expect(acceptIncomingId('3f1c…')).toBeUndefined();
    expect(acceptIncomingId('a\nb')).toBeUndefined();
    expect(acceptIncomingId('x'.repeat(201))).toBeUndefined();
    expect(acceptIncomingId('b9e1c4a0-1d2e-4f3a-8b7c-6d5e4f3a2b1c#12')).toBe('b9e1c4a0-1d2e-4f3a-8b7c-6d5e4f3a2b1c#12');
  });

  it('defaults the correlation id to the request id', () => {
    expect(requestContextFromHeaders('r-1', {})).toMatchObject({
      requestId: 'r-1',
      correlationId: 'r-1',
      trace: undefined,
    });
    expect(requestContextFromHeaders('r-1', { 'x-correlation-id': 'c-9' }).correlationId).toBe('c-9');
  });

  it('is readable anywhere inside runWithRequestContext, across awaits', async () => {
    const context = requestContextFromHeaders('r-2', { authorization: 'Bearer t' });
    expect(currentRequestContext()).toBeUndefined();
    await runWithRequestContext(context, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      expect(currentRequestContext()).toBe(context);
    });
  });
});
