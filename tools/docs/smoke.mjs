#!/usr/bin/env node
// Docs smoke (.ci/run): the commands the docs show, run against a running stack (E, default
// http://localhost:8000; .ci/run starts it with `npm start` and the load smoke reuses it).
//   1. waits until $E/health answers 200 (DOCS_SMOKE_WAIT_S, default 300: the stack may be building);
//   2. README's first session: tools/docs/first-session.sh (README's block is generated from it);
//   3. every command marked `smoke` in tools/docs/doc-commands.json (its `run` form when the docs
//      show a placeholder), with bash from the repository root, each within 180 s.
// Refuses to start when a documented command has no entry (see doc-commands.unit.spec.ts).
// Prints `ok`/`FAILED` per command and exits 1 if any failed.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { allCommands, manifest, root } from './doc-commands.mjs';

const E = process.env.E ?? 'http://localhost:8000';
const entries = manifest();
const unlisted = allCommands().filter((c) => !(c.command in entries));
if (unlisted.length > 0) {
  console.error(
    `docs smoke: commands without an entry in tools/docs/doc-commands.json:\n${unlisted.map((c) => `  ${c.file}: ${c.command}`).join('\n')}`,
  );
  process.exit(1);
}

const waitS = Number(process.env.DOCS_SMOKE_WAIT_S ?? 300);
const deadline = Date.now() + waitS * 1000;
for (;;) {
  const ok = await fetch(`${E}/health`, { signal: AbortSignal.timeout(2000) }).then(
    (r) => r.status === 200,
    () => false,
  );
  if (ok) break;
  if (Date.now() > deadline) {
    console.error(`docs smoke: ${E}/health did not answer 200 within ${waitS} s`);
    process.exit(1);
  }
  await new Promise((r) => setTimeout(r, 1000));
}

// The same command shown twice (e.g. in README's table and in a runbook, with another comment) runs once.
const withoutComment = (script) => script.replace(/\s{2,}#\s.*$/, '').trim();
const seen = new Set();
const runs = [
  {
    label: 'README first session (tools/docs/first-session.sh)',
    script: `bash ${join('tools', 'docs', 'first-session.sh')}`,
  },
  ...Object.entries(entries)
    .filter(([, e]) => e.check === 'smoke')
    .map(([command, e]) => ({ label: e.run ?? command, script: e.run ?? command }))
    .filter(({ script }) => !seen.has(withoutComment(script)) && seen.add(withoutComment(script))),
];
let failed = 0;
for (const { label, script } of runs) {
  const t0 = Date.now();
  const result = spawnSync('bash', ['-c', `set -eo pipefail\n${script}`], {
    cwd: root,
    env: { ...process.env, E },
    encoding: 'utf8',
    timeout: 180_000,
  });
  const seconds = ((Date.now() - t0) / 1000).toFixed(1);
  if (result.status === 0) console.log(`ok: ${label} (${seconds} s)`);
  else {
    failed++;
    console.log(`${result.stdout ?? ''}${result.stderr ?? ''}`.split('\n').slice(-30).join('\n'));
    console.log(`FAILED: ${label} (exit ${result.status ?? result.signal}, ${seconds} s)`);
  }
}
console.log(`docs smoke: ${runs.length - failed} of ${runs.length} passed`);
process.exit(failed === 0 ? 0 : 1);
