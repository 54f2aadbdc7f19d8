// Fast checks of the service generator on an in-memory tree seeded with the repository's own
// files: what it adds, and that it leaves what was there byte for byte (kong.yml keeps its anchors
// and comments). The full proof — lint, tsc, chart tests and the generated tests in a copy of the
// workspace — is tools/generators/service.int.spec.ts.
import type { Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { beforeEach, describe, expect, it } from 'vitest';
import { nameForms } from './names.ts';
import { serviceGenerator } from './service.generator.ts';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const SEEDED = [
  'infra/kong/kong.yml',
  'infra/local/stack.json',
  'infra/k8s/kustomization.yaml',
  'tsconfig.base.json',
  'buf.yaml',
  'buf.gen.yaml',
  'tools/delivery/service.Dockerfile',
  'charts/commerce',
  'systems/commerce/contracts/project.json',
  'systems/commerce/contracts/src/index.ts',
  'docs/README.md',
];

function seed(tree: Tree, path: string): void {
  const abs = join(repo, path);
  if (statSync(abs).isDirectory()) for (const child of readdirSync(abs)) seed(tree, relative(repo, join(abs, child)));
  else tree.write(path, readFileSync(abs));
}
const read = (tree: Tree, path: string) => tree.read(path, 'utf8')!;

let tree: Tree;
beforeEach(() => {
  tree = createTreeWithEmptyWorkspace();
  for (const path of SEEDED) seed(tree, path);
});

describe('service generator (in memory)', () => {
  it('adds a new system and its service around what exists, changing none of it', async () => {
    const before = Object.fromEntries(SEEDED.filter((p) => p.includes('.')).map((p) => [p, read(tree, p)]));
    await serviceGenerator(tree, { system: 'gentest', name: 'widgets', grpc: true, skipFormat: true });

    // kong.yml: the original text with one block inserted before the top-level plugins.
    const kong = read(tree, 'infra/kong/kong.yml');
    const block = kong.slice(before['infra/kong/kong.yml']!.indexOf('\nplugins:\n'), kong.indexOf('\nplugins:\n'));
    expect(kong.replace(block, '')).toBe(before['infra/kong/kong.yml']);
    expect(block).toContain('config: *jwt');
    expect(block).toContain('config: *authenticated-rate-limit');
    const service = parse(kong, { merge: true }).services.find((s: { name: string }) => s.name === 'gentest-widgets');
    expect(service.routes).toEqual([
      expect.objectContaining({
        name: 'gentest-widgets-items',
        paths: ['/gentest/v1/widgets'],
        methods: ['GET', 'POST', 'OPTIONS'],
      }),
    ]);

    const stack = JSON.parse(read(tree, 'infra/local/stack.json'));
    // A new system takes the block of 100 after the highest one in use (3<k>01 HTTP, 5<k>01 gRPC).
    const taken = JSON.parse(before['infra/local/stack.json']!).systems.flatMap(
      (s: { services: { httpPort: number }[] }) => s.services.map((x) => x.httpPort),
    );
    const httpPort = Math.floor(Math.max(...taken) / 100) * 100 + 101;
    expect(stack.systems.at(-1)).toEqual({
      name: 'gentest',
      services: [
        expect.objectContaining({
          name: 'widgets',
          httpPort,
          grpcPort: httpPort + 2000,
          upstream: 'widgets.gentest:8080',
        }),
      ],
    });
    expect(read(tree, 'buf.yaml')).toContain('  - path: systems/gentest/contracts/proto\n');
    expect(read(tree, 'buf.gen.yaml')).toContain('out: systems/gentest/contracts/src/generated\n');
    expect(read(tree, 'infra/k8s/kustomization.yaml')).toMatch(/ {2}- namespaces\/gentest\n$/);
    for (const env of ['dev', 'qa', 'staging', 'prod']) {
      expect(parse(read(tree, `charts/gentest/values-${env}.yaml`)).services.widgets.image.digest).toMatch(
        /^sha256:0{64}$/,
      );
      // issue 13: traces exported over OTLP in every environment
      expect(parse(read(tree, `charts/gentest/values-${env}.yaml`)).telemetry.otlpEndpoint).toBe(
        'http://otel-collector.observability.svc:4318',
      );
    }
    const dashboard = JSON.parse(read(tree, 'charts/gentest/dashboards/gentest.json')) as {
      uid: string;
      templating: { list: { name: string; current?: { value: string } }[] };
    };
    expect(dashboard.uid).toBe('archipelago-gentest');
    expect(dashboard.templating.list.find((v) => v.name === 'namespace')?.current?.value).toBe('gentest');
    expect(read(tree, 'charts/gentest/templates/_helpers.tpl')).toContain('define "gentest.labels"');
    expect(read(tree, 'docs/README.md')).toContain('| [systems/gentest.md](systems/gentest.md) |');
    for (const path of ['charts/commerce/values.yaml', 'systems/commerce/contracts/src/index.ts']) {
      expect(read(tree, path)).toBe(readFileSync(join(repo, path), 'utf8'));
    }
    expect(tree.exists('systems/gentest/widgets/src/entity/widgets-item/widgets-item.decider.ts')).toBe(true);
    expect(tree.exists('systems/gentest/contracts/proto/archipelago/gentest/widgets/v1/widgets.proto')).toBe(true);
  });

  it('splits a command/query service into two upstreams, routes and chart services', async () => {
    await serviceGenerator(tree, { system: 'commerce', name: 'gadgets', roles: 'command,query', skipFormat: true });
    const kong = parse(read(tree, 'infra/kong/kong.yml'), { merge: true });
    const urls = kong.services
      .filter((s: { name: string }) => s.name.startsWith('commerce-gadgets'))
      .map((s: { url: string }) => s.url);
    expect(urls).toEqual(['http://gadgets.commerce:8080', 'http://gadgets-query.commerce:8080']);
    const values = parse(read(tree, 'charts/commerce/values.yaml'), { merge: true });
    expect(values.services['gadgets']).toMatchObject({ dbSchema: 'gadgets', env: { ROLE: 'command' } });
    expect(values.services['gadgets-query']).toMatchObject({
      dbSchema: 'gadgets',
      env: { ROLE: 'query' },
      migration: { enabled: false },
    });
    // commerce's &authenticated anchor is reused.
    expect(read(tree, 'charts/commerce/values.yaml')).toContain('    gadgets-query: *authenticated\n');
    const commerce = JSON.parse(read(tree, 'infra/local/stack.json')).systems.find(
      (s: { name: string }) => s.name === 'commerce',
    );
    expect(commerce.services.at(-1)).toMatchObject({
      name: 'gadgets',
      httpPort: 3104,
      extraUpstreams: ['gadgets-query.commerce:8080'],
    });
    expect(read(tree, 'systems/commerce/contracts/src/index.ts')).toMatch(
      /export \* from '\.\/events\/gadgets\.events\.js';\n$/,
    );
  });

  it('refuses an existing service and names that are not kebab-case', async () => {
    await expect(serviceGenerator(tree, { system: 'commerce', name: 'contracts', skipFormat: true })).rejects.toThrow(
      /exists/,
    );
    await expect(serviceGenerator(tree, { system: 'commerce', name: 'Bad_Name', skipFormat: true })).rejects.toThrow(
      /kebab-case/,
    );
    expect(() => nameForms('-x')).toThrow(/kebab-case/);
    expect(nameForms('stock-items')).toEqual({
      kebab: 'stock-items',
      pascal: 'StockItems',
      camel: 'stockItems',
      constant: 'STOCK_ITEMS',
      snake: 'stock_items',
    });
  });
});
