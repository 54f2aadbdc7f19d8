// The registry system's published language: integration-event schemas (src/events/), the
// generated gRPC types of its services that serve gRPC (ts-proto, `npm run proto` first), and where
// the .proto sources live for runtime loading. Services add their exports below (the service
// generator does; docs/adding-a-service.md).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cachedRoot: string | undefined;

/**
 * Absolute path of the registry proto root (`<repo>/systems/registry/contracts/proto`), the
 * include directory for @grpc/proto-loader. Resolved by walking up from this module to the
 * workspace root (first folder holding `nx.json`), so it works from sources and from dist/;
 * `ARCHIPELAGO_PROTO_ROOT_REGISTRY` overrides it (container images).
 *
 * @throws Error when no workspace root is found and no override is set.
 */
export function registryProtoRoot(): string {
  const override = process.env['ARCHIPELAGO_PROTO_ROOT_REGISTRY'];
  if (override) return override;
  if (cachedRoot) return cachedRoot;
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'nx.json'))) return (cachedRoot = join(dir, 'systems/registry/contracts/proto'));
    if (dirname(dir) === dir) break;
  }
  throw new Error(`registry proto root not found: no nx.json above ${start}; set ARCHIPELAGO_PROTO_ROOT_REGISTRY`);
}

// ---- exports of the services (one block per service) ----

export * from './events/registry.events.js';
export {
  RegistryServiceControllerMethods,
  type RegistryServiceController,
  type RegistryServiceClient,
  type GetRegistryItemRequest,
  type GetRegistryItemResponse,
  type GetEntityRequest,
  type GetEntityResponse,
  type Entity,
  type SearchEntitiesRequest,
  type SearchEntitiesResponse,
  type EntitySearchItem,
  type RegistryItem,
} from './generated/archipelago/registry/registry/v1/registry.js';

/** Protobuf package of the registry contract (`archipelago.registry.registry.v1`). */
export const REGISTRY_PROTO_PACKAGE = 'archipelago.registry.registry.v1';

/** Fully-qualified gRPC service name, as it appears in the method path and the health service. */
export const REGISTRY_SERVICE_FQN = `${REGISTRY_PROTO_PACKAGE}.RegistryService`;

/** Registry contract file, relative to {@link registryProtoRoot}. */
export const REGISTRY_PROTO_FILE = 'archipelago/registry/registry/v1/registry.proto';

export * from './events/credentials.events.js';
