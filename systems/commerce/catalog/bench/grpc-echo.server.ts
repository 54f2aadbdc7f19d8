/**
 * Baseline of the gRPC benchmark: a trivial grpc-js server of the catalog's own contract whose
 * `GetProducts` answers a fixed response (the catalog's real answer to the benchmark's request, so
 * the same message size and serialisation) without NestJS, a query bus or a database.
 * Run as its own process by grpc.bench.ts: env ECHO_RESPONSE_FILE (JSON), ECHO_PORT; prints
 * "listening" when ready.
 */
import { readFileSync } from 'node:fs';
import { Server, ServerCredentials, type GrpcObject, type ServiceDefinition } from '@grpc/grpc-js';
import { loadPackageDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { CATALOG_PROTO_FILE, commerceProtoRoot } from '@archipelago/commerce-contracts';
import { GRPC_LOADER_OPTIONS } from '@archipelago/platform-grpc';

const response = JSON.parse(readFileSync(process.env.ECHO_RESPONSE_FILE!, 'utf8')) as unknown;
const definition = loadSync([CATALOG_PROTO_FILE], { ...GRPC_LOADER_OPTIONS, includeDirs: [commerceProtoRoot()] });
const pkg = loadPackageDefinition(definition) as GrpcObject;
const v1 = ((pkg.archipelago as GrpcObject).commerce as GrpcObject).catalog as GrpcObject;
const service = ((v1.v1 as GrpcObject).CatalogService as unknown as { service: ServiceDefinition }).service;

const server = new Server();
server.addService(service, {
  getProducts: (_call: unknown, callback: (error: null, value: unknown) => void) => callback(null, response),
});
server.bindAsync(`127.0.0.1:${process.env.ECHO_PORT}`, ServerCredentials.createInsecure(), (error) => {
  if (error) {
    console.error(error);
    process.exit(1);
  }
  console.log('listening');
});
process.once('SIGTERM', () => server.tryShutdown(() => process.exit(0)));
