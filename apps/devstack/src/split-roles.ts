import type { StackService } from './stack-file.schema.js';

/** A service process to run: a stack.json service, or one role of it under `--split`. */
export type PlannedService = StackService & {
  /** SERVICE_NAME of the process (the service's own name; the query role keeps it). */
  readonly serviceName?: string;
  /** false for the query role of a split service: its command role runs the migrations. */
  readonly migrate?: boolean;
};

/** How far above the service's own port its query role's wanted port is (a free one when taken). */
export const QUERY_PORT_OFFSET = 50;

/**
 * `npm start -- --split` (ADR 0010): every service that runs both roles in one process (stack.json
 * `ROLE=all` with `extraUpstreams`, the kong.yml hosts of its other role) becomes two processes from
 * the same entry point — `<name>` with `ROLE=command` answering its `upstream` (the edge sends it
 * POST/PUT/PATCH/DELETE), and `<name>-query` with `ROLE=query` on port `httpPort + 50` answering the
 * `extraUpstreams` (GET) — on the same database schema, migrated once (by the command role). Other
 * services are left as they are.
 */
export function splitRoles(services: readonly StackService[]): PlannedService[] {
  return services.flatMap((service): PlannedService[] => {
    const [queryUpstream, ...more] = service.extraUpstreams ?? [];
    if (service.env.ROLE !== 'all' || queryUpstream === undefined) return [service];
    const { extraUpstreams: _unused, ...rest } = service;
    return [
      { ...rest, env: { ...service.env, ROLE: 'command' } },
      {
        ...rest,
        name: `${service.name}-query`,
        serviceName: service.name,
        schema: service.schema ?? service.name.replaceAll('-', '_'),
        httpPort: service.httpPort + QUERY_PORT_OFFSET,
        grpcPort: undefined,
        upstream: queryUpstream,
        ...(more.length > 0 ? { extraUpstreams: more } : {}),
        env: { ...service.env, ROLE: 'query' },
        migrate: false,
      },
    ];
  });
}
