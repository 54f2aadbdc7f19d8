// Lint for the whole workspace (ESLint 9 flat config). Besides style it enforces the architecture:
//  - @nx/enforce-module-boundaries turns the project tags (scope:*, type:*) into import rules;
//  - archipelago/layers (tools/lint/layers.mjs) enforces the five layers inside every service.
// Proof that both bite: tools/lint/*.unit.spec.ts.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import devkit from '@nx/devkit';
import prettier from 'eslint-config-prettier/flat';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { defineConfig } from 'eslint/config';
import archipelago from './tools/lint/layers.mjs';

const root = import.meta.dirname;

// The Nx rule only reads the *cached* project graph and silently skips itself when there is none
// (a fresh clone) or sees stale projects (one added since). Refreshing it here costs ~0.6 s; inside
// an Nx task (`nx run-many -t lint`) Nx has just written it, so it is reused.
if (process.env.ARCHIPELAGO_LINT_GRAPH !== 'cached' && !process.env.NX_TASK_TARGET_PROJECT) {
  try {
    await devkit.createProjectGraphAsync({ exitOnError: false });
  } catch (error) {
    console.warn(
      `eslint.config.mjs: could not compute the Nx project graph (${String(error)}); module boundaries use the cached graph.`,
    );
  }
}

// Systems named by the blueprint, plus any folder that appears under systems/.
const systemsDir = path.join(root, 'systems');
const systems = [
  ...new Set([
    'commerce',
    'identity',
    'registry',
    'scheduling',
    'notifications',
    ...(existsSync(systemsDir)
      ? readdirSync(systemsDir, { withFileTypes: true })
          .filter((d) => d.isDirectory())
          .map((d) => d.name)
      : []),
  ]),
];
const systemScopes = systems.map((system) => `scope:${system}`);

/**
 * Tag constraints. A project must satisfy the constraint of each of its tags, so the type rules
 * and the scope rules combine: a commerce service may import `scope:identity` projects (scope rule)
 * but never a `type:service` (type rule) — which leaves other systems' contracts only.
 * @param {string[]} testing tags test files may also import
 */
function depConstraints(testing = []) {
  const only = (/** @type {string} */ sourceTag, /** @type {string[]} */ tags) => ({
    sourceTag,
    onlyDependOnLibsWithTags: [...new Set([...tags, ...testing])],
  });
  return [
    only('type:util', ['type:util']),
    only('type:platform', ['type:platform', 'type:util']),
    only('type:testing', ['type:testing', 'type:platform', 'type:util']),
    only('type:contract', ['type:contract', 'type:util']),
    only('type:service', ['type:platform', 'type:util', 'type:contract']),
    only('type:app', ['type:platform', 'type:util', 'type:contract']),
    only('type:e2e', ['type:testing', 'type:platform', 'type:util', 'type:contract']),
    only('scope:shared', ['scope:shared']),
    only('scope:edge', ['scope:shared']),
    ...systemScopes.map((scope) => only(scope, ['scope:shared', ...systemScopes])),
  ];
}

const moduleBoundaries = (/** @type {string[]} */ testing) => [
  'error',
  { enforceBuildableLibDependency: false, allow: [], depConstraints: depConstraints(testing) },
];

const TS = '**/*.{ts,mts,cts}';
const CODE = '**/*.{ts,mts,cts,js,mjs,cjs}';
const TESTS = ['**/*.spec.ts', '**/test/**/*.ts'];

export default defineConfig(
  {
    name: 'archipelago/ignores',
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/.cache/**',
      '**/.data/**',
      '**/.nx/**',
      '**/.tools/**',
      '**/coverage/**',
      '**/reports/**',
      '**/generated/**',
      'tools/lint/fixtures/**',
      'charts/**/templates/**',
    ],
  },
  { name: 'archipelago/files', files: [CODE] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    name: 'archipelago/base',
    files: [CODE],
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { ...globals.node } },
    plugins: { '@nx': nx, archipelago },
    rules: {
      '@typescript-eslint/no-explicit-any': 'warn',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    name: 'archipelago/module-boundaries',
    files: [TS],
    rules: { '@nx/enforce-module-boundaries': moduleBoundaries([]) },
  },
  {
    // Tests may import testing libs (harnesses) from any project type.
    name: 'archipelago/module-boundaries-tests',
    files: TESTS,
    rules: { '@nx/enforce-module-boundaries': moduleBoundaries(['type:testing']) },
  },
  {
    name: 'archipelago/layers',
    files: ['systems/*/*/src/**/*.{ts,mts,cts}'],
    ignores: ['systems/*/contracts/**', ...TESTS],
    rules: { 'archipelago/layers': 'error' },
  },
  {
    // ProjectionRunner.rebuild empties a read model and replays the log in ONE transaction: a reset
    // that TRUNCATEs takes an ACCESS EXCLUSIVE lock and blocks every reader until the rebuild commits;
    // DELETE lets them keep answering from the old rows (MVCC). Migrations may still TRUNCATE.
    name: 'archipelago/projection-reset-without-truncate',
    files: ['systems/*/*/src/**/*.projection.ts', 'libs/**/*.projection.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'TemplateElement[value.raw=/\\bTRUNCATE\\b/i], Literal[value=/\\bTRUNCATE\\b/i]',
          message:
            'A projection empties its read model with DELETE FROM, not TRUNCATE: rebuild runs in one transaction and TRUNCATE would block readers until it commits.',
        },
      ],
    },
  },
  {
    name: 'archipelago/commonjs',
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    name: 'archipelago/browser',
    files: ['apps/console/**/*.{ts,tsx,js,mjs}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // k6 scripts run in k6's runtime, not Node.
    name: 'archipelago/k6',
    files: ['apps/load/**/*.{js,mjs,ts}'],
    languageOptions: { globals: { __ENV: 'readonly', __VU: 'readonly', __ITER: 'readonly', open: 'readonly' } },
  },
  prettier,
);
