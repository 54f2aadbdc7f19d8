import { readFileSync } from 'node:fs';
import { z } from 'zod';

const name = z
  .string()
  .regex(/^[a-z][a-z0-9-]*$/, { error: 'must be lower-case letters, digits and dashes, starting with a letter' });
const port = z
  .number()
  .int()
  .min(1, { error: 'must be a port 1–65535' })
  .max(65535, { error: 'must be a port 1–65535' });
const entryPath = z
  .string()
  .regex(/^[^/].*\.(ts|mjs|js)$/, { error: 'must be a repository-relative path ending in .ts, .mjs or .js' });

/** `${<target>.<kind>}` in a stack.json env value. */
const PORT_REFERENCE = /\$\{([a-z0-9-]+)\.(httpPort|grpcPort|smtpPort)\}/g;

/**
 * Targets that are not services of the stack: `mail` (the local e-mail sink, absent with
 * DEVSTACK_MAIL=off) and `edge` (the public entry, absent when a test starts services alone).
 */
export const OPTIONAL_PORT_TARGETS: ReadonlySet<string> = new Set(['mail', 'edge']);

const serviceEntry = z.strictObject({
  name,
  /** Entry point relative to the repository root; `.ts` runs its compiled twin under dist/. */
  main: entryPath,
  httpPort: port,
  grpcPort: port.optional(),
  /** The `host:port` kong.yml names for this service; the edge maps it to the real local URL. */
  upstream: z
    .string()
    .regex(/^[a-z0-9.-]+:\d+$/, { error: 'must be host:port as written in kong.yml service urls' })
    .optional(),
  /**
   * More kong.yml `host:port`s this one process answers for: a service split into a command and a
   * query role (two Kubernetes Services) runs locally as one process with ROLE=all.
   */
  extraUpstreams: z
    .array(z.string().regex(/^[a-z0-9.-]+:\d+$/, { error: 'must be host:port as written in kong.yml service urls' }))
    .optional(),
  /** Database schema of the service (DB_SCHEMA); defaults to the service name with `-` → `_`. */
  schema: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/, { error: 'must be a lower-case SQL identifier' })
    .optional(),
  /** Readiness path polled on the HTTP port. */
  readyPath: z.string().startsWith('/').default('/health/ready'),
  /** Service-specific variables (the runtime contract's ones are set by the devstack). */
  env: z.record(z.string(), z.string()).default({}),
});

const systemEntry = z.strictObject({
  name,
  services: z.array(serviceEntry).min(1, { error: 'must list at least one service' }),
});

/** The shape of `infra/local/stack.json`: what `npm start` runs. */
export const stackFileSchema = z
  .strictObject({
    edge: z.strictObject({
      port,
      main: entryPath.default('apps/edge/src/main.ts'),
      /** Kong declarative config the edge reads (KONG_CONFIG); the edge's default when absent. */
      config: z.string().optional(),
      healthPath: z.string().startsWith('/').default('/health'),
    }),
    systems: z.array(systemEntry).min(1, { error: 'must list at least one system' }),
  })
  .superRefine((stack, ctx) => {
    const seen = {
      name: new Map<string, string>(),
      port: new Map<number, string>(),
      upstream: new Map<string, string>(),
    };
    const claim = <K>(map: Map<K, string>, key: K, owner: string, path: (string | number)[], what: string) => {
      const previous = map.get(key);
      if (previous)
        ctx.addIssue({ code: 'custom', path, message: `${what} ${String(key)} is already used by ${previous}` });
      else map.set(key, owner);
    };
    claim(seen.port, stack.edge.port, 'the edge', ['edge', 'port'], 'port');
    stack.systems.forEach((system, s) =>
      system.services.forEach((service, i) => {
        const at = ['systems', s, 'services', i];
        const owner = `${system.name}/${service.name}`;
        claim(seen.name, service.name, owner, [...at, 'name'], 'service name');
        claim(seen.port, service.httpPort, owner, [...at, 'httpPort'], 'port');
        if (service.grpcPort) claim(seen.port, service.grpcPort, owner, [...at, 'grpcPort'], 'port');
        if (service.upstream) claim(seen.upstream, service.upstream, owner, [...at, 'upstream'], 'upstream');
        service.extraUpstreams?.forEach((u, j) =>
          claim(seen.upstream, u, owner, [...at, 'extraUpstreams', j], 'upstream'),
        );
      }),
    );
    const names = new Set(stack.systems.flatMap((system) => system.services.map((service) => service.name)));
    stack.systems.forEach((system, s) =>
      system.services.forEach((service, i) => {
        for (const [variable, value] of Object.entries(service.env)) {
          for (const [, target] of value.matchAll(PORT_REFERENCE)) {
            if (!names.has(target!) && !OPTIONAL_PORT_TARGETS.has(target!))
              ctx.addIssue({
                code: 'custom',
                path: ['systems', s, 'services', i, 'env', variable],
                message: `names \${${target!}.…}, which is neither a service of the stack nor ${[...OPTIONAL_PORT_TARGETS].join('/')}`,
              });
          }
        }
      }),
    );
  });

export type StackFile = z.output<typeof stackFileSchema>;
export type StackService = StackFile['systems'][number]['services'][number] & { system: string };

/** Thrown when the stack file is missing, not JSON, or not a valid stack; the message says where and why. */
export class StackFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`Invalid stack file ${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'StackFileError';
  }
}

/** Validates parsed JSON as a stack; `file` only labels the error. @throws {StackFileError} */
export function parseStackFile(json: unknown, file: string): StackFile {
  const result = stackFileSchema.safeParse(json);
  if (result.success) return result.data;
  throw new StackFileError(
    file,
    result.error.issues.map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`),
  );
}

/** Reads and validates a stack file. @throws {StackFileError} */
export function loadStackFile(file: string): StackFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new StackFileError(file, [`cannot be read (${(error as Error).message})`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new StackFileError(file, [`is not valid JSON (${(error as Error).message})`]);
  }
  return parseStackFile(json, file);
}

/** Every service of the stack, in file order, each with its system's name. */
export function stackServices(stack: StackFile): StackService[] {
  return stack.systems.flatMap((system) => system.services.map((service) => ({ ...service, system: system.name })));
}

/** Ports a stack.json env value may name: `${<service>.httpPort}`, `${<service>.grpcPort}`, `${mail.smtpPort}`, `${edge.httpPort}` … */
export type StackPorts = ReadonlyMap<string, { httpPort?: number; grpcPort?: number; smtpPort?: number }>;

/**
 * A service's stack.json `env` with every `${<target>.httpPort|grpcPort|smtpPort}` replaced by the
 * port `ports` gives it (the one the target really got: it may have fallen back, e.g. the edge on
 * `EDGE_PORT`). A value naming an optional target (`mail`, `edge`) that `ports` lacks is left out,
 * so the service's own default applies (DEVSTACK_MAIL=off, or a test without a sink or an edge);
 * every other target is a service, checked by {@link stackFileSchema}.
 */
export function resolveServiceEnv(env: Readonly<Record<string, string>>, ports: StackPorts): Record<string, string> {
  const resolved: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    let missing = false;
    const replaced = value.replace(
      PORT_REFERENCE,
      (whole, target: string, kind: 'httpPort' | 'grpcPort' | 'smtpPort') => {
        const port = ports.get(target)?.[kind];
        if (port === undefined) missing = true;
        return String(port ?? whole);
      },
    );
    if (!missing) resolved[name] = replaced;
  }
  return resolved;
}
