import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));
const { compilerOptions } = JSON.parse(readFileSync(new URL('./tsconfig.base.json', import.meta.url), 'utf8')) as {
  compilerOptions: { paths: Record<string, string[]> };
};
// The same `@archipelago/*` aliases as tsconfig.base.json, pointing at sources.
const alias = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([name, [target]]) => [name, `${root}${target!.replace(/^\.\//, '')}`]),
);
// SWC emits decorator metadata (esbuild does not), which NestJS dependency injection needs.
const plugins = [swc.vite({ jsc: { target: 'es2023', transform: { legacyDecorator: true, decoratorMetadata: true } } })];
const exclude = ['**/node_modules/**', '**/dist/**', '**/lint-fixtures/**'];

export default defineConfig({
  plugins,
  resolve: { alias },
  test: {
    // `--coverage.enabled` (ci.yml) measures the source of apps, libs and systems.
    coverage: {
      provider: 'v8',
      include: ['apps/*/src/**/*.ts', 'libs/*/*/src/**/*.ts', 'systems/*/*/src/**/*.ts'],
      exclude: ['**/*.spec.ts', '**/generated/**', '**/index.ts', '**/main.ts'],
      reporter: ['text-summary', 'lcov'],
    },
    projects: [
      { extends: true, test: { name: 'unit', include: ['**/*.unit.spec.ts'], exclude, testTimeout: 30_000 } },
      {
        extends: true,
        test: {
          name: 'int',
          include: ['**/*.int.spec.ts'],
          exclude,
          globalSetup: ['libs/testing/harness/src/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['**/*.e2e.spec.ts'],
          exclude,
          globalSetup: ['libs/testing/harness/src/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 240_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
