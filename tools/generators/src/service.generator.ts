import type { Tree } from '@nx/devkit';
import devkit from '@nx/devkit';
import { join } from 'node:path';
import { Alias, isMap, isSeq, parseDocument, visit, type Document, type Node, type YAMLMap, type YAMLSeq } from 'yaml';
import { z } from 'zod';
import { serviceNames, type ServiceNames } from './names.ts';
import { linkFromDocsIndex, systemGenerator } from './system.generator.ts';

const { addProjectConfiguration, formatFiles, generateFiles, logger, updateJson } = devkit;

/** Options of `nx g @archipelago/tools:service` (service.schema.json). */
export interface ServiceGeneratorOptions {
  readonly system: string;
  readonly name: string;
  readonly grpc?: boolean;
  /** `command,query`: split into a command role and a query role (see docs/adding-a-service.md). */
  readonly roles?: 'command,query';
  readonly skipFormat?: boolean;
}

const FILES = join(import.meta.dirname, '..', 'files');
/** Every service listens on these ports in its container (charts' serviceDefaults). */
const CONTAINER_HTTP_PORT = 8080;
const CONTAINER_GRPC_PORT = 50051;
const ZERO_DIGEST = `sha256:${'0'.repeat(64)}`;
const ENVIRONMENTS = ['dev', 'qa', 'staging', 'prod'] as const;

/**
 * Payload schema of the `<Item>CreatedV1` integration event. The generated contracts file
 * declares the same zod schema; its JSON Schema is recorded here once, as the published contract
 * (systems/<s>/contracts/schemas/<Event>.json), and the schema-compat test keeps the two in step.
 */
export const createdEventSchema = z.object({
  itemId: z.uuid(),
  name: z.string(),
  occurredAt: z.iso.datetime(),
});

/** One Kong service (and its Kubernetes Service) of a generated service. */
interface Upstream {
  /** kong.yml service name. */
  readonly kongName: string;
  /** Key of `services` in the chart values: the Kubernetes Service and Deployment name. */
  readonly chartService: string;
  readonly route: string;
  readonly methods: readonly string[];
  /** `ROLE` of the deployment when the service is split into roles. */
  readonly role?: 'command' | 'query';
}

/** The Kong services of a service: one, or a command and a query role routed by method. */
export function upstreamsOf(names: ServiceNames, roles: boolean): Upstream[] {
  const { system: s, service: n } = names;
  if (!roles) {
    return [
      {
        kongName: `${s.kebab}-${n.kebab}`,
        chartService: n.kebab,
        route: `${s.kebab}-${n.kebab}-items`,
        methods: ['GET', 'POST', 'OPTIONS'],
      },
    ];
  }
  return [
    {
      kongName: `${s.kebab}-${n.kebab}`,
      chartService: n.kebab,
      route: `${s.kebab}-${n.kebab}-commands`,
      methods: ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
      role: 'command',
    },
    {
      kongName: `${s.kebab}-${n.kebab}-query`,
      chartService: `${n.kebab}-query`,
      route: `${s.kebab}-${n.kebab}-queries`,
      methods: ['GET'],
      role: 'query',
    },
  ];
}

/** `host:port` of an upstream as kong.yml and the charts name it (`<k8s service>.<namespace>:8080`). */
const hostOf = (names: ServiceNames, u: Upstream) => `${u.chartService}.${names.system.kebab}:${CONTAINER_HTTP_PORT}`;

/**
 * `nx g @archipelago/tools:service --system <s> --name <n> [--grpc] [--roles command,query]`:
 * a small event-sourced service in the project's shape (five layers, one aggregate, a projection,
 * an integration event through the outbox, unit/int/e2e tests) and every place a service appears:
 * project.json, the contracts (event schema + recording, proto), infra/local/stack.json,
 * infra/kong/kong.yml, the system chart's values × 4 environments, buf and the Dockerfile for
 * gRPC. Creates the system first when it does not exist. See docs/adding-a-service.md.
 *
 * @throws Error when a name is not kebab-case or the service exists.
 */
