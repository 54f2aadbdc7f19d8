// The identity system's published language: generated gRPC types (ts-proto, run `npm run proto`
// first), integration-event schemas, and where the .proto sources live for runtime loading.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export * from './generated/archipelago/identity/users/v1/users.js';
export * from './events/identity.events.js';

/** Protobuf package of the users contract (`archipelago.identity.users.v1`). */
export const USERS_PROTO_PACKAGE = 'archipelago.identity.users.v1';

/** Fully-qualified gRPC service name, as it appears in the method path and the health service. */
export const USERS_SERVICE_FQN = `${USERS_PROTO_PACKAGE}.UsersService`;

/** Users contract file, relative to {@link identityProtoRoot}. */
export const USERS_PROTO_FILE = 'archipelago/identity/users/v1/users.proto';

let cachedRoot: string | undefined;

/**
 * Absolute path of the identity proto root (`<repo>/systems/identity/contracts/proto`), the
 * include directory for @grpc/proto-loader. Resolved by walking up from this module to the
 * workspace root (first folder holding `nx.json`), so it works from sources and from dist/;
 * `ARCHIPELAGO_PROTO_ROOT_IDENTITY` overrides it (container images).
 *
 * @throws Error when no workspace root is found and no override is set.
 */
export function identityProtoRoot(): string {
  const override = process.env['ARCHIPELAGO_PROTO_ROOT_IDENTITY'];
  if (override) return override;
  if (cachedRoot) return cachedRoot;
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'nx.json'))) return (cachedRoot = join(dir, 'systems/identity/contracts/proto'));
    if (dirname(dir) === dir) break;
  }
  throw new Error(`identity proto root not found: no nx.json above ${start}; set ARCHIPELAGO_PROTO_ROOT_IDENTITY`);
}
