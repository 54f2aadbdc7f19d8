import { z } from 'zod';
import { JWT_ALGORITHMS } from './edge-config.model.js';

// Field names, defaults and limits follow Kong 3.x entity schemas (services, routes, plugins) so that
// a file valid here is valid for real Kong. Objects are strict: Kong rejects unknown fields, and a
// Kong field the local edge cannot honour must fail loudly rather than be ignored.

function strict<T extends z.core.$ZodLooseShape>(entity: string, shape: T) {
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} ` +
          `on a ${entity} (not a Kong ${entity} field, or one the local edge does not support)`
        : undefined,
  });
}

const tags = z.array(z.string()).optional();
const id = z.uuid().optional();
const timeoutMs = z.number().int().min(1).max(2_147_483_646);

/** A reference to another entity by name (or id), as Kong's declarative format allows. */
const entityRef = z.union([z.string().min(1), z.strictObject({ name: z.string().min(1) }).transform((r) => r.name)]);

/** A route path: a prefix starting with `/`, or a regular expression starting with `~` (Kong 3). */
const routePath = z
  .string()
  .min(1)
  .superRefine((path, ctx) => {
    if (path.startsWith('~')) {
      try {
        new RegExp(path.slice(1));
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `invalid regex path: ${(error as Error).message}` });
      }
    } else if (!path.startsWith('/')) {
      ctx.addIssue({ code: 'custom', message: `path "${path}" must start with "/" (prefix) or "~" (regex)` });
    }
  });

const pluginFields = {
  id,
  name: z.string().min(1),
  instance_name: z.string().optional(),
  config: z.record(z.string(), z.unknown()).default({}),
  enabled: z.boolean().default(true),
  protocols: z.array(z.enum(['grpc', 'grpcs', 'http', 'https'])).optional(),
  tags,
};

/** A plugin nested under a service or a route (its scope is its parent). */
export const nestedPluginSchema = strict('plugin', pluginFields);
/** A top-level plugin: global, or scoped by its `service` / `route` reference. */
export const topLevelPluginSchema = strict('plugin', {
  ...pluginFields,
  service: entityRef.optional(),
  route: entityRef.optional(),
});

const routeFields = {
  id,
  name: z.string().min(1).optional(),
  protocols: z.array(z.enum(['http', 'https'])).min(1).default(['http', 'https']),
  methods: z.array(z.string().regex(/^[A-Z]+$/, 'must be an upper-case HTTP method')).optional(),
  hosts: z.array(z.string().min(1)).optional(),
  paths: z.array(routePath).optional(),
  https_redirect_status_code: z.union([z.literal(426), z.literal(301), z.literal(302), z.literal(307), z.literal(308)]).default(426),
  regex_priority: z.number().int().default(0),
  strip_path: z.boolean().default(true),
  // v1 is deprecated in Kong 3 and unsupported by its expressions router; only v0 is implemented.
  path_handling: z.literal('v0', { error: 'only path_handling "v0" (the default) is supported by the local edge' }).default('v0'),
  preserve_host: z.boolean().default(false),
  request_buffering: z.boolean().default(true),
  response_buffering: z.boolean().default(true),
  tags,
  plugins: z.array(nestedPluginSchema).default([]),
};

// Kong: an http route must match on something.
const hasMatcher = (route: { methods?: string[] | undefined; hosts?: string[] | undefined; paths?: string[] | undefined }) =>
  Boolean(route.methods?.length || route.hosts?.length || route.paths?.length);
const matcherMessage = { message: 'a route must set at least one of methods, hosts, paths', path: ['paths'] };

export const nestedRouteSchema = strict('route', routeFields).refine(hasMatcher, matcherMessage);
export const topLevelRouteSchema = strict('route', { ...routeFields, service: entityRef }).refine(hasMatcher, matcherMessage);

export const serviceSchema = strict('service', {
  id,
  name: z.string().min(1, 'the local edge needs every service to have a name'),
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://catalog.commerce:8080' }).optional(),
  protocol: z.enum(['http', 'https']).optional(),
  host: z.string().min(1).optional(),
  port: z.number().int().min(0).max(65535).optional(),
  path: z.string().startsWith('/').optional(),
  retries: z.number().int().min(0).max(32767).default(5),
  connect_timeout: timeoutMs.default(60_000),
  write_timeout: timeoutMs.default(60_000),
  read_timeout: timeoutMs.default(60_000),
  enabled: z.boolean().default(true),
  tags,
  routes: z.array(nestedRouteSchema).default([]),
  plugins: z.array(nestedPluginSchema).default([]),
}).superRefine((service, ctx) => {
  if (service.url === undefined && service.host === undefined) {
    ctx.addIssue({ code: 'custom', message: 'a service needs either url or host', path: ['url'] });
  }
  if (service.url !== undefined) {
    for (const field of ['protocol', 'host', 'port', 'path'] as const) {
      if (service[field] !== undefined) {
        ctx.addIssue({ code: 'custom', message: `set either url or ${field}, not both`, path: [field] });
      }
    }
  }
});

/** A vault reference (`{vault://<vault>/<resource>...}`), which Kong resolves at run time. */
export const VAULT_REFERENCE = /^\{vault:\/\/[^}]+\}$/;