export async function serviceGenerator(tree: Tree, options: ServiceGeneratorOptions): Promise<void> {
  const names = serviceNames(options.system, options.name);
  const grpc = options.grpc ?? false;
  const roles = options.roles === 'command,query';
  if (options.roles !== undefined && !roles)
    throw new Error(`--roles must be command,query (got ${String(options.roles)})`);
  if (tree.exists(names.root)) throw new Error(`${names.root} exists`);
  const newSystem = !tree.exists(`systems/${names.system.kebab}/contracts/project.json`);
  if (newSystem) await systemGenerator(tree, { name: names.system.kebab, skipFormat: true, deferDocsIndex: true });
  const upstreams = upstreamsOf(names, roles);

  addProjectConfiguration(tree, names.project, {
    root: names.root,
    sourceRoot: `${names.root}/src`,
    projectType: 'application',
    tags: [`scope:${names.system.kebab}`, 'type:service'],
    targets: {
      build: {},
      lint: {},
      test: {},
      'test-int': {},
      e2e: {},
      'docker-context': {
        executor: 'nx:run-commands',
        options: {
          command: `node tools/delivery/docker-context.mjs ${names.system.kebab} ${names.service.kebab}${grpc ? ` --grpc-port ${CONTAINER_GRPC_PORT}` : ''}`,
          cwd: '{workspaceRoot}',
        },
        outputs: [`{workspaceRoot}/dist/docker/${names.project}`],
      },
    },
  });

  const vars = {
    s: names.system,
    n: names.service,
    i: names.item,
    names,
    grpc,
    roles,
    upstreams: upstreams.map((u) => hostOf(names, u)),
    item: names.item.kebab,
    service: names.service.kebab,
    migrationTs: String(Date.now()),
  };
  generateFiles(tree, join(FILES, 'service'), names.root, vars);
  if (grpc) generateFiles(tree, join(FILES, 'grpc'), names.root, vars);

  writeContracts(tree, names, grpc, vars);
  if (grpc) wireGrpc(tree, names);
  addToStack(tree, names, upstreams, roles, grpc);
  addToChart(tree, names, upstreams, grpc);
  const documented = addToSystemDocs(tree, names, grpc);

  if (!options.skipFormat) await formatFiles(tree);
  // After formatFiles: kong.yml keeps its own layout (anchors, comments), edited as a YAML document;
  // the docs index keeps its table as written.
  addToKong(tree, names, upstreams);
  if (newSystem) linkFromDocsIndex(tree, names.system.kebab);

  logger.info(
    `\n${names.project}: generated. Next: ${grpc ? '`npx buf generate`, then ' : ''}read docs/adding-a-service.md ("Decisions left to you").` +
      (documented
        ? ''
        : `\nDescribe the service in docs/systems/${names.system.kebab}.md (written by hand for this system).`),
  );
}

/** Contracts: the event schema (zod), its recording, the compat test, exports; the .proto for gRPC. */
function writeContracts(tree: Tree, names: ServiceNames, grpc: boolean, vars: object): void {
  const { system: s, service: n } = names;
  const contracts = `systems/${s.kebab}/contracts`;
  generateFiles(tree, join(FILES, 'contracts'), contracts, vars);
  const recorded = z.toJSONSchema(createdEventSchema, { io: 'output' });
  tree.write(`${contracts}/schemas/${names.createdEvent}.json`, `${JSON.stringify(recorded, null, 2)}\n`);

  const index = `${contracts}/src/index.ts`;
  let text = tree.read(index, 'utf8')!;
  text = `${text.trimEnd()}\n\nexport * from './events/${n.kebab}.events.js';\n`;
  if (grpc) {
    const generated = `./generated/archipelago/${s.snake}/${n.snake}/v1/${n.snake}.js`;
    const i = names.item.pascal;
    text +=
      `export {\n  ${n.pascal}ServiceControllerMethods,\n  type ${n.pascal}ServiceController,\n  type ${n.pascal}ServiceClient,\n` +
      `  type Get${i}Request,\n  type Get${i}Response,\n  type ${i},\n} from '${generated}';\n\n` +
      `/** Protobuf package of the ${n.kebab} contract (\`archipelago.${s.snake}.${n.snake}.v1\`). */\n` +
      `export const ${n.constant}_PROTO_PACKAGE = 'archipelago.${s.snake}.${n.snake}.v1';\n\n` +
      `/** Fully-qualified gRPC service name, as it appears in the method path and the health service. */\n` +
      `export const ${n.constant}_SERVICE_FQN = \`\${${n.constant}_PROTO_PACKAGE}.${n.pascal}Service\`;\n\n` +
      `/** ${n.pascal} contract file, relative to {@link ${s.camel}ProtoRoot}. */\n` +
      `export const ${n.constant}_PROTO_FILE = 'archipelago/${s.snake}/${n.snake}/v1/${n.snake}.proto';\n`;
    generateFiles(tree, join(FILES, 'proto'), `${contracts}/proto/archipelago/${s.snake}/${n.snake}/v1`, {
      ...vars,
      service: n.snake,
    });
  }
  tree.write(index, text);
}

