// The generators' test: runs `nx g @archipelago/tools:service` twice into a temporary copy of the
// workspace (the files git knows, node_modules linked) — a service with gRPC in a new system, and a
// command/query service in an existing one (commerce) — then, in that copy, what CI would run on
// them: buf lint + generate, tsc over the whole workspace, ESLint on every written path, the chart
// tests (helm lint, render and schema validation of the new chart × 4 environments, Kong parity of
// every chart, namespace overlays), the stack-file test, and the generated services' unit and
// integration tests (Postgres; TEST_KAFKA=off). Any place the generator leaves inconsistent fails
// one of these. Cost: 82 s on a 2-core machine (up to 162 s under load; the chart renders dominate).
// The in-memory checks and the refusals are in src/service.generator.unit.spec.ts.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
let copy: string;

/** Runs a command in the copy; the environment is this one without vitest's own variables. */
function run(cmd: string, args: string[], extraEnv: Record<string, string> = {}) {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'NODE_ENV'),
  );
  const r = spawnSync(cmd, args, {
    cwd: copy,
    encoding: 'utf8',
    env: {
      ...env,
      NX_DAEMON: 'false',
      NX_NO_CLOUD: 'true',
      NX_SKIP_NX_CACHE: 'true',
      TEST_KAFKA: 'off',
      // Helm, kubeconform and the CRD schemas: the repository's cache, not a rebuild in the copy.
      ARCHIPELAGO_TOOLS_DIR: process.env.ARCHIPELAGO_TOOLS_DIR ?? join(repo, '.tools'),
      ...extraEnv,
    },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status, output: `${r.stdout}\n${r.stderr}`.slice(-400_000) };
}
const bin = (name: string) => join(copy, 'node_modules', '.bin', name);
const expectOk = (r: { status: number | null; output: string }) => expect(r.status, r.output).toBe(0);

const GENERATED = ['systems/gentest', 'systems/commerce/gadgets'];

beforeAll(() => {
  copy = mkdtempSync(join(tmpdir(), 'archipelago-gen-'));
  chmodSync(copy, 0o755); // embedded Postgres runs as another user when the suite runs as root
  const files = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: repo,
    encoding: 'utf8',
  })
    .stdout.split('\0')
    .filter((f) => f && existsSync(join(repo, f)));
  for (const file of files) {
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    cpSync(join(repo, file), join(copy, file));
  }
  symlinkSync(join(repo, 'node_modules'), join(copy, 'node_modules'), 'dir');
  expectOk(run(bin('nx'), ['g', '@archipelago/tools:service', '--system', 'gentest', '--name', 'widgets', '--grpc']));
  expectOk(
    run(bin('nx'), [
      'g',
      '@archipelago/tools:service',
      '--system',
      'commerce',
      '--name',
      'gadgets',
      '--roles',
      'command,query',
    ]),
  );
  // A repository of its own, for the checks that ask git which files exist (tools/docs).
  expectOk(run('git', ['init', '--quiet']));
  expectOk(run('git', ['add', '--all']));
}, 120_000);

afterAll(() => {
  if (copy && !process.env.KEEP_GENERATOR_COPY) rmSync(copy, { recursive: true, force: true });
});

