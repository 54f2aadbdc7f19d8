import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { INestMicroservice } from '@nestjs/common';
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { Registry } from 'prom-client';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { createServer } from 'node:net';
import { basename, dirname } from 'node:path';
import type { Observable } from 'rxjs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
// A real published contract is the most honest fixture for the transport.
// eslint-disable-next-line @nx/enforce-module-boundaries
import {
  CATALOG_PROTO_FILE,
  CATALOG_PROTO_PACKAGE,
  CATALOG_SERVICE_FQN,
  CatalogServiceControllerMethods,
  commerceProtoRoot,
  type CatalogServiceClient,
  type CatalogServiceController,
  type GetProductsRequest,
  type GetProductsResponse,
} from '@archipelago/commerce-contracts';
import {
  createGrpcClient,
  GrpcHealthService,
  grpcServerOptions,
  readCallContext,
  readGrpcFailure,
  toGrpcError,
  type GrpcCallContext,
  type GrpcClient,
} from './index.js';

// What the in-test server saw and how it should misbehave; reset before each test.
const seen: GrpcCallContext[] = [];
let unavailableAnswersLeft = 0;
let calls = 0;

@Controller()
@CatalogServiceControllerMethods()
class CatalogTestGrpcHandler implements CatalogServiceController {
  async getProducts(request: GetProductsRequest, metadata?: Metadata): Promise<GetProductsResponse> {
    calls++;
    seen.push(readCallContext(metadata));
    if (request.ids.length === 0) throw toGrpcError('INVALID_ARGUMENT', 'ids must not be empty');
    if (request.ids.includes('gone')) throw toGrpcError('PRODUCT.NOT_FOUND', 'product gone was deleted');
    if (request.ids.includes('slow')) await new Promise((resolve) => setTimeout(resolve, 500));
    if (request.ids.includes('flaky') && unavailableAnswersLeft-- > 0) throw toGrpcError(status.UNAVAILABLE, 'warming up');
    const known = request.ids.filter((id) => id.startsWith('p-'));
    return {
      products: known.map((id) => ({
        id,
        sku: `SKU-${id}`,
        name: `Product ${id}`,
        price: { amount: 1999, currency: 'EUR' },
        available: 2 ** 40,
        version: 7,
      })),
      missingIds: request.ids.filter((id) => !id.startsWith('p-') && id !== 'flaky' && id !== 'slow'),
    };
  }
}

@Module({ controllers: [CatalogTestGrpcHandler] })
class CatalogTestModule {}

