// The commerce system's published gRPC language: generated TypeScript types (ts-proto, run
// `npm run proto` first) and where the .proto sources live, for loading them at runtime.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export * from './generated/archipelago/commerce/catalog/v1/catalog.js';
export * from './events/catalog.events.js';
export * from './events/ordering.events.js';
export * from './events/payments.events.js';

/** Protobuf package of the catalog contract (`archipelago.commerce.catalog.v1`). */
export const CATALOG_PROTO_PACKAGE = 'archipelago.commerce.catalog.v1';

/** Fully-qualified gRPC service name, as it appears in the method path and the health service. */
export const CATALOG_SERVICE_FQN = `${CATALOG_PROTO_PACKAGE}.CatalogService`;

/** Catalog contract file, relative to {@link commerceProtoRoot}. */
export const CATALOG_PROTO_FILE = 'archipelago/commerce/catalog/v1/catalog.proto';

let cachedRoot: string | undefined;

/**
 * Absolute path of the commerce proto root (`<repo>/systems/commerce/contracts/proto`), the
 * include directory for @grpc/proto-loader.
 *
 * The build output (dist/) holds no .proto files, so the path is resolved to the source tree by
 * walking up from this module to the workspace root (the first folder holding `nx.json`); this
 * works from sources (vitest) and from dist/ alike. `ARCHIPELAGO_PROTO_ROOT_COMMERCE` overrides
 * it (container images that copy the protos elsewhere).
 *
 * @throws Error when no workspace root is found above this module and no override is set.
 */
export function commerceProtoRoot(): string {
  const override = process.env['ARCHIPELAGO_PROTO_ROOT_COMMERCE'];
  if (override) return override;
  if (cachedRoot) return cachedRoot;
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'nx.json'))) return (cachedRoot = join(dir, 'systems/commerce/contracts/proto'));
    if (dirname(dir) === dir) break;
  }
  throw new Error(`commerce proto root not found: no nx.json above ${start}; set ARCHIPELAGO_PROTO_ROOT_COMMERCE`);
}
