import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The workspace root (first folder above this module holding `nx.json`), from sources or dist/;
 * `undefined` in an image without the workspace.
 */
export function workspaceRoot(): string | undefined {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/** Local-mode default of `IDENTITY_KEYS_DIR`: `<repo>/.data/identity/keys` (git-ignored). */
export function defaultKeysDir(): string | undefined {
  const root = workspaceRoot();
  return root && join(root, '.data', 'identity', 'keys');
}