interface HealthCheckResponse {
  status: 'UNKNOWN' | 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';
}
interface HealthClient {
  check(request: { service: string }): Observable<HealthCheckResponse>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function rejection(promise: Promise<unknown>): Promise<ServiceError> {
  try {
    await promise;
  } catch (error) {
    return error as ServiceError;
  }
  throw new Error('expected the call to fail');
}

describe('platform-grpc against a NestJS gRPC microservice', () => {
  const health = new GrpcHealthService();
  const metricsRegistry = new Registry();
  const context = { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', 'x-request-id': 'req-42' };
  let app: INestMicroservice;
  let address: string;
  let catalog: GrpcClient<CatalogServiceClient>;
  let healthClient: GrpcClient<HealthClient>;

  beforeAll(async () => {
    address = `127.0.0.1:${await freePort()}`;
    app = await NestFactory.createMicroservice(CatalogTestModule, {
      ...grpcServerOptions({
        packages: [CATALOG_PROTO_PACKAGE],
        protoFiles: [CATALOG_PROTO_FILE],
        protoRoot: commerceProtoRoot(),
        url: address,
        health,
        metricsRegistry,
      }),
      logger: false,
    });
    await app.listen();
    catalog = createGrpcClient<CatalogServiceClient>({
      address,
      service: CATALOG_SERVICE_FQN,
      protoRoot: commerceProtoRoot(),
      protoFiles: [CATALOG_PROTO_FILE],
      getContextMetadata: () => context,
    });
    healthClient = createGrpcClient<HealthClient>({
      address,
      service: 'grpc.health.v1.Health',
      protoRoot: dirname(healthProtoPath),
      protoFiles: [basename(healthProtoPath)],
    });
  });

  afterAll(async () => {
    catalog?.close();
    healthClient?.close();
    await app?.close();
  });

  beforeEach(() => {
    seen.length = 0;
    calls = 0;
    unavailableAnswersLeft = 0;
  });

  it('answers NOT_SERVING until the service says it is ready, then SERVING', async () => {
    expect(await healthClient.check({ service: '' })).toEqual({ status: 'NOT_SERVING' });
    expect(await healthClient.check({ service: CATALOG_SERVICE_FQN })).toEqual({ status: 'NOT_SERVING' });
    health.setAllServingStatus('SERVING');
    expect(await healthClient.check({ service: '' })).toEqual({ status: 'SERVING' });
    expect(await healthClient.check({ service: CATALOG_SERVICE_FQN })).toEqual({ status: 'SERVING' });
    const unknown = await rejection(healthClient.check({ service: 'no.such.Service' }));
    expect(unknown.code).toBe(status.NOT_FOUND);
  });

  it('returns typed data: products in request order, missing ids, int64 as numbers', async () => {
    const response = await catalog.getProducts({ ids: ['p-2', 'x-9', 'p-1'] });
    expect(response.missingIds).toEqual(['x-9']);
    expect(response.products.map((p) => p.id)).toEqual(['p-2', 'p-1']);
    expect(response.products[0]).toEqual({
      id: 'p-2',
      sku: 'SKU-p-2',
      name: 'Product p-2',
      price: { amount: 1999, currency: 'EUR' },
      available: 2 ** 40,
      version: 7,
    });
  });

  it('propagates traceparent and x-request-id from the request context, per-call metadata winning', async () => {
    await catalog.getProducts({ ids: ['p-1'] }, { metadata: { authorization: 'Bearer abc', 'x-request-id': 'req-override' } });
    expect(seen).toEqual([
      { traceparent: context.traceparent, tracestate: undefined, requestId: 'req-override', authorization: 'Bearer abc' },
    ]);
  });

  it('fails with DEADLINE_EXCEEDED when the server is slower than the deadline', async () => {
    const started = Date.now();
    const error = await rejection(catalog.getProducts({ ids: ['slow'] }, { deadlineMs: 100 }));
    expect(error.code).toBe(status.DEADLINE_EXCEEDED);
    expect(Date.now() - started).toBeLessThan(450);
    expect(calls).toBe(1);
  });

  it('maps domain errors to real status codes, with the domain code in trailers', async () => {
    const notFound = readGrpcFailure(await rejection(catalog.getProducts({ ids: ['gone'] })));
    expect(notFound).toEqual({ code: status.NOT_FOUND, details: 'product gone was deleted', domainCode: 'PRODUCT.NOT_FOUND' });
    const invalid = readGrpcFailure(await rejection(catalog.getProducts({ ids: [] })));
    expect(invalid).toMatchObject({ code: status.INVALID_ARGUMENT, domainCode: undefined });
  });

  it('refuses a request with a NUL in any string with INVALID_ARGUMENT naming the field, before the handler', async () => {
    const failure = readGrpcFailure(await rejection(catalog.getProducts({ ids: ['p-1', 'p-\u00002'] })));
    expect(failure).toEqual({
      code: status.INVALID_ARGUMENT,
      details: 'field /ids/1: must not contain the NUL character (U+0000)',
      domainCode: 'REQUEST.VALIDATION_FAILED',
    });
    expect(calls).toBe(0);
    expect((await catalog.getProducts({ ids: ['p-1'] })).products).toHaveLength(1);
  });

  it('retries UNAVAILABLE for a method the proto marks idempotent', async () => {
    unavailableAnswersLeft = 2;
    const response = await catalog.getProducts({ ids: ['flaky', 'p-1'] });
    expect(response.products.map((p) => p.id)).toEqual(['p-1']);
    expect(calls).toBe(3);
  });

  it('gives up after maxAttempts and does not retry methods that are not idempotent', async () => {
    unavailableAnswersLeft = 10;
    expect((await rejection(catalog.getProducts({ ids: ['flaky'] }))).code).toBe(status.UNAVAILABLE);
    expect(calls).toBe(3);

    calls = 0;
    const strict = createGrpcClient<CatalogServiceClient>({
      address,
      service: CATALOG_SERVICE_FQN,
      protoRoot: commerceProtoRoot(),
      protoFiles: [CATALOG_PROTO_FILE],
      idempotentMethods: [],
    });
    try {
      expect((await rejection(strict.getProducts({ ids: ['flaky'] }))).code).toBe(status.UNAVAILABLE);
      expect(calls).toBe(1);
    } finally {
      strict.close();
    }
  });

  it('records rpc_server_call_duration_seconds per service, method and status, without health probes', async () => {
    const text = await metricsRegistry.metrics();
    expect(text).toMatch(
      /rpc_server_call_duration_seconds_count\{rpc_service="archipelago\.commerce\.catalog\.v1\.CatalogService",rpc_method="GetProducts",rpc_grpc_status_code="OK"\} [1-9]/,
    );
    // the earlier tests' domain errors are recorded under their status name
    expect(text).toMatch(/_count\{[^}]*rpc_grpc_status_code="(?!OK")[A-Z_]+"\} [1-9]/);
    expect(text).not.toContain('grpc.health.v1.Health');
  });

  it('fails fast with UNAVAILABLE when nothing listens, within the deadline', async () => {
    const nowhere = createGrpcClient<CatalogServiceClient>({
      address: `127.0.0.1:${await freePort()}`,
      service: CATALOG_SERVICE_FQN,
      protoRoot: commerceProtoRoot(),
      protoFiles: [CATALOG_PROTO_FILE],
      deadlineMs: 1_000,
    });
    try {
      const started = Date.now();
      const error = await rejection(nowhere.getProducts({ ids: ['p-1'] }));
      expect([status.UNAVAILABLE, status.DEADLINE_EXCEEDED]).toContain(error.code);
      expect(Date.now() - started).toBeLessThan(1_500);
    } finally {
      nowhere.close();
    }
  });
});