describe('nx g @archipelago/tools:service, in a copy of the workspace', { timeout: 240_000 }, () => {
  it('wires both services into stack.json, kong.yml and the charts with free ports and their routes', () => {
    const stack = JSON.parse(readFileSync(join(copy, 'infra/local/stack.json'), 'utf8'));
    const services = stack.systems.flatMap((s: { name: string; services: object[] }) =>
      s.services.map((x) => ({ system: s.name, ...x })),
    );
    const widgets = services.find((s: { name: string }) => s.name === 'widgets');
    const gadgets = services.find((s: { name: string }) => s.name === 'gadgets');
    expect(widgets).toMatchObject({
      system: 'gentest',
      upstream: 'widgets.gentest:8080',
      grpcPort: widgets.httpPort + 2000,
    });
    expect(gadgets).toMatchObject({
      system: 'commerce',
      upstream: 'gadgets.commerce:8080',
      extraUpstreams: ['gadgets-query.commerce:8080'],
      env: { ROLE: 'all' },
    });
    const ports = services
      .flatMap((s: { httpPort: number; grpcPort?: number }) => [s.httpPort, s.grpcPort])
      .filter(Boolean);
    expect(new Set(ports).size).toBe(ports.length);
    const kong = parse(readFileSync(join(copy, 'infra/kong/kong.yml'), 'utf8'), { merge: true });
    const routes = kong.services.flatMap((s: { url: string; routes: { name: string; methods: string[] }[] }) =>
      s.routes.map((r) => ({ url: s.url, ...r })),
    );
    expect(routes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'gentest-widgets-items',
          url: 'http://widgets.gentest:8080',
          paths: ['/gentest/v1/widgets'],
        }),
        expect.objectContaining({
          name: 'commerce-gadgets-commands',
          url: 'http://gadgets.commerce:8080',
          methods: ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
        }),
        expect.objectContaining({
          name: 'commerce-gadgets-queries',
          url: 'http://gadgets-query.commerce:8080',
          methods: ['GET'],
        }),
      ]),
    );
  });

  it('registers the projects with their tags and image targets, and the proto root in the image', () => {
    const project = (root: string) => JSON.parse(readFileSync(join(copy, root, 'project.json'), 'utf8'));
    expect(project('systems/gentest/widgets')).toMatchObject({
      name: 'gentest-widgets',
      tags: ['scope:gentest', 'type:service'],
      targets: {
        'docker-context': {
          options: { command: 'node tools/delivery/docker-context.mjs gentest widgets --grpc-port 50051' },
        },
      },
    });
    expect(project('systems/commerce/gadgets').targets['docker-context'].options.command).toBe(
      'node tools/delivery/docker-context.mjs commerce gadgets',
    );
    expect(project('systems/gentest/contracts').tags).toEqual(['scope:gentest', 'type:contract']);
    const paths = JSON.parse(readFileSync(join(copy, 'tsconfig.base.json'), 'utf8')).compilerOptions.paths;
    expect(paths['@archipelago/gentest-contracts']).toEqual(['./systems/gentest/contracts/src/index.ts']);
    expect(readFileSync(join(copy, 'tools/delivery/service.Dockerfile'), 'utf8')).toContain(
      'ARCHIPELAGO_PROTO_ROOT_GENTEST=/app/systems/gentest/contracts/proto \\\n',
    );
    expect(readFileSync(join(copy, 'docs/systems/gentest.md'), 'utf8')).toContain('| widgets | `/gentest/v1/widgets`');
  });

  it('generates a proto that passes buf lint, and the TypeScript of the whole workspace type-checks', () => {
    expectOk(run(bin('buf'), ['lint']));
    expectOk(run(bin('buf'), ['generate']));
    expectOk(run(bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']));
  });

  it('writes lint-clean code (layers, module boundaries) in every generated path', () => {
    const r = run(bin('eslint'), [
      '--max-warnings',
      '0',
      ...GENERATED,
      'systems/commerce/contracts',
      'systems/gentest/contracts',
    ]);
    expectOk(r);
  });

  it('passes the chart tests (lint, render, validate × 4 environments, Kong parity, namespaces) the stack-file and docs tests', () => {
    const r = run(bin('vitest'), [
      'run',
      '--reporter=verbose',
      '--project',
      'unit',
      'tools/delivery/charts.unit.spec.ts',
      'apps/devstack/src/stack-file.schema.unit.spec.ts',
      'tools/docs/docs.unit.spec.ts',
      '--testNamePattern',
      // The new chart × 4 environments, parity of every chart with kong.yml (which renders commerce
      // and fails on values its schema refuses), the namespace overlays, the stack file.
      'gentest/|every system chart|Kong on Kubernetes|namespace baseline|stack file|^docs ',
    ]);
    expectOk(r);
    expect(r.output).toMatch(/gentest\/prod: every rendered object is valid/);
    expect(r.output).toMatch(/every kong\.yml route is an Ingress/);
  });

  it('passes the generated unit tests (deciders, use cases, event schema recordings)', () => {
    const r = run(bin('vitest'), [
      'run',
      '--reporter=verbose',
      '--project',
      'unit',
      ...GENERATED,
      'systems/commerce/contracts',
      'systems/gentest/contracts',
    ]);
    expectOk(r);
    expect(r.output).toMatch(/widgets-item\.decider\.unit\.spec\.ts/);
    expect(r.output).toMatch(/gadgets\.events\.schema-compat\.unit\.spec\.ts/);
  });

  it('passes the generated integration tests on a real Postgres', () => {
    const r = run(bin('vitest'), ['run', '--reporter=verbose', '--project', 'int', ...GENERATED]);
    expectOk(r);
    expect(r.output).toMatch(/widgets\.int\.spec\.ts/);
    expect(r.output).toMatch(/gadgets\.int\.spec\.ts/);
  });
});
