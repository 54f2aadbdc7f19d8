import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import type { EdgeConfig, EdgeConsumer, EdgeJwtCredential, EdgePluginSet, EdgeRoute, EdgeService } from './edge-config.model.js';
import {
  kongConfigSchema,
  type KongConfigDocument,
  type KongConsumerEntry,
  type KongPluginEntry,
  type KongRouteEntry,
  type KongServiceEntry,
} from './kong-config.schema.js';
import type { AnyEdgePlugin } from './plugins/edge-plugin.js';
import { EDGE_PLUGINS } from './plugins/plugin-registry.js';

type DocPath = readonly (string | number)[];

/** One problem in kong.yml: where (path in the document, line when known) and what. */
export interface KongConfigIssue {
  /** e.g. `services[0].plugins[1].config.size_unit`; `(document)` for the whole file. */
  readonly path: string;
  readonly line: number | undefined;
  readonly message: string;
}

/** kong.yml cannot be used; `message` lists every problem with the file, path and line. */
export class KongConfigError extends Error {
  constructor(
    readonly file: string,
    readonly issues: readonly KongConfigIssue[],
  ) {
    super(
      `invalid Kong declarative config ${file}:\n` +
        issues.map((i) => `  - ${i.path}${i.line === undefined ? '' : ` (line ${i.line})`}: ${i.message}`).join('\n'),
    );
    this.name = 'KongConfigError';
  }
}

function formatPath(path: DocPath): string {
  if (path.length === 0) return '(document)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** Finds the line of the deepest node of `path` that exists in the YAML document. */
function lineOf(doc: Document, lines: LineCounter, path: DocPath): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
  }
  return undefined;
}

interface Collected {
  readonly issues: { path: DocPath; message: string }[];
  add(path: DocPath, message: string): void;
}

function collector(): Collected {
  const issues: { path: DocPath; message: string }[] = [];
  return { issues, add: (path, message) => issues.push({ path, message }) };
}

function zodIssues(error: z.ZodError, prefix: DocPath, into: Collected): void {
  for (const issue of error.issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    into.add([...prefix, ...path], issue.message);
  }
}

