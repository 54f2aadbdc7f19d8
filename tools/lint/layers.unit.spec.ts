import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ESLint, type Linter } from 'eslint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The Nx rule reads the project graph that eslint.config.mjs refreshes; no daemon in tests.
process.env.NX_DAEMON = 'false';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const LAYERS = 'archipelago/layers';
const BOUNDARIES = '@nx/enforce-module-boundaries';

describe('lint: layer rule inside a service (archipelago/layers)', () => {
  let eslint: ESLint;
  beforeAll(() => {
    eslint = new ESLint({ cwd: root, overrideConfigFile: path.join(root, 'eslint.config.mjs') });
  });

  /** Lints `code` as if it were the file `filePath` (relative to the workspace root). */
  async function lint(filePath: string, code: string, ruleId = LAYERS): Promise<Linter.LintMessage[]> {
    const [result] = await eslint.lintText(code, { filePath: path.join(root, filePath) });
    expect(result!.messages.filter((m) => m.fatal)).toEqual([]);
    return result!.messages.filter((m) => m.ruleId === ruleId);
  }

  const catalog = 'systems/commerce/catalog/src';

  it('rejects a framework import in entity/ and names the rule', async () => {
    const messages = await lint(
      `${catalog}/entity/product/product.state.ts`,
      "import { Injectable } from '@nestjs/common';\n",
    );
    expect(messages).toHaveLength(1);
    expect(messages[0]!.message).toMatch(/^Layer rule broken \(entity → package "@nestjs\/common"\)/);
  });

  it.each([
    'typeorm',
    'pg',
    'kafkajs',
    '@grpc/grpc-js',
    'rxjs',
    'node:fs',
    'node:crypto',
    '@archipelago/platform-config',
  ])('rejects %s in entity/', async (pkg) => {
    expect(await lint(`${catalog}/entity/product/x.ts`, `import '${pkg}';\n`)).toHaveLength(1);
  });

  it('lets entity/ import entity/ and util libs', async () => {
    const code =
      "import { type Decider } from '@archipelago/util-decider';\nimport { a } from '../money/money.js';\nexport type D = Decider<unknown, unknown, unknown>;\nexport const b = a;\n";
    expect(await lint(`${catalog}/entity/product/product.decider.ts`, code)).toEqual([]);
  });

  it('rejects entity/ importing another layer by a relative path, in every import form', async () => {
    const file = `${catalog}/entity/product/x.ts`;
    const forms = [
      "import { r } from '../../repository/x.js';",
      "import type { P } from '../../use-case/port/product.repository.port.js';",
      "export * from '../../gateway/x.js';",
      "export { h } from '../../handler/http/x.js';",
      "export const m = await import('../../catalog.module.js');",
      "import { o } from '../../../../ordering/src/entity/order/order.state.js';",
    ];
    for (const code of forms) {
      const messages = await lint(file, code);
      expect(messages, code).toHaveLength(1);
      expect(messages[0]!.message, code).toContain('entity/ is pure TypeScript');
    }
  });

  it('rejects use-case/ importing repository/, gateway/ or handler/', async () => {
    const flat = await lint(`${catalog}/use-case/x.ts`, "import { r } from '../repository/product.repository.js';\n");
    expect(flat).toHaveLength(1);
    expect(flat[0]!.message).toMatch(/^Layer rule broken \(use-case → repository\)/);
    const nested = `${catalog}/use-case/add-product/add-product.use-case.ts`;
    expect(await lint(nested, "import { g } from '../../gateway/x.js';\n")).toHaveLength(1);
    expect(await lint(nested, "import { h } from '../../handler/http/x.js';\n")).toHaveLength(1);
  });

  it('lets use-case/ import entity/, its ports, util libs and the NestJS DI/CQRS packages only', async () => {
    const file = `${catalog}/use-case/add-product/add-product.use-case.ts`;
    const ok = [
      "import { d } from '../../entity/product/product.decider.js';",
      "import type { P } from '../port/product.repository.port.js';",
      "import { CommandHandler } from '@nestjs/cqrs';",
      "import { Inject } from '@nestjs/common';",
      "import { decide } from '@archipelago/util-decider';",
    ];
    for (const code of ok) expect(await lint(file, code), code).toEqual([]);
    const messages = await lint(file, "import { DataSource } from 'typeorm';");
    expect(messages).toHaveLength(1);
    expect(messages[0]!.message).toContain('I/O belongs behind a port');
  });

  it('lets handler/ import use cases', async () => {
    const code =
      "import { AddProductCommand } from '../../use-case/add-product/add-product.command.js';\nimport { Controller } from '@nestjs/common';\n";
    expect(await lint(`${catalog}/handler/http/add-product.http-handler.ts`, code)).toEqual([]);
  });

  it('lets repository/ and gateway/ import use-case ports, but not use cases', async () => {
    const port = "import type { ProductRepositoryPort } from '../use-case/port/product.repository.port.js';\n";
    expect(await lint(`${catalog}/repository/product.event-store.repository.ts`, port)).toEqual([]);
    expect(await lint(`${catalog}/gateway/x.grpc-gateway.ts`, port)).toEqual([]);
    const suffixPort =
      "import type { P } from '../use-case/add-product/pricing.port.js';\nimport { Repository } from 'typeorm';\n";
    expect(await lint(`${catalog}/repository/x.ts`, suffixPort)).toEqual([]);
    const messages = await lint(
      `${catalog}/repository/x.ts`,
      "import { U } from '../use-case/add-product/add-product.use-case.js';\n",
    );
    expect(messages).toHaveLength(1);
    expect(messages[0]!.message).toMatch(/^Layer rule broken \(repository → use-case\)/);
  });

  it('lets only main.ts and *.module.ts import handler/', async () => {
    const code = "import { H } from './handler/http/add-product.http-handler.js';\n";
    expect(await lint(`${catalog}/main.ts`, code)).toEqual([]);
    expect(await lint(`${catalog}/catalog.module.ts`, code)).toEqual([]);
    expect(await lint(`${catalog}/config.ts`, code)).toHaveLength(1);
    expect(await lint(`${catalog}/repository/x.ts`, "import { H } from '../handler/http/x.js';\n")).toHaveLength(1);
    expect(await lint(`${catalog}/gateway/x.ts`, "import { H } from '../handler/http/x.js';\n")).toHaveLength(1);
  });

  it('leaves test files out of the layer rule', async () => {
    const code = "import { describe } from 'vitest';\nimport { r } from '../../repository/in-memory.repository.js';\n";
    expect(await lint(`${catalog}/entity/product/product.decider.unit.spec.ts`, code)).toEqual([]);
  });

  it('applies module boundaries to the real graph: a util lib may not import a platform lib', async () => {
    const code =
      "import { startLocalPostgres } from '@archipelago/platform-local-postgres';\nexport const s = startLocalPostgres;\n";
    const messages = await lint('libs/util/decider/src/x.ts', code, BOUNDARIES);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.message).toContain('A project tagged with "type:util" can only depend on libs tagged with');
    // Control: the opposite direction is allowed, so the rule is running on a real graph.
    const allowed =
      "import { type Decider } from '@archipelago/util-decider';\nexport type D = Decider<unknown, unknown, unknown>;\n";
    expect(await lint('libs/platform/local-postgres/src/x.ts', allowed, BOUNDARIES)).toEqual([]);
  });
});

