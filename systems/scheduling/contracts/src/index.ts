// The scheduling system's published language: integration-event schemas (src/events/), the
// generated gRPC types of its services that serve gRPC (ts-proto, `npm run proto` first), and where
// the .proto sources live for runtime loading. Services add their exports below (the service
// generator does; docs/adding-a-service.md).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cachedRoot: string | undefined;

/**
 * Absolute path of the scheduling proto root (`<repo>/systems/scheduling/contracts/proto`), the
 * include directory for @grpc/proto-loader. Resolved by walking up from this module to the
 * workspace root (first folder holding `nx.json`), so it works from sources and from dist/;
 * `ARCHIPELAGO_PROTO_ROOT_SCHEDULING` overrides it (container images).
 *
 * @throws Error when no workspace root is found and no override is set.
 */
export function schedulingProtoRoot(): string {
  const override = process.env['ARCHIPELAGO_PROTO_ROOT_SCHEDULING'];
  if (override) return override;
  if (cachedRoot) return cachedRoot;
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'nx.json'))) return (cachedRoot = join(dir, 'systems/scheduling/contracts/proto'));
    if (dirname(dir) === dir) break;
  }
  throw new Error(`scheduling proto root not found: no nx.json above ${start}; set ARCHIPELAGO_PROTO_ROOT_SCHEDULING`);
}

// ---- exports of the services (one block per service) ----

export * from './events/tasks.events.js';

export * from './events/calendar.events.js';

export * from './events/workspaces.events.js';
