import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { ERROR_CODE_METADATA_KEY, grpcStatusFor, readGrpcFailure, toGrpcError } from './grpc.errors.js';

describe('grpcStatusFor', () => {
  it.each([
    [status.NOT_FOUND, status.NOT_FOUND],
    ['INVALID_ARGUMENT', status.INVALID_ARGUMENT],
    ['FAILED_PRECONDITION', status.FAILED_PRECONDITION],
    ['ORDER.NOT_FOUND', status.NOT_FOUND],
    ['USER.EMAIL_ALREADY_EXISTS', status.ALREADY_EXISTS],
    ['ORDER.INVALID', status.INVALID_ARGUMENT],
    ['PRODUCT.VERSION_CONFLICT', status.ABORTED],
    ['ORDER.FORBIDDEN', status.PERMISSION_DENIED],
    ['STOCK.INSUFFICIENT', status.FAILED_PRECONDITION],
  ] as const)('%s → %s', (input, expected) => {
    expect(grpcStatusFor(input)).toBe(expected);
  });

  it('does not take inherited object keys for status names', () => {
    expect(grpcStatusFor('toString')).toBe(status.FAILED_PRECONDITION);
  });
});

describe('toGrpcError', () => {
  it('builds the payload grpc-js turns into a status, with the domain code in trailers', () => {
    const error = toGrpcError('PRODUCT.NOT_FOUND', 'no product p-1').getError() as { code: number; details: string; metadata: Metadata };
    expect(error.code).toBe(status.NOT_FOUND);
    expect(error.details).toBe('no product p-1');
    expect(error.metadata.get(ERROR_CODE_METADATA_KEY)).toEqual(['PRODUCT.NOT_FOUND']);
  });

  it('adds no domain code for a plain status', () => {
    const error = toGrpcError('INVALID_ARGUMENT', 'ids is empty').getError() as { metadata: Metadata };
    expect(error.metadata.get(ERROR_CODE_METADATA_KEY)).toEqual([]);
  });
});

describe('readGrpcFailure', () => {
  it('reads status, details and domain code from a ServiceError', () => {
    const metadata = new Metadata();
    metadata.set(ERROR_CODE_METADATA_KEY, 'ORDER.NOT_FOUND');
    const error = Object.assign(new Error('5 NOT_FOUND: gone'), { code: status.NOT_FOUND, details: 'gone', metadata }) as ServiceError;
    expect(readGrpcFailure(error)).toEqual({ code: status.NOT_FOUND, details: 'gone', domainCode: 'ORDER.NOT_FOUND' });
    expect(readGrpcFailure(new Error('plain'))).toBeUndefined();
  });
});