/**
 * The tag constraints against a workspace made for the test, so every project type exists no
 * matter which projects the real tree holds today (two services, two systems, an app…).
 * ESLint runs in a child process because Nx fixes its workspace root from the working directory.
 */
describe('lint: module boundaries by tags (@nx/enforce-module-boundaries)', () => {
  const projects: Record<string, [root: string, tags: string]> = {
    'util-a': ['libs/util/a', 'scope:shared,type:util'],
    'platform-p': ['libs/platform/p', 'scope:shared,type:platform'],
    'testing-t': ['libs/testing/t', 'scope:shared,type:testing'],
    'alpha-contracts': ['systems/alpha/contracts', 'scope:alpha,type:contract'],
    'alpha-one': ['systems/alpha/one', 'scope:alpha,type:service'],
    'alpha-two': ['systems/alpha/two', 'scope:alpha,type:service'],
    'beta-contracts': ['systems/beta/contracts', 'scope:beta,type:contract'],
    'beta-svc': ['systems/beta/svc', 'scope:beta,type:service'],
    edge: ['apps/edge', 'scope:edge,type:app'],
  };
  // file → [imported project, expected violation?]
  const cases: Record<string, [string, boolean]> = {
    'systems/alpha/one/src/gateway/two.ts': ['alpha-two', true],
    'systems/alpha/one/src/gateway/beta-svc.ts': ['beta-svc', true],
    'systems/alpha/one/src/gateway/beta-contracts.ts': ['beta-contracts', false],
    'systems/alpha/one/src/gateway/own-contracts.ts': ['alpha-contracts', false],
    'systems/alpha/one/src/repository/platform.ts': ['platform-p', false],
    'systems/alpha/one/src/gateway/testing.ts': ['testing-t', true],
    'systems/alpha/one/src/gateway/testing.unit.spec.ts': ['testing-t', false],
    'libs/util/a/src/platform.ts': ['platform-p', true],
    'libs/util/a/src/testing.unit.spec.ts': ['testing-t', false],
    'libs/platform/p/src/util.ts': ['util-a', false],
    'libs/platform/p/src/contracts.ts': ['alpha-contracts', true],
    'libs/testing/t/src/platform.ts': ['platform-p', false],
    'systems/alpha/contracts/src/platform.ts': ['platform-p', true],
    'systems/alpha/contracts/src/beta.ts': ['beta-contracts', false],
    'apps/edge/src/contracts.ts': ['alpha-contracts', true],
    'apps/edge/src/testing.ts': ['testing-t', true],
    'apps/edge/src/platform.ts': ['platform-p', false],
  };

  let workspace: string;
  let results: Map<string, ESLint.LintResult>;

  beforeAll(async () => {
    workspace = mkdtempSync(path.join(tmpdir(), 'archipelago-lint-'));
    const write = (file: string, text: string) => {
      mkdirSync(path.dirname(path.join(workspace, file)), { recursive: true });
      writeFileSync(path.join(workspace, file), text);
    };
    symlinkSync(path.join(root, 'node_modules'), path.join(workspace, 'node_modules'), 'dir');
    cpSync(path.join(root, 'eslint.config.mjs'), path.join(workspace, 'eslint.config.mjs'));
    cpSync(path.join(root, 'tools/lint/layers.mjs'), path.join(workspace, 'tools/lint/layers.mjs'));
    write('package.json', JSON.stringify({ name: 'lint-fixture', private: true, type: 'module' }));
    write('nx.json', '{}');
    const paths = Object.fromEntries(
      Object.entries(projects).map(([name, [dir]]) => [`@fx/${name}`, [`./${dir}/src/index.ts`]]),
    );
    write('tsconfig.base.json', JSON.stringify({ compilerOptions: { module: 'nodenext', paths } }));
    for (const [name, [dir, tags]] of Object.entries(projects)) {
      write(`${dir}/project.json`, JSON.stringify({ name, sourceRoot: `${dir}/src`, tags: tags.split(',') }));
      write(`${dir}/src/index.ts`, 'export const value = 1;\n');
    }
    for (const [file, [target]] of Object.entries(cases)) {
      write(file, `import { value } from '@fx/${target}';\nexport const copy = value;\n`);
    }
    const eslintBin = path.join(root, 'node_modules/eslint/bin/eslint.js');
    const run = promisify(execFile);
    const output = await run(process.execPath, [eslintBin, '--format', 'json', '.'], {
      cwd: workspace,
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
      maxBuffer: 16 * 1024 * 1024,
    }).catch((error: { stdout?: string; stderr?: string }) => {
      if (!error.stdout) throw new Error(`eslint failed: ${error.stderr}`);
      return { stdout: error.stdout };
    });
    const parsed = JSON.parse(output.stdout) as ESLint.LintResult[];
    results = new Map(parsed.map((r) => [path.relative(workspace, r.filePath).split(path.sep).join('/'), r]));
  }, 60_000);

  afterAll(() => {
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  it.each(Object.entries(cases))('%s importing %j', (file, [, violation]) => {
    const result = results.get(file);
    expect(result, `${file} was not linted`).toBeDefined();
    expect(result!.messages.filter((m) => m.fatal || m.ruleId === null)).toEqual([]);
    const boundaries = result!.messages.filter((m) => m.ruleId === BOUNDARIES);
    expect(boundaries.map((m) => m.message)).toHaveLength(violation ? 1 : 0);
  });

  it('finds no other problem in the fixture workspace', () => {
    const others = [...results.values()].flatMap((r) =>
      r.messages.filter((m) => m.ruleId !== BOUNDARIES).map((m) => `${r.filePath}: ${m.ruleId} ${m.message}`),
    );
    expect(others).toEqual([]);
  });
});
