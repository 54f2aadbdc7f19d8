import { Metadata } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { buildCallMetadata, propagatedMetadata, readCallContext } from './grpc.metadata.js';

const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('buildCallMetadata', () => {
  it('carries the request context, lower-cases keys and drops empty values', () => {
    const metadata = buildCallMetadata({ traceparent, 'X-Request-Id': 'req-1', authorization: undefined, tracestate: '' });
    expect(metadata.getMap()).toEqual({ traceparent, 'x-request-id': 'req-1' });
  });

  it('lets per-call entries win over the context', () => {
    const metadata = buildCallMetadata({ 'x-request-id': 'from-context' }, { 'X-REQUEST-ID': 'per-call' });
    expect(metadata.get('x-request-id')).toEqual(['per-call']);
  });
});

describe('readCallContext', () => {
  it('reads the propagated keys of an incoming call', () => {
    const metadata = new Metadata();
    metadata.set('traceparent', traceparent);
    metadata.set('x-request-id', 'req-1');
    metadata.set('authorization', 'Bearer token');
    metadata.set('user-agent', 'grpc-node-js');
    expect(readCallContext(metadata)).toEqual({ traceparent, tracestate: undefined, requestId: 'req-1', authorization: 'Bearer token' });
    expect(propagatedMetadata(metadata)).toEqual({ traceparent, 'x-request-id': 'req-1', authorization: 'Bearer token' });
  });

  it('gives an empty context without metadata', () => {
    expect(readCallContext(undefined)).toEqual({ traceparent: undefined, tracestate: undefined, requestId: undefined, authorization: undefined });
  });
});
