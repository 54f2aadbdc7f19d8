// Resolves the workspace's `@archipelago/*` import aliases (tsconfig.base.json "paths") to the
// compiled files under dist/, so `node --import ./tools/register.mjs dist/.../main.js` runs the
// build output without bundling. Synchronous hooks (Node >= 23.5) cover both import and require.
import { registerHooks } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { compilerOptions } = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8'));
const aliases = new Map(
  Object.entries(compilerOptions.paths ?? {}).map(([name, [target]]) => [
    name,
    pathToFileURL(join(process.env.ARCHIPELAGO_DIST_DIR ?? join(root, 'dist'), target.replace(/^\.\//, '').replace(/\.ts$/, '.js'))).href,
  ]),
);

registerHooks({
  resolve(specifier, context, nextResolve) {
    const url = aliases.get(specifier);
    return url ? { url, shortCircuit: true, format: 'module' } : nextResolve(specifier, context);
  },
});