/** buf.yaml module, buf.gen.yaml plugin block, and the proto root override in the image. */
function wireGrpc(tree: Tree, names: ServiceNames): void {
  const s = names.system;
  const module = `systems/${s.kebab}/contracts/proto`;
  const buf = tree.read('buf.yaml', 'utf8')!;
  if (!buf.includes(`path: ${module}\n`)) {
    tree.write('buf.yaml', buf.replace(/(modules:\n(?: {2}- path: .*\n)*)/, `$1  - path: ${module}\n`));
  }
  const gen = tree.read('buf.gen.yaml', 'utf8')!;
  if (!gen.includes(`out: systems/${s.kebab}/contracts/src/generated\n`)) {
    tree.write(
      'buf.gen.yaml',
      `${gen.trimEnd()}\n  - local: node_modules/.bin/protoc-gen-ts_proto\n    out: systems/${s.kebab}/contracts/src/generated\n` +
        `    strategy: all\n    types:\n      - archipelago.${s.snake}.**\n    opt: *ts-proto-options\n`,
    );
  }
  const dockerfile = 'tools/delivery/service.Dockerfile';
  const text = tree.read(dockerfile, 'utf8')!;
  const variable = `ARCHIPELAGO_PROTO_ROOT_${s.constant}`;
  if (!text.includes(`${variable}=`)) {
    const updated = text.replace(
      /^( +)(ARCHIPELAGO_PROTO_ROOT_\w+=\S+ \\\n)(?!\1ARCHIPELAGO_PROTO_ROOT_)/m,
      `$1$2$1${variable}=/app/${`systems/${s.kebab}/contracts/proto`} \\\n`,
    );
    if (updated === text) throw new Error(`${dockerfile}: no ARCHIPELAGO_PROTO_ROOT_* line to add ${variable} after`);
    tree.write(dockerfile, updated);
  }
}

interface StackService {
  name: string;
  main: string;
  httpPort: number;
  grpcPort?: number;
  upstream?: string;
  extraUpstreams?: string[];
  schema?: string;
  env: Record<string, string>;
}
interface StackFile {
  edge: { port: number };
  systems: { name: string; services: StackService[] }[];
}

/**
 * infra/local/stack.json: the service with free local ports — the next ones of its system's block
 * (3<k>01… for HTTP, 5<k>01… for gRPC), or a new block of 100 for a new system.
 */
function addToStack(tree: Tree, names: ServiceNames, upstreams: Upstream[], roles: boolean, grpc: boolean): void {
  updateJson<StackFile>(tree, 'infra/local/stack.json', (stack) => {
    const services = stack.systems.flatMap((x) => x.services);
    const used = new Set([stack.edge.port, ...services.flatMap((x) => [x.httpPort, x.grpcPort ?? 0])]);
    let system = stack.systems.find((x) => x.name === names.system.kebab);
    if (!system) {
      system = { name: names.system.kebab, services: [] };
      stack.systems.push(system);
    }
    const highest = Math.max(3000, ...services.map((x) => x.httpPort).filter((p) => p >= 3000 && p < 5000));
    let http =
      system.services.length > 0
        ? Math.max(...system.services.map((x) => x.httpPort)) + 1
        : (Math.floor(highest / 100) + 1) * 100 + 1;
    while (used.has(http) || used.has(http + 2000)) http++;
    const [main, ...more] = upstreams.map((u) => hostOf(names, u));
    const entry: StackService = {
      name: names.service.kebab,
      main: `${names.root}/src/main.ts`,
      httpPort: http,
      ...(names.service.snake !== names.service.kebab ? { schema: names.dbSchema } : {}),
      upstream: main!,
      ...(more.length > 0 ? { extraUpstreams: more } : {}),
      env: {
        AUTH_JWKS_URL: 'http://127.0.0.1:${identity.httpPort}/identity/v1/.well-known/jwks.json',
        ...(roles ? { ROLE: 'all' } : {}),
      },
    };
    if (grpc) entry.grpcPort = http + 2000;
    system.services.push(entry);
    return stack;
  });
}