/** A Kong `jwt_secrets` credential nested under a consumer (Kong's jwt plugin DAO). */
export const jwtSecretSchema = strict('jwt_secrets credential', {
  id,
  // Kong generates a random key when omitted; a generated key could never match a token's claim.
  key: z.string().min(1, 'the local edge needs the key (the value of the key claim, e.g. the issuer)'),
  secret: z.string().min(1).optional(),
  rsa_public_key: z.string().min(1).optional(),
  algorithm: z.enum(JWT_ALGORITHMS).default('HS256'),
  tags,
}).superRefine((credential, ctx) => {
  if (credential.algorithm.startsWith('HS')) {
    if (credential.secret === undefined) {
      ctx.addIssue({ code: 'custom', message: `algorithm ${credential.algorithm} needs a secret (the local edge does not generate one)`, path: ['secret'] });
    }
  } else if (credential.rsa_public_key === undefined) {
    ctx.addIssue({ code: 'custom', message: `algorithm ${credential.algorithm} needs rsa_public_key (a PEM or a {vault://...} reference)`, path: ['rsa_public_key'] });
  } else if (!VAULT_REFERENCE.test(credential.rsa_public_key.trim()) && !credential.rsa_public_key.includes('-----BEGIN PUBLIC KEY-----')) {
    ctx.addIssue({ code: 'custom', message: 'rsa_public_key must be a PEM public key or a {vault://...} reference', path: ['rsa_public_key'] });
  }
});

/** A Kong consumer with its credentials; only `jwt_secrets` are supported locally. */
export const consumerSchema = strict('consumer', {
  id,
  username: z.string().min(1).optional(),
  custom_id: z.string().min(1).optional(),
  tags,
  jwt_secrets: z.array(jwtSecretSchema).default([]),
}).refine((c) => c.username !== undefined || c.custom_id !== undefined, {
  message: 'a consumer needs at least one of username, custom_id',
  path: ['username'],
});

/** Kong declarative configuration, `_format_version: "3.0"`, restricted to what the local edge runs. */
export const kongConfigSchema = strict('document', {
  _format_version: z.literal('3.0', {
    error: (issue) =>
      issue.input === undefined
        ? 'missing: a Kong declarative file needs _format_version: "3.0"'
        : `unknown _format_version ${JSON.stringify(issue.input)}: the local edge reads format "3.0"`,
  }),
  _transform: z.boolean().optional(),
  _info: z.record(z.string(), z.unknown()).optional(),
  _workspace: z.string().optional(),
  services: z.array(serviceSchema).default([]),
  routes: z.array(topLevelRouteSchema).default([]),
  plugins: z.array(topLevelPluginSchema).default([]),
  consumers: z.array(consumerSchema).default([]),
});

export type KongConfigDocument = z.infer<typeof kongConfigSchema>;
export type KongServiceEntry = z.infer<typeof serviceSchema>;
export type KongRouteEntry = z.infer<typeof nestedRouteSchema>;
export type KongPluginEntry = z.infer<typeof topLevelPluginSchema>;
export type KongConsumerEntry = z.infer<typeof consumerSchema>;
