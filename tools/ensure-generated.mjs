// Generates what `npm run build` / `npm run typecheck` need and git does not hold: the gRPC types
// (`buf generate` into each system's git-ignored contracts/src/generated/). Runs buf only when a
// system's generated folder is missing or older than one of its .proto files, so a fresh clone
// builds with no manual step and a warm checkout pays nothing (about 0.7 s when it does run).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Newest (or oldest) mtime in ms of the files under `dir` whose name ends with `suffix`. */
function mtimes(dir, suffix) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith(suffix)) out.push(statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return out;
}

const systemsDir = join(root, 'systems');
const stale = readdirSync(systemsDir).filter((system) => {
  const proto = join(systemsDir, system, 'contracts', 'proto');
  if (!existsSync(proto)) return false;
  const generated = join(systemsDir, system, 'contracts', 'src', 'generated');
  if (!existsSync(generated)) return true;
  const outputs = mtimes(generated, '.ts');
  return outputs.length === 0 || Math.max(...mtimes(proto, '.proto')) > Math.min(...outputs);
});

if (stale.length > 0) {
  console.error(`gRPC types missing or stale for ${stale.join(', ')}: running buf generate`);
  const status = spawnSync(join(root, 'node_modules', '.bin', 'buf'), ['generate'], {
    cwd: root,
    stdio: 'inherit',
  }).status;
  if (status !== 0) process.exit(status ?? 1);
}