/** Reads a YAML file of the tree as a document (comments, anchors and aliases kept). */
function readYaml(tree: Tree, path: string): Document {
  const doc = parseDocument(tree.read(path, 'utf8')!);
  if (doc.errors.length > 0) throw new Error(`${path}: ${doc.errors.map((e) => e.message).join('; ')}`);
  return doc;
}
const writeYaml = (tree: Tree, path: string, doc: Document) =>
  tree.write(path, doc.toString({ lineWidth: 0, flowCollectionPadding: false }));

/** The node carrying `&anchor` in `doc`, if any. */
function anchored(doc: Document, anchor: string): Node | undefined {
  let found: Node | undefined;
  visit(doc, (_key, node) => {
    if (node && typeof node === 'object' && 'anchor' in node && (node as { anchor?: string }).anchor === anchor) {
      found = node as Node;
      return visit.BREAK;
    }
    return undefined;
  });
  return found;
}

/** kong.yml's per-user plugins of authenticated services (the `&jwt` and `&authenticated-rate-limit` configs). */
function authenticatedPlugins(doc: Document): { jwt: Node; rateLimit: Node } {
  const jwt = anchored(doc, 'jwt');
  const rateLimit = anchored(doc, 'authenticated-rate-limit');
  if (!jwt || !rateLimit) throw new Error('infra/kong/kong.yml: anchors &jwt and &authenticated-rate-limit not found');
  return { jwt, rateLimit };
}

/** infra/kong/kong.yml: a Kong service per upstream, each with its route and the authenticated plugins. */
function addToKong(tree: Tree, names: ServiceNames, upstreams: Upstream[]): void {
  const path = 'infra/kong/kong.yml';
  const doc = readYaml(tree, path);
  const { jwt, rateLimit } = authenticatedPlugins(doc);
  const services = doc.get('services') as YAMLSeq;
  if (!isSeq(services)) throw new Error(`${path}: no services list`);
  for (const u of upstreams) {
    const node = doc.createNode({
      name: u.kongName,
      url: `http://${hostOf(names, u)}`,
      connect_timeout: 5000,
      read_timeout: 30000,
      write_timeout: 30000,
      plugins: [
        { name: 'jwt', config: null },
        { name: 'rate-limiting', config: null },
      ],
      routes: [
        {
          name: u.route,
          paths: [names.basePath],
          methods: [...u.methods],
          strip_path: false,
          preserve_host: false,
          protocols: ['http', 'https'],
        },
      ],
    }) as YAMLMap;
    const plugins = node.get('plugins') as YAMLSeq<YAMLMap>;
    plugins.items[0]!.set('config', new Alias(jwt.anchor!));
    plugins.items[1]!.set('config', new Alias(rateLimit.anchor!));
    for (const key of ['methods', 'protocols', 'paths']) {
      ((node.get('routes') as YAMLSeq<YAMLMap>).items[0]!.get(key) as YAMLSeq).flow = true;
    }
    node.commentBefore = ` Generated by nx g @archipelago/tools:service${u.role ? ` (${u.role} role)` : ''}. Writes: admin (checked by the service).`;
    node.spaceBefore = true;
    services.items.push(node);
  }
  writeYaml(tree, path, doc);
}

/** A block-style sequence or map at `path` of `doc` (an empty `[]`/`{}` becomes block style). */
function collection<T extends YAMLMap | YAMLSeq>(doc: Document, path: string[], kind: 'map' | 'seq'): T {
  let node = doc.getIn(path, true) as T | undefined;
  if (!node || (kind === 'map' ? !isMap(node) : !isSeq(node))) {
    node = doc.createNode(kind === 'map' ? {} : []) as T;
    doc.setIn(path, node);
  }
  node.flow = false;
  return node;
}

/**
 * A service's plugins in the chart (kong.yml's `&jwt` and `&authenticated-rate-limit` configs): an
 * alias of an anchored map of the values holding exactly those (commerce's `&authenticated`),
 * else the configs written out, anchored `&authenticated` for the system's next services.
 */