function toService(entry: KongServiceEntry): EdgeService {
  let protocol = entry.protocol ?? 'http';
  let host = entry.host ?? '';
  let port = entry.port;
  let path = entry.path;
  if (entry.url !== undefined) {
    const url = new URL(entry.url);
    protocol = url.protocol === 'https:' ? 'https' : 'http';
    host = url.hostname;
    port = url.port === '' ? undefined : Number(url.port);
    // WHATWG URL reports '/' for "http://host"; Kong leaves the path unset then.
    const rawPath = /^https?:\/\/[^/?#]+(\/[^?#]*)?/i.exec(entry.url)?.[1];
    path = rawPath === undefined || rawPath === '' ? undefined : url.pathname;
  }
  return {
    name: entry.name,
    protocol,
    host,
    port: port ?? (protocol === 'https' ? 443 : 80),
    path,
    connectTimeoutMs: entry.connect_timeout,
    readTimeoutMs: entry.read_timeout,
    writeTimeoutMs: entry.write_timeout,
  };
}

/** A stable UUID (version 5 layout, SHA-1 of the consumer's name) for consumers declared without `id`. */
function derivedConsumerId(entry: KongConsumerEntry): string {
  const hex = createHash('sha1').update(`archipelago-edge consumer ${entry.username ?? ''}|${entry.custom_id ?? ''}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function resolveConsumers(doc: KongConfigDocument, issues: Collected) {
  const consumers: EdgeConsumer[] = [];
  const jwtCredentials = new Map<string, EdgeJwtCredential>();
  const names = new Set<string>();
  doc.consumers.forEach((entry, i) => {
    for (const [field, value] of [['username', entry.username], ['custom_id', entry.custom_id]] as const) {
      if (value === undefined) continue;
      if (names.has(`${field}:${value}`)) issues.add(['consumers', i, field], `duplicate consumer ${field} "${value}"`);
      names.add(`${field}:${value}`);
    }
    const consumer: EdgeConsumer = { id: entry.id ?? derivedConsumerId(entry), username: entry.username, customId: entry.custom_id };
    consumers.push(consumer);
    entry.jwt_secrets.forEach((secret, j) => {
      // Kong: jwt_secrets.key is unique, since it is how a token finds its credential.
      if (jwtCredentials.has(secret.key)) issues.add(['consumers', i, 'jwt_secrets', j, 'key'], `duplicate jwt_secrets key "${secret.key}"`);
      jwtCredentials.set(secret.key, {
        consumer,
        id: secret.id,
        key: secret.key,
        algorithm: secret.algorithm,
        secret: secret.secret,
        rsaPublicKey: secret.rsa_public_key,
      });
    });
  });
  return { consumers, jwtCredentials };
}

interface ScopedPlugin {
  readonly name: string;
  readonly config: unknown;
  readonly service: string | undefined;
  readonly route: KongRouteEntry | undefined;
}

interface RouteDraft {
  readonly entry: KongRouteEntry;
  readonly service: EdgeService;
  readonly label: string;
}

/**
 * Checks the parts zod cannot see alone (plugin names and configs against the registry, references,
 * duplicates) and builds the runtime model with plugins scoped per route.
 */
function resolve(doc: KongConfigDocument, source: string, registry: readonly AnyEdgePlugin[], issues: Collected): EdgeConfig {
  const pluginsByName = new Map(registry.map((p) => [p.name, p]));
  const supported = [...pluginsByName.keys()].sort().join(', ');
  const services = new Map<string, { model: EdgeService; entry: KongServiceEntry }>();
  const routesByName = new Map<string, RouteDraft>();
  const drafts: RouteDraft[] = [];
  const scoped: ScopedPlugin[] = [];

  const addRoute = (entry: KongRouteEntry, service: EdgeService, label: string, path: DocPath) => {
    const draft = { entry, service, label };
    if (entry.name !== undefined) {
      if (routesByName.has(entry.name)) issues.add([...path, 'name'], `duplicate route name "${entry.name}"`);
      routesByName.set(entry.name, draft);
    }
    drafts.push(draft);
  };

  const parsePlugin = (entry: KongPluginEntry, path: DocPath): unknown => {
    const plugin = pluginsByName.get(entry.name);
    if (plugin === undefined) {
      issues.add([...path, 'name'], `unknown plugin "${entry.name}" (the local edge supports: ${supported})`);
      return undefined;
    }
    const parsed = plugin.configSchema.safeParse(entry.config);
    if (!parsed.success) {
      zodIssues(parsed.error, [...path, 'config'], issues);
      return undefined;
    }
    return parsed.data;
  };

  const addPlugin = (entry: KongPluginEntry, path: DocPath, service: string | undefined, route: KongRouteEntry | undefined) => {
    const config = parsePlugin(entry, path);
    if (config !== undefined && entry.enabled) scoped.push({ name: entry.name, config, service, route });
  };

  doc.services.forEach((entry, i) => {
    if (services.has(entry.name)) issues.add(['services', i, 'name'], `duplicate service name "${entry.name}"`);
    const model = toService(entry);
    services.set(entry.name, { model, entry });
    if (!entry.enabled) return; // Kong does not route to disabled services.
    entry.routes.forEach((route, j) => addRoute(route, model, route.name ?? `${entry.name}.routes[${j}]`, ['services', i, 'routes', j]));
  });
  doc.routes.forEach((entry, i) => {
    const service = services.get(entry.service);
    if (service === undefined) {
      issues.add(['routes', i, 'service'], `route refers to unknown service "${entry.service}"`);
    } else if (service.entry.enabled) {
      addRoute(entry, service.model, entry.name ?? `routes[${i}]`, ['routes', i]);
    }
  });

  doc.services.forEach((service, i) => {
    service.plugins.forEach((p, k) => addPlugin(p, ['services', i, 'plugins', k], service.name, undefined));
    service.routes.forEach((route, j) =>
      route.plugins.forEach((p, k) => addPlugin(p, ['services', i, 'routes', j, 'plugins', k], undefined, route)),
    );
  });
  doc.routes.forEach((route, i) => route.plugins.forEach((p, k) => addPlugin(p, ['routes', i, 'plugins', k], undefined, route)));
  doc.plugins.forEach((p, k) => {
    const path: DocPath = ['plugins', k];
    let ok = true;
    if (p.service !== undefined && !services.has(p.service)) {
      issues.add([...path, 'service'], `plugin refers to unknown service "${p.service}"`);
      ok = false;
    }
    const route = p.route === undefined ? undefined : routesByName.get(p.route)?.entry;
    if (p.route !== undefined && route === undefined) {
      issues.add([...path, 'route'], `plugin refers to unknown route "${p.route}"`);
      ok = false;
    }
    if (ok) addPlugin(p, path, p.service, route);
    else parsePlugin(p, path);
  });

  // Kong allows one instance of a plugin per scope.
  const seen = new Set<string>();
  for (const p of scoped) {
    const key = `${p.name}|${p.service ?? ''}|${p.route ? (p.route.name ?? drafts.find((d) => d.entry === p.route)?.label) : ''}`;
    if (seen.has(key)) {
      const scope = p.route ? `route ${p.route.name ?? ''}` : p.service ? `service ${p.service}` : 'global scope';
      issues.add(['plugins'], `plugin "${p.name}" is configured twice for the ${scope.trim()}`);
    }
    seen.add(key);
  }

  const routes: EdgeRoute[] = drafts.map((draft, order) => {
    // Kong's precedence without consumers: route+service > route > service > global.
    const rank = (p: ScopedPlugin): number => {
      if (p.route !== undefined) return p.route === draft.entry ? (p.service === draft.service.name ? 4 : 3) : -1;
      if (p.service !== undefined) return p.service === draft.service.name ? 2 : -1;
      return 1;
    };
    const effective = new Map<string, { rank: number; config: unknown }>();
    for (const p of scoped) {
      const r = rank(p);
      if (r > (effective.get(p.name)?.rank ?? 0)) effective.set(p.name, { rank: r, config: p.config });
    }
    const plugins: EdgePluginSet = new Map([...effective].map(([name, { config }]) => [name, config]));
    return {
      label: draft.label,
      name: draft.entry.name,
      service: draft.service,
      paths: draft.entry.paths ?? [],
      methods: draft.entry.methods,
      hosts: draft.entry.hosts,
      stripPath: draft.entry.strip_path,
      preserveHost: draft.entry.preserve_host,
      regexPriority: draft.entry.regex_priority,
      order,
      plugins,
    };
  });

  return {
    source,
    services: [...services.values()].filter((s) => s.entry.enabled).map((s) => s.model),
    routes,
    ...resolveConsumers(doc, issues),
    pluginsInUse: new Set(scoped.map((p) => p.name)),
  };
}

/**
 * Parses and validates kong.yml text (Kong declarative format 3.0, YAML or JSON).
 * @param source file name used in messages
 * @param registry the plugins the edge implements (defaults to all of them)
 * @throws KongConfigError listing every problem: YAML syntax (with line), schema violations, unknown
 *   `_format_version`, unknown plugins, bad plugin configs, dangling references.
 */
export function parseKongConfig(text: string, source: string, registry: readonly AnyEdgePlugin[] = EDGE_PLUGINS): EdgeConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new KongConfigError(
      source,
      doc.errors.map((e) => ({
        path: '(document)',
        line: lines.linePos(e.pos[0]).line,
        message: `YAML syntax error: ${e.message.split('\n')[0]}`,
      })),
    );
  }
  const issues = collector();
  const toIssues = () =>
    issues.issues.map((i) => ({ path: formatPath(i.path), line: lineOf(doc, lines, i.path), message: i.message }));

  const js: unknown = doc.toJS();
  if (js === null || typeof js !== 'object' || Array.isArray(js)) {
    throw new KongConfigError(source, [{ path: '(document)', line: undefined, message: 'expected a YAML mapping with _format_version' }]);
  }
  const parsed = kongConfigSchema.safeParse(js);
  if (!parsed.success) {
    zodIssues(parsed.error, [], issues);
    throw new KongConfigError(source, toIssues());
  }
  const config = resolve(parsed.data, source, registry, issues);
  if (issues.issues.length > 0) throw new KongConfigError(source, toIssues());
  return config;
}

/**
 * Reads and validates a kong.yml file.
 * @throws KongConfigError when the file cannot be read or is invalid (see parseKongConfig).
 */
export function loadKongConfig(file: string, registry: readonly AnyEdgePlugin[] = EDGE_PLUGINS): EdgeConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new KongConfigError(file, [{ path: '(document)', line: undefined, message: `cannot read file: ${(error as Error).message}` }]);
  }
  return parseKongConfig(text, file, registry);
}

/**
 * Gives `jwt_secrets` credentials another `key` (the value of the token's key claim, `iss`): the
 * local edge's stand-in for a Kong environment whose consumer key is set per environment. The
 * devstack uses it when its edge runs on another port than 8000, so that the identity issuer
 * consumer of kong.yml (`http://localhost:8000/identity/v1`) accepts the stack's own issuer
 * (env EDGE_JWT_KEYS, a JSON object `{ "<key in kong.yml>": "<key to use>" }`).
 * A key that is not in the config is skipped: a stack whose kong.yml has no identity issuer
 * consumer (a test fixture, another KONG_CONFIG) has nothing to rename.
 * @returns a copy of `config` with the renamed credentials (the same consumers)
 * @throws KongConfigError when a new key is already taken by another credential
 */
export function renameJwtCredentialKeys(config: EdgeConfig, renames: Readonly<Record<string, string>>): EdgeConfig {
  const issues: { path: string; line: undefined; message: string }[] = [];
  const credentials = new Map(config.jwtCredentials);
  for (const from of Object.keys(renames)) credentials.delete(from);
  for (const [from, to] of Object.entries(renames)) {
    const credential = config.jwtCredentials.get(from);
    if (credential === undefined) continue;
    if (credentials.has(to)) {
      issues.push({ path: 'consumers', line: undefined, message: `jwt_secrets key "${to}" (EDGE_JWT_KEYS) is already taken` });
      continue;
    }
    credentials.set(to, { ...credential, key: to });
  }
  if (issues.length > 0) throw new KongConfigError(config.source, issues);
  return { ...config, jwtCredentials: credentials };
}