function authenticatedServicePlugins(values: Document, jwt: Node, rateLimit: Node): Node {
  const expected = JSON.stringify({ jwt: jwt.toJSON(), 'rate-limiting': rateLimit.toJSON() });
  let anchor: string | undefined;
  visit(values, {
    Map: (_key, node) => {
      if (node.anchor && JSON.stringify(node.toJSON()) === expected) {
        anchor = node.anchor;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  if (anchor) return new Alias(anchor);
  const node = values.createNode(JSON.parse(expected) as object);
  if (!anchored(values, 'authenticated')) node.anchor = 'authenticated';
  return node;
}

/** charts/<system>: routes, the authenticated plugins, the service(s), the topic; a digest per environment. */
function addToChart(tree: Tree, names: ServiceNames, upstreams: Upstream[], grpc: boolean): void {
  const chart = `charts/${names.system.kebab}`;
  const kong = readYaml(tree, 'infra/kong/kong.yml');
  const { jwt, rateLimit } = authenticatedPlugins(kong);
  const values = readYaml(tree, `${chart}/values.yaml`);
  const registry = String(values.get('imageRegistry') ?? 'ghcr.io/archipelago');
  const topics = collection<YAMLSeq>(values, ['kafka', 'topics', 'list'], 'seq');
  topics.items.push(values.createNode({ name: names.createdTopic, dlq: true }));
  const routes = collection<YAMLSeq>(values, ['kong', 'routes'], 'seq');
  const servicePlugins = collection<YAMLMap>(values, ['kong', 'servicePlugins'], 'map');
  const services = collection<YAMLMap>(values, ['services'], 'map');
  for (const u of upstreams) {
    const route = values.createNode({
      name: u.route,
      service: u.chartService,
      paths: [names.basePath],
      methods: [...u.methods],
      stripPath: false,
      preserveHost: false,
      protocols: ['http', 'https'],
      plugins: {},
    }) as YAMLMap;
    for (const key of ['paths', 'methods', 'protocols']) (route.get(key) as YAMLSeq).flow = true;
    routes.items.push(route);
    servicePlugins.set(u.chartService, authenticatedServicePlugins(values, jwt, rateLimit));
    const own: Record<string, unknown> = { dbSchema: names.dbSchema, grpc: { enabled: grpc && u.role !== 'query' } };
    if (u.role) own.env = { ROLE: u.role };
    if (u.role === 'query') {
      // The query role runs the command role's image; its migrations are the command role's Job.
      own.image = { repository: `${registry}/${names.project}` };
      own.migration = { enabled: false };
      own.grpc = { enabled: false };
    }
    const node = values.createNode(own) as YAMLMap;
    node.commentBefore = ` ${names.system.kebab}/${names.service.kebab}${u.role ? ` (${u.role} role)` : ''}: generated by nx g @archipelago/tools:service.`;
    services.set(values.createNode(u.chartService), node);
  }
  writeYaml(tree, `${chart}/values.yaml`, values);

  for (const env of ENVIRONMENTS) {
    const path = `${chart}/values-${env}.yaml`;
    const doc = readYaml(tree, path);
    const envServices = collection<YAMLMap>(doc, ['services'], 'map');
    for (const u of upstreams) envServices.set(u.chartService, doc.createNode({ image: { digest: ZERO_DIGEST } }));
    writeYaml(tree, path, doc);
  }
}

/**
 * docs/systems/<system>.md of a generated system (it holds the generator's `%% services:` marker):
 * the service in the Mermaid diagram and the services table. Returns false for a page without the
 * marker (written by hand), which is left alone.
 */
function addToSystemDocs(tree: Tree, names: ServiceNames, grpc: boolean): boolean {
  const path = `docs/systems/${names.system.kebab}.md`;
  if (!tree.exists(path)) return false;
  const n = names.service.kebab;
  let text = tree.read(path, 'utf8')!;
  if (!/%% services: /.test(text)) return false;
  text = text.replace(
    /( *)%% services: .*\n/,
    (line, indent: string) =>
      `${line}${indent}${names.service.snake}[${n}] --> ${names.service.snake}_db[(schema ${names.dbSchema})]\n`,
  );
  text = text.replace(
    /( *)kafka\[\(Kafka\)\]\n/,
    (line, indent: string) =>
      `${line}${indent}edge -->|${names.basePath}| ${names.service.snake}\n${indent}${names.service.snake} -->|${names.createdTopic}| kafka\n`,
  );
  text = `${text.trimEnd()}\n| ${n} | \`${names.basePath}\` (create, get, list items) | \`${names.createdTopic}\` (${names.createdEvent}) | ${grpc ? `\`archipelago.${names.system.snake}.${names.service.snake}.v1\`` : '—'} |\n`;
  tree.write(path, text);
  return true;
}
